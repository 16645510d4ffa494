"""Figures "to date" end on the reference day (DESIGN.md, "The figures, defined").

Property-based, on generated rows dated before, on and after the reference day (also
later in the same quarter, the case the quarterly store must correct): every figure to
date read through the selectors, for staff and for a partner, equals a recount of the
rows dated up to that day, and the drill-down lists exactly those rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role, User
from conventions.models import Partner
from tests.support.factories import UserFactory
from tests.support.rollups import INDEX, recount
from tests.tracker.figures.test_rollups import EPOCH, build, cohort_specs, enrollment_specs
from tracker.figures.definitions import FIGURES, figure_rows
from tracker.figures.rollups import rollup_full_recompute
from tracker.figures.selectors import (
    Figures,
    figures_after_day,
    figures_by_member,
    figures_by_year,
    total_figures,
)
from tracker.models import Cohort, Dimension
from tracker.models.rollups import MEASURES

datasets = st.fixed_dictionaries(
    {
        "cohorts": st.lists(cohort_specs, min_size=1, max_size=3),
        "enrollments": st.lists(enrollment_specs, max_size=20),
        # The reference day is often the very day of a row (rows dated "today"), and
        # often inside a quarter with rows after it.
        "reference": st.one_of(st.integers(0, 1300), st.sampled_from([0, 89, 90, 181, 365])),
        "on_the_day": st.integers(0, 3),
    }
)


def _build(dataset: dict) -> dt.date:
    reference_date = EPOCH + dt.timedelta(days=dataset["reference"])
    rows = list(dataset["enrollments"])
    # Some enrollments dated exactly on the reference day, graduated and hired on it.
    for i in range(dataset["on_the_day"]):
        rows.append(
            {
                "cohort": i,
                "sex": "F" if i % 2 else "M",
                "enrolled": dataset["reference"],
                "status": "graduated",
                "graduated_after": 0,
                "placements": [{"contract": "cdi", "hired_after_enrollment": 0, "lasted": None}],
            }
        )
    build({"cohorts": dataset["cohorts"], "enrollments": rows})
    return reference_date


def _sum(cells: dict, dimension: str) -> dict[int, list[int]]:
    totals: dict[int, list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    for (cell_dimension, member, _sex, _year, _quarter), values in cells.items():
        if cell_dimension == dimension:
            totals[member] = [a + b for a, b in zip(totals[member], values, strict=True)]
    return {member: values for member, values in totals.items() if any(values)}


def _values(figures: dict[int, Figures]) -> dict[int, list[int]]:
    return {
        member: [f.values[m] for m in MEASURES]
        for member, f in figures.items()
        if any(f.values.values())
    }


def _check_user(user: User, reference_date: dt.date, operator_id: int | None) -> None:
    cells = recount(reference_date=reference_date, until=reference_date, operator_id=operator_id)
    after = figures_after_day(user=user, until=reference_date, reference_date=reference_date)
    for dimension in (Dimension.REGION, Dimension.CONVENTION, Dimension.COHORT):
        read = figures_by_member(user=user, dimension=dimension, until=reference_date, after=after)
        assert _values(read) == _sum(cells, dimension), dimension
        # The same figures, the correction read on its own (no ``after`` given).
        alone = figures_by_member(user=user, dimension=dimension, until=reference_date)
        assert _values(alone) == _values(read)
    national = _sum(cells, "national").get(0, [0] * len(MEASURES))
    total = total_figures(user=user, until=reference_date, after=after)
    assert [total.values[m] for m in MEASURES] == national
    by_year = figures_by_year(user=user, until=reference_date, after=after)
    summed = [sum(f.values[m] for f in by_year.values()) for m in MEASURES]
    assert summed == national
    assert all(year <= reference_date.year for year, f in by_year.items() if any(f.values.values()))
    # The drill-down of each figure to date lists exactly the rows counted.
    for name, figure in FIGURES.items():
        rows = figure_rows(figure, user=user, reference_date=reference_date, until=reference_date)
        assert rows.count() == national[INDEX[name]], name


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(dataset=datasets)
def test_figures_to_date_equal_a_recount_of_the_rows_dated_up_to_the_reference_day(
    dataset: dict, admin_user: User
) -> None:
    with transaction.atomic():
        reference_date = _build(dataset)
        rollup_full_recompute(reference_date=reference_date)
        _check_user(admin_user, reference_date, None)
        operator = Partner.objects.get(pk=Cohort.objects.order_by("pk")[0].operator_id)
        partner = UserFactory.create(role=Role.PARTNER_VIEWER, partner=operator)
        _check_user(partner, reference_date, operator.pk)
        transaction.set_rollback(True)
