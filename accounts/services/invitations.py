"""Invitations: an admin (anyone, any role) or a partner editor (viewers and editors of
its own organisation) invites a person by e-mail; the person follows the one-time link,
chooses a password and has an account.

The token travels in the e-mail only (and in the task message that sends it); the
database keeps its SHA-256 hash. A lost e-mail is replaced by inviting the address again,
which cancels the previous link."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from celery import current_app
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import PARTNER_ROLES, AccountEvent, Invitation, Role, User
from accounts.policy import may_invite
from accounts.services.history import account_event_record

if TYPE_CHECKING:  # types only: conventions is above accounts
    from conventions.models import Partner

# How long an invitation link stays valid (hours).
INVITATION_TTL_HOURS: int = settings.INVITATION_TTL_HOURS


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str  # e-mailed, never stored


def invitation_create(
    *, actor: User, email: str, role: str, partner: Partner | None, language: str
) -> NewInvitation:
    """Records the invitation and queues its e-mail once the transaction commits."""
    email = email.strip().lower()
    errors: dict[str, str] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Adresse e-mail invalide.")
    if role not in Role.values:
        errors["role"] = _("Rôle inconnu.")
    elif role in PARTNER_ROLES and partner is None:
        errors["partner"] = _("Un utilisateur partenaire appartient à une organisation partenaire.")
    elif role not in PARTNER_ROLES and partner is not None:
        errors["partner"] = _("Seuls les utilisateurs partenaires sont rattachés à un partenaire.")
    if language not in dict(settings.LANGUAGES):
        errors["language"] = _("Langue inconnue.")
    if "email" not in errors and User.objects.filter(email__iexact=email).exists():
        errors["email"] = _("Un compte existe déjà avec l'adresse %(email)s.") % {"email": email}
    if errors:
        raise ValidationError(errors)
    if not may_invite(actor, role=role, partner=partner):
        raise PermissionDenied
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        # One open link per address: inviting again replaces the previous one.
        Invitation.objects.filter(email__iexact=email, accepted_at=None, revoked_at=None).update(
            revoked_at=now
        )
        invitation = Invitation.objects.create(
            email=email,
            role=role,
            partner=partner if role in PARTNER_ROLES else None,
            language=language,
            invited_by=actor,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + dt.timedelta(hours=INVITATION_TTL_HOURS),
        )
        account_event_record(
            actor=actor,
            action=AccountEvent.Action.INVITED,
            partner=invitation.partner,
            email=email,
            details={"role": role},
        )
        # Queued by name: the tasks module imports this one (accounts.apps registers it).
        task = current_app.tasks["accounts.invitation_email"]
        transaction.on_commit(functools.partial(task.delay, invitation.pk, token))
    return NewInvitation(invitation=invitation, token=token)


def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    if not may_invite(actor, role=invitation.role, partner=invitation.partner):
        raise PermissionDenied
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is None and locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            account_event_record(
                actor=actor,
                action=AccountEvent.Action.INVITATION_REVOKED,
                partner=locked.partner,
                email=locked.email,
            )
    return locked


def invitation_link(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("accounts:invitation_accept", args=[token])


def invitation_email_send(*, invitation_id: int, token: str) -> bool:
    """Sends the invitation e-mail once (a redelivered task finds it sent); raises on an
    SMTP failure so that the task retries. Returns whether an e-mail left now."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("partner", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.email_sent_at or not invitation.is_pending:
            return False
        if invitation.token_hash != hash_token(token):
            return False
        with translation.override(invitation.language):
            context = {
                "invitation": invitation,
                "link": invitation_link(token),
                "role": invitation.get_role_display(),
                "hours": INVITATION_TTL_HOURS,
            }
            subject = _("Invitation au suivi des talents Offshoring")
            body = render_to_string("accounts/email/invitation.txt", context)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
        invitation.email_sent_at = timezone.now()
        invitation.save(update_fields=["email_sent_at"])
    return True


def invitation_for_token(*, token: str) -> Invitation | None:
    """The pending invitation of this link, or None (unknown, used, cancelled, expired)."""
    invitation = (
        Invitation.objects.select_related("partner").filter(token_hash=hash_token(token)).first()
    )
    if invitation is None or not invitation.is_pending:
        return None
    return invitation


def invitation_accept(*, token: str, first_name: str, last_name: str, password: str) -> User:
    """Creates the account of the invitation (its e-mail address is its username) with
    the chosen password, checked by the password validators; the link is spent."""
    with transaction.atomic():
        invitation = invitation_for_token(token=token)
        if invitation is None:
            raise ValidationError(
                _("Ce lien d'invitation n'est plus valable (déjà utilisé, annulé ou expiré).")
            )
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_pending:
            raise ValidationError(
                _("Ce lien d'invitation n'est plus valable (déjà utilisé, annulé ou expiré).")
            )
        if User.objects.filter(username__iexact=invitation.email).exists():
            raise ValidationError(
                _("Un compte existe déjà avec l'adresse %(email)s.") % {"email": invitation.email}
            )
        user = User(
            username=invitation.email,
            email=invitation.email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            role=invitation.role,
            partner=invitation.partner,
            language=invitation.language,
            is_staff=invitation.role == Role.ADMIN,
            is_superuser=invitation.role == Role.ADMIN,
        )
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"new_password1": error.messages}) from None
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        invitation.accepted_at = timezone.now()
        invitation.user = user
        invitation.save(update_fields=["accepted_at", "user"])
        account_event_record(
            actor=user,
            action=AccountEvent.Action.INVITATION_ACCEPTED,
            target_user=user,
            details={"role": user.role, "invited_by": getattr(invitation.invited_by, "pk", None)},
        )
    return user
