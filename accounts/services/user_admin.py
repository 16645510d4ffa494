"""Account changes made in the product: role, deactivation, reactivation. Each is
checked against accounts.policy and written with its history entry.

A deactivated user is refused from the next request on: the authentication backend
drops inactive users from their sessions and the API refuses their tokens
(tracker.services.api_tokens). Their sessions are also deleted, so nothing of them
lingers in the session store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import PARTNER_ROLES, AccountEvent, Role, User
from accounts.policy import may_change_active, may_change_role
from accounts.services.history import account_event_record

if TYPE_CHECKING:  # types only: conventions is above accounts
    from conventions.models import Partner


def _sessions_end(user: User) -> int:
    """Deletes the user's stored sessions (the session table is not indexed by user:
    only unexpired sessions are decoded)."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    if not may_change_active(actor, user):
        raise PermissionDenied
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active:
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        account_event_record(
            actor=actor, action=AccountEvent.Action.DEACTIVATED, target_user=locked
        )
        transaction.on_commit(lambda: _sessions_end(locked))
    return locked


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    if not may_change_active(actor, user):
        raise PermissionDenied
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.is_active:
        locked.is_active = True
        locked.save(update_fields=["is_active"])
        account_event_record(
            actor=actor, action=AccountEvent.Action.REACTIVATED, target_user=locked
        )
    return locked


@transaction.atomic
def user_role_change(*, actor: User, user: User, role: str, partner: Partner | None) -> User:
    """Admins only; a partner role comes with its organisation, a staff role with none."""
    if not may_change_role(actor, user):
        raise PermissionDenied
    if role not in Role.values:
        raise ValidationError({"role": _("Rôle inconnu.")})
    if role in PARTNER_ROLES and partner is None:
        raise ValidationError(
            {"partner": _("Un utilisateur partenaire appartient à une organisation partenaire.")}
        )
    if role not in PARTNER_ROLES:
        partner = None
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = {"role": locked.role, "partner": locked.partner_id}
    after = {"role": role, "partner": partner.pk if partner else None}
    if before == after:
        return locked
    locked.role, locked.partner = role, partner
    locked.is_staff = locked.is_superuser = role == Role.ADMIN
    locked.save(update_fields=["role", "partner", "is_staff", "is_superuser"])
    account_event_record(
        actor=actor,
        action=AccountEvent.Action.ROLE_CHANGED,
        target_user=locked,
        details={"from": before, "to": after},
    )
    return locked
