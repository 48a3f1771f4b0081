"""One permission policy per model, used by pages and the API alike.

A policy answers two questions: which rows of its model a user may see (``scope``, which
filters querysets) and whether a user may take an action on one row (``check``). Fetching a
row for a user always goes through ``get_visible``, so a row the user may not see answers
exactly like a row that does not exist ("missing" and "forbidden" answer alike).
Modelled on Zulip's ``access_stream_by_id``: fetch and authorise in one helper.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.http import Http404
from django.utils.translation import gettext


class Refused(Exception):
    """A workflow step or action was refused; the message says why, in plain words.

    Services word the reason as a clause ("the case is closed"), which reads well inside
    logs and other sentences; ``reason`` is how a person is shown it: a sentence with a
    capital letter and a full stop."""

    @property
    def reason(self) -> str:
        text = str(self).strip()
        if not text:
            return gettext("This step was refused.")
        text = text[0].upper() + text[1:]
        return text if text[-1] in ".!?:)" else f"{text}."


class NotVisible(Http404):
    """The object does not exist or the user may not see it (the two answer alike).

    It remembers which kind of record and which key were asked for, so the refusal can be
    audited (``tiaki.core.errors``); the page shown says neither."""

    def __init__(self, message: str = "not found", *, object_type: str = "",
                 object_id: str = "") -> None:
        super().__init__(message)
        self.object_type = object_type
        self.object_id = object_id


class Policy[M: models.Model]:
    model: ClassVar[type[models.Model]]

    def scope(self, user: Any, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
        """Rows of ``queryset`` that ``user`` may see. Default: none."""
        return queryset.none()

    def refusal(self, user: Any, action: str, obj: M) -> str | None:
        """Why ``user`` may not take ``action`` on ``obj``, or None when they may."""
        return f"you may not {action} this record"

    def check(self, user: Any, action: str, obj: M) -> None:
        reason = self.refusal(user, action, obj)
        if reason is not None:
            refusal_record(user, action=action, obj=obj, reason=reason)
            raise Refused(reason)

    def allows(self, user: Any, action: str, obj: M) -> bool:
        return self.refusal(user, action, obj) is None


def refusal_record(user: Any, *, action: str, obj: models.Model, reason: str) -> None:
    """Audit a refused action (who, what, which object, why). Services check before they
    open their transaction, so the row is not undone with the refused change."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    from tiaki.audit.services import Action, audit_record  # audit's own policies import us

    audit_record(actor=user, action=Action.REFUSED, obj=obj,
                 summary=f"Refused: {action} {obj._meta.verbose_name} {obj.pk}"[:300],
                 changes={"action": action}, reason=reason)


_REGISTRY: dict[type[models.Model], Policy[Any]] = {}


def register[P: Policy[Any]](policy_cls: type[P]) -> type[P]:
    _REGISTRY[policy_cls.model] = policy_cls()
    return policy_cls


def policy_for(model: type[models.Model]) -> Policy[Any]:
    try:
        return _REGISTRY[model]
    except KeyError as exc:
        raise LookupError(f"no permission policy registered for {model.__name__}") from exc


def visible[M: models.Model](user: Any, source: type[M] | models.QuerySet[M]) -> models.QuerySet[M]:
    """The rows of a model (or of a queryset) that ``user`` may see."""
    queryset = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    policy: Policy[M] = policy_for(queryset.model)
    return policy.scope(user, queryset)


def get_visible[M: models.Model](
    user: Any, source: type[M] | models.QuerySet[M], **lookup: Any
) -> M:
    """Fetch one row the user may see, or raise ``NotVisible`` (a 404) whatever the cause."""
    queryset = visible(user, source)
    try:
        return queryset.get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        key = ",".join(f"{k}={v}" for k, v in sorted(lookup.items()))
        raise NotVisible("not found", object_type=queryset.model._meta.label_lower,
                         object_id=key) from exc
