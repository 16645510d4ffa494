"""The bell of the top bar: the unread count of the user's notifications."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.selectors import notification_unread_count

register = template.Library()


@register.inclusion_tag("accounts/_bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread": 0, "request": request}
    return {"unread": notification_unread_count(user=user), "request": request}
