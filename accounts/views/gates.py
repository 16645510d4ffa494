"""Gates of pages: the users pages (partners who may not administer learn nothing, 404;
staff who may not are told so, 403), and a page a policy rule opens (403 otherwise)."""

from __future__ import annotations

from collections.abc import Callable

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


def require(request: HttpRequest, allowed: Callable[[User], bool]) -> User:
    """The request's user when ``allowed`` (an accounts.policy rule) lets it in."""
    user: User = request.user  # type: ignore[assignment]
    if not allowed(user):
        raise PermissionDenied
    return user
