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
"""

from __future__ import annotations

from types import TracebackType

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
