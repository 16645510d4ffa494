"""Which saved views a user finds: its own, and those its organisation's colleagues
shared (accounts.policy.colleagues_of: the same partner for a partner user; staff for
staff). Nothing of another organisation, whatever the id asked for."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.policy import colleagues_of
from tracker.models import SavedView


def saved_view_list(*, user: User) -> QuerySet[SavedView]:
    """The views ``user`` may open: its own, and its colleagues' shared ones."""
    if not user.is_authenticated or not user.is_active:
        return SavedView.objects.none()
    return (
        SavedView.objects.filter(
            Q(owner=user) | (Q(shared=True) & colleagues_of(user, person="owner"))
        )
        .select_related("owner")
        .order_by("name", "id")
    )
