"""Hires (placements): recorded against an enrollment, never before it; a hire may come
before graduation (pre-hiring). Same locking, history and rollup as enrollments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import can_edit_people_in
from conventions.models import Filiere, Partner, Region, Zone, ice_validator
from tracker import rules
from tracker.figures.rollup_queue import rollup_after_commit
from tracker.models import ChangeLog, Deletion, Enrollment, Placement
from tracker.services.history import changelog_record, changes_between, snapshot
from tracker.services.locking import lock_current_version
from web.reader_dates import reader_date

PLACEMENT_FIELDS = (
    "employer",
    "employer_name",
    "employer_ice",
    "hired_on",
    "contract_type",
    "job_title",
    "filiere",
    "zone",
    "region",
    "gross_monthly_salary_mad",
    "ended_on",
    "cnss_verified_on",
)


@dataclass(frozen=True)
class PlacementInput:
    hired_on: dt.date
    contract_type: str
    job_title: str
    filiere: Filiere
    employer: Partner | None = None
    employer_name: str = ""
    employer_ice: str = ""
    zone: Zone | None = None
    region: Region | None = None
    gross_monthly_salary_mad: Decimal | None = None
    ended_on: dt.date | None = None
    cnss_verified_on: dt.date | None = None


def placement_check(data: PlacementInput, *, enrolled_on: dt.date) -> PlacementInput:
    """Every hire rule, without the database: returns the normalised hire or raises a
    ValidationError naming each wrong field (the bulk import calls it per row)."""
    errors: dict[str, list[str]] = {}
    employer_name = data.employer_name.strip()
    employer_ice = data.employer_ice.strip().replace(" ", "")
    if data.employer is not None:
        if data.employer.kind != Partner.Kind.EMPLOYER:
            errors["employer"] = [
                _("« %(name)s » n'est pas enregistré comme employeur.") % {"name": data.employer}
            ]
        employer_name, employer_ice = "", ""
    elif not employer_name:
        errors["employer"] = [
            _("Choisissez un employeur partenaire ou saisissez le nom et l'ICE de l'employeur.")
        ]
    elif not employer_ice:
        errors["employer_ice"] = [_("L'ICE de l'employeur est obligatoire.")]
    else:
        try:
            ice_validator(employer_ice)
        except ValidationError as error:
            errors["employer_ice"] = list(error.messages)
    if data.contract_type not in Placement.ContractType.values:
        errors["contract_type"] = [
            _("Type de contrat inconnu : « %(value)s ».") % {"value": data.contract_type}
        ]
    if not data.job_title.strip():
        errors["job_title"] = [_("L'intitulé du poste est obligatoire.")]
    if data.zone is None and data.region is None:
        errors["region"] = [_("Indiquez la zone ou la région du lieu de travail.")]
    for check in (
        lambda: rules.check_hire_dates(
            data.hired_on, enrolled_on=enrolled_on, ended_on=data.ended_on
        ),
        lambda: rules.check_salary(data.gross_monthly_salary_mad),
    ):
        try:
            check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    today = timezone.localdate()
    if data.hired_on > today + dt.timedelta(days=366):
        errors.setdefault("hired_on", []).append(
            _("La date d'embauche (%(date)s) est à plus d'un an dans le futur.")
            % {"date": reader_date(data.hired_on)}
        )
    if data.cnss_verified_on is not None:
        if data.cnss_verified_on > today:
            errors["cnss_verified_on"] = [
                _("La vérification CNSS ne peut pas être datée dans le futur.")
            ]
        elif data.cnss_verified_on < data.hired_on:
            errors["cnss_verified_on"] = [
                _("La vérification CNSS (%(date)s) précède la date d'embauche.")
                % {"date": reader_date(data.cnss_verified_on)}
            ]
    if errors:
        raise ValidationError(errors)
    region = data.region or (data.zone.region if data.zone is not None else None)
    return replace(
        data,
        region=region,
        employer_name=employer_name,
        employer_ice=employer_ice,
        job_title=data.job_title.strip(),
    )


def _check_actor(actor: User | None, enrollment: Enrollment) -> None:
    if actor is not None and not can_edit_people_in(actor, enrollment.cohort):
        raise PermissionDenied


def _apply(placement: Placement, data: PlacementInput) -> None:
    for name in PLACEMENT_FIELDS:
        setattr(placement, name, getattr(data, name))


def _record(
    placement: Placement, *, action: str, before: dict, actor: User | None, source: str
) -> None:
    changelog_record(
        entity=ChangeLog.Entity.PLACEMENT,
        object_id=placement.pk,
        action=action,
        changes=changes_between(before, snapshot(placement, PLACEMENT_FIELDS)),
        actor=actor,
        source=source,
    )
    rollup_after_commit(cohort_ids=[placement.enrollment.cohort_id])


def hire_key(
    *, enrollment_id: int, hired_on: dt.date, employer_id: int | None, employer_ice: str
) -> tuple[int, dt.date, int | None, str]:
    """What identifies a hire (the database's unique constraints say the same): its
    enrollment, hire date and employer, a partner by id or a named employer by ICE."""
    return (enrollment_id, hired_on, employer_id, "" if employer_id else employer_ice)


def placement_find(*, enrollment: Enrollment, data: PlacementInput) -> Placement | None:
    """The hire already recorded under the key of ``data`` (normalised), if any."""
    found = Placement.objects.filter(enrollment=enrollment, hired_on=data.hired_on)
    if data.employer is not None:
        found = found.filter(employer=data.employer)
    else:
        found = found.filter(employer__isnull=True, employer_ice=data.employer_ice)
    return found.first()


def _refuse_duplicate(existing: Placement | None) -> None:
    if existing is not None:
        raise ValidationError(
            _(
                "Cette embauche est déjà enregistrée (embauche n° %(id)s : même inscription, "
                "même date d'embauche, même employeur)."
            )
            % {"id": existing.pk},
            code="duplicate_hire",
        )


@transaction.atomic
def placement_create(
    *,
    enrollment: Enrollment,
    data: PlacementInput,
    actor: User | None,
    source: str = ChangeLog.Source.FORM,
) -> Placement:
    _check_actor(actor, enrollment)
    data = placement_check(data, enrolled_on=enrollment.enrolled_on)
    _refuse_duplicate(placement_find(enrollment=enrollment, data=data))
    placement = Placement(enrollment=enrollment, updated_by=actor)
    _apply(placement, data)
    placement.full_clean()
    placement.save()
    _record(placement, action="created", before={}, actor=actor, source=source)
    return placement


@transaction.atomic
def placement_update(
    *,
    placement: Placement,
    version: int,
    data: PlacementInput,
    actor: User | None,
    source: str = ChangeLog.Source.FORM,
) -> Placement:
    _check_actor(actor, placement.enrollment)
    locked = lock_current_version(placement, version=version)
    data = placement_check(data, enrolled_on=placement.enrollment.enrolled_on)
    existing = placement_find(enrollment=placement.enrollment, data=data)
    _refuse_duplicate(existing if existing is not None and existing.pk != locked.pk else None)
    before = snapshot(locked, PLACEMENT_FIELDS)
    _apply(locked, data)
    locked.version += 1
    locked.updated_by = actor
    locked.full_clean()
    locked.save()
    locked.enrollment = placement.enrollment
    _record(locked, action="updated", before=before, actor=actor, source=source)
    return locked


@transaction.atomic
def placement_upsert(
    *,
    enrollment: Enrollment,
    data: PlacementInput,
    actor: User | None,
    source: str = ChangeLog.Source.FORM,
) -> tuple[Placement, bool]:
    """The hire of this enrollment, date and employer: recorded (True) or brought up to
    date (False); the same data again changes nothing (no version bump, no history)."""
    _check_actor(actor, enrollment)
    checked = placement_check(data, enrolled_on=enrollment.enrolled_on)
    existing = placement_find(enrollment=enrollment, data=checked)
    if existing is None:
        return placement_create(enrollment=enrollment, data=data, actor=actor, source=source), True
    if all(getattr(existing, name) == getattr(checked, name) for name in PLACEMENT_FIELDS):
        return existing, False
    updated = placement_update(
        placement=existing, version=existing.version, data=data, actor=actor, source=source
    )
    return updated, False


@transaction.atomic
def placement_delete(
    *,
    placement: Placement,
    version: int,
    actor: User | None,
    source: str = ChangeLog.Source.FORM,
) -> None:
    """Deletes a hire recorded by mistake: kept in the history (its last values) and as
    a tombstone (Deletion) so that a client mirroring the hires deletes it too."""
    _check_actor(actor, placement.enrollment)
    locked = lock_current_version(placement, version=version)
    changelog_record(
        entity=ChangeLog.Entity.PLACEMENT,
        object_id=locked.pk,
        action="deleted",
        changes={
            name: [value, None]
            for name, value in snapshot(locked, PLACEMENT_FIELDS).items()
            if value not in (None, "")
        },
        actor=actor,
        source=source,
    )
    Deletion.objects.create(
        entity=ChangeLog.Entity.PLACEMENT,
        object_id=locked.pk,
        operator_id=locked.operator_id,
        actor=actor,
    )
    cohort_id = placement.enrollment.cohort_id
    locked.delete()
    rollup_after_commit(cohort_ids=[cohort_id])
