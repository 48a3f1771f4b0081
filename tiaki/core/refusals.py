"""One way for pages to show a refused step: run the service, keep the reason.

Every page that calls a service does the same thing when the service refuses: it stays on
the form, keeps what was typed and shows the reason in plain words. ``refusal_kept`` is that
one place, so a view reads as "make the call; on success move on":

    with refusal_kept() as refused:
        case = services.case_open(actor=request.user, ...)
        messages.success(request, f"Case {case.reference} opened.")
        return redirect(...)
    error = refused.reason   # "" when nothing was refused

Only ``Refused`` is caught; any other error still propagates to the error pages.

Record pages with several steps (an investigation, a privacy request or breach) name each
step's form and handler in one table and run them through ``form_step``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from django import forms
from django.http import Http404, HttpRequest

from tiaki.core.policy import Refused


class refusal_kept:
    """Context manager that swallows ``Refused`` and keeps its reason on ``.reason``."""

    def __init__(self) -> None:
        self.reason = ""

    def __enter__(self) -> refusal_kept:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> bool:
        if exc is not None and isinstance(exc, Refused):
            self.reason = exc.reason
            return True
        return False

    def __bool__(self) -> bool:
        return bool(self.reason)


def form_problems(form: forms.BaseForm) -> str:
    """Each invalid field by its label with its messages, on one line for the page."""
    return "; ".join(f"{form.fields[f].label or f if f in form.fields else f}: "
                     f"{' '.join(str(m) for m in e)}" for f, e in form.errors.items())


@dataclass
class Step:
    """What a page's step gave: its bound form, and the success message or the error."""

    form: forms.BaseForm
    message: str = ""
    error: str = ""


def form_step(request: HttpRequest,
              actions: Mapping[str, tuple[type[forms.BaseForm], Callable[..., str]]],
              action: str, obj: Any, *extra: Any) -> Step:
    """Run one of a record page's named steps (``actions``: name -> (form, handler)).

    The form, bound with ``prefix=action``, checks shapes; the handler
    ``handler(request, obj, cleaned_data, *extra)`` makes the service call and returns the
    success message. An unknown step is 404; invalid input or a refusal comes back as
    ``error`` in plain words, with the form still holding what was typed.
    """
    if action not in actions:
        raise Http404("not found")
    form_class, handler = actions[action]
    form = form_class(request.POST, prefix=action)
    if not form.is_valid():
        return Step(form, error=form_problems(form))
    with refusal_kept() as refused:
        return Step(form, message=handler(request, obj, form.cleaned_data, *extra))
    return Step(form, error=refused.reason)
