"""Personal API tokens: created and revoked by their owner (web page "Mes jetons d'API"),
checked on every API request by tracker.api.authentication."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, User

# "ott_" (offshoring talent tracker) makes a leaked token recognisable by secret scanners.
TOKEN_PREFIX = "ott_"  # noqa: S105 - a marker, not a secret
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often per token (seconds): one UPDATE per minute,
# not one per request.
LAST_USED_RESOLUTION = 60


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def api_token_create(*, user: User, name: str) -> NewToken:
    if not user.is_active:
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Donnez un nom à ce jeton (ex. « Synchronisation SI »).")})
    if len(name) > 100:
        raise ValidationError({"name": _("Trop long : %(n)s caractères au plus.") % {"n": 100}})
    if ApiToken.objects.filter(user=user, revoked_at=None).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {
                "name": _("Au plus %(n)s jetons actifs : révoquez-en un d'abord.")
                % {"n": MAX_ACTIVE_TOKENS}
            }
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[: len(TOKEN_PREFIX) + 6], key_hash=hash_secret(secret)
    )
    return NewToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken, user: User) -> ApiToken:
    """Only the owner revokes its token; revoking twice changes nothing."""
    if token.user_id != user.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The active token with this secret (its user active too), or None; notes its use."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_secret(secret), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
