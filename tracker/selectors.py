"""Reads for the tracking app: one role-scoping selector per model.

Staff (admins and programme managers) read everything nationally; a partner user reads
only what its organisation operates. Everything a partner can reach — pages, filters,
sorts, exports, imports, API — starts from these functions, so a partner asking for
another partner's object simply does not find it (404)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.policy import scoped
from tracker.models import (
    ChangeLog,
    Cohort,
    Deletion,
    Enrollment,
    IdentityCorrectionRequest,
    Placement,
    Trainee,
    TraineeContact,
)

# What a cohort's row shows (lists, detail page, API): read with it in one query.
COHORT_RELATED = ("convention", "operator", "filiere", "region", "zone")


def cohort_list(*, user: User) -> QuerySet[Cohort]:
    return scoped(Cohort.objects.all(), user=user, organisation="operator_id")


def enrollment_list(*, user: User) -> QuerySet[Enrollment]:
    # The operator stored on the row (always its cohort's): one index range,
    # (operator, enrolled_on DESC, id), in the list's default order.
    return scoped(Enrollment.objects.all(), user=user, organisation="operator_id")


def placement_list(*, user: User) -> QuerySet[Placement]:
    # As for enrollments: the hire's stored operator, (operator, hired_on DESC, id).
    return scoped(Placement.objects.all(), user=user, organisation="operator_id")


def trainee_list(*, user: User) -> QuerySet[Trainee]:
    return scoped(
        Trainee.objects.all(),
        user=user,
        organisation=lambda partner_id: Q(
            id__in=Enrollment.objects.filter(operator_id=partner_id).values("trainee_id")
        ),
    )


def trainee_contacts_readable(*, user: User) -> QuerySet[TraineeContact]:
    """Every operator's record of a person the user may read: a partner its own
    organisation's records only, never another operator's; staff every operator's."""
    contacts = TraineeContact.objects.all()
    if user.is_partner:
        return contacts.filter(operator_id=user.partner_id)
    return contacts


def trainee_contact_list(*, user: User, trainee: Trainee) -> QuerySet[TraineeContact]:
    """The operators' records of a person the user may read: a partner its own
    organisation's only; staff every operator's (callers check need-to-see on the row
    they show, accounts.policy)."""
    contacts = TraineeContact.objects.filter(trainee=trainee).select_related(
        "operator", "residence_region"
    )
    if user.is_staff_role:
        return contacts.order_by("operator__name")
    if not user.is_partner or user.partner_id is None:
        return contacts.none()
    return contacts.filter(operator_id=user.partner_id)


def person_history(*, user: User, trainee: Trainee) -> QuerySet[ChangeLog]:
    """A person's history as the user may read it: staff the national record's (created,
    corrected, linked to a new operator) and every operator's record's; a partner only
    its own record's (another operator's changes are another controller's data)."""
    contact_ids = trainee_contact_list(user=user, trainee=trainee).values("id")
    entries = ChangeLog.objects.filter(entity=ChangeLog.Entity.CONTACT, object_id__in=contact_ids)
    if user.is_staff_role:
        entries = entries | ChangeLog.objects.filter(
            entity=ChangeLog.Entity.TRAINEE, object_id=trainee.pk
        )
    return entries.select_related("actor")


def identity_correction_list(*, user: User) -> QuerySet[IdentityCorrectionRequest]:
    """Identity correction requests: admins all; a manager those of people trained under
    its conventions (the staff queue); a partner its own organisation's requests."""
    requests = IdentityCorrectionRequest.objects.select_related(
        "trainee", "operator", "requested_by", "handled_by"
    )
    if user.is_admin:
        return requests
    if user.is_manager:
        return requests.filter(trainee__enrollments__cohort__convention__managers=user).distinct()
    if not user.is_partner or user.partner_id is None:
        return requests.none()
    return requests.filter(operator_id=user.partner_id)


def deletion_list(*, user: User) -> QuerySet[Deletion]:
    """Tombstones (the API's deletions feed): a partner sees the deletions of its own
    organisation's rows, staff every deletion."""
    deletions = Deletion.objects.all()
    if user.is_staff_role:
        return deletions
    if user.partner_id is None:
        return deletions.none()
    return deletions.filter(operator_id=user.partner_id)
