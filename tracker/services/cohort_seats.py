"""Planned seats of a convention's cohorts, written together: every cohort through
``cohort_update`` (its rights and rules), in one transaction, all or nothing; a refused
cohort's error is collected with the others'."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from conventions.models import Convention
from tracker.models import Cohort
from tracker.services.cohorts import cohort_update


class SeatsRefusedError(Exception):
    """Cohort id -> messages: nothing was written."""

    def __init__(self, errors: dict[int, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def cohort_seats_update(*, convention: Convention, seats: Mapping[int, int], actor: User) -> int:
    """Sets the planned seats of the convention's cohorts named in ``seats`` (cohort id
    -> seats); returns how many changed. Raises SeatsRefusedError (nothing written) when a
    cohort is refused, PermissionDenied when the actor may not manage the cohorts."""
    cohorts = {c.pk: c for c in Cohort.objects.filter(convention=convention, pk__in=list(seats))}
    if set(cohorts) != set(seats):
        raise ValidationError("unknown cohort", code="invalid")  # not this convention's
    errors: dict[int, list[str]] = {}
    changed = 0
    with transaction.atomic():
        for cohort_id, planned in seats.items():
            cohort = cohorts[cohort_id]
            if cohort.planned_seats == planned:
                continue
            try:
                with transaction.atomic():
                    cohort_update(cohort=cohort, actor=actor, planned_seats=planned)
            except ValidationError as error:
                errors[cohort_id] = list(error.messages)
            else:
                changed += 1
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise SeatsRefusedError(errors)
    return changed
