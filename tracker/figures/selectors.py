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
from django.db import models
from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.policy import sees_nationally
from conventions.models import Convention, Indicator
from conventions.selectors import convention_list
from tracker.figures.commitments import COUNT_INDICATORS, targets_to_date
from tracker.figures.to_date import AfterDay, after_day
from tracker.models import Cohort, Dimension, Rollup, RollupChange, RollupState
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

    def subtract(self, values: dict[str, int]) -> None:
        """Takes off counted rows (those dated after the reference day: to_date)."""
        for measure, value in values.items():
            self.values[measure] -= value

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


def _rows(user: User, dimension: str) -> tuple[QuerySet[Rollup], str | None]:
    """The rollup rows to sum for ``dimension`` and the field naming the member."""
    if sees_nationally(user):
        rows = Rollup.objects.filter(dimension=dimension)
        return rows, (None if dimension == Dimension.NATIONAL else "member_id")
    # Through the unique (dimension, member_id) index: a partner's cohorts only.
    rows = Rollup.objects.filter(
        dimension=Dimension.COHORT, member_id__in=cohort_list(user=user).values("id")
    )
    return rows, COHORT_MEMBER.get(Dimension(dimension))


def _until_quarter(rows: QuerySet[Rollup], until: dt.date | None) -> QuerySet[Rollup]:
    """The stored cells up to ``until``'s quarter; the rest of that quarter after ``until``
    is taken off by the caller (_after, tracker.figures.to_date)."""
    if until is None:
        return rows
    quarter = (until.month - 1) // 3 + 1
    return rows.filter(Q(year__lt=until.year) | Q(year=until.year, quarter__lte=quarter))


def _after(user: User | None, until: dt.date, after: AfterDay | None) -> AfterDay:
    """The rows of ``until``'s quarter dated after it (given, or read: three queries)."""
    if after is not None and after.until == until:
        return after
    return after_day(until=until, reference_date=rollup_freshness().reference_date, user=user)


def figures_after_day(*, user: User, until: dt.date, reference_date: dt.date) -> AfterDay:
    """Read once per page and passed to every figures_* call with the same ``until``."""
    return after_day(until=until, reference_date=reference_date, user=user)


def figures_by_year(
    *,
    user: User,
    dimension: str = Dimension.NATIONAL,
    member_id: int | None = None,
    until: dt.date | None = None,
    after: AfterDay | None = None,
) -> dict[int, Figures]:
    """year -> figures of one member (the nation by default), within the user's scope;
    with ``until``, the rows dated up to that day only (the year of ``until`` to date)."""
    rows, member_field = _rows(user, dimension)
    if member_field is not None:
        rows = rows.filter(**{member_field: member_id})
    rows = _until_quarter(rows, until)
    result = {
        row["year"]: _figures(row) for row in rows.values("year").annotate(**SUMS).order_by("year")
    }
    if until is not None and until.year in result:
        later = _after(user, until, after).total(
            member_field=None if dimension == Dimension.NATIONAL else dimension,
            member_id=member_id,
        )
        result[until.year].subtract(later)
    return result


def figures_by_member(
    *,
    user: User,
    dimension: str,
    year: int | None = None,
    until: dt.date | None = None,
    member_ids: list[int] | QuerySet[Any] | None = None,
    after: AfterDay | None = None,
) -> dict[int, Figures]:
    """member id -> figures (all years or one year; with ``until``, the rows dated up to
    that day only: figures to date)."""
    rows, member_field = _rows(user, dimension)
    assert member_field is not None, "the nation has no members"
    if year is not None:
        rows = rows.filter(year=year)
    rows = _until_quarter(rows, until)
    if member_ids is not None:
        rows = rows.filter(**{f"{member_field}__in": member_ids})
    result = {
        row["member"]: _figures(row)
        for row in rows.exclude(**{f"{member_field}__isnull": True})
        .values(member=F(member_field))
        .annotate(**SUMS)
        .order_by()
    }
    if until is not None and (year is None or year == until.year):
        _subtract_after(result, _after(user, until, after).by_member(dimension))
    return result


def _subtract_after(result: dict[int, Figures], later: dict[int, dict[str, int]]) -> None:
    for member, values in later.items():
        if member in result:  # members filtered out by the caller stay out
            result[member].subtract(values)


