"""A cohort's live figures (its detail page), counted from its rows by the definitions
the rollup counts."""

from __future__ import annotations

from django.db.models import Count, Q

from tracker.figures.definitions import enrollment_totals
from tracker.models import Cohort, Enrollment


def cohort_figures(*, cohort: Cohort) -> dict[str, int | float | None]:
    """The cohort's live figures, counted from its rows in one aggregate query: enrolled,
    graduates, jobs created and women by the definitions the rollup counts
    (tracker.figures.definitions.enrollment_totals), plus its dropouts, failures and
    hires of every kind."""
    figures = Enrollment.objects.filter(cohort=cohort).aggregate(
        **enrollment_totals(),
        dropped_out=Count("id", filter=Q(status=Enrollment.Status.DROPPED_OUT), distinct=True),
        failed=Count("id", filter=Q(status=Enrollment.Status.FAILED), distinct=True),
        hires=Count("placements", distinct=True),
    )
    enrolled = figures["enrolled"]
    figures["women_share"] = (
        round(100 * figures["women_enrolled"] / enrolled, 1) if enrolled else None
    )
    return figures
