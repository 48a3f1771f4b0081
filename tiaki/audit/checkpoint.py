"""Signed checkpoints of the audit chain, to be kept outside the database.

A checkpoint names a chain position, its value and the row there, and is signed with the
Ed25519 key derived from the audit key (``tiaki.audit.keys``). Stored somewhere the database's
administrators cannot write (another agency, the annual report, a write-once bucket), it lets
``tiaki audit verify --checkpoint FILE`` prove that nothing up to that position has changed
since, even against someone who has learnt the audit key.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.utils import timezone

from tiaki.audit import keys
from tiaki.audit.models import ChainHead
from tiaki.audit.sealing import audit_seal
from tiaki.audit.verify import Anchor

FORMAT = "tiaki-audit-checkpoint/1"


class CheckpointError(Exception):
    """The checkpoint file is unreadable, not ours, or its signature does not hold."""


def _signed_part(body: dict[str, Any]) -> bytes:
    fields = {k: body[k] for k in ("format", "seq", "chain", "event_id", "made_at")}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def _public_key_text() -> str:
    raw = keys.signing_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def checkpoint_make() -> dict[str, Any]:
    """Seal what is committed, then sign the chain head."""
    audit_seal()
    head = ChainHead.objects.filter(pk=1).first()
    if head is None or head.last_seq == 0:
        raise CheckpointError("the audit trail has no sealed rows yet")
    body: dict[str, Any] = {"format": FORMAT, "seq": head.last_seq, "chain": head.last_hash,
                            "event_id": head.last_event_id,
                            "made_at": timezone.now().isoformat(timespec="seconds")}
    body["public_key"] = _public_key_text()
    body["signature"] = base64.b64encode(keys.signing_key().sign(_signed_part(body))).decode()
    return body


def checkpoint_read(text: str) -> Anchor:
    """The anchor in a checkpoint file, once its signature is checked against our key."""
    try:
        body = json.loads(text)
        if body.get("format") != FORMAT:
            raise CheckpointError(f"not a {FORMAT} file")
        signature = base64.b64decode(body["signature"])
        anchor = Anchor(seq=int(body["seq"]), chain=str(body["chain"]))
        signed = _signed_part(body)
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"unreadable checkpoint: {exc}") from exc
    public: Ed25519PublicKey = keys.signing_key().public_key()
    try:
        public.verify(signature, signed)
    except InvalidSignature as exc:
        raise CheckpointError("the checkpoint's signature does not verify with this "
                              "installation's audit key (forged, edited, or another key)") from exc
    return anchor