def total_figures(
    *,
    user: User,
    year: int | None = None,
    until: dt.date | None = None,
    after: AfterDay | None = None,
) -> Figures:
    rows, _member = _rows(user, Dimension.NATIONAL)
    if year is not None:
        rows = rows.filter(year=year)
    rows = _until_quarter(rows, until)
    figures = _figures(rows.aggregate(**SUMS))
    if until is not None and (year is None or year == until.year):
        figures.subtract(_after(user, until, after).total())
    return figures


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


@dataclass(frozen=True)
class PendingChanges:
    """Changes written but not yet counted by the figures, waiting longer than the sweep's
    age: their number and since when (the oldest)."""

    count: int
    since: dt.datetime


def rollup_pending(*, user: User) -> PendingChanges | None:
    """The change-log entries (tracker.models.RollupChange) older than the sweep's age,
    within what the user may see (a partner: its own cohorts' changes only). One query;
    None when nothing waits that long."""
    limit = timezone.now() - dt.timedelta(seconds=settings.ROLLUP_SWEEP_AGE_SECONDS)
    rows = RollupChange.objects.filter(created_at__lte=limit)
    if not sees_nationally(user):
        rows = rows.filter(cohort_id__in=cohort_list(user=user).values("id"))
    found = rows.aggregate(count=Count("id"), since=Min("created_at"))
    if not found["count"]:
        return None
    return PendingChanges(count=found["count"], since=found["since"])


# --- Progress against commitments -------------------------------------------------


# Commitment indicator -> the figure its value (or its rate's numerator) drills down to.
INDICATOR_FIGURE = {
    Indicator.ENROLLED: "enrolled",
    Indicator.GRADUATES: "graduates",
    Indicator.JOBS_CREATED: "jobs_created",
    Indicator.PLACEMENT_RATE_6M: "placement_6m_placed",
    Indicator.WOMEN_SHARE: "women_enrolled",
}


def lagging_threshold() -> Decimal:
    """The ratio (in percent) under which a figure is lagging (settings.LAGGING_THRESHOLD)."""
    return Decimal(str(settings.LAGGING_THRESHOLD * 100))


def progress_ratio(value: Decimal | None, target_to_date: Decimal | None) -> Decimal | None:
    """Figure to date / target to date, as a percentage rounded to 0.1."""
    if value is None or not target_to_date:
        return None
    return (Decimal(100) * value / target_to_date).quantize(Decimal("0.1"))


def is_lagging(ratio: Decimal | None, threshold: Decimal) -> bool:
    return ratio is not None and ratio < threshold


class Standing(models.TextChoices):
    """Where a convention (or a cohort) stands against its commitments to date."""

    LATE = "late", _("En retard")
    ON_TRACK = "on_track", _("Dans les temps")
    SUSPENDED = "suspended", _("Suspendue")
    NOT_JUDGED = "not_judged", _("Non évaluée")


# Only these are judged: a draft or submitted convention has not started its commitments,
# a closed or terminated one is over (DESIGN.md: "a convention lags when it is signed or
# active"); suspended ones are shown apart.
JUDGED_STATUSES = frozenset({Convention.Status.SIGNED, Convention.Status.ACTIVE})


def standing_of(
    *,
    judged: bool,
    suspended: bool,
    figures: Figures,
    targets: dict[str, Decimal],
    threshold: Decimal,
) -> Standing:
    """The one decision of whether something is late: the dashboard's summary and table,
    the convention and cohort panels and the e-mail alerts all ask it. Late when judged
    and a figure to date is under the threshold of its target pro-rated to date (targets
    to date are nil before the start: nothing planned in the future is late)."""
    if suspended:
        return Standing.SUSPENDED
    if not judged:
        return Standing.NOT_JUDGED
    return Standing.LATE if _lagging(figures, targets, threshold) else Standing.ON_TRACK


def convention_standing(
    status: str, figures: Figures, targets: dict[str, Decimal], threshold: Decimal
) -> Standing:
    return standing_of(
        judged=status in JUDGED_STATUSES,
        suspended=status == Convention.Status.SUSPENDED,
        figures=figures,
        targets=targets,
        threshold=threshold,
    )


@dataclass
class IndicatorProgress:
    indicator: str
    label: str
    value: Decimal | None
    target_to_date: Decimal | None
    is_rate: bool
    # False when the whole is not judged (standing_of): no figure of it is marked late.
    judged: bool = True

    @property
    def figure(self) -> str:
        return INDICATOR_FIGURE[Indicator(self.indicator)]

    @property
    def ratio(self) -> Decimal | None:
        """Figure to date / target to date, as a percentage."""
        return progress_ratio(self.value, self.target_to_date)

    @property
    def lagging(self) -> bool:
        return self.judged and is_lagging(self.ratio, lagging_threshold())


