"""The figures of a slice (tracker.figures.slices), read from the rollup store.

Without a filter on a cohort attribute, staff read the stored rows of each dimension, as
the unsliced dashboard does. With one (region, zone, filière, convention, operator or
cohort, in any combination), the store's cohort rows are summed, joined to their cohort's
current attributes: the store keeps every cohort's figures by sex, year and quarter, so
any combination is a sum of stored cells, never a scan of the enrollments. Sex, year and
quarter are columns of every stored row. A partner reads its own cohorts' rows only
(tracker.figures.selectors._rows), within which it slices.

Figures are to date (tracker.figures.to_date): the rows of the reference day's quarter
dated after it are taken off, the ones of the slice only. Every function runs a fixed
number of queries whatever the size of the data.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, QuerySet

from accounts.models import User
from accounts.policy import sees_nationally
from tracker.figures.selectors import (
    COHORT_MEMBER,
    SUMS,
    Figures,
    _after,
    _figures,
    _rows,
    _subtract_after,
    _until_quarter,
)
from tracker.figures.slices import Slice
from tracker.figures.to_date import AfterDay
from tracker.models import Dimension, Rollup
from tracker.selectors import cohort_list


def _cohort_lookup(attribute: str) -> str:
    return "member_id" if attribute == "cohort" else f"cohort__{attribute}_id"


def sliced_rows(*, user: User, part: Slice, dimension: str) -> tuple[QuerySet[Rollup], str | None]:
    """The stored rows to sum for ``dimension`` under ``part``, and the field naming the
    member (None for the nation)."""
    filters = part.cohort_filters
    if sees_nationally(user) and not filters:
        rows, member_field = _rows(user, dimension)
    else:
        if sees_nationally(user):
            rows = Rollup.objects.filter(dimension=Dimension.COHORT)
        else:
            rows = Rollup.objects.filter(
                dimension=Dimension.COHORT, member_id__in=cohort_list(user=user).values("id")
            )
        rows = rows.filter(**{_cohort_lookup(name): value for name, value in filters.items()})
        member_field = COHORT_MEMBER.get(Dimension(dimension))
    return part.stored_cells(rows), member_field


def sliced_after(after: AfterDay, part: Slice) -> AfterDay:
    """The rows dated after the reference day that fall in ``part``."""
    until = after.until
    if part.year is not None and part.year != until.year:
        return AfterDay(until=until)
    if part.quarter is not None and part.quarter != (until.month - 1) // 3 + 1:
        return AfterDay(until=until)
    filters = part.cohort_filters
    kept = [
        (members, sex, values)
        for members, sex, values in after.rows
        if (not part.sex or sex == part.sex)
        and all(members[name] == value for name, value in filters.items())
    ]
    return AfterDay(until=until, rows=kept)


def sliced_by_year(
    *, user: User, part: Slice, until: dt.date, after: AfterDay | None = None
) -> dict[int, Figures]:
    """year -> the slice's figures to date."""
    rows, _member = sliced_rows(user=user, part=part, dimension=Dimension.NATIONAL)
    rows = _until_quarter(rows, until)
    result = {
        row["year"]: _figures(row) for row in rows.values("year").annotate(**SUMS).order_by("year")
    }
    if until.year in result:
        later = sliced_after(_after(user, until, after), part).total()
        result[until.year].subtract(later)
    return result


def sliced_total(
    *, user: User, part: Slice, until: dt.date, after: AfterDay | None = None
) -> Figures:
    rows, _member = sliced_rows(user=user, part=part, dimension=Dimension.NATIONAL)
    figures = _figures(_until_quarter(rows, until).aggregate(**SUMS))
    figures.subtract(sliced_after(_after(user, until, after), part).total())
    return figures


def sliced_by_member(
    *,
    user: User,
    part: Slice,
    dimension: str,
    until: dt.date,
    after: AfterDay | None = None,
) -> dict[int, Figures]:
    """member id -> the slice's figures to date, for each member of ``dimension``."""
    rows, member_field = sliced_rows(user=user, part=part, dimension=dimension)
    assert member_field is not None, "the nation has no members"
    rows = _until_quarter(rows, until)
    result: dict[int, Figures] = {
        row["member"]: _figures(row)
        for row in rows.exclude(**{f"{member_field}__isnull": True})
        .values(member=F(member_field))
        .annotate(**SUMS)
        .order_by()
    }
    later = sliced_after(_after(user, until, after), part)
    _subtract_after(result, later.by_member(dimension))
    return result
