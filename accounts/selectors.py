"""Reads for the accounts app."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import ApiToken, User


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """A user's own API tokens (nobody sees another's, admins included)."""
    return ApiToken.objects.filter(user=user)
