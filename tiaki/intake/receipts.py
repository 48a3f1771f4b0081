"""Receipt codes: the reporter's only key to their anonymous report.

A code is 20 characters from Crockford's base-32 alphabet (no I, L, O or U, so it survives
being read aloud or copied by hand), shown as five groups of four: ``7KQ2-M9XD-…``. That is
100 random bits, far beyond guessing.

The code itself is never stored. Each report keeps

* a *look-up digest*: HMAC-SHA256 of the code under a server key, so finding the report is
  one indexed query, never a scan; and
* a *verifier*: scrypt of the code with a per-row salt (a slow hash), checked in constant
  time.

A wrong code costs the same work as a right one (a dummy scrypt runs), so timing does not
reveal whether a report exists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32
GROUPS = 5
GROUP_LENGTH = 4
CODE_LENGTH = GROUPS * GROUP_LENGTH
# Crockford's decoding rules: letters people confuse are read as the digit they look like.
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
# scrypt cost: 2**14 x 8 x 1 uses 16 MiB and takes tens of milliseconds per check.
_SCRYPT_N = 2**14
_SCRYPT_R = 8
_SCRYPT_P = 1


class MalformedCode(ValueError):
    """The text typed cannot be a receipt code (wrong length or characters)."""


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return format_code(raw)


def format_code(raw: str) -> str:
    return "-".join(raw[i:i + GROUP_LENGTH] for i in range(0, CODE_LENGTH, GROUP_LENGTH))


def normalise(typed: str) -> str:
    """Upper-case, drop spaces and dashes, map confusable letters; refuse anything else."""
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t\n\r").translate(_CONFUSABLE)
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        raise MalformedCode("a receipt code has 20 letters and numbers in five groups")
    return cleaned


def _key() -> bytes:
    # A dedicated key may be set so that rotating SECRET_KEY does not orphan every receipt.
    key = getattr(settings, "TIAKI_RECEIPT_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(b"tiaki.intake.receipt:" + key.encode()).digest()


def lookup_digest(code: str) -> str:
    return hmac.new(_key(), normalise(code).encode(), hashlib.sha256).hexdigest()


def _scrypt(code: str, salt: bytes) -> str:
    return hashlib.scrypt(normalise(code).encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R,
                          p=_SCRYPT_P, maxmem=64 * 1024 * 1024, dklen=32).hex()


def make_verifier(code: str) -> tuple[str, str]:
    """(salt, hash) to store for a new code."""
    salt = secrets.token_bytes(16)
    return salt.hex(), _scrypt(code, salt)


def verify(code: str, salt_hex: str, expected: str) -> bool:
    return hmac.compare_digest(_scrypt(code, bytes.fromhex(salt_hex)), expected)


def burn_equal_time(code: str) -> None:
    """Do the work of a verification for a code that matched nothing."""
    _scrypt(code, b"\x00" * 16)
