from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: demo banner, the user's roles and agency."""
    user = getattr(request, "user", None)
    roles: set[str] = set()
    if user is not None and user.is_authenticated and hasattr(user, "role_codes"):
        roles = user.role_codes()
    return {
        "TIAKI_DEMO": settings.TIAKI_DEMO,
        "user_roles": roles,
    }
