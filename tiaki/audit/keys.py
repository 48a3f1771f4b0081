"""The audit key: the secret that makes the trail's MACs and seals unforgeable from inside the
database.

It comes from ``TIAKI_AUDIT_KEY`` (at least 32 characters), never from the database, and
production refuses to start without it (settings.py), like ``TIAKI_FIELD_KEYS``. Checkpoints
are signed with an Ed25519 key derived from it, so anyone holding the public half (printed
in every checkpoint file) can check a checkpoint without being able to make one.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings


def audit_key() -> bytes:
    return str(settings.TIAKI_AUDIT_KEY).encode()


@cache
def _mac_key(raw: bytes) -> bytes:
    # Separate sub-keys for row MACs, seals and signing, so no value is reused across roles.
    return hmac.digest(raw, b"tiaki-audit-row-mac", "sha256")


@cache
def _seal_key(raw: bytes) -> bytes:
    return hmac.digest(raw, b"tiaki-audit-seal", "sha256")


_INNER_PAD = bytes(b ^ 0x36 for b in range(256))
_OUTER_PAD = bytes(b ^ 0x5C for b in range(256))


class KeyedSha256:
    """HMAC-SHA256 (RFC 2104) under one key, with the key's two padded blocks hashed once.

    ``hmac.digest`` sets the key up and looks the digest up in OpenSSL on every call, and an
    ``hmac.HMAC`` copy goes through three Python methods per message; for the millions of
    rows ``audit verify`` checks, those were half the cost of a MAC. This is the construction
    CPython's ``hmac`` module uses without OpenSSL, on ``hashlib.sha256`` copies; its output
    is held equal to ``hmac.digest`` in tests/audit/test_canonical.py.
    """

    __slots__ = ("inner", "outer")

    def __init__(self, key: bytes) -> None:
        if len(key) > _BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(_BLOCK, b"\0")
        # SHA-256 states with the padded key absorbed: copy them, never update them.
        self.inner = hashlib.sha256(key.translate(_INNER_PAD))
        self.outer = hashlib.sha256(key.translate(_OUTER_PAD))

    def hexdigest(self, message: bytes) -> str:
        inner = self.inner.copy()
        inner.update(message)
        outer = self.outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


_BLOCK = 64  # SHA-256's block size in bytes


@cache
def keyed_hmac(key: bytes) -> KeyedSha256:
    return KeyedSha256(key)


def mac_key() -> bytes:
    return _mac_key(audit_key())


def seal_key() -> bytes:
    return _seal_key(audit_key())


def signing_key() -> Ed25519PrivateKey:
    seed = hmac.digest(audit_key(), b"tiaki-audit-checkpoint-signing", "sha256")
    return Ed25519PrivateKey.from_private_bytes(seed)


def key_fingerprint() -> str:
    """Names the key in reports without revealing it."""
    return hashlib.sha256(mac_key()).hexdigest()[:16]
