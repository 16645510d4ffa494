"""Who may see or do what with the CNSS verification (one place; views, exports and
services ask here).

Declarations are personal data (law 09-08) handed to the ministry: admins only import
and read them. Staff (admins, programme managers) read the figures, the follow-up lists
and the incentive estimates nationally; a partner reads the verification status of the
hires its organisation recorded, and the graduates of its cohorts found by the CNSS —
never a declared salary or employer."""

from __future__ import annotations

from django.db.models import QuerySet

from tracker.models import Enrollment, Placement, User


def can_import_declarations(user: User) -> bool:
    return bool(user.is_active and user.is_admin)


def can_read_declarations(user: User) -> bool:
    return bool(user.is_active and user.is_admin)


def can_export_request_file(user: User) -> bool:
    return bool(user.is_active and user.is_staff_role)


def can_read_incentives(user: User) -> bool:
    return bool(user.is_active and user.is_staff_role)


def can_read_verification(user: User) -> bool:
    return bool(user.is_active and (user.is_staff_role or user.is_partner))


def verified_hire_scope(*, user: User) -> QuerySet[Placement]:
    """The hires whose verification status the user may read."""
    placements = Placement.objects.all()
    if user.is_active and user.is_staff_role:
        return placements
    if user.is_active and user.is_partner and user.partner_id is not None:
        return placements.filter(operator_id=user.partner_id)
    return placements.none()


def found_by_cnss_scope(*, user: User) -> QuerySet[Enrollment]:
    """The enrollments whose "found by the CNSS" flag the user may read."""
    enrollments = Enrollment.objects.all()
    if user.is_active and user.is_staff_role:
        return enrollments
    if user.is_active and user.is_partner and user.partner_id is not None:
        return enrollments.filter(operator_id=user.partner_id)
    return enrollments.none()
