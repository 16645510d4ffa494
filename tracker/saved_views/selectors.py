"""Which saved views a user finds: its own, and those its organisation's colleagues
shared (the same partner for a partner user; staff for staff). Nothing of another
organisation, whatever the id asked for."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tracker.models import SavedView, User
from tracker.models.users import STAFF_ROLES


def _colleagues(user: User) -> Q:
    if user.is_staff_role:
        return Q(owner__role__in=STAFF_ROLES, owner__partner__isnull=True, owner__is_active=True)
    if user.is_partner and user.partner_id is not None:
        return Q(owner__partner_id=user.partner_id)
    return Q(pk__in=[])


def saved_view_list(*, user: User) -> QuerySet[SavedView]:
    """The views ``user`` may open: its own, and its colleagues' shared ones."""
    if not user.is_authenticated or not user.is_active:
        return SavedView.objects.none()
    return (
        SavedView.objects.filter(Q(owner=user) | (Q(shared=True) & _colleagues(user)))
        .select_related("owner")
        .order_by("name", "id")
    )
