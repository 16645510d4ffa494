"""The operator stored on enrollments and hires (a copy of the cohort's, kept for the
partners' list scopes): the check that finds and repairs any row where it drifted.

Every write path sets it and cohort_update moves it with the cohort, so the check
should find nothing; it runs nightly (tracker.operator_consistency, before the full
rollup recompute, as a task of its own) and logs a
warning for any row it corrects (a path that forgot it, a hand-made SQL fix)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery

from tracker.models import Cohort, Enrollment, Placement

logger = logging.getLogger(__name__)

EXAMPLES_LOGGED = 10


def _repair(drifted: QuerySet[Any], source: QuerySet[Any], key: str) -> tuple[int, list[int]]:
    """Sets each drifted row's operator to its ``source`` row's (found by ``key``); returns
    how many rows changed and a few of their ids."""
    examples = list(drifted.values_list("id", flat=True)[:EXAMPLES_LOGGED])
    if not examples:
        return 0, []
    operator = Subquery(source.filter(pk=OuterRef(key)).values("operator_id")[:1])
    return drifted.update(operator_id=operator), examples


@transaction.atomic
def operator_consistency_repair() -> dict[str, int]:
    """Sets the stored operator of every enrollment and hire that differs from its
    cohort's; returns how many rows of each were corrected."""
    fixed_enrollments, examples = _repair(
        Enrollment.objects.exclude(operator_id=F("cohort__operator_id")),
        Cohort.objects.all(),
        "cohort_id",
    )
    # Enrollments first: a hire takes its (now right) enrollment's.
    fixed_placements, placement_examples = _repair(
        Placement.objects.exclude(operator_id=F("enrollment__operator_id")),
        Enrollment.objects.all(),
        "enrollment_id",
    )
    if fixed_enrollments or fixed_placements:
        logger.warning(
            "Stored operator differed from the cohort's: corrected %d enrollments (e.g. %s) "
            "and %d hires (e.g. %s)",
            fixed_enrollments,
            examples,
            fixed_placements,
            placement_examples,
        )
    return {"enrollments": fixed_enrollments, "placements": fixed_placements}
