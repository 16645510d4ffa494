"""Reads of the accounts app, scoped to who asks: a partner editor sees the people and
the history of its own organisation, an admin everyone's, anybody else nothing."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import AccountEvent, ApiToken, Invitation, Notification, User


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """A user's own API tokens (nobody sees another's, admins included)."""
    return ApiToken.objects.filter(user=user)


def user_admin_list(*, user: User) -> QuerySet[User]:
    users = User.objects.select_related("partner").order_by("username")
    if not user.is_active:
        return users.none()
    if user.is_admin:
        return users
    if user.can_edit_partner_data and user.partner_id is not None:
        return users.filter(partner_id=user.partner_id)
    return users.none()


def invitation_list(*, user: User) -> QuerySet[Invitation]:
    invitations = Invitation.objects.select_related("partner", "invited_by")
    if not user.is_active:
        return invitations.none()
    if user.is_admin:
        return invitations
    if user.can_edit_partner_data and user.partner_id is not None:
        return invitations.filter(partner_id=user.partner_id)
    return invitations.none()


def account_event_list(*, user: User) -> QuerySet[AccountEvent]:
    events = AccountEvent.objects.select_related("actor", "target_user", "partner")
    if not user.is_active:
        return events.none()
    if user.is_admin:
        return events
    if user.can_edit_partner_data:
        # Its own organisation's accounts only, never the admins' changes elsewhere.
        return events.filter(
            Q(partner_id=user.partner_id) | Q(target_user__partner_id=user.partner_id)
        ).exclude(action__in=[AccountEvent.Action.PARTNER_CREATED])
    return events.none()


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=user.pk).select_related("actor")


def notification_unread_count(*, user: User) -> int:
    """Counted with the user by the authentication backend (with_unread_notifications),
    so the bell costs no query of its own; counted here otherwise."""
    counted = getattr(user, "unread_notifications", None)
    if counted is not None:
        return int(counted)
    return Notification.objects.filter(recipient_id=user.pk, read_at=None).count()


def with_unread_notifications(users: QuerySet[User]) -> QuerySet[User]:
    unread = (
        Notification.objects.filter(recipient_id=OuterRef("pk"), read_at=None)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return users.annotate(
        unread_notifications=Coalesce(Subquery(unread, output_field=IntegerField()), 0)
    )
