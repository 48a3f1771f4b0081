"""Error pages inside the site's layout, and an audit row for each refusal.

Django calls these handlers (``tiaki.urls``) whenever ``DEBUG`` is off, which it always is in
demo mode and production (``tiaki.settings``). A record someone may not see answers exactly
like one that does not exist (404, ``core.policy.get_visible``); 403 is only for a whole
section a role may never use. Either way the auditor can find who was refused what, which
object and why (``audit.Action.REFUSED``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext, gettext_noop

from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import NotVisible

log = logging.getLogger(__name__)

# In English here; each page is shown in the reader's language.
PAGES = {
    400: (gettext_noop("Bad request"),
          gettext_noop("Tiaki could not read that request. Go back, check what you entered "
                       "and try again.")),
    403: (gettext_noop("Not open to your role"),
          gettext_noop("This part of Tiaki is not open to your role. If your work needs it, "
                       "ask your agency's administrator.")),
    404: (gettext_noop("Not found"),
          gettext_noop("There is nothing here for you: the address may be mistyped, or the "
                       "record may not exist or may not be shared with you.")),
    500: (gettext_noop("Something went wrong"),
          gettext_noop("Tiaki could not finish this request. Nothing you entered was "
                       "half-saved; try again in a minute.")),
}


def refusal_audit(request: HttpRequest, *, status: int, reason: str,
                  object_type: str = "", object_id: str = "") -> None:
    """Record a refused request by a signed-in user (anonymous visitors leave no trace)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    try:
        audit_record(actor=user, action=Action.REFUSED, object_type=object_type,
                     object_id=object_id[:64],
                     summary=f"{status} on {request.method} {request.path}"[:300],
                     changes={"status": status, "path": request.path[:500]}, reason=reason)
    except Exception:  # the refusal page must still show if the audit write fails
        log.exception("could not record a refusal in the audit trail")


def _page(request: HttpRequest, status: int) -> HttpResponse:
    title, message = PAGES[status]
    html = loader.render_to_string("core/error.html", {
        "status": status, "title": gettext(title), "message": gettext(message)}, request=request)
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    refusal_audit(request, status=403, reason=str(exception) or "section not open to the role")
    return _page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, NotVisible):
        refusal_audit(request, status=404, reason="missing or not visible to the user",
                      object_type=exception.object_type, object_id=exception.object_id)
    else:
        refusal_audit(request, status=404, reason="no such page")
    return _page(request, 404)


def server_error(request: HttpRequest, *args: Any) -> HttpResponse:
    try:
        return _page(request, 500)
    except Exception:  # the layout itself failed: plain words, no details
        log.exception("the 500 page could not be rendered in the layout")
        return HttpResponseServerError("<h1>Something went wrong</h1><p>Tiaki could not "
                                       "finish this request. Try again in a minute.</p>")
