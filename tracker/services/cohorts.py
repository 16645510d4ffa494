"""Writes on cohorts: created and edited by the convention's managers and admins, only
under signed or active conventions, operated by a training-operator party."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import can_manage_cohort_under
from conventions.models import Convention, Filiere, Partner, Region, Zone
from conventions.selectors import convention_training_operators
from tracker.figures.rollup_queue import rollup_after_commit
from tracker.models import Cohort, Enrollment, Placement

# A cohort leaving one of these scopes makes the old scope's figures stale.
# A cohort is opened under a convention in force only.
COHORT_CONVENTION_STATUSES = (Convention.Status.SIGNED, Convention.Status.ACTIVE)

ROLLUP_SCOPE_FIELDS = ("convention", "operator", "region", "zone", "filiere")


def _check_cohort(
    *,
    actor: User,
    convention: Convention,
    operator: Partner,
    region: Region,
    zone: Zone | None,
    starts_on: dt.date,
    ends_on: dt.date,
) -> None:
    if not can_manage_cohort_under(actor, convention):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if convention.status not in COHORT_CONVENTION_STATUSES:
        errors.setdefault("convention", []).append(
            _("Une cohorte ne peut être créée que sous une convention signée ou active.")
        )
    if not convention_training_operators(convention).filter(pk=operator.pk).exists():
        errors.setdefault("operator", []).append(
            _("L'opérateur doit être un opérateur de formation partie à la convention.")
        )
    if zone is not None and zone.region_id != region.pk:
        errors.setdefault("zone", []).append(
            _("La zone %(zone)s n'est pas dans la région choisie.") % {"zone": zone}
        )
    if ends_on < starts_on:
        errors.setdefault("ends_on", []).append(
            _("La date de fin précède la date de début de la cohorte.")
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cohort_create(
    *,
    actor: User,
    code: str,
    convention: Convention,
    operator: Partner,
    filiere: Filiere,
    metier: str,
    region: Region,
    zone: Zone | None,
    city: str,
    modality: str,
    hours: int,
    planned_seats: int,
    starts_on: dt.date,
    ends_on: dt.date,
    status: str = Cohort.Status.PLANNED,
) -> Cohort:
    _check_cohort(
        actor=actor,
        convention=convention,
        operator=operator,
        region=region,
        zone=zone,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    cohort = Cohort(
        code=code.strip().upper(),
        convention=convention,
        operator=operator,
        filiere=filiere,
        metier=metier,
        region=region,
        zone=zone,
        city=city,
        modality=modality,
        hours=hours,
        planned_seats=planned_seats,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
    )
    cohort.full_clean()
    cohort.save()
    rollup_after_commit(cohort_ids=[cohort.pk])
    return cohort


@transaction.atomic
def cohort_update(*, cohort: Cohort, actor: User, **changes: Any) -> Cohort:
    """Changes any of the cohort's fields; a move to another convention, operator, region,
    zone or filière recomputes the scope it left too."""
    unknown = set(changes) - {field.name for field in Cohort._meta.fields}
    if unknown:
        raise TypeError(f"unknown cohort fields: {sorted(unknown)}")
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    # The scopes the cohort leaves; one it enters from none (a zone set for the first
    # time) is named too: either way its members are regrouped from their cohort rows.
    previous: list[tuple[str, int]] = []
    for name in ROLLUP_SCOPE_FIELDS:
        if name not in changes:
            continue
        old, new = getattr(cohort, f"{name}_id"), getattr(changes[name], "pk", changes[name])
        if old != new and old is not None:
            previous.append((name, old))
        elif old is None and new is not None:
            previous.append((name, new))
    old_convention = cohort.convention
    old_operator_id = cohort.operator_id
    for name, value in changes.items():
        setattr(cohort, name, value)
    if "code" in changes:
        cohort.code = cohort.code.strip().upper()
    # The actor must manage both the convention the cohort leaves and the one it joins.
    if not can_manage_cohort_under(actor, old_convention):
        raise PermissionDenied
    _check_cohort(
        actor=actor,
        convention=cohort.convention,
        operator=cohort.operator,
        region=cohort.region,
        zone=cohort.zone,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
    )
    cohort.full_clean()
    cohort.save()
    if cohort.operator_id != old_operator_id:
        # The operator stored on its enrollments and hires follows (same transaction).
        Enrollment.objects.filter(cohort=cohort).update(operator_id=cohort.operator_id)
        Placement.objects.filter(enrollment__cohort=cohort).update(operator_id=cohort.operator_id)
    rollup_after_commit(cohort_ids=[cohort.pk], previous=previous)
    return cohort
