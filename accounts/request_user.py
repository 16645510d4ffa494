"""The request's user as the product's user model (LoginRequiredMiddleware lets only
logged-in users reach the views)."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User


def current_user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]
