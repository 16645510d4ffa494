"""Who may administer which accounts: one predicate per action.

Admins administer everyone (but never deactivate or demote themselves: an admin-less
product could not be run). A partner editor invites, deactivates and reactivates the
viewers and editors of its own organisation only; everyone else administers nobody.
Views ask these to show buttons, services ask them again before writing."""

from __future__ import annotations

from conventions.models import Partner
from tracker.models import Role, User
from tracker.models.users import PARTNER_ROLES


def may_administer_users(user: User) -> bool:
    """Opens the users pages at all."""
    return bool(user.is_active and (user.is_admin or user.can_edit_partner_data))


def may_invite(actor: User, *, role: str, partner: Partner | None) -> bool:
    if actor.is_admin:
        return True
    return bool(
        actor.can_edit_partner_data
        and role in PARTNER_ROLES
        and partner is not None
        and partner.pk == actor.partner_id
    )


def may_change_active(actor: User, target: User) -> bool:
    """Deactivate or reactivate ``target``."""
    if target.pk == actor.pk:
        return False
    if actor.is_admin:
        return True
    return bool(
        actor.can_edit_partner_data
        and target.role in PARTNER_ROLES
        and target.partner_id == actor.partner_id
    )


def may_change_role(actor: User, target: User) -> bool:
    return bool(actor.is_admin and target.pk != actor.pk)


def invitable_roles(actor: User) -> list[tuple[str, str]]:
    roles = Role.choices if actor.is_admin else [c for c in Role.choices if c[0] in PARTNER_ROLES]
    return [(value, str(label)) for value, label in roles]
