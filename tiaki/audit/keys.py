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


@cache
def keyed_hmac(key: bytes) -> hmac.HMAC:
    """An HMAC-SHA256 under ``key`` with nothing fed to it: ``.copy()`` it for each message and
    never update it. The copy starts from the key already absorbed, which saves the key set-up
    (and OpenSSL's digest look-up) that ``hmac.digest`` repeats on every call: about half the
    cost of a MAC over an audit row (docs/benchmarks.md, "Write paths on PostgreSQL")."""
    return hmac.new(key, digestmod=hashlib.sha256)


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
