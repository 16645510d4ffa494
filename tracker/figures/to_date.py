"""Figures "to date": the rows dated up to the reference day, never the rest of its period.

The rollup store is kept per year and quarter. A figure to date reads every stored cell
up to the reference day's quarter, then takes off what that quarter holds *after* the
reference day: those rows are counted here from the source rows, through the figure
definitions (tracker.figures.definitions), so the figure and its drill-down list the same
rows. Only the rest of one quarter is read (few rows: enrollments planned ahead, and
rows that break tracker.rules), in two grouped queries (enrollments, hires) whatever the
size of the data; one ``AfterDay`` serves every dimension of a page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from tracker.figures.definitions import ENROLLMENTS, FIGURES, period_bounds
from tracker.figures.dialect import AddMonths
from tracker.models import Dimension, Enrollment, Placement
from tracker.models.rollups import MEASURES
from tracker.selectors import enrollment_list, placement_list

# Dimension -> the cohort attribute a row is counted under (as the rollup groups them).
MEMBER_OF_ROW = {
    Dimension.REGION: "region",
    Dimension.ZONE: "zone",
    Dimension.FILIERE: "filiere",
    Dimension.CONVENTION: "convention",
    Dimension.OPERATOR: "operator",
    Dimension.COHORT: "cohort",
}
_ATTRIBUTES = ("region", "zone", "filiere", "convention", "operator")


def quarter_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s quarter."""
    quarter = (day.month - 1) // 3 + 1
    return period_bounds(day.year, quarter)[1] - dt.timedelta(days=1)


@dataclass
class AfterDay:
    """What the store counts in ``until``'s quarter but is dated after ``until``: one entry
    per (cohort attributes, sex), the measures as in the store."""

    until: dt.date
    rows: list[tuple[dict[str, int | None], str, dict[str, int]]] = field(default_factory=list)

    def by_member(self, dimension: str) -> dict[int, dict[str, int]]:
        attribute = MEMBER_OF_ROW[Dimension(dimension)]
        result: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
        for members, _sex, values in self.rows:
            member = members[attribute]
            if member is None:
                continue
            for measure, value in values.items():
                result[member][measure] += value
        return dict(result)

    def total(self, *, member_field: str | None = None, member_id: int | None = None) -> dict:
        """Over the nation, or over one member (``member_field`` a Dimension value)."""
        values = dict.fromkeys(MEASURES, 0)
        attribute = MEMBER_OF_ROW[Dimension(member_field)] if member_field else None
        for members, _sex, row in self.rows:
            if attribute is not None and members[attribute] != member_id:
                continue
            for measure, value in row.items():
                values[measure] += value
        return values


def _counts(kind: str, reference_date: dt.date, start: dt.date, end: dt.date) -> dict[str, Count]:
    """One COUNT per measure of this kind of rows: the figure's predicate, dated in
    [start, end]."""
    counts = {}
    for name, figure in FIGURES.items():
        if figure.rows != kind:
            continue
        dated = Q(**{f"{figure.date_field}__gte": start, f"{figure.date_field}__lte": end})
        counts[name] = Count("pk", filter=figure.predicate(reference_date) & dated)
    return counts


def after_day(*, until: dt.date, reference_date: dt.date, user: User | None = None) -> AfterDay:
    """The rows dated after ``until`` within its quarter, within what ``user`` may see
    (every row when None: the system reading, e.g. the lagging alerts). Two queries."""
    start, end = until + dt.timedelta(days=1), quarter_end(until)
    result = AfterDay(until=until)
    if start > end:
        return result
    enrollments: QuerySet[Any] = (
        enrollment_list(user=user) if user is not None else Enrollment.objects.all()
    )
    placements: QuerySet[Any] = (
        placement_list(user=user) if user is not None else Placement.objects.all()
    )
    kinds = (
        (
            ENROLLMENTS,
            enrollments.alias(six_months_after=AddMonths("graduated_on", 6)).filter(
                Q(enrolled_on__gte=start, enrolled_on__lte=end)
                | Q(graduated_on__gte=start, graduated_on__lte=end)
            ),
            "",
        ),
        (
            "hires",
            placements.alias(twelve_months_after=AddMonths("hired_on", 12)).filter(
                hired_on__gte=start, hired_on__lte=end
            ),
            "enrollment__",
        ),
    )
    for kind, rows, prefix in kinds:
        keys = {
            "cohort": f"{prefix}cohort_id",
            **{name: f"{prefix}cohort__{name}_id" for name in _ATTRIBUTES},
            "sex": f"{prefix}trainee__sex",
        }
        grouped = (
            rows.values(*keys.values())
            .annotate(**_counts(kind, reference_date, start, end))
            .order_by()
        )
        for row in grouped:
            members = {name: row[key] for name, key in keys.items() if name != "sex"}
            values = {m: int(row[m]) for m in MEASURES if row.get(m)}
            if values:
                result.rows.append((members, row[keys["sex"]], values))
    return result
