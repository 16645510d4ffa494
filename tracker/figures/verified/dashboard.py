"""The dashboard's "declared beside verified" figures, read from the store
(tracker.figures.verified.rollup) under the slice the dashboard shows: one query, whatever
the number of hires and graduates, never a read of the enrollments or the hires.

The slice is applied as the dashboard applies it to the rollup store's cohort rows
(tracker.figures.sliced): the cohort's current region, zone, filière, convention,
operator or the cohort itself, and the cell's sex, year and quarter. A partner sums the
cells of its own hires and graduates only (the operator stored on them, as
tracker.verification.selectors scopes the rows)."""

from __future__ import annotations

from django.db.models import QuerySet, Sum

from accounts.models import User
from accounts.policy import scoped
from tracker.figures.slices import Slice
from tracker.figures.verified.figures import VerifiedRow
from tracker.figures.verified.rollup import COUNTS
from tracker.models import VerificationRollup


def stored_cells(*, user: User, part: Slice) -> QuerySet[VerificationRollup]:
    """The store's cells the user may read that fall in ``part``."""
    if not user.is_active:
        return VerificationRollup.objects.none()
    cells = scoped(VerificationRollup.objects.all(), user=user, organisation="operator_id")
    for name, value in part.cohort_filters.items():
        lookup = "cohort_id" if name == "cohort" else f"cohort__{name}_id"
        cells = cells.filter(**{lookup: value})
    return part.stored_cells(cells)


def stored_totals(*, user: User, part: Slice) -> VerifiedRow:
    """The verified figures of ``part`` within the user's scope, summed from the store:
    equal to tracker.figures.verified.figures.verified_totals(user=..., part=...), which
    counts them from the match rows."""
    sums = stored_cells(user=user, part=part).aggregate(**{name: Sum(name) for name in COUNTS})
    return VerifiedRow(member=None, label="", **{name: int(sums[name] or 0) for name in COUNTS})
