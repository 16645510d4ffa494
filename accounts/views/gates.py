"""The gate of the users pages: partners who may not administer learn nothing (404),
staff who may not are told so (403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from accounts.models import User
from accounts.policy import may_administer_users


def require_user_administration(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not may_administer_users(user):
        if user.is_partner:
            raise Http404
        raise PermissionDenied
    return user
