from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from tiaki.core.i18n import staff_catalogue


def platform(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: demo banner, the user's roles, unread notifications."""
    user = getattr(request, "user", None)
    roles: set[str] = set()
    unread = 0
    if user is not None and user.is_authenticated and hasattr(user, "role_codes"):
        roles = user.role_codes()
        # One indexed count per page (core_notif_unread), for the header.
        unread = user.notifications.filter(read_at__isnull=True).count()
    catalogue = staff_catalogue(get_language() or settings.LANGUAGE_CODE)
    return {
        "TIAKI_DEMO": settings.TIAKI_DEMO,
        "staff_language_unreviewed": catalogue is not None and not catalogue.reviewed,
        "user_roles": roles,
        "unread_notifications": unread,
    }
