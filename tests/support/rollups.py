"""Helpers of the rollup tests: an independent recount of every figure, in plain Python
over the source rows (DESIGN.md, "The figures, defined"), and the store read back."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings

from tracker.figures.dialect import add_months
from tracker.models import Cohort, Enrollment, Placement, Rollup
from tracker.models.rollups import MEASURES

Cell = tuple[str, int, str, int, int]  # dimension, member, sex, year, quarter
INDEX = {measure: i for i, measure in enumerate(MEASURES)}


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def recount(
    *,
    reference_date: dt.date,
    cohort_ids: Iterable[int] | None = None,
    until: dt.date | None = None,
    operator_id: int | None = None,
) -> dict[Cell, list[int]]:
    """Every cell of every dimension, counted from the rows one by one; with ``until``,
    the rows dated up to that day only (figures to date); with ``operator_id``, the
    cohorts that partner operates only (its scope)."""
    stable = set(settings.STABLE_CONTRACT_TYPES)
    cohorts = {c.id: c for c in Cohort.objects.all()}
    if cohort_ids is not None:
        wanted = set(cohort_ids)
        cohorts = {k: v for k, v in cohorts.items() if k in wanted}
    if operator_id is not None:
        cohorts = {k: v for k, v in cohorts.items() if v.operator_id == operator_id}
    enrollments = list(Enrollment.objects.filter(cohort_id__in=cohorts).select_related("trainee"))
    placements: dict[int, list[Placement]] = defaultdict(list)
    for placement in Placement.objects.filter(enrollment__cohort_id__in=cohorts):
        placements[placement.enrollment_id].append(placement)

    by_cohort: dict[tuple[int, str, int, int], list[int]] = defaultdict(lambda: [0] * len(MEASURES))

    def add(cohort: int, sex: str, day: dt.date, measure: str) -> None:
        if until is not None and day > until:
            return
        by_cohort[(cohort, sex, *quarter_of(day))][INDEX[measure]] += 1

    for e in enrollments:
        sex = e.trainee.sex
        add(e.cohort_id, sex, e.enrolled_on, "enrolled")
        if sex == "F":
            add(e.cohort_id, sex, e.enrolled_on, "women_enrolled")
        stable_hires = [p for p in placements[e.id] if p.contract_type in stable]
        first = min((p.hired_on for p in stable_hires), default=None)
        graduated = e.status == Enrollment.Status.GRADUATED
        if graduated:
            assert e.graduated_on is not None
            add(e.cohort_id, sex, e.graduated_on, "graduates")
            window_end = add_months(e.graduated_on, 6)
            if window_end <= reference_date:
                add(e.cohort_id, sex, e.graduated_on, "placement_6m_eligible")
                if first is not None and first <= window_end:
                    add(e.cohort_id, sex, e.graduated_on, "placement_6m_placed")
        if first is not None:
            add(e.cohort_id, sex, first, "jobs_created")
            if not graduated or (e.graduated_on is not None and first < e.graduated_on):
                add(e.cohort_id, sex, first, "jobs_pre_graduation")
        for p in stable_hires:
            anniversary = add_months(p.hired_on, 12)
            if anniversary <= reference_date:
                add(e.cohort_id, sex, p.hired_on, "retention_12m_eligible")
                if p.ended_on is None or p.ended_on >= anniversary:
                    add(e.cohort_id, sex, p.hired_on, "retention_12m_retained")

    cells: dict[Cell, list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    for (cohort_id, sex, year, quarter), values in by_cohort.items():
        cohort = cohorts[cohort_id]
        members = [
            ("cohort", cohort_id),
            ("region", cohort.region_id),
            ("zone", cohort.zone_id),
            ("filiere", cohort.filiere_id),
            ("convention", cohort.convention_id),
            ("operator", cohort.operator_id),
            ("national", 0),
        ]
        for dimension, member in members:
            if member is None:
                continue
            cell = cells[(dimension, member, sex, year, quarter)]
            for i, value in enumerate(values):
                cell[i] += value
    return {cell: values for cell, values in cells.items() if any(values)}


def stored() -> dict[Cell, list[int]]:
    rows = Rollup.objects.values_list("dimension", "member_id", "sex", "year", "quarter", *MEASURES)
    return {tuple(row[:5]): list(row[5:]) for row in rows}


def changed_cells(before: dict[Cell, list[int]], after: dict[Cell, list[int]]) -> set[Cell]:
    return {cell for cell in before.keys() | after.keys() if before.get(cell) != after.get(cell)}
