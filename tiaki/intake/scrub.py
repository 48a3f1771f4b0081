"""Remove metadata from files the public attaches, before anything is stored.

Photos carry who-and-where: EXIF (camera serial, GPS position, time), XMP, IPTC, ICC
profiles naming the device, comments. Tiaki has no imaging library, so it rewrites the
containers itself, keeping only what is needed to show the picture:

* JPEG: every segment up to the scan is copied except APP1-APP15 and COM; APP0 (JFIF) is
  kept without its embedded thumbnail. The scan itself is copied as is.
* PNG: only chunks that describe pixels are kept (IHDR, PLTE, IDAT, IEND, tRNS, gAMA,
  cHRM, sRGB, sBIT, bKGD, pHYs); text, time, EXIF and ICC chunks are dropped. Each kept
  chunk's CRC is checked.
* Plain text has no metadata; it must be UTF-8.

A file that does not parse is refused rather than stored unscrubbed. The EXIF orientation
goes with the rest, so a phone photo may show rotated; investigators can rotate it.
"""

from __future__ import annotations

import struct
import zlib

from tiaki.core.policy import Refused

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT",
             b"bKGD", b"pHYs"}
# JPEG markers without a length field.
_STANDALONE = {0x01, *range(0xD0, 0xD8)}


def _bad(what: str) -> Refused:
    return Refused(f"The {what} could not be read, so it was not accepted. "
                   "Please attach a different file.")


def scrub_jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        raise _bad("photo")
    out = bytearray(b"\xff\xd8")
    pos = 2
    while True:
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise _bad("photo")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _STANDALONE:
            out += data[pos:pos + 2]
            pos += 2
            continue
        if marker == 0xD9:  # end of image before any scan
            raise _bad("photo")
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise _bad("photo")
        segment = data[pos:pos + 2 + length]
        if marker == 0xDA:  # start of scan: the rest is image data
            out += data[pos:]
            return bytes(out)
        if marker == 0xE0:
            body = segment[4:]
            if body.startswith(b"JFIF\x00") and len(body) >= 14:
                # Keep version, density; set the thumbnail size to 0x0 and drop its pixels.
                kept = body[:12] + b"\x00\x00"
                out += b"\xff\xe0" + struct.pack(">H", len(kept) + 2) + kept
        elif 0xE1 <= marker <= 0xEF or marker == 0xFE:
            pass  # APP1..APP15 (EXIF, XMP, ICC, IPTC, Adobe …) and comments
        else:
            out += segment
        pos += 2 + length


def scrub_png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise _bad("picture")
    out = bytearray(_PNG_SIGNATURE)
    pos = len(_PNG_SIGNATURE)
    seen_end = False
    while pos < len(data):
        if pos + 12 > len(data):
            raise _bad("picture")
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise _bad("picture")
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:end])
        if zlib.crc32(kind + body) != crc:
            raise _bad("picture")
        if kind in _PNG_KEEP:
            out += data[pos:end]
        pos = end
        if kind == b"IEND":
            seen_end = True
            break
    if not seen_end or out[12:16] != b"IHDR":
        raise _bad("picture")
    return bytes(out)


def scrub_text(data: bytes) -> bytes:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad("text file") from exc
    return data


SCRUBBERS = {
    "image/jpeg": scrub_jpeg,
    "image/png": scrub_png,
    "text/plain": scrub_text,
}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "text/plain": "txt"}


def scrub(content_type: str, data: bytes) -> bytes:
    try:
        scrubber = SCRUBBERS[content_type]
    except KeyError as exc:
        raise Refused("Only photos (JPEG or PNG) and plain text files can be attached.") from exc
    return scrubber(data)
