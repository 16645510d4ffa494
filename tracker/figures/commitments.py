"""Convention commitments: the current targets, and their pro-rated value to date.

The current targets come from conventions.selectors.current_commitments_of (the latest
amendment that carries commitments, else the original ones — DESIGN.md, Convention).

Targets to date, pro-rated from the convention's start (DESIGN.md: "nothing planned in
the future is late"):
- counts (enrolled, graduates, jobs created): the yearly targets of the years ended in
  full, plus the current year's pro-rated by the share elapsed to date of the part of
  that year the convention runs (a convention starting on 1 July is at half its first
  year's target on 30 September, not at three quarters); nothing before its start;
- rates (placement rate, share of women): the mean of the yearly targets of the years
  started since the convention started (levels to hold, not amounts to accumulate).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    DecimalField,
    F,
    Q,
    QuerySet,
    Sum,
    When,
)

from conventions.models import Indicator
from conventions.selectors import current_commitments_of

COUNT_INDICATORS = (Indicator.ENROLLED, Indicator.GRADUATES, Indicator.JOBS_CREATED)
RATE_INDICATORS = (Indicator.PLACEMENT_RATE_6M, Indicator.WOMEN_SHARE)


def elapsed_share(
    year: int, today: dt.date, *, starts_on: dt.date | None = None, ends_on: dt.date | None = None
) -> Decimal:
    """How much of ``year`` (of the part of it between ``starts_on`` and ``ends_on``) has
    elapsed by the end of ``today``: 1, 0, or a fraction."""
    first = max(dt.date(year, 1, 1), starts_on or dt.date.min)
    last = min(dt.date(year, 12, 31), ends_on or dt.date.max)
    if last < first or today < first:
        return Decimal(0)
    if today >= last:
        return Decimal(1)
    return Decimal((today - first).days + 1) / Decimal((last - first).days + 1)


def targets_to_date(
    *, conventions: QuerySet | Iterable[int], today: dt.date
) -> dict[int, dict[str, Decimal]]:
    """convention id -> indicator -> target to date (one query: the years ended summed in
    SQL, the current year's target pro-rated here from the convention's dates)."""
    decimal: DecimalField = DecimalField(max_digits=20, decimal_places=6)
    started = Q(year__gte=F("convention__starts_on__year"), convention__starts_on__lte=today)
    ended_years = Sum(
        Case(When(started & Q(year__lt=today.year), then=F("target_value")), output_field=decimal)
    )
    this_year = Sum(Case(When(year=today.year, then=F("target_value")), output_field=decimal))
    rate_level = Avg(
        Case(When(started & Q(year__lte=today.year), then=F("target_value")), output_field=decimal)
    )
    rows = (
        current_commitments_of(conventions=conventions)
        .values("convention_id", "indicator", "convention__starts_on", "convention__ends_on")
        .annotate(ended_years=ended_years, this_year=this_year, level=rate_level)
        .order_by()
    )
    targets: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        if row["indicator"] in RATE_INDICATORS:
            value = row["level"]
        else:
            share = elapsed_share(
                today.year,
                today,
                starts_on=row["convention__starts_on"],
                ends_on=row["convention__ends_on"],
            )
            value = Decimal(row["ended_years"] or 0) + Decimal(row["this_year"] or 0) * share
        if value is not None:
            targets[row["convention_id"]][row["indicator"]] = Decimal(value)
    return dict(targets)


def targets_by_year(*, conventions: QuerySet | Iterable[int]) -> dict[tuple[str, int], Decimal]:
    """(indicator, year) -> the sum of the current targets (counts), or their mean
    (rates), over these conventions: the programme's commitments per year."""
    rows = (
        current_commitments_of(conventions=conventions)
        .values("indicator", "year")
        .annotate(total=Sum("target_value"), mean=Avg("target_value"))
        .order_by()
    )
    return {
        (row["indicator"], row["year"]): Decimal(
            row["mean"] if row["indicator"] in RATE_INDICATORS else row["total"]
        )
        for row in rows
    }
