"""The certification certificate as a one-page PDF, written without a PDF library.

A certificate is a few lines of text, so a minimal PDF 1.4 file (one page, the standard
Helvetica fonts, which every reader has) is enough and avoids a heavy dependency. It carries
no identifying details: only the case's pseudonymous reference (seed 002, item 13).
"""

from __future__ import annotations

import textwrap

from django.utils import timezone

from tiaki.cases.models import Certification

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN = 64


# Te reo Māori names need the macron vowels, which WinAnsi lacks. The standard fonts carry
# those glyphs, so the font's encoding maps them onto codes 128-137 (WinAnsi's Euro and
# rarely used punctuation) through a /Differences array.
MACRON_GLYPHS = ["Amacron", "amacron", "Emacron", "emacron", "Imacron", "imacron",
                 "Omacron", "omacron", "Umacron", "umacron"]
_MACRON_CODES = {ch: chr(128 + i) for i, ch in enumerate("ĀāĒēĪīŌōŪū")}
ENCODING = ("<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [128 "
            + " ".join(f"/{name}" for name in MACRON_GLYPHS) + "] >>")


def _escape(text: str) -> str:
    # PDF strings are bytes in the font's encoding; anything else outside Latin-1 is "?".
    mapped = "".join(_MACRON_CODES.get(ch, ch) for ch in text)
    safe = mapped.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _lines(cert: Certification) -> list[tuple[str, int, str]]:
    """(font, size, text) rows, top to bottom."""
    local = timezone.localtime
    rows: list[tuple[str, int, str]] = [
        ("F2", 18, "New Zealand Police"),
        ("F2", 16, "Certification of a suspected victim of trafficking"),
        ("F1", 11, ""),
        ("F1", 11, f"Certificate reference: {cert.reference}"),
        ("F1", 11, f"Case reference: {cert.case.reference}"),
        ("F1", 11, "Date issued: "
         + (f"{local(cert.decided_at):%d %B %Y}" if cert.decided_at else "not issued")),
        ("F1", 11, "Endorsed by: " + (cert.endorsed_by.get_full_name()
                                      or cert.endorsed_by.username if cert.endorsed_by else "")),
        ("F1", 11, ""),
    ]
    statement = (
        "New Zealand Police certify that there is a reasonable suspicion that the person "
        "known by the case reference above has been trafficked, within the meaning of "
        "section 98D of the Crimes Act 1961. This certification was made on an assessment "
        "of evidence and witness statements and endorsed by a senior police officer "
        "(Plan of Action to Prevent People Trafficking, 2009, action item 13)."
    )
    rows += [("F1", 11, line) for line in textwrap.wrap(statement, 88)]
    if cert.status == Certification.Status.REVOKED:
        rows += [("F1", 11, ""), ("F2", 14, "REVOKED")]
        when = f"{local(cert.revoked_at):%d %B %Y}" if cert.revoked_at else ""
        rows += [("F1", 11, f"This certification was revoked on {when}.")]
    rows += [("F1", 11, ""), ("F1", 9, "Identity is held by the case team under the reference "
                                       "above. Verify with New Zealand Police.")]
    return rows


def certificate_pdf(cert: Certification) -> bytes:
    commands = ["BT"]
    y = PAGE_HEIGHT - MARGIN
    for font, size, text in _lines(cert):
        y -= int(size * 1.6)
        commands.append(f"/{font} {size} Tf 1 0 0 1 {MARGIN} {y} Tm ({_escape(text)}) Tj")
    commands.append("ET")
    stream = "\n".join(commands).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
         "/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>").encode(),
        f"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding {ENCODING} >>".encode(),
        (f"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding {ENCODING} >>"
         ).encode(),
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)
