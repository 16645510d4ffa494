"""The bell of the top bar: the unread count of the user's notifications."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.selectors import notification_unread_count

register = template.Library()


@register.inclusion_tag("accounts/_bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    return {"unread": notification_unread_count(user=user), "request": context["request"]}