@dataclass
class Progress:
    """A convention's (or a cohort's) figures to date against its targets to date."""

    figures: Figures
    indicators: list[IndicatorProgress]
    until: dt.date
    standing: Standing = Standing.NOT_JUDGED

    @property
    def lagging(self) -> bool:
        return self.standing == Standing.LATE

    @property
    def lagging_indicators(self) -> list[IndicatorProgress]:
        return [item for item in self.indicators if item.lagging]


INDICATORS = tuple(indicator.value for indicator in Indicator)


def _lagging(figures: Figures, targets: dict[str, Decimal], threshold: Decimal) -> bool:
    """Progress(...).lagging without building the Progress: the same ratios and threshold
    (progress_ratio, is_lagging), for the thousands of conventions a page only sorts and
    counts."""
    return any(
        is_lagging(progress_ratio(figures.indicator(indicator), targets.get(indicator)), threshold)
        for indicator in INDICATORS
    )


def _indicator_labels() -> dict[str, str]:
    """The indicators' labels in the active language, translated once per page rather
    than once per convention."""
    return {indicator.value: str(indicator.label) for indicator in Indicator}


def _progress(
    figures: Figures,
    targets: dict[str, Decimal],
    until: dt.date,
    labels: dict[str, str] | None = None,
    standing: Standing = Standing.NOT_JUDGED,
) -> Progress:
    labels = labels or _indicator_labels()
    judged = standing in (Standing.LATE, Standing.ON_TRACK)
    items = [
        IndicatorProgress(
            indicator=indicator.value,
            label=labels[indicator.value],
            value=figures.indicator(indicator.value),
            target_to_date=targets.get(indicator.value),
            is_rate=indicator not in COUNT_INDICATORS,
            judged=judged,
        )
        for indicator in Indicator
    ]
    return Progress(figures=figures, indicators=items, until=until, standing=standing)


@dataclass
class ConventionsProgress:
    """Conventions against their commitments, late ones first, then on track, suspended,
    not judged, each by reference: how many there are, how many stand where, the
    standing of each, and the first ``shown`` with their progress."""

    count: int
    lagging_count: int
    shown: list[tuple[Convention, Progress]]
    judged_count: int = 0
    suspended_count: int = 0
    standings: dict[int, str] = field(default_factory=dict)


STANDING_ORDER = {
    Standing.LATE: 0,
    Standing.ON_TRACK: 1,
    Standing.SUSPENDED: 2,
    Standing.NOT_JUDGED: 3,
}


def _conventions_progress(
    scope: QuerySet[Convention],
    figures: dict[int, Figures],
    today: dt.date,
    limit: int | None = None,
    lagging_only: bool = False,
) -> ConventionsProgress:
    """Four queries whatever the number of conventions: the conventions' ids (``scope``),
    the commitments pro-rated to date (``scope`` as a subquery), then the Convention rows
    of the ``limit`` first ones only. The standing of every convention is decided from
    plain numbers (convention_standing); a Progress is built for those returned only."""
    references = list(scope.order_by("reference").values_list("pk", "reference", "status"))
    targets = targets_to_date(conventions=scope.values("pk"), today=today)
    threshold = lagging_threshold()
    empty = Figures()
    flagged = [
        (
            convention_standing(status, figures.get(pk, empty), targets.get(pk, {}), threshold),
            reference,
            pk,
        )
        for pk, reference, status in references
    ]
    flagged.sort(key=lambda item: (STANDING_ORDER[item[0]], item[1]))
    counts = dict.fromkeys(Standing, 0)
    for standing, _ref, _pk in flagged:
        counts[standing] += 1
    kept = [item for item in flagged if item[0] == Standing.LATE] if lagging_only else flagged
    kept = kept if limit is None else kept[:limit]
    rows = Convention.objects.in_bulk([pk for _s, _ref, pk in kept]) if kept else {}
    labels = _indicator_labels()
    shown = [
        (
            rows[pk],
            _progress(figures.get(pk, Figures()), targets.get(pk, {}), today, labels, standing),
        )
        for standing, _ref, pk in kept
    ]
    return ConventionsProgress(
        count=len(flagged),
        lagging_count=counts[Standing.LATE],
        shown=shown,
        judged_count=counts[Standing.LATE] + counts[Standing.ON_TRACK],
        suspended_count=counts[Standing.SUSPENDED],
        standings={pk: standing.value for standing, _ref, pk in flagged},
    )


