"""Idempotent enrollment for partners' nightly syncs: the enrollment of this CIN in
this cohort, created or brought up to date, and nothing written when nothing changed.

Composed of the enrollment and trainee services only (same rules, history, rollups)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import User
from accounts.policy import can_edit_people_in
from tracker.models import ChangeLog, Cohort, Enrollment
from tracker.services.enrollments import enrollment_create, enrollment_update
from tracker.services.trainees import TraineeInput, trainee_clean, trainee_upsert


@transaction.atomic
def enrollment_upsert(
    *,
    cohort: Cohort,
    trainee: TraineeInput,
    enrolled_on: dt.date,
    actor: User | None,
    certificate_ref: str | None = None,
    source: str = ChangeLog.Source.API,
) -> tuple[Enrollment, bool]:
    """(enrollment, created). ``certificate_ref`` None keeps the recorded one. The
    status only moves through the transitions (graduate, drop out, fail)."""
    if actor is not None and not can_edit_people_in(actor, cohort):
        raise PermissionDenied
    person = trainee_clean(trainee)
    existing = (
        Enrollment.objects.select_related("cohort", "trainee")
        .filter(trainee__cin=person.cin, cohort=cohort)
        .first()
    )
    if existing is None:
        created = enrollment_create(
            cohort=cohort,
            trainee=person,
            enrolled_on=enrolled_on,
            certificate_ref=certificate_ref or "",
            actor=actor,
            source=source,
        )
        return created, True
    trainee_upsert(data=person, actor=actor, source=source, operator_id=cohort.operator_id)
    certificate = existing.certificate_ref if certificate_ref is None else certificate_ref.strip()
    if existing.enrolled_on == enrolled_on and existing.certificate_ref == certificate:
        return existing, False
    updated = enrollment_update(
        enrollment=existing,
        version=existing.version,
        enrolled_on=enrolled_on,
        certificate_ref=certificate,
        graduated_on=existing.graduated_on,
        exited_on=existing.exited_on,
        actor=actor,
        source=source,
    )
    return updated, False
