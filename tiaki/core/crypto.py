"""Field encryption for identifying details, with keys kept outside the database.

Victims' names, dates of birth, documents, contacts and addresses are stored only as
ciphertext (issue 4: "encrypted at rest with keys outside the database and rotatable").
The keys come from the environment variable ``TIAKI_FIELD_KEYS``: comma-separated Fernet
keys, newest first. The newest key encrypts; every key listed can decrypt, so a key is
rotated by putting a new key first, running ``tiaki rotate_keys`` (which re-encrypts every
stored value with the newest key) and then dropping the old key.

In development and test, when the variable is unset, a key file is generated on first use
under the var directory (``var/`` is never committed). Production refuses to run without the
variable: ``field_keys_configured()`` is what settings checks at start-up.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ENV_VAR = "TIAKI_FIELD_KEYS"
KEY_FILE_NAME = "field-keys"


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


def field_keys_configured() -> bool:
    """True when the keys come from the environment (what production requires)."""
    return bool(os.environ.get(ENV_VAR, "").strip())


def _key_file() -> Path:
    return Path(settings.VAR_DIR) / KEY_FILE_NAME


def _read_keys() -> list[bytes]:
    raw = os.environ.get(ENV_VAR, "").strip()
    if raw:
        keys = [part.strip().encode() for part in raw.split(",") if part.strip()]
    elif getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured(
            f"{ENV_VAR} is not set: production needs the field-encryption keys in the "
            "environment (comma-separated Fernet keys, newest first)"
        )
    else:
        path = _key_file()
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Create with owner-only permissions; never overwrite a key file that exists.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key() + b"\n")
        keys = [line.strip() for line in path.read_bytes().splitlines() if line.strip()]
    if not keys:
        raise ImproperlyConfigured(f"{ENV_VAR} holds no keys")
    for key in keys:
        try:
            Fernet(key)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{ENV_VAR}: each key must be 32 url-safe base64-encoded bytes (Fernet)"
            ) from exc
    return keys


@lru_cache(maxsize=1)
def _multi() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _read_keys()])


def reset_keys() -> None:
    """Forget the cached keys (after the environment changed, e.g. in tests or rotation)."""
    _multi.cache_clear()


def encrypt_json(value: Any) -> str:
    """Encrypt a JSON-serialisable value with the newest key."""
    data = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()
    return _multi().encrypt(data).decode()


def decrypt_json(token: str) -> Any:
    """Decrypt a value stored by ``encrypt_json`` (with any configured key)."""
    try:
        return json.loads(_multi().decrypt(token.encode()))
    except InvalidToken as exc:
        raise DecryptionError("the value cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt a stored value with the newest key (the plaintext never leaves memory)."""
    try:
        return _multi().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("the value cannot be decrypted with the configured keys") from exc


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt a file's contents with the newest key (attachments kept like identities)."""
    return _multi().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _multi().decrypt(token)
    except InvalidToken as exc:
        raise DecryptionError("the file cannot be decrypted with the configured keys") from exc


def rotate_bytes(token: bytes) -> bytes:
    try:
        return _multi().rotate(token)
    except InvalidToken as exc:
        raise DecryptionError("the file cannot be decrypted with the configured keys") from exc
