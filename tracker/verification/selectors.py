"""Whose verification status a user may read (the rights themselves are asked of
accounts.policy): staff nationally, a partner the hires and graduates of its own
organisation (the operator stored on the hire and the enrollment)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from accounts.policy import scoped
from tracker.models import Enrollment, Placement


def verified_hire_scope(*, user: User) -> QuerySet[Placement]:
    """The hires whose verification status the user may read."""
    if not user.is_active:
        return Placement.objects.none()
    return scoped(Placement.objects.all(), user=user, organisation="operator_id")


def found_by_cnss_scope(*, user: User) -> QuerySet[Enrollment]:
    """The enrollments whose CNSS outcome (found, placed at 6 months) the user may read."""
    if not user.is_active:
        return Enrollment.objects.none()
    return scoped(Enrollment.objects.all(), user=user, organisation="operator_id")
