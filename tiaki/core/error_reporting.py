"""Error reports to a service the operator chooses (Sentry or a Sentry-compatible one such as
GlitchTip), only when ``TIAKI_ERROR_DSN`` is set; nothing is sent otherwise.

Tiaki holds victims' and reporters' details, so a report carries the error and where it
happened, never what was typed: no request bodies, cookies, query strings or headers that
authenticate, no local variables, no user details beyond the numeric id.
"""

from __future__ import annotations

from typing import Any

# Headers that could identify or authenticate the person (the rest describe the request).
_DROP_HEADERS = {"cookie", "authorization", "x-csrftoken", "x-forwarded-for", "x-real-ip",
                 "user-agent", "referer"}


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """``before_send``: strip what could carry personal data before an event leaves."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items()
                                  if k.lower() not in _DROP_HEADERS}
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    event.pop("breadcrumbs", None)  # log lines and SQL may hold what was typed
    return event


def error_reporting_init(*, dsn: str, environment: str, release: str = "",
                         **extra: Any) -> bool:
    """Start error reporting when a DSN is configured; returns whether it started."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0.0,
        before_send=scrub,  # type: ignore[arg-type]
        **extra,
    )
    return True
