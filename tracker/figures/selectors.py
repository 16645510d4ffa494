"""Reads of the rollup store, scoped by role.

Staff read the stored rows of each dimension. A partner user reads only the cohort rows
of the cohorts it may see (tracker.selectors.cohort_list), regrouped by the cohort's
region, zone, filière or convention: every figure a partner sees is computed over its own
rows only, never over another partner's.

Every function here runs a fixed number of queries, whatever the amount of data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from conventions.models import Convention, Indicator
from conventions.selectors import convention_list
from tracker.figures.commitments import COUNT_INDICATORS, targets_to_date
from tracker.figures.definitions import period_bounds
from tracker.models import Cohort, Dimension, Rollup, RollupState, User
from tracker.models.rollups import MEASURES
from tracker.selectors import cohort_list

# Dimension -> the cohort column a partner's cohort rows are regrouped by.
COHORT_MEMBER = {
    Dimension.REGION: "cohort__region_id",
    Dimension.ZONE: "cohort__zone_id",
    Dimension.FILIERE: "cohort__filiere_id",
    Dimension.CONVENTION: "cohort__convention_id",
    Dimension.OPERATOR: "cohort__operator_id",
    Dimension.COHORT: "cohort_id",
}


@dataclass
class Figures:
    """The summed measures of some rollup rows, and the rates they give."""

    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))

    def __getattr__(self, name: str) -> int:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def add(self, other: Figures) -> None:
        for measure in MEASURES:
            self.values[measure] += other.values[measure]

    @staticmethod
    def _percent(numerator: int, denominator: int) -> Decimal | None:
        if not denominator:
            return None
        return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"))

    @property
    def placement_rate(self) -> Decimal | None:
        return self._percent(
            self.values["placement_6m_placed"], self.values["placement_6m_eligible"]
        )

    @property
    def retention_rate(self) -> Decimal | None:
        return self._percent(
            self.values["retention_12m_retained"], self.values["retention_12m_eligible"]
        )

    @property
    def women_share(self) -> Decimal | None:
        return self._percent(self.values["women_enrolled"], self.values["enrolled"])

    def indicator(self, indicator: str) -> Decimal | None:
        """The value of a commitment indicator (conventions.models.Indicator)."""
        if indicator == Indicator.PLACEMENT_RATE_6M:
            return self.placement_rate
        if indicator == Indicator.WOMEN_SHARE:
            return self.women_share
        return Decimal(self.values[indicator])


def _figures(row: dict[str, Any]) -> Figures:
    return Figures({measure: int(row[measure] or 0) for measure in MEASURES})


SUMS = {measure: Sum(measure) for measure in MEASURES}
MEMBER_IDS_LISTED = 200


def _rows(user: User, dimension: str) -> tuple[QuerySet[Rollup], str | None]:
    """The rollup rows to sum for ``dimension`` and the field naming the member."""
    if user.is_staff_role:
        rows = Rollup.objects.filter(dimension=dimension)
        return rows, (None if dimension == Dimension.NATIONAL else "member_id")
    # Through the unique (dimension, member_id) index: a partner's cohorts only.
    rows = Rollup.objects.filter(
        dimension=Dimension.COHORT, member_id__in=cohort_list(user=user).values("id")
    )
    return rows, COHORT_MEMBER.get(Dimension(dimension))


def _until_quarter(rows: QuerySet[Rollup], until: dt.date | None) -> QuerySet[Rollup]:
    if until is None:
        return rows
    quarter = (until.month - 1) // 3 + 1
    return rows.filter(Q(year__lt=until.year) | Q(year=until.year, quarter__lte=quarter))


def figures_by_year(
    *, user: User, dimension: str = Dimension.NATIONAL, member_id: int | None = None
) -> dict[int, Figures]:
    """year -> figures of one member (the nation by default), within the user's scope."""
    rows, member_field = _rows(user, dimension)
    if member_field is not None:
        rows = rows.filter(**{member_field: member_id})
    result = rows.values("year").annotate(**SUMS).order_by("year")
    return {row["year"]: _figures(row) for row in result}


