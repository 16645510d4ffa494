"""Trainees: one row per person, found by CIN rather than duplicated.

``trainee_clean`` validates a person's data without touching the database (the bulk
import calls it on every row); ``trainee_upsert`` stores it (the enrollment services);
``trainee_create`` and ``trainee_update`` record and correct one person on their own (the
API). The identity goes to the national record (Trainee, shared: tracker.identity), the
contact details to the record of the operator they are entered for (TraineeContact,
tracker.services.contacts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import can_create_person, can_edit_person
from conventions.models import Region
from tracker import rules
from tracker.identity import (
    IDENTITY_MISMATCH_MESSAGE,
    SHARED_IDENTITY_MESSAGE,
    identity_changes,
    identity_matches,
    is_shared,
    knows_arabic_names,
)
from tracker.models import CONTACT_FIELDS, ChangeLog, Enrollment, Trainee
from tracker.selectors import trainee_list
from tracker.services.contacts import trainee_contact_save
from tracker.services.history import changelog_record, changes_between, snapshot
from tracker.services.locking import lock_current_version

# The national record's fields (the identity), as the history names them.
TRAINEE_FIELDS = (
    "cin",
    "first_name",
    "last_name",
    "first_name_ar",
    "last_name_ar",
    "sex",
    "birth_date",
)
# Every field a caller sends for a person: the identity, then one operator's record.
PERSON_INPUT_FIELDS = (*TRAINEE_FIELDS, *CONTACT_FIELDS)


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
    """Who already sees the person may correct it: admins anyone's, a manager those of
    its conventions' trainees, a partner those of trainees it enrolls. Anyone else must
    prove the identity (trainee_upsert)."""
    if actor is None or actor.is_admin:
        return True
    if actor.is_manager:
        return Enrollment.objects.filter(
            trainee=trainee, cohort__convention__managers=actor
        ).exists()
    return trainee_list(user=actor).filter(pk=trainee.pk).exists()


def _refuse_shared_identity_change(trainee: Trainee, values: dict[str, Any]) -> None:
    """An operator corrects the identity of a person only it trains; once shared, the
    programme team does (tracker.services.identity_corrections)."""
    changed = identity_changes(trainee, values)
    if changed and is_shared(trainee):
        raise ValidationError(
            {
                name: ValidationError(SHARED_IDENTITY_MESSAGE, code="shared_identity")
                for name in changed
            }
        )


def _insert(
    data: TraineeInput, *, actor: User | None, source: str, operator_id: int | None
) -> Trainee:
    trainee = Trainee(**_identity(data))
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
    if operator_id is not None:
        trainee_contact_save(
            trainee=trainee,
            operator_id=operator_id,
            values=_contact(data),
            actor=actor,
            source=source,
            arabic_names_known=bool(trainee.first_name_ar or trainee.last_name_ar),
        )
    return trainee


def _save_changes(
    trainee: Trainee, before: dict[str, Any], *, actor: User | None, source: str
) -> None:
    """Saves and logs what changed in the identity, if anything, with the next version."""
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


def _identity(data: TraineeInput) -> dict[str, Any]:
    return {name: getattr(data, name) for name in TRAINEE_FIELDS}


def _contact(data: TraineeInput) -> dict[str, Any]:
    return {name: getattr(data, name) for name in CONTACT_FIELDS}


def trainee_upsert(
    *,
    data: TraineeInput,
    actor: User | None,
    operator_id: int | None,
    source: str = ChangeLog.Source.FORM,
) -> Trainee:
    """The trainee with this CIN, updated with what was just entered, or a new one; the
    contact details go to ``operator_id``'s record of the person (the cohort's operator).

    A partner links a person another organisation recorded only when the identity it
    supplies matches (else a neutral ValidationError on ``cin``), and never changes the
    identity of a person shared with another operator. Call inside the caller's
    transaction (the enrollment services do)."""
    data = trainee_clean(data)
    trainee = Trainee.objects.select_for_update().filter(cin=data.cin).first()
    if trainee is None:
        return _insert(data, actor=actor, source=source, operator_id=operator_id)
    if not _may_update_person(actor, trainee):
        # A person another organisation recorded: linked only when the caller proves it
        # knows who it is (the identity matches), and its identity never rewritten by it
        # (the import and the API batch follow the same rule, tracker.imports.validation).
        if not identity_matches(
            trainee,
            first_name=data.first_name,
            last_name=data.last_name,
            birth_date=data.birth_date,
            first_name_ar=data.first_name_ar,
            last_name_ar=data.last_name_ar,
        ):
            raise ValidationError(
                {"cin": ValidationError(IDENTITY_MISMATCH_MESSAGE, code="identity_mismatch")}
            )
    else:
        identity = _identity(data)
        if actor is not None and not actor.is_staff_role:
            _refuse_shared_identity_change(trainee, identity)
        before = snapshot(trainee, TRAINEE_FIELDS)
        for name, value in identity.items():
            # An empty Arabic name in the new entry does not erase what is known.
            if value in ("", None) and name in ("first_name_ar", "last_name_ar"):
                continue
            setattr(trainee, name, value)
        _save_changes(trainee, before, actor=actor, source=source)
    if operator_id is not None:
        trainee_contact_save(
            trainee=trainee,
            operator_id=operator_id,
            values=_contact(data),
            actor=actor,
            source=source,
            arabic_names_known=knows_arabic_names(
                trainee, first_name_ar=data.first_name_ar, last_name_ar=data.last_name_ar
            ),
        )
    return trainee


@transaction.atomic
def trainee_create(
    *, data: TraineeInput, actor: User | None, source: str = ChangeLog.Source.FORM
) -> Trainee:
    """A new person, enrolled nowhere yet (see can_create_person); a CIN already
    recorded is refused on the ``cin`` field."""
    if actor is not None and not can_create_person(actor):
        raise PermissionDenied
    cleaned = trainee_clean(data)
    try:
        with transaction.atomic():
            return _insert(cleaned, actor=actor, source=source, operator_id=None)
    except IntegrityError:
        # The same CIN saved by someone else since full_clean: the same answer.
        error = Trainee(**_identity(cleaned)).unique_error_message(Trainee, ("cin",))
        raise ValidationError({"cin": error}) from None


def contact_operator_for(actor: User | None, trainee: Trainee) -> int | None:
    """Whose record of the person a caller reads first and corrects: a partner's own;
    for staff, the most recently updated record (prefetched ``contacts`` are read without
    a query), else the operator of the person's latest enrollment."""
    if actor is not None and actor.is_partner:
        return actor.partner_id
    latest = max(trainee.contacts.all(), key=lambda c: (c.updated_at, c.pk), default=None)
    if latest is not None:
        return latest.operator_id
    return (
        Enrollment.objects.filter(trainee=trainee)
        .order_by("-enrolled_on", "-id")
        .values_list("operator_id", flat=True)
        .first()
    )


