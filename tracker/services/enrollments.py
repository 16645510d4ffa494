"""Enrollments: a trainee in a cohort, moving enrolled -> graduated | dropped out | failed.

Every write checks the actor's right, the date rules of tracker.rules, the version the
form was opened on (optimistic locking), records the change in ChangeLog and asks for
fresh figures once the transaction commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.policy import can_edit_people_in, can_reopen_enrollment
from tracker import rules
from tracker.figures.rollup_queue import rollup_after_commit
from tracker.models import ChangeLog, Cohort, Enrollment, Trainee
from tracker.services.history import changelog_record, changes_between, snapshot
from tracker.services.locking import lock_current_version
from tracker.services.trainees import TraineeInput, trainee_clean, trainee_upsert
from web.all_errors import check_all
from web.reader_dates import reader_date

ENROLLMENT_FIELDS = ("status", "enrolled_on", "exited_on", "graduated_on", "certificate_ref")

# Said to whoever tries to enroll a trainee already in training elsewhere: it names
# neither the other cohort nor its operator (another partner's data).
OVERLAP_MESSAGE = gettext_lazy(
    "Cette personne suit déjà une autre formation en cours sur la même période : "
    "elle ne peut pas être inscrite à deux formations qui se chevauchent."
)


def _check_actor(actor: User | None, cohort: Cohort) -> None:
    if actor is not None and not can_edit_people_in(actor, cohort):
        raise PermissionDenied


def check_no_overlap(
    *, trainee: Trainee, cohort: Cohort, enrolled_on: dt.date, exclude_id: int | None = None
) -> None:
    """A trainee holds at most one enrollment in progress over any period (enrollment
    date to the cohort's end)."""
    in_progress = Enrollment.objects.filter(
        trainee=trainee, status=Enrollment.Status.ENROLLED
    ).values_list("enrolled_on", "cohort__ends_on")
    if exclude_id is not None:
        in_progress = in_progress.exclude(pk=exclude_id)
    for other_start, other_end in in_progress:
        if rules.periods_overlap(enrolled_on, cohort.ends_on, other_start, other_end):
            raise ValidationError(OVERLAP_MESSAGE, code="overlapping_enrollment")


def record_link_to_operator(
    *, trainee: Trainee, operator_id: int, actor: User | None, source: str
) -> None:
    """A person already trained by other operators, now enrolled by a new one: an entry
    in the person's history (who, when, which operator), for staff."""
    operators = set(
        Enrollment.objects.filter(trainee=trainee).values_list("operator_id", flat=True)
    )
    if operators and operator_id not in operators:
        changelog_record(
            entity=ChangeLog.Entity.TRAINEE,
            object_id=trainee.pk,
            action="linked",
            changes={"operator": [None, operator_id]},
            actor=actor,
            source=source,
        )


def _record(
    enrollment: Enrollment,
    *,
    action: str,
    before: dict,
    actor: User | None,
    source: str,
) -> None:
    changelog_record(
        entity=ChangeLog.Entity.ENROLLMENT,
        object_id=enrollment.pk,
        action=action,
        changes=changes_between(before, snapshot(enrollment, ENROLLMENT_FIELDS)),
        actor=actor,
        source=source,
    )
    rollup_after_commit(cohort_ids=[enrollment.cohort_id])


@transaction.atomic
def enrollment_create(
    *,
    cohort: Cohort,
    trainee: TraineeInput,
    enrolled_on: dt.date,
    actor: User | None,
    certificate_ref: str = "",
    source: str = ChangeLog.Source.FORM,
) -> Enrollment:
    """Enrolls a person (found by CIN, or created) in the cohort."""
    _check_actor(actor, cohort)
    if cohort.status == Cohort.Status.CANCELLED:
        raise ValidationError(_("Cette cohorte est annulée : on ne peut plus y inscrire."))
    # The date and the person's fields are checked together: every wrong field is said.
    check_all(
        lambda: rules.check_enrollment_date(
            enrolled_on, cohort_starts_on=cohort.starts_on, cohort_ends_on=cohort.ends_on
        ),
        lambda: trainee_clean(trainee),
    )
    person = trainee_upsert(
        data=trainee, actor=actor, source=source, operator_id=cohort.operator_id
    )
    if Enrollment.objects.filter(trainee=person, cohort=cohort).exists():
        raise ValidationError(
            {"cin": _("Cette personne est déjà inscrite dans cette cohorte.")},
            code="already_enrolled",
        )
    check_no_overlap(trainee=person, cohort=cohort, enrolled_on=enrolled_on)
    record_link_to_operator(
        trainee=person, operator_id=cohort.operator_id, actor=actor, source=source
    )
    enrollment = Enrollment.objects.create(
        trainee=person,
        cohort=cohort,
        enrolled_on=enrolled_on,
        certificate_ref=certificate_ref.strip(),
        updated_by=actor,
    )
    _record(enrollment, action="created", before={}, actor=actor, source=source)
    return enrollment


def _start_transition(enrollment: Enrollment, *, version: int, actor: User | None) -> Enrollment:
    _check_actor(actor, enrollment.cohort)
    locked = lock_current_version(enrollment, version=version)
    if locked.status != Enrollment.Status.ENROLLED:
        raise ValidationError(
            _(
                "Cette inscription est déjà close (%(status)s) : "
                "elle ne peut plus changer de statut."
            )
            % {"status": locked.get_status_display()},
            code="not_in_progress",
        )
    return locked


def _save(enrollment: Enrollment, *, actor: User | None) -> None:
    enrollment.version += 1
    enrollment.updated_by = actor
    enrollment.save()


@transaction.atomic
def enrollment_graduate(
    *,
    enrollment: Enrollment,
    version: int,
    graduated_on: dt.date,
    actor: User | None,
    certificate_ref: str = "",
    source: str = ChangeLog.Source.FORM,
) -> Enrollment:
    locked = _start_transition(enrollment, version=version, actor=actor)
    cohort = enrollment.cohort
    rules.check_graduation_date(
        graduated_on,
        enrolled_on=locked.enrolled_on,
        cohort_starts_on=cohort.starts_on,
        cohort_ends_on=cohort.ends_on,
    )
    before = snapshot(locked, ENROLLMENT_FIELDS)
    locked.status = Enrollment.Status.GRADUATED
    locked.graduated_on = graduated_on
    locked.exited_on = graduated_on
    if certificate_ref.strip():
        locked.certificate_ref = certificate_ref.strip()
    _save(locked, actor=actor)
    _record(locked, action="graduated", before=before, actor=actor, source=source)
    return locked


def _exit(
    enrollment: Enrollment,
    *,
    status: str,
    action: str,
    version: int,
    exited_on: dt.date,
    actor: User | None,
    source: str,
) -> Enrollment:
    locked = _start_transition(enrollment, version=version, actor=actor)
    rules.check_exit_date(exited_on, enrolled_on=locked.enrolled_on)
    before = snapshot(locked, ENROLLMENT_FIELDS)
    locked.status = status
    locked.exited_on = exited_on
    _save(locked, actor=actor)
    _record(locked, action=action, before=before, actor=actor, source=source)
    return locked


@transaction.atomic
def enrollment_drop_out(
    *,
    enrollment: Enrollment,
    version: int,
    exited_on: dt.date,
    actor: User | None,
    source: str = ChangeLog.Source.FORM,
) -> Enrollment:
    return _exit(
        enrollment,
        status=Enrollment.Status.DROPPED_OUT,
        action="dropped_out",
        version=version,
        exited_on=exited_on,
        actor=actor,
        source=source,
    )


@transaction.atomic
def enrollment_fail(
    *,
    enrollment: Enrollment,
    version: int,
    exited_on: dt.date,
    actor: User | None,
    source: str = ChangeLog.Source.FORM,
) -> Enrollment:
    return _exit(
        enrollment,
        status=Enrollment.Status.FAILED,
        action="failed",
        version=version,
        exited_on=exited_on,
        actor=actor,
        source=source,
    )


@transaction.atomic
def enrollment_update(
    *,
    enrollment: Enrollment,
    version: int,
    enrolled_on: dt.date,
    certificate_ref: str,
    actor: User | None,
    graduated_on: dt.date | None = None,
    exited_on: dt.date | None = None,
    source: str = ChangeLog.Source.FORM,
) -> Enrollment:
    """Corrects the dates and the certificate of an enrollment, in any status; the status
    itself only moves through the transitions above."""
    _check_actor(actor, enrollment.cohort)
    locked = lock_current_version(enrollment, version=version)
    cohort = enrollment.cohort

    def hires_not_before_enrollment() -> None:
        first_hire = (
            locked.placements.order_by("hired_on").values_list("hired_on", flat=True).first()
        )
        if first_hire is not None and first_hire < enrolled_on:
            raise ValidationError(
                {
                    "enrolled_on": _(
                        "Une embauche est enregistrée le %(date)s : l'inscription ne peut pas "
                        "être postérieure."
                    )
                    % {"date": reader_date(first_hire)}
                }
            )

    def required(field: str, value: dt.date | None, message: str) -> None:
        if value is None:
            raise ValidationError({field: message})

    # Every date is checked, and every wrong one said at once (check_all).
    checks: list[Callable[[], Any]] = [
        lambda: rules.check_enrollment_date(
            enrolled_on, cohort_starts_on=cohort.starts_on, cohort_ends_on=cohort.ends_on
        ),
        hires_not_before_enrollment,
    ]
    if locked.status == Enrollment.Status.ENROLLED:
        checks.append(
            lambda: check_no_overlap(
                trainee=locked.trainee,
                cohort=cohort,
                enrolled_on=enrolled_on,
                exclude_id=locked.pk,
            )
        )
    elif locked.status == Enrollment.Status.GRADUATED:
        checks.append(
            lambda: required(
                "graduated_on", graduated_on, _("La date de diplomation est obligatoire.")
            )
        )
        if graduated_on is not None:
            checks.append(
                lambda: rules.check_graduation_date(
                    graduated_on,
                    enrolled_on=enrolled_on,
                    cohort_starts_on=cohort.starts_on,
                    cohort_ends_on=cohort.ends_on,
                )
            )
        exited_on = graduated_on
    else:
        checks.append(
            lambda: required("exited_on", exited_on, _("La date de sortie est obligatoire."))
        )
        if exited_on is not None:
            checks.append(lambda: rules.check_exit_date(exited_on, enrolled_on=enrolled_on))
    check_all(*checks)
    before = snapshot(locked, ENROLLMENT_FIELDS)
    locked.enrolled_on = enrolled_on
    locked.certificate_ref = certificate_ref.strip()
    if locked.status == Enrollment.Status.GRADUATED:
        locked.graduated_on = graduated_on
    if locked.status != Enrollment.Status.ENROLLED:
        locked.exited_on = exited_on
    _save(locked, actor=actor)
    _record(locked, action="updated", before=before, actor=actor, source=source)
    return locked


@transaction.atomic
def enrollment_reopen(
    *,
    enrollment: Enrollment,
    version: int,
    reason: str,
    actor: User,
    source: str = ChangeLog.Source.FORM,
) -> Enrollment:
    """A staff correction: a closed enrollment (graduated, dropped out, failed) back in
    training, its exit and graduation dates cleared, the reason kept in its history.
    Admins and the convention's managers only (accounts.policy); every other write
    follows the lifecycle (tracker.lifecycle)."""
    if not can_reopen_enrollment(actor, enrollment.cohort):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la réouverture.")})
    locked = lock_current_version(enrollment, version=version)
    if locked.status == Enrollment.Status.ENROLLED:
        raise ValidationError(_("Cette inscription est déjà en cours."), code="not_closed")
    check_no_overlap(
        trainee=locked.trainee,
        cohort=enrollment.cohort,
        enrolled_on=locked.enrolled_on,
        exclude_id=locked.pk,
    )
    before = snapshot(locked, ENROLLMENT_FIELDS)
    locked.status = Enrollment.Status.ENROLLED
    locked.graduated_on = None
    locked.exited_on = None
    _save(locked, actor=actor)
    changelog_record(
        entity=ChangeLog.Entity.ENROLLMENT,
        object_id=locked.pk,
        action="reopened",
        changes={
            **changes_between(before, snapshot(locked, ENROLLMENT_FIELDS)),
            "reason": [None, reason],
        },
        actor=actor,
        source=source,
    )
    rollup_after_commit(cohort_ids=[locked.cohort_id])
    return locked