def figures_by_member(
    *,
    user: User,
    dimension: str,
    year: int | None = None,
    until: dt.date | None = None,
    member_ids: list[int] | None = None,
) -> dict[int, Figures]:
    """member id -> figures (all years, one year, or up to a date's quarter)."""
    rows, member_field = _rows(user, dimension)
    assert member_field is not None, "the nation has no members"
    if year is not None:
        rows = rows.filter(year=year)
    rows = _until_quarter(rows, until)
    if member_ids is not None:
        rows = rows.filter(**{f"{member_field}__in": member_ids})
    result = (
        rows.exclude(**{f"{member_field}__isnull": True})
        .values(member=F(member_field))
        .annotate(**SUMS)
        .order_by()
    )
    return {row["member"]: _figures(row) for row in result}


def total_figures(*, user: User, year: int | None = None) -> Figures:
    rows, _member = _rows(user, Dimension.NATIONAL)
    if year is not None:
        rows = rows.filter(year=year)
    return _figures(rows.aggregate(**SUMS))


# --- Freshness --------------------------------------------------------------------


@dataclass(frozen=True)
class Freshness:
    computed_at: dt.datetime | None
    last_full_at: dt.datetime | None
    reference_date: dt.date

    @property
    def stale(self) -> bool:
        if self.computed_at is None:
            return True
        limit = dt.timedelta(hours=settings.ROLLUP_STALE_AFTER_HOURS)
        last_full = self.last_full_at or self.computed_at
        return timezone.now() - last_full > limit


def rollup_freshness() -> Freshness:
    state = RollupState.objects.order_by("id").first()
    if state is None:
        return Freshness(None, None, timezone.localdate())
    return Freshness(state.updated_at, state.last_full_at, state.reference_date)


# --- Progress against commitments -------------------------------------------------


# Commitment indicator -> the figure its value (or its rate's numerator) drills down to.
INDICATOR_FIGURE = {
    Indicator.ENROLLED: "enrolled",
    Indicator.GRADUATES: "graduates",
    Indicator.JOBS_CREATED: "jobs_created",
    Indicator.PLACEMENT_RATE_6M: "placement_6m_placed",
    Indicator.WOMEN_SHARE: "women_enrolled",
}


@dataclass
class IndicatorProgress:
    indicator: str
    label: str
    value: Decimal | None
    target_to_date: Decimal | None
    is_rate: bool

    @property
    def figure(self) -> str:
        return INDICATOR_FIGURE[Indicator(self.indicator)]

    @property
    def ratio(self) -> Decimal | None:
        """Figure to date / target to date, as a percentage."""
        if self.value is None or not self.target_to_date:
            return None
        return (Decimal(100) * self.value / self.target_to_date).quantize(Decimal("0.1"))

    @property
    def lagging(self) -> bool:
        ratio = self.ratio
        return ratio is not None and ratio < Decimal(str(settings.LAGGING_THRESHOLD * 100))


@dataclass
class Progress:
    """A convention's (or a cohort's) figures to date against its targets to date."""

    figures: Figures
    indicators: list[IndicatorProgress]
    until: dt.date

    @property
    def lagging(self) -> bool:
        return any(item.lagging for item in self.indicators)

    @property
    def lagging_indicators(self) -> list[IndicatorProgress]:
        return [item for item in self.indicators if item.lagging]


def _indicator_labels() -> dict[str, str]:
    """The indicators' labels in the active language, translated once per page rather
    than once per convention (thousands of conventions on the national dashboard)."""
    return {indicator.value: str(indicator.label) for indicator in Indicator}


def _progress(
    figures: Figures,
    targets: dict[str, Decimal],
    until: dt.date,
    labels: dict[str, str] | None = None,
) -> Progress:
    labels = labels or _indicator_labels()
    items = [
        IndicatorProgress(
            indicator=indicator.value,
            label=labels[indicator.value],
            value=figures.indicator(indicator.value),
            target_to_date=targets.get(indicator.value),
            is_rate=indicator not in COUNT_INDICATORS,
        )
        for indicator in Indicator
    ]
    return Progress(figures=figures, indicators=items, until=until)


