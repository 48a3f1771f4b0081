"""One audit row per page or API read of victim-case data (issue 15, item 8).

"Every read of a victim record is recorded" holds only if every page and endpoint that shows
one writes a row, so they all call :func:`audit_read` with what they showed. A list writes
one row naming the references it showed (not one row per record: a page of 200 cases is
one read by one person for one purpose), a detail page one row for its record. The row is
written before the response is rendered; a read whose row cannot be written fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from tiaki.audit.models import AuditEvent
from tiaki.audit.services import Action, audit_record, object_label

# A list row names at most this many references; the count is always exact. Keeps a row a
# few kilobytes however long the list (pages already cap theirs at 200-500 rows).
MAX_REFERENCES = 500


def reference_of(obj: models.Model) -> str:
    """How a record is named in the trail: its reference where it has one, else its key."""
    reference = getattr(obj, "reference", "")
    return str(reference) if reference else str(obj.pk)


def audit_read(*, actor: Any, objects: models.Model | Iterable[models.Model],
               purpose: str, channel: str = "page",
               model: type[models.Model] | None = None) -> AuditEvent:
    """Record that ``actor`` read ``objects`` (one record, or the records a list showed).

    ``purpose`` says what was read, in words ("case list", "certificate"); ``channel`` is
    ``page``, ``api`` or ``pdf``. ``model`` names the kind of record when a list is empty.
    """
    if isinstance(objects, models.Model):
        single: models.Model | None = objects
        shown = [objects]
    else:
        single = None
        shown = list(objects)
    kind = model or (type(shown[0]) if shown else None)
    references = [reference_of(o) for o in shown]
    return audit_record(
        actor=actor, action=Action.READ,
        object_type=object_label(kind) if kind is not None else "",
        object_id=str(single.pk) if single is not None else "",
        summary=(f"{purpose} ({channel}): "
                 + (references[0] if single is not None else f"{len(references)} shown")),
        changes={"channel": channel, "purpose": purpose, "count": len(references),
                 "references": references[:MAX_REFERENCES]},
    )
