"""Corrections of a shared person's identity: an operator asks, with a comment (it may
no longer change the identity itself once another operator trains the person,
tracker.identity); staff (admins, the managers of one of the person's conventions) apply
or decline from their queue. Applied, the national record changes for every operator."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import can_handle_identity_correction, can_request_identity_correction
from tracker import rules
from tracker.models import ChangeLog, IdentityCorrectionRequest, Trainee
from tracker.services.history import changelog_record
from tracker.services.trainees import TraineeInput, trainee_update

# What a correction may change: the identity, never the CIN's owner's contact details.
CORRECTABLE_FIELDS = (
    "first_name",
    "last_name",
    "first_name_ar",
    "last_name_ar",
    "sex",
    "birth_date",
)


def _clean_proposal(proposed: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in proposed.items():
        if name not in CORRECTABLE_FIELDS:
            errors[name] = [_("Champ inconnu.")]
            continue
        if name == "birth_date":
            if not isinstance(value, dt.date):
                errors[name] = [_("Date invalide.")]
                continue
            try:
                rules.check_birth_date(value)
            except ValidationError as error:
                errors[name] = list(error.messages)
                continue
            cleaned[name] = value.isoformat()
        elif name == "sex":
            if value not in Trainee.Sex.values:
                errors[name] = [_("Sexe inconnu : « %(value)s ».") % {"value": value}]
                continue
            cleaned[name] = value
        else:
            text = " ".join(str(value or "").split())
            if not text and name in ("first_name", "last_name"):
                errors[name] = [_("Ce champ est obligatoire.")]
                continue
            cleaned[name] = text
    if not cleaned and not errors:
        errors["proposed"] = [_("Indiquez au moins une donnée d'identité à corriger.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def identity_correction_request(
    *, trainee: Trainee, actor: User, proposed: dict[str, Any], comment: str
) -> IdentityCorrectionRequest:
    """An operator's request to correct a person's identity, for the staff queue."""
    if not can_request_identity_correction(actor, trainee) or actor.partner_id is None:
        raise PermissionDenied
    cleaned = _clean_proposal(proposed)
    comment = comment.strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Expliquez la correction (la pièce qui la justifie, par exemple).")}
        )
    request = IdentityCorrectionRequest.objects.create(
        trainee=trainee,
        operator_id=actor.partner_id,
        requested_by=actor,
        proposed=cleaned,
        comment=comment,
    )
    changelog_record(
        entity=ChangeLog.Entity.TRAINEE,
        object_id=trainee.pk,
        action="correction_requested",
        changes={name: [None, value] for name, value in cleaned.items()},
        actor=actor,
    )
    return request


def _lock_open(request: IdentityCorrectionRequest, actor: User) -> IdentityCorrectionRequest:
    if not can_handle_identity_correction(actor, request.trainee):
        raise PermissionDenied
    locked = IdentityCorrectionRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != IdentityCorrectionRequest.Status.OPEN:
        raise ValidationError(_("Cette demande a déjà été traitée."), code="already_handled")
    return locked


@transaction.atomic
def identity_correction_apply(
    *, request: IdentityCorrectionRequest, actor: User, staff_comment: str = ""
) -> IdentityCorrectionRequest:
    """Staff apply the proposed identity to the national record (history: the person's
    "updated" entry by the staff member), and close the request."""
    locked = _lock_open(request, actor)
    trainee = Trainee.objects.get(pk=locked.trainee_id)
    values: dict[str, Any] = {name: getattr(trainee, name) for name in CORRECTABLE_FIELDS}
    for name, value in locked.proposed.items():
        values[name] = dt.date.fromisoformat(value) if name == "birth_date" else value
    trainee_update(
        trainee=trainee,
        version=trainee.version,
        data=TraineeInput(cin=trainee.cin, **values),
        actor=actor,
        keep_contacts=True,
    )
    return _close(locked, actor, IdentityCorrectionRequest.Status.APPLIED, staff_comment)


@transaction.atomic
def identity_correction_decline(
    *, request: IdentityCorrectionRequest, actor: User, staff_comment: str
) -> IdentityCorrectionRequest:
    locked = _lock_open(request, actor)
    if not staff_comment.strip():
        raise ValidationError({"staff_comment": _("Dites à l'opérateur pourquoi.")})
    return _close(locked, actor, IdentityCorrectionRequest.Status.DECLINED, staff_comment)


def _close(
    request: IdentityCorrectionRequest, actor: User, status: str, staff_comment: str
) -> IdentityCorrectionRequest:
    request.status = status
    request.handled_by = actor
    request.handled_at = timezone.now()
    request.staff_comment = staff_comment.strip()
    request.save()
    return request
