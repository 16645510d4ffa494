"""Bulk transitions: graduate, drop out or fail many enrollments at once, through the
very services a single write goes through (tracker.services.enrollments: rights, the
lifecycle, the date rules, the history, the rollups), all or nothing.

Every row is tried in a savepoint of one transaction, so every row that breaks a rule is
listed (not only the first); when one does, or on a dry run (the confirmation step),
the whole transaction is rolled back and nothing is written. Rollups are queued by the
services, once per transaction, when it commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from tracker.models import ChangeLog, Enrollment
from tracker.services.enrollments import (
    enrollment_drop_out,
    enrollment_fail,
    enrollment_graduate,
)
from tracker.services.locking import ConcurrentEditError

# At most this many enrollments in one bulk action (a cohort is a few dozen; a whole
# filtered list of a partner a few thousand).
BULK_MAX_ROWS = 5000


@dataclass(frozen=True)
class BulkAction:
    label: Any  # lazy: shown in the reader's language
    apply: Callable[..., Enrollment]
    date_field: str


def _graduate(*, enrollment: Enrollment, on: dt.date, actor: User, source: str) -> Enrollment:
    return enrollment_graduate(
        enrollment=enrollment,
        version=enrollment.version,
        graduated_on=on,
        actor=actor,
        source=source,
    )


def _drop_out(*, enrollment: Enrollment, on: dt.date, actor: User, source: str) -> Enrollment:
    return enrollment_drop_out(
        enrollment=enrollment, version=enrollment.version, exited_on=on, actor=actor, source=source
    )


def _fail(*, enrollment: Enrollment, on: dt.date, actor: User, source: str) -> Enrollment:
    return enrollment_fail(
        enrollment=enrollment, version=enrollment.version, exited_on=on, actor=actor, source=source
    )


ACTIONS: dict[str, BulkAction] = {
    "graduate": BulkAction(gettext_lazy("Diplômer"), _graduate, "graduated_on"),
    "drop_out": BulkAction(gettext_lazy("Enregistrer un abandon"), _drop_out, "exited_on"),
    "fail": BulkAction(gettext_lazy("Enregistrer un échec"), _fail, "exited_on"),
}


@dataclass(frozen=True)
class BulkRefusal:
    """One row that breaks a rule: which enrollment (and trainee), and why."""

    enrollment: Enrollment
    reasons: list[str]


@dataclass
class BulkOutcome:
    count: int
    refusals: list[BulkRefusal] = field(default_factory=list)
    written: bool = False


class _NothingWrittenError(Exception):
    """Leaves the transaction without writing anything (a dry run, or a refused row)."""


def _reasons(error: Exception) -> list[str]:
    if isinstance(error, ConcurrentEditError):
        return [_("Cette inscription vient d'être modifiée par quelqu'un d'autre.")]
    if isinstance(error, PermissionDenied):
        return [_("Vous ne pouvez pas modifier cette inscription.")]
    assert isinstance(error, ValidationError)
    return list(error.messages)


def check_bulk_size(count: int) -> None:
    if count > BULK_MAX_ROWS:
        raise ValidationError(
            _("Au plus %(max)s inscriptions à la fois (%(count)s sélectionnées).")
            % {"max": BULK_MAX_ROWS, "count": count},
            code="too_many_rows",
        )


def enrollment_bulk_transition(
    *,
    enrollments: Sequence[Enrollment],
    action: str,
    on: dt.date,
    actor: User,
    dry_run: bool = False,
) -> BulkOutcome:
    """Applies ``action`` ("graduate", "drop_out", "fail") dated ``on`` to every one of
    ``enrollments`` (already scoped to what the actor may see), or to none: the outcome
    lists the refused rows with their reasons. A dry run checks every row and writes
    nothing."""
    bulk = ACTIONS[action]
    check_bulk_size(len(enrollments))
    outcome = BulkOutcome(count=len(enrollments))
    try:
        with transaction.atomic():
            for enrollment in enrollments:
                try:
                    with transaction.atomic():
                        bulk.apply(
                            enrollment=enrollment,
                            on=on,
                            actor=actor,
                            source=ChangeLog.Source.FORM,
                        )
                except (ValidationError, PermissionDenied, ConcurrentEditError) as error:
                    outcome.refusals.append(BulkRefusal(enrollment, _reasons(error)))
            if outcome.refusals or dry_run:
                raise _NothingWrittenError
            outcome.written = True
    except _NothingWrittenError:
        outcome.written = False
    return outcome
