"""Who may change what in the tracking app: one predicate per action.

Views hide buttons with these and services enforce them again, so a forged POST gets
the same answer as a missing button."""

from __future__ import annotations

from accounts.models import User
from conventions.models import Convention
from conventions.services.permissions import user_manages_convention, user_may_edit_convention
from tracker.models import Cohort, Trainee

# Cohorts are created only under conventions whose work has started.
COHORT_CONVENTION_STATUSES = (Convention.Status.SIGNED, Convention.Status.ACTIVE)


def is_convention_manager(user: User, convention: Convention) -> bool:
    """The user is one of the programme managers assigned to the convention."""
    return user_manages_convention(user, convention)


def can_create_cohorts(user: User) -> bool:
    """May open the cohort form at all (the convention is checked on save)."""
    return bool(user.is_admin or user.is_manager)


def can_manage_cohort_under(user: User, convention: Convention) -> bool:
    return user_may_edit_convention(user, convention)


def can_edit_people_in(user: User, cohort: Cohort) -> bool:
    """Enroll, graduate, record hires: admins, the convention's managers and the editors
    of the operating partner. Viewers never."""
    if not user.is_active:
        return False
    if user.is_admin:
        return True
    if user.can_edit_partner_data:
        return user.partner_id == cohort.operator_id
    return is_convention_manager(user, cohort.convention)


def can_reopen_enrollment(user: User, cohort: Cohort) -> bool:
    """Reopen a closed enrollment (a staff correction, with a reason): admins and the
    convention's managers; never a partner, whose writes follow the lifecycle."""
    if not user.is_active:
        return False
    return bool(user.is_admin) or is_convention_manager(user, cohort.convention)


def can_create_person(user: User) -> bool:
    """Record a person outside any cohort: admins only. Everyone else creates a person by
    enrolling them (can_edit_people_in): personal data follow the cohorts
    (tracker.privacy), so only an admin would see a person enrolled nowhere."""
    return bool(user.is_admin)


def can_edit_person(user: User, trainee: Trainee) -> bool:
    """Correct a person's record: who may edit people in one of the cohorts the person is
    enrolled in. A partner never rewrites a person enrolled only by another organisation
    (as the enrollment services and the import), a viewer never writes."""
    if not user.is_active:
        return False
    if user.is_admin:
        return True
    cohorts = Cohort.objects.filter(enrollments__trainee=trainee).select_related("convention")
    return any(can_edit_people_in(user, cohort) for cohort in cohorts.distinct())


def can_request_identity_correction(user: User, trainee: Trainee) -> bool:
    """Ask staff to correct a person's identity: the editors of an operator that trains
    the person (a viewer never writes; staff correct it directly)."""
    return bool(
        user.is_active
        and user.is_partner
        and user.can_edit_partner_data
        and Cohort.objects.filter(
            enrollments__trainee=trainee, operator_id=user.partner_id
        ).exists()
    )


def can_handle_identity_correction(user: User, trainee: Trainee) -> bool:
    """Apply or decline a correction: admins, and the managers of a convention under
    which the person trains (need-to-see)."""
    if not user.is_active:
        return False
    if user.is_admin:
        return True
    return bool(
        user.is_manager
        and Cohort.objects.filter(enrollments__trainee=trainee, convention__managers=user).exists()
    )
