"""Property-based: for random data and random filter combinations, every figure of the
sliced dashboard (the programme by year, the breakdowns, the total, the drill-down's
rows) equals a recount of the source rows under the same filters, for staff and for a
partner (its own cohorts only)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role, User
from conventions.models import Filiere, Partner, Region, Zone
from tests.support.factories import UserFactory
from tests.support.rollups import INDEX, recount
from tests.tracker.figures.test_rollups import EPOCH, build, cohort_specs, enrollment_specs
from tracker.figures.definitions import FIGURES, figure_rows
from tracker.figures.rollups import rollup_full_recompute
from tracker.figures.selectors import Figures, figures_after_day
from tracker.figures.sliced import sliced_by_member, sliced_by_year, sliced_total
from tracker.figures.slices import Slice
from tracker.models import Cohort, Dimension
from tracker.models.rollups import MEASURES

maybe = st.one_of(st.none(), st.integers(0, 11))
slices = st.fixed_dictionaries(
    {
        "region": maybe,
        "zone": st.one_of(st.none(), st.integers(0, 4)),
        "filiere": st.one_of(st.none(), st.integers(0, 4)),
        "convention": maybe,
        "operator": maybe,
        "cohort": maybe,
        "sex": st.sampled_from(["", "F", "M"]),
        "year": st.one_of(st.none(), st.integers(2023, 2027)),
        "quarter": st.one_of(st.none(), st.integers(1, 4)),
    }
)
datasets = st.fixed_dictionaries(
    {
        "cohorts": st.lists(cohort_specs, min_size=1, max_size=4),
        "enrollments": st.lists(enrollment_specs, max_size=20),
        "reference": st.integers(0, 1500),
    }
)


def _slice(spec: dict[str, Any], cohorts: list[Cohort], *, staff: bool) -> Slice:
    """Indices -> ids: the reference data by code; conventions, operators and cohorts
    among those of the data (an index past them: a filter that keeps nothing)."""

    def pick(values: list[int], index: int | None) -> int | None:
        if index is None:
            return None
        return values[index] if index < len(values) else 987654321

    regions = list(Region.objects.order_by("code").values_list("pk", flat=True))
    zones = list(Zone.objects.order_by("code").values_list("pk", flat=True))
    filieres = list(Filiere.objects.order_by("code").values_list("pk", flat=True))
    operators = sorted({c.operator_id for c in cohorts})
    return Slice(
        region=pick(regions, spec["region"]),
        zone=pick(zones, spec["zone"]),
        filiere=pick(filieres, spec["filiere"]),
        convention=pick(sorted({c.convention_id for c in cohorts}), spec["convention"]),
        operator=pick(operators, spec["operator"]) if staff else None,
        cohort=pick(sorted(c.pk for c in cohorts), spec["cohort"]),
        sex=spec["sex"],
        year=spec["year"],
        quarter=spec["quarter"] if spec["year"] is not None else None,
    )


def _expected(
    cells: dict, part: Slice, cohorts: dict[int, Cohort]
) -> tuple[dict[int, list[int]], dict[str, dict[int, list[int]]]]:
    """From the recount's cohort cells under ``part``: year -> measures, and dimension
    -> member -> measures."""
    by_year: dict[int, list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    by_member: dict[str, dict[int, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0] * len(MEASURES))
    )
    for (dimension, member, sex, year, quarter), values in cells.items():
        if dimension != "cohort":
            continue
        cohort = cohorts[member]
        if part.sex and sex != part.sex:
            continue
        if part.year is not None and year != part.year:
            continue
        if part.quarter is not None and quarter != part.quarter:
            continue
        attributes = {
            "region": cohort.region_id,
            "zone": cohort.zone_id,
            "filiere": cohort.filiere_id,
            "convention": cohort.convention_id,
            "operator": cohort.operator_id,
            "cohort": cohort.pk,
        }
        if any(attributes[name] != value for name, value in part.cohort_filters.items()):
            continue
        by_year[year] = [a + b for a, b in zip(by_year[year], values, strict=True)]
        for dimension_name in ("region", "filiere", "convention", "cohort"):
            key = attributes[dimension_name]
            if key is None:
                continue
            row = by_member[dimension_name][key]
            by_member[dimension_name][key] = [a + b for a, b in zip(row, values, strict=True)]
    return dict(by_year), by_member


def _values(figures: dict[int, Figures]) -> dict[int, list[int]]:
    return {
        key: [f.values[m] for m in MEASURES] for key, f in figures.items() if any(f.values.values())
    }


def _nonzero(found: dict[int, list[int]]) -> dict[int, list[int]]:
    return {key: values for key, values in found.items() if any(values)}


def _check(user: User, part: Slice, reference_date: dt.date, operator_id: int | None) -> None:
    until = reference_date
    cells = recount(reference_date=reference_date, until=until, operator_id=operator_id)
    cohorts = {c.pk: c for c in Cohort.objects.all()}
    by_year, by_member = _expected(cells, part, cohorts)
    after = figures_after_day(user=user, until=until, reference_date=reference_date)
    read = sliced_by_year(user=user, part=part, until=until, after=after)
    assert _values(read) == _nonzero(by_year)
    total = sliced_total(user=user, part=part, until=until, after=after)
    expected_total = [sum(values[i] for values in by_year.values()) for i in range(len(MEASURES))]
    assert [total.values[m] for m in MEASURES] == expected_total
    for dimension in (Dimension.REGION, Dimension.FILIERE, Dimension.CONVENTION, Dimension.COHORT):
        members = sliced_by_member(
            user=user, part=part, dimension=dimension, until=until, after=after
        )
        assert _values(members) == _nonzero(dict(by_member[dimension.value])), dimension
    # Each figure's drill-down lists as many rows as the figure counts.
    for name, figure in FIGURES.items():
        rows = figure_rows(
            figure,
            user=user,
            reference_date=reference_date,
            sex=part.sex or None,
            year=part.year,
            quarter=part.quarter,
            until=until,
            cohort_filters=part.cohort_filters,
        )
        assert rows.count() == expected_total[INDEX[name]], name


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(dataset=datasets, staff_spec=slices, partner_spec=slices)
def test_every_sliced_figure_equals_a_recount_under_the_same_filters(
    dataset: dict, staff_spec: dict, partner_spec: dict, admin_user: User
) -> None:
    with transaction.atomic():
        build({"cohorts": dataset["cohorts"], "enrollments": dataset["enrollments"]})
        reference_date = EPOCH + dt.timedelta(days=dataset["reference"])
        rollup_full_recompute(reference_date=reference_date)
        cohorts = list(Cohort.objects.order_by("pk"))
        _check(admin_user, _slice(staff_spec, cohorts, staff=True), reference_date, None)
        operator = Partner.objects.get(pk=cohorts[0].operator_id)
        partner = UserFactory.create(role=Role.PARTNER_VIEWER, partner=operator)
        _check(partner, _slice(partner_spec, cohorts, staff=False), reference_date, operator.pk)
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(dataset=datasets, spec=slices)
def test_the_sliced_dashboard_page_shows_the_recounted_figures(
    dataset: dict, spec: dict, admin_user: User
) -> None:
    """Through the page, as a user reads it: the programme's rows and the breakdown by
    region, to today, under filters given in the URL."""
    with transaction.atomic():
        build({"cohorts": dataset["cohorts"], "enrollments": dataset["enrollments"]})
        reference_date = EPOCH + dt.timedelta(days=dataset["reference"])
        rollup_full_recompute(reference_date=reference_date)
        cohorts = list(Cohort.objects.order_by("pk"))
        part = _slice(spec, cohorts, staff=True)
        client = Client()
        client.force_login(admin_user)
        response = client.get(f"{reverse('dashboard')}?{part.query()}")
        if any(value == 987654321 for value in part.cohort_filters.values()):
            assert response.status_code == 404  # an unknown id: missing
            transaction.set_rollback(True)
            return
        assert response.status_code == 200
        today = timezone.localdate()
        cells = recount(reference_date=reference_date, until=today)
        by_year, by_member = _expected(cells, part, {c.pk: c for c in cohorts})
        shown = {
            row["year"]: [row["figures"].values[m] for m in MEASURES]
            for row in response.context["programme"]
        }
        assert _nonzero(shown) == _nonzero({y: v for y, v in by_year.items() if y in shown})
        assert set(_nonzero(by_year)) <= set(shown)
        regions = {
            row["member"].pk: [row["figures"].values[m] for m in MEASURES]
            for row in response.context["breakdowns"][0]["rows"]
        }
        assert _nonzero(regions) == _nonzero(dict(by_member["region"]))
        transaction.set_rollback(True)