def _scoped_conventions(
    user: User, conventions: QuerySet[Convention] | None = None
) -> QuerySet[Convention]:
    scoped = convention_list(user=user)
    if conventions is not None:
        scoped = scoped.filter(pk__in=conventions.values("pk"))
    return scoped.exclude(status=Convention.Status.DRAFT)


def conventions_progress_summary(
    *,
    user: User,
    today: dt.date | None = None,
    limit: int | None = None,
    after: AfterDay | None = None,
) -> ConventionsProgress:
    """The conventions the user may see (drafts aside) against their commitments
    pro-rated to date: their number, the number lagging, and the first ``limit``
    (lagging ones first, then by reference) with their progress. A constant number of
    queries."""
    today = today or timezone.localdate()
    scoped = _scoped_conventions(user)
    # Every convention's rows (the scope's conventions only for a partner: _rows reads
    # its cohorts); a list of thousands of ids costs more to plan than it filters out.
    figures = figures_by_member(user=user, dimension=Dimension.CONVENTION, until=today, after=after)
    return _conventions_progress(scoped, figures, today, limit=limit)


def conventions_progress(
    *, user: User, today: dt.date | None = None, conventions: QuerySet[Convention] | None = None
) -> list[tuple[Convention, Progress]]:
    """Every convention the user may see (or those given, within that), with its figures
    to date against its commitments pro-rated to date; lagging ones first."""
    today = today or timezone.localdate()
    scoped = _scoped_conventions(user, conventions)
    figures = figures_by_member(
        user=user, dimension=Dimension.CONVENTION, until=today, member_ids=scoped.values("pk")
    )
    return _conventions_progress(scoped, figures, today).shown


def lagging_conventions(*, today: dt.date | None = None) -> list[tuple[Convention, Progress]]:
    """Signed and active conventions under the threshold, on national figures (for the
    alerts sent to their managers; no user scope: this is the system reading)."""
    today = today or timezone.localdate()
    scope = Convention.objects.filter(
        status__in=[Convention.Status.SIGNED, Convention.Status.ACTIVE]
    )
    rows = _until_quarter(
        Rollup.objects.filter(dimension=Dimension.CONVENTION, member_id__in=scope.values("pk")),
        today,
    )
    figures = {
        row["member_id"]: _figures(row)
        for row in rows.values("member_id").annotate(**SUMS).order_by()
    }
    _subtract_after(figures, _after(None, today, None).by_member(Dimension.CONVENTION))
    return _conventions_progress(scope, figures, today, lagging_only=True).shown


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
    convention's rate commitments (placement rate, share of women). Judged once the
    cohort has started (a cohort planned to start later is not late), under a signed or
    active convention, unless cancelled."""
    return cohorts_progress(user=user, cohorts=[cohort], today=today)[cohort.pk]


def cohorts_progress(
    *,
    user: User,
    cohorts: list[Cohort],
    today: dt.date | None = None,
    after: AfterDay | None = None,
) -> dict[int, Progress]:
    """cohort id -> its progress, as cohort_progress, for several cohorts in a fixed
    number of queries (the cohorts come with their convention loaded; ``after``, the
    rows dated after today when the caller has them already)."""
    today = today or timezone.localdate()
    if not cohorts:
        return {}
    figures = figures_by_member(
        user=user,
        dimension=Dimension.COHORT,
        until=today,
        member_ids=[c.pk for c in cohorts],
        after=after,
    )
    targets_by_convention = targets_to_date(
        conventions={cohort.convention_id for cohort in cohorts}, today=today
    )
    threshold = lagging_threshold()
    labels = _indicator_labels()
    result = {}
    for cohort in cohorts:
        convention_targets = targets_by_convention.get(cohort.convention_id, {})
        targets = {
            key: value
            for key, value in convention_targets.items()
            if key in (Indicator.PLACEMENT_RATE_6M, Indicator.WOMEN_SHARE)
        }
        started = cohort.starts_on <= today
        if started:
            targets[Indicator.ENROLLED] = Decimal(cohort.planned_seats)
        status = cohort.convention.status
        cohort_figures = figures.get(cohort.pk, Figures())
        standing = standing_of(
            judged=started
            and cohort.status != Cohort.Status.CANCELLED
            and status in JUDGED_STATUSES,
            suspended=status == Convention.Status.SUSPENDED,
            figures=cohort_figures,
            targets=targets,
            threshold=threshold,
        )
        result[cohort.pk] = _progress(cohort_figures, targets, today, labels, standing=standing)
    return result
