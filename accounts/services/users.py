"""Writes on users: the role decides the Django flags, never the other way round."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.models.users import PARTNER_ROLES

if TYPE_CHECKING:  # the user's organisation, a type only: conventions is a room above
    from conventions.models import Partner


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


# --- Password reset -------------------------------------------------------------------


def user_password_reset_email_send(*, user_id: int, domain: str, use_https: bool) -> None:
    """Sends the password-reset e-mail (link valid PASSWORD_RESET_TIMEOUT seconds) in the
    user's own language, through the configured e-mail backend. Run by a task, so the
    answer to the request takes the same time whether the address exists or not."""
    from django.contrib.auth.forms import PasswordResetForm
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode
    from django.utils.translation import override

    user = User.objects.filter(id=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": _("Suivi des talents Offshoring"),
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    with override(user.language or settings.LANGUAGE_CODE):
        PasswordResetForm().send_mail(
            "registration/password_reset_subject.txt",
            "registration/password_reset_email.txt",
            context,
            settings.DEFAULT_FROM_EMAIL,
            user.email,
        )


def user_login_locks_clear(*, user: User) -> None:
    """Lifts every login lock of this username: its owner has just proved, by the reset
    e-mail, that the account is theirs."""
    from axes.utils import reset

    reset(username=user.get_username())