@transaction.atomic
def trainee_update(
    *,
    trainee: Trainee,
    version: int,
    data: TraineeInput,
    actor: User | None,
    source: str = ChangeLog.Source.FORM,
    keep_contacts: bool = False,
) -> Trainee:
    """Corrects a person's record as given (an empty optional field is cleared), if it
    is still at ``version`` (else ConcurrentEditError). The CIN, which identifies the
    person everywhere (enrollments, imports), is kept. The identity of a person shared
    with another operator is corrected by staff only; the contact details go to the
    caller's organisation's record (contact_operator_for), unless ``keep_contacts``
    (an identity correction)."""
    if actor is not None and not can_edit_person(actor, trainee):
        raise PermissionDenied
    data = trainee_clean(replace(data, cin=trainee.cin))
    locked = lock_current_version(trainee, version=version)
    identity = _identity(data)
    if actor is not None and not actor.is_staff_role:
        _refuse_shared_identity_change(locked, identity)
    before = snapshot(locked, TRAINEE_FIELDS)
    for name, value in identity.items():
        setattr(locked, name, value)
    _save_changes(locked, before, actor=actor, source=source)
    operator_id = None if keep_contacts else contact_operator_for(actor, locked)
    if operator_id is not None:
        trainee_contact_save(
            trainee=locked,
            operator_id=operator_id,
            values=_contact(data),
            actor=actor,
            source=source,
            keep_blanks=False,
            arabic_names_known=actor is not None
            and actor.is_partner
            and knows_arabic_names(
                locked, first_name_ar=data.first_name_ar, last_name_ar=data.last_name_ar
            ),
        )
    return locked
