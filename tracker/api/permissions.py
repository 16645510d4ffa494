"""Who may call what, decided before the body is read (a viewer's malformed write is a
403 like its well-formed one, never a list of field errors). The predicates are those of
accounts.policy, as for the pages."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from accounts.models import User
from accounts.policy import (
    can_create_cohorts,
    can_edit_people_in,
    can_edit_person,
    can_manage_cohort_under,
)
from tracker.models import Cohort, Enrollment, Placement, Trainee


def may_write_at_all(user: User) -> bool:
    """Some write exists for this role: admins, programme managers, partner editors."""
    return bool(user.is_active and (user.is_admin or user.is_manager or user.can_edit_partner_data))


class ApiWritePermission(BasePermission):
    """Reads: any authenticated user (the rows are scoped by the selectors). Writes: a
    role that may write (403 for a viewer, whatever the body), then on the object itself
    the same predicate as its service (403 inside the user's scope; outside it the object
    is already 404). A view may name actions reserved to staff in ``staff_actions``."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if not isinstance(user, User) or not may_write_at_all(user):
            return False
        if getattr(view, "action", None) in getattr(view, "staff_actions", ()):
            return can_create_cohorts(user)  # admins and programme managers
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        assert isinstance(user, User)
        if isinstance(obj, Enrollment):
            return view.action == "reopen" or can_edit_people_in(user, obj.cohort)
        if isinstance(obj, Placement):
            return can_edit_people_in(user, obj.enrollment.cohort)
        if isinstance(obj, Trainee):
            return can_edit_person(user, obj)
        if isinstance(obj, Cohort):
            return can_manage_cohort_under(user, obj.convention)
        return True
