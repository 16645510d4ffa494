"""Trainees: one row per person, found by CIN rather than duplicated.

``trainee_clean`` validates a person's data without touching the database (the bulk
import calls it on every row); ``trainee_upsert`` stores it (the enrollment services);
``trainee_create`` and ``trainee_update`` record and correct one person on their own (the
API)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from conventions.models import Region
from tracker import rules
from tracker.models import ChangeLog, Trainee, User
from tracker.permissions import can_create_person, can_edit_person
from tracker.selectors import trainee_list
from tracker.services.history import changelog_record, changes_between, snapshot
from tracker.services.locking import lock_current_version

TRAINEE_FIELDS = (
    "cin",
    "first_name",
    "last_name",
    "first_name_ar",
    "last_name_ar",
    "sex",
    "birth_date",
    "phone",
    "email",
    "residence_region",
    "education_level",
)


@dataclass(frozen=True)
class TraineeInput:
    cin: str
    first_name: str
    last_name: str
    sex: str
    birth_date: dt.date
    first_name_ar: str = ""
    last_name_ar: str = ""
    phone: str = ""
    email: str = ""
    residence_region: Region | None = None
    education_level: str = ""


def trainee_clean(data: TraineeInput) -> TraineeInput:
    """The same person, normalised (CIN, E.164 phone, e-mail), or a ValidationError
    naming each wrong field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, rule in (
        ("cin", rules.normalize_cin),
        ("phone", rules.normalize_phone),
        ("email", rules.normalize_email),
    ):
        try:
            cleaned[name] = rule(getattr(data, name))
        except ValidationError as error:
            errors[name] = list(error.messages)
    try:
        rules.check_birth_date(data.birth_date)
    except ValidationError as error:
        errors["birth_date"] = list(error.messages)
    for name in ("first_name", "last_name"):
        value = getattr(data, name).strip()
        if not value:
            errors[name] = [_("Ce champ est obligatoire.")]
        cleaned[name] = value
    if data.sex not in Trainee.Sex.values:
        errors["sex"] = [_("Sexe inconnu : « %(value)s ».") % {"value": data.sex}]
    if data.education_level and data.education_level not in Trainee.EducationLevel.values:
        errors["education_level"] = [
            _("Niveau d'études inconnu : « %(value)s ».") % {"value": data.education_level}
        ]
    if errors:
        raise ValidationError(errors)
    return replace(
        data,
        first_name_ar=data.first_name_ar.strip(),
        last_name_ar=data.last_name_ar.strip(),
        **cleaned,
    )


def _may_update_person(actor: User | None, trainee: Trainee) -> bool:
    """Staff may correct anyone's record; a partner only those of trainees it enrolls."""
    if actor is None or actor.is_staff_role:
        return True
    return trainee_list(user=actor).filter(pk=trainee.pk).exists()


def _insert(values: dict[str, Any], *, actor: User | None, source: str) -> Trainee:
    trainee = Trainee(**values)
    trainee.full_clean()  # a CIN already recorded is refused here, on the ``cin`` field
    trainee.save()
    changelog_record(
        entity=ChangeLog.Entity.TRAINEE,
        object_id=trainee.pk,
        action="created",
        changes={},
        actor=actor,
        source=source,
    )
    return trainee


def _save_changes(
    trainee: Trainee, before: dict[str, Any], *, actor: User | None, source: str
) -> None:
    """Saves and logs what changed, if anything, with the next version."""
    changes = changes_between(before, snapshot(trainee, TRAINEE_FIELDS))
    if not changes:
        return
    trainee.full_clean()
    trainee.version += 1
    trainee.save()
    changelog_record(
        entity=ChangeLog.Entity.TRAINEE,
        object_id=trainee.pk,
        action="updated",
        changes=changes,
        actor=actor,
        source=source,
    )


def _values(data: TraineeInput) -> dict[str, Any]:
    return {field.name: getattr(data, field.name) for field in fields(TraineeInput)}


def trainee_upsert(
    *, data: TraineeInput, actor: User | None, source: str = ChangeLog.Source.FORM
) -> Trainee:
    """The trainee with this CIN, updated with what was just entered, or a new one.

    Call inside the caller's transaction (the enrollment services do)."""
    data = trainee_clean(data)
    trainee = Trainee.objects.select_for_update().filter(cin=data.cin).first()
    values = _values(data)
    if trainee is None:
        return _insert(values, actor=actor, source=source)
    if not _may_update_person(actor, trainee):
        # Another organisation's trainee keeps its record as it is: a partner cannot see
        # it, so it must not be able to rewrite it either (the import follows the same rule).
        return trainee
    before = snapshot(trainee, TRAINEE_FIELDS)
    for name, value in values.items():
        # An empty optional field in the new entry does not erase what is known.
        if value in ("", None) and name not in ("cin", "first_name", "last_name", "sex"):
            continue
        setattr(trainee, name, value)
    _save_changes(trainee, before, actor=actor, source=source)
    return trainee


@transaction.atomic
def trainee_create(
    *, data: TraineeInput, actor: User | None, source: str = ChangeLog.Source.FORM
) -> Trainee:
    """A new person, enrolled nowhere yet (see can_create_person); a CIN already
    recorded is refused on the ``cin`` field."""
    if actor is not None and not can_create_person(actor):
        raise PermissionDenied
    values = _values(trainee_clean(data))
    try:
        with transaction.atomic():
            return _insert(values, actor=actor, source=source)
    except IntegrityError:
        # The same CIN saved by someone else since full_clean: the same answer.
        error = Trainee(**values).unique_error_message(Trainee, ("cin",))
        raise ValidationError({"cin": error}) from None


@transaction.atomic
def trainee_update(
    *,
    trainee: Trainee,
    version: int,
    data: TraineeInput,
    actor: User | None,
    source: str = ChangeLog.Source.FORM,
) -> Trainee:
    """Corrects a person's record as given (an empty optional field is cleared), if it
    is still at ``version`` (else ConcurrentEditError). The CIN, which identifies the
    person everywhere (enrollments, imports), is kept."""
    if actor is not None and not can_edit_person(actor, trainee):
        raise PermissionDenied
    data = trainee_clean(replace(data, cin=trainee.cin))
    locked = lock_current_version(trainee, version=version)
    before = snapshot(locked, TRAINEE_FIELDS)
    for name, value in _values(data).items():
        setattr(locked, name, value)
    _save_changes(locked, before, actor=actor, source=source)
    return locked
