"""Convention commitments: the current targets, and their pro-rated value to date.

The current targets come from conventions.selectors.current_commitments_of (the latest
amendment that carries commitments, else the original ones — DESIGN.md, Convention).

Targets to date:
- counts (enrolled, graduates, jobs created): the sum of the yearly targets, each year
  counted in full once over, the current year pro-rated by the share of it elapsed;
- rates (placement rate, share of women): the mean of the yearly targets of the years
  started (they are levels to hold, not amounts to accumulate).
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
    QuerySet,
    Sum,
    Value,
    When,
)

from conventions.models import Indicator
from conventions.selectors import current_commitments_of

COUNT_INDICATORS = (Indicator.ENROLLED, Indicator.GRADUATES, Indicator.JOBS_CREATED)
RATE_INDICATORS = (Indicator.PLACEMENT_RATE_6M, Indicator.WOMEN_SHARE)


def elapsed_share(year: int, today: dt.date) -> Decimal:
    """How much of ``year`` has elapsed by ``today``: 1, 0, or a fraction."""
    if year < today.year:
        return Decimal(1)
    if year > today.year:
        return Decimal(0)
    days_in_year = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    return Decimal(today.timetuple().tm_yday) / Decimal(days_in_year)


def targets_to_date(
    *, conventions: QuerySet | Iterable[int], today: dt.date
) -> dict[int, dict[str, Decimal]]:
    """convention id -> indicator -> target to date, computed in SQL (one query)."""
    share = elapsed_share(today.year, today)
    decimal: DecimalField = DecimalField(max_digits=20, decimal_places=6)
    prorated = Sum(
        Case(
            When(year__lt=today.year, then=F("target_value")),
            When(year=today.year, then=F("target_value") * Value(share, output_field=decimal)),
            default=Value(Decimal(0)),
            output_field=decimal,
        )
    )
    rate_level = Avg(Case(When(year__lte=today.year, then=F("target_value")), output_field=decimal))
    rows = (
        current_commitments_of(conventions=conventions)
        .values("convention_id", "indicator")
        .annotate(prorated=prorated, level=rate_level)
        .order_by()
    )
    targets: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        value = row["level"] if row["indicator"] in RATE_INDICATORS else row["prorated"]
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
