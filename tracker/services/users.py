"""Writes on users: the role decides the Django flags, never the other way round."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from conventions.models import Partner
from tracker.models import Role, User
from tracker.models.users import PARTNER_ROLES


def _check_role_and_partner(*, role: str, partner: Partner | None) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Rôle inconnu.")})
    if role in PARTNER_ROLES and partner is None:
        raise ValidationError(
            {"partner": _("Un utilisateur partenaire appartient à une organisation partenaire.")}
        )
    if role not in PARTNER_ROLES and partner is not None:
        raise ValidationError(
            {"partner": _("Seuls les utilisateurs partenaires sont rattachés à un partenaire.")}
        )


@transaction.atomic
def user_upsert(
    *,
    username: str,
    role: str,
    password: str | None = None,
    partner: Partner | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Creates or updates a user; only admins get into Django's admin site."""
    _check_role_and_partner(role=role, partner=partner)
    user = User.objects.filter(username=username).first() or User(username=username)
    user.role = role
    user.partner = partner
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    if password is not None:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_set_language(*, user: User, language: str) -> None:
    """Remembers the interface language a user chose, so every session and device opens
    in it. Unknown codes are refused: the middleware activates whatever is stored."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Langue inconnue.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