def end_of_quarter(day: dt.date) -> dt.date:
    quarter = (day.month - 1) // 3 + 1
    return period_bounds(day.year, quarter)[1] - dt.timedelta(days=1)


def _conventions_progress(
    conventions: list[Convention], figures: dict[int, Figures], today: dt.date
) -> list[tuple[Convention, Progress]]:
    targets = targets_to_date(conventions=[c.pk for c in conventions], today=today)
    until = min(today, end_of_quarter(today))
    labels = _indicator_labels()
    progress = [
        (
            convention,
            _progress(
                figures.get(convention.pk, Figures()),
                targets.get(convention.pk, {}),
                until,
                labels,
            ),
        )
        for convention in conventions
    ]
    progress.sort(key=lambda item: (not item[1].lagging, item[0].reference))
    return progress


def conventions_progress(
    *, user: User, today: dt.date | None = None, conventions: QuerySet[Convention] | None = None
) -> list[tuple[Convention, Progress]]:
    """Every convention the user may see (or those given, within that), with its figures
    to date against its commitments pro-rated to date; lagging ones first."""
    today = today or timezone.localdate()
    scoped = convention_list(user=user)
    if conventions is not None:
        scoped = scoped.filter(pk__in=conventions.values("pk"))
    convention_rows = list(scoped.exclude(status=Convention.Status.DRAFT).order_by("reference"))
    # A long list of ids costs more to plan than the few extra rows it filters out: past
    # a page's worth, read every convention's rows and keep those listed.
    member_ids = [c.pk for c in convention_rows]
    figures = figures_by_member(
        user=user,
        dimension=Dimension.CONVENTION,
        until=today,
        member_ids=member_ids if len(member_ids) <= MEMBER_IDS_LISTED else None,
    )
    return _conventions_progress(convention_rows, figures, today)


def lagging_conventions(*, today: dt.date | None = None) -> list[tuple[Convention, Progress]]:
    """Signed and active conventions under the threshold, on national figures (for the
    alerts sent to their managers; no user scope: this is the system reading)."""
    today = today or timezone.localdate()
    conventions = list(
        Convention.objects.filter(
            status__in=[Convention.Status.SIGNED, Convention.Status.ACTIVE]
        ).order_by("reference")
    )
    rows = _until_quarter(
        Rollup.objects.filter(
            dimension=Dimension.CONVENTION, member_id__in=[c.pk for c in conventions]
        ),
        today,
    )
    figures = {
        row["member_id"]: _figures(row)
        for row in rows.values("member_id").annotate(**SUMS).order_by()
    }
    return [item for item in _conventions_progress(conventions, figures, today) if item[1].lagging]


def convention_progress(
    *, user: User, convention: Convention, today: dt.date | None = None
) -> Progress:
    """One convention's figures against its commitments (for the convention page)."""
    found = conventions_progress(
        user=user, today=today, conventions=Convention.objects.filter(pk=convention.pk)
    )
    if found:
        return found[0][1]
    today = today or timezone.localdate()
    return _progress(Figures(), {}, today)


def cohort_progress(*, user: User, cohort: Cohort, today: dt.date | None = None) -> Progress:
    """One cohort's figures to date against its planned seats, and against its
    convention's rate commitments (placement rate, share of women)."""
    today = today or timezone.localdate()
    figures = figures_by_member(
        user=user, dimension=Dimension.COHORT, until=today, member_ids=[cohort.pk]
    ).get(cohort.pk, Figures())
    convention_targets = targets_to_date(conventions=[cohort.convention_id], today=today).get(
        cohort.convention_id, {}
    )
    targets = {
        key: value
        for key, value in convention_targets.items()
        if key in (Indicator.PLACEMENT_RATE_6M, Indicator.WOMEN_SHARE)
    }
    targets[Indicator.ENROLLED] = Decimal(cohort.planned_seats)
    return _progress(figures, targets, today)
