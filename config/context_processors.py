from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from config.navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The role-aware navigation shown in the top bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": navigation_for(user, current_path=request.path)}
