"""The figures, as rows: for each figure of the rollup store, the enrollments or hires it
counts. The drill-down pages list exactly these rows; the recount tests count them.

The predicates mirror the rollup SQL (tracker.figures.rollups.sql) clause by clause and
share its date arithmetic (tracker.figures.dialect); the property-based tests check that
both always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tracker.figures.dialect import AddMonths
from tracker.models import Dimension, Enrollment, Placement
from tracker.selectors import enrollment_list, placement_list

ENROLLMENTS = "enrollments"
HIRES = "hires"


def stable_types() -> list[str]:
    return list(settings.STABLE_CONTRACT_TYPES)


def _stable_hires_of(enrollment: Any) -> QuerySet[Placement]:
    return Placement.objects.filter(enrollment=enrollment, contract_type__in=stable_types())


def _has_stable_hire() -> Q:
    """Enrollments with at least one placement on a stable contract: those counted once
    each, at their first stable hire, by jobs_created."""
    return Q(Exists(_stable_hires_of(OuterRef("pk"))))


def _first_stable_hires() -> Q:
    """Placements that are their enrollment's first stable hire (earliest hire date; the
    lowest id breaks a tie so that a job is listed once, as the rollup counts it)."""
    earlier = _stable_hires_of(OuterRef("enrollment")).filter(
        Q(hired_on__lt=OuterRef("hired_on"))
        | Q(hired_on=OuterRef("hired_on"), id__lt=OuterRef("id"))
    )
    return Q(contract_type__in=stable_types()) & ~Q(Exists(earlier))


def _enrolled(ref: dt.date) -> Q:
    return Q()


def _women(ref: dt.date) -> Q:
    return Q(trainee__sex="F")


def _graduates(ref: dt.date) -> Q:
    return Q(status=Enrollment.Status.GRADUATED)


def _placement_eligible(ref: dt.date) -> Q:
    return _graduates(ref) & Q(six_months_after__lte=ref)


def _placement_placed(ref: dt.date) -> Q:
    placed_in_time = _stable_hires_of(OuterRef("pk")).filter(
        hired_on__lte=OuterRef("six_months_after")
    )
    return _placement_eligible(ref) & Q(Exists(placed_in_time))


def _jobs(ref: dt.date) -> Q:
    return _first_stable_hires()


def _jobs_pre_graduation(ref: dt.date) -> Q:
    return _first_stable_hires() & (
        ~Q(enrollment__status=Enrollment.Status.GRADUATED)
        | Q(hired_on__lt=F("enrollment__graduated_on"))
    )


def _retention_eligible(ref: dt.date) -> Q:
    return Q(contract_type__in=stable_types(), twelve_months_after__lte=ref)


def _retention_retained(ref: dt.date) -> Q:
    return _retention_eligible(ref) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=F("twelve_months_after"))
    )


@dataclass(frozen=True)
class FigureDefinition:
    name: str
    label: str | Promise
    rows: str  # ENROLLMENTS or HIRES
    date_field: str  # the date that puts a row in a year / quarter
    predicate: Callable[[dt.date], Q]


FIGURES: dict[str, FigureDefinition] = {
    figure.name: figure
    for figure in (
        FigureDefinition("enrolled", _("Inscrits"), ENROLLMENTS, "enrolled_on", _enrolled),
        FigureDefinition(
            "women_enrolled", _("Femmes inscrites"), ENROLLMENTS, "enrolled_on", _women
        ),
        FigureDefinition("graduates", _("Lauréats"), ENROLLMENTS, "graduated_on", _graduates),
        FigureDefinition(
            "placement_6m_eligible",
            _("Lauréats depuis au moins 6 mois"),
            ENROLLMENTS,
            "graduated_on",
            _placement_eligible,
        ),
        FigureDefinition(
            "placement_6m_placed",
            _("Lauréats insérés dans les 6 mois"),
            ENROLLMENTS,
            "graduated_on",
            _placement_placed,
        ),
        FigureDefinition("jobs_created", _("Emplois créés"), HIRES, "hired_on", _jobs),
        FigureDefinition(
            "jobs_pre_graduation",
            _("Emplois créés avant le diplôme"),
            HIRES,
            "hired_on",
            _jobs_pre_graduation,
        ),
        FigureDefinition(
            "retention_12m_eligible",
            _("Embauches stables depuis au moins 12 mois"),
            HIRES,
            "hired_on",
            _retention_eligible,
        ),
        FigureDefinition(
            "retention_12m_retained",
            _("Embauches stables toujours en poste à 12 mois"),
            HIRES,
            "hired_on",
            _retention_retained,
        ),
    )
}


def enrollment_totals() -> dict[str, Count]:
    """Aggregates over an enrollment queryset giving, over all periods, the figures of
    its enrollments: enrolled, women_enrolled, graduates and jobs_created (enrollments
    with a stable hire, the once-per-enrollment count of the rollup). The live cohort card
    counts with these, so it and the rollup read one definition. ``distinct``: the
    queryset may join the enrollments' hires."""
    reference = timezone.localdate()  # these predicates do not depend on the reference date
    return {
        "enrolled": Count("pk", distinct=True),
        "women_enrolled": Count("pk", filter=_women(reference), distinct=True),
        "graduates": Count("pk", filter=_graduates(reference), distinct=True),
        "jobs_created": Count("pk", filter=_has_stable_hire(), distinct=True),
    }


