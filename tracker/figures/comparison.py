"""Comparisons: the figures of a slice broken down by one dimension (region, zone,
filière, convention, operator or cohort), with the commitments beside the achievements
where commitments exist for that dimension (conventions: theirs, to date or for the year
chosen). Read from the rollup store (tracker.figures.sliced), in a fixed number of
queries; the page, its chart and its CSV/XLSX exports show the same rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.policy import sees_nationally
from conventions.models import Convention, Filiere, Indicator, Region, Zone
from conventions.selectors import convention_list, current_commitments_of
from tracker.figures.commitments import targets_to_date
from tracker.figures.slice_commitments import slice_has_commitments
from tracker.figures.sliced import sliced_by_member
from tracker.figures.slices import Slice, operator_choices
from tracker.figures.to_date import AfterDay
from tracker.models import Dimension
from tracker.selectors import cohort_list

# The dimensions a comparison is made by, in the order offered.
BY: dict[str, Promise] = {
    Dimension.REGION.value: _("Région"),
    Dimension.ZONE.value: _("Zone"),
    Dimension.FILIERE.value: _("Filière"),
    Dimension.CONVENTION.value: _("Convention"),
    Dimension.OPERATOR.value: _("Opérateur"),
    Dimension.COHORT.value: _("Cohorte"),
}
# Reference data: every member is listed, with zeros; the others only with figures.
LISTED_IN_FULL = {Dimension.REGION.value, Dimension.ZONE.value, Dimension.FILIERE.value}


def offered_dimensions(user: User) -> list[tuple[str, str]]:
    """Operators are compared by staff only (a partner's figures are its own already)."""
    return [
        (key, str(label))
        for key, label in BY.items()
        if key != Dimension.OPERATOR or sees_nationally(user)
    ]


@dataclass(frozen=True)
class ComparisonRow:
    member_id: int
    label: str
    enrolled: int
    women_enrolled: int
    graduates: int
    jobs_created: int
    placement_6m_placed: int
    placement_6m_eligible: int
    placement_rate: Decimal | None
    women_share: Decimal | None
    target_enrolled: Decimal | None = None
    target_jobs_created: Decimal | None = None
    target_placement_rate: Decimal | None = None

    # Sort keys: a row without a value (None) sorts below every value.
    @property
    def placement_sort(self) -> Decimal:
        return Decimal(-1) if self.placement_rate is None else self.placement_rate

    @property
    def women_sort(self) -> Decimal:
        return Decimal(-1) if self.women_share is None else self.women_share

    @property
    def target_jobs_sort(self) -> Decimal:
        return Decimal(-1) if self.target_jobs_created is None else self.target_jobs_created

    @property
    def target_placement_sort(self) -> Decimal:
        return Decimal(-1) if self.target_placement_rate is None else self.target_placement_rate


def _members(user: User, by: str) -> QuerySet[Any]:
    sources: dict[str, QuerySet[Any]] = {
        Dimension.REGION: Region.objects.order_by("code"),
        Dimension.ZONE: Zone.objects.order_by("code"),
        Dimension.FILIERE: Filiere.objects.order_by("code"),
        Dimension.CONVENTION: convention_list(user=user).order_by("reference"),
        Dimension.OPERATOR: operator_choices(user).order_by("name"),
        Dimension.COHORT: cohort_list(user=user).order_by("code"),
    }
    return sources[by]


def _targets(
    user: User, part: Slice, member_ids: list[int], today: dt.date
) -> dict[int, dict[str, Decimal]]:
    """convention id -> indicator -> its commitment: the year's target with a year
    chosen, else the targets to date (pro-rated, as the figures are to date)."""
    conventions = (
        convention_list(user=user).filter(pk__in=member_ids).exclude(status=Convention.Status.DRAFT)
    )
    if part.year is None:
        return targets_to_date(conventions=conventions.values("pk"), today=today)
    rows = (
        current_commitments_of(conventions=conventions)
        .filter(year=part.year)
        .values("convention_id", "indicator")
        .annotate(total=Sum("target_value"))
        .order_by()
    )
    targets: dict[int, dict[str, Decimal]] = {}
    for row in rows:
        targets.setdefault(row["convention_id"], {})[row["indicator"]] = Decimal(row["total"])
    return targets


def comparison_rows(
    *, user: User, part: Slice, by: str, today: dt.date, after: AfterDay | None = None
) -> tuple[list[ComparisonRow], bool]:
    """The rows (one per member) and whether commitments stand beside them."""
    figures = sliced_by_member(user=user, part=part, dimension=by, until=today, after=after)
    figures = {member: f for member, f in figures.items() if any(f.values.values())}
    members = _members(user, by)
    if by not in LISTED_IN_FULL:
        members = members.filter(pk__in=list(figures))
    with_targets = by == Dimension.CONVENTION and slice_has_commitments(part)
    listed = list(members)
    targets = _targets(user, part, [m.pk for m in listed], today) if with_targets else {}
    rows = []
    for member in listed:
        found = figures.get(member.pk)
        values = found.values if found is not None else {}
        goal = targets.get(member.pk, {})
        rows.append(
            ComparisonRow(
                member_id=member.pk,
                label=str(member),
                enrolled=values.get("enrolled", 0),
                women_enrolled=values.get("women_enrolled", 0),
                graduates=values.get("graduates", 0),
                jobs_created=values.get("jobs_created", 0),
                placement_6m_placed=values.get("placement_6m_placed", 0),
                placement_6m_eligible=values.get("placement_6m_eligible", 0),
                placement_rate=found.placement_rate if found is not None else None,
                women_share=found.women_share if found is not None else None,
                target_enrolled=goal.get(Indicator.ENROLLED),
                target_jobs_created=goal.get(Indicator.JOBS_CREATED),
                target_placement_rate=goal.get(Indicator.PLACEMENT_RATE_6M),
            )
        )
    return rows, with_targets
