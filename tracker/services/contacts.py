"""What one operator recorded about a person beyond identity (TraineeContact): written
only for that operator, with its own history (ChangeLog entity ``traineecontact``), so
neither the record nor its history ever reaches another operator."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from tracker.models import CONTACT_FIELDS, ChangeLog, Trainee, TraineeContact
from tracker.services.history import changelog_record, changes_between, snapshot


def trainee_contact_save(
    *,
    trainee: Trainee,
    operator_id: int,
    values: dict[str, Any],
    actor: User | None,
    source: str = ChangeLog.Source.FORM,
    keep_blanks: bool = True,
    arabic_names_known: bool = False,
) -> TraineeContact | None:
    """The operator's record of the person, created or brought up to date with ``values``
    (contact fields only). ``keep_blanks``: an empty value leaves the recorded one alone
    (an enrollment form without the phone does not erase it); False clears it (a full
    correction). ``arabic_names_known``: the operator supplied the national record's
    Arabic names itself, so it may read them (never unset). Nothing is created for an
    operator that recorded nothing."""
    values = {name: values[name] for name in CONTACT_FIELDS if name in values}
    if keep_blanks:
        values = {name: value for name, value in values.items() if value not in ("", None)}
    contact = (
        TraineeContact.objects.select_for_update()
        .filter(trainee=trainee, operator_id=operator_id)
        .first()
    )
    if contact is None:
        if not arabic_names_known and not any(v not in ("", None) for v in values.values()):
            return None
        contact = TraineeContact(trainee=trainee, operator_id=operator_id)
        before: dict[str, Any] = {}
        action = "created"
    else:
        before = snapshot(contact, CONTACT_FIELDS)
        action = "updated"
    for name, value in values.items():
        setattr(contact, name, value)
    changes = changes_between(before, snapshot(contact, CONTACT_FIELDS))
    if action == "created":
        changes = {name: pair for name, pair in changes.items() if pair[1] not in ("", None)}
    learns_arabic_names = arabic_names_known and not contact.arabic_names_known
    contact.arabic_names_known = contact.arabic_names_known or arabic_names_known
    if not changes and action == "updated":
        if learns_arabic_names:
            contact.save(update_fields=["arabic_names_known", "updated_at"])
        return contact
    contact.full_clean(exclude=["trainee", "operator"])
    contact.save()
    changelog_record(
        entity=ChangeLog.Entity.CONTACT,
        object_id=contact.pk,
        action=action,
        changes=changes,
        actor=actor,
        source=source,
    )
    return contact