# Dimension -> the lookup from an enrollment to the member it belongs to.
ENROLLMENT_MEMBER_LOOKUP = {
    Dimension.REGION: "cohort__region_id",
    Dimension.ZONE: "cohort__zone_id",
    Dimension.FILIERE: "cohort__filiere_id",
    Dimension.CONVENTION: "cohort__convention_id",
    Dimension.OPERATOR: "cohort__operator_id",
    Dimension.COHORT: "cohort_id",
}


def period_bounds(year: int, quarter: int | None = None) -> tuple[dt.date, dt.date]:
    """[first day, first day after) of a year or one of its quarters."""
    if quarter is None:
        return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end


def figure_rows(
    figure: FigureDefinition,
    *,
    user: User,
    reference_date: dt.date,
    dimension: str = Dimension.NATIONAL,
    member_id: int | None = None,
    sex: str | None = None,
    year: int | None = None,
    quarter: int | None = None,
    until: dt.date | None = None,
    cohort_filters: dict[str, int] | None = None,
) -> QuerySet[Any]:
    """The enrollments or hires that ``figure`` counts in this scope and period, within
    what ``user`` may see (through tracker.selectors).

    ``until`` keeps the rows dated on or before that day (figures "to date");
    ``cohort_filters`` ({"region": id, "cohort": id, ...}, a slice's) keeps the rows of
    the cohorts with those attributes, as the store's cohort rows are summed for it."""
    if figure.rows == ENROLLMENTS:
        rows: QuerySet[Any] = enrollment_list(user=user).alias(
            six_months_after=AddMonths("graduated_on", 6)
        )
        prefix = ""
    else:
        rows = placement_list(user=user).alias(twelve_months_after=AddMonths("hired_on", 12))
        prefix = "enrollment__"
    rows = rows.filter(figure.predicate(reference_date))
    if dimension == Dimension.OPERATOR:
        rows = rows.filter(operator_id=member_id)  # stored on enrollments and hires alike
    elif dimension != Dimension.NATIONAL:
        rows = rows.filter(**{prefix + ENROLLMENT_MEMBER_LOOKUP[Dimension(dimension)]: member_id})
    for attribute, value in (cohort_filters or {}).items():
        lookup = "cohort_id" if attribute == "cohort" else f"cohort__{attribute}_id"
        rows = rows.filter(**{prefix + lookup: value})
    if sex:
        rows = rows.filter(**{f"{prefix}trainee__sex": sex})
    if year is not None:
        start, end = period_bounds(year, quarter)
        rows = rows.filter(**{f"{figure.date_field}__gte": start, f"{figure.date_field}__lt": end})
    if until is not None:
        rows = rows.filter(**{f"{figure.date_field}__lte": until})
    return rows
