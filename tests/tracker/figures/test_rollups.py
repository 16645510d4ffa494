"""The rollup store against a direct recount of the rows it counts.

Property-based: on random conventions, cohorts, enrollments and hires, every stored
figure equals a recount from the rows (tests/support/rollups.py, plain Python), the
invariants of DESIGN.md hold in every cell, and the nation equals the sum of its
regions, of its conventions, of its operators and of its filières."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from conventions.models import Filiere, Region, Zone
from tests.support.factories import (
    CohortFactory,
    ConventionFactory,
    EnrollmentFactory,
    PartnerFactory,
    PlacementFactory,
    TraineeFactory,
)
from tests.support.rollups import INDEX, recount, stored
from tracker.figures.cohort_card import cohort_figures
from tracker.figures.definitions import FIGURES, figure_rows
from tracker.figures.rollups import rollup_full_recompute, rollup_scope_recompute
from tracker.models import Cohort, Enrollment, Placement, Rollup, RollupRun

EPOCH = dt.date(2023, 1, 1)

cohort_specs = st.fixed_dictionaries(
    {
        "region": st.integers(0, 11),
        "zone": st.one_of(st.none(), st.integers(0, 4)),
        "filiere": st.integers(0, 4),
        "convention": st.integers(0, 2),
        "operator": st.integers(0, 2),
    }
)
placement_specs = st.fixed_dictionaries(
    {
        "contract": st.sampled_from([c.value for c in Placement.ContractType]),
        "hired_after_enrollment": st.integers(-30, 900),
        "lasted": st.one_of(st.none(), st.integers(0, 800)),
    }
)
enrollment_specs = st.fixed_dictionaries(
    {
        "cohort": st.integers(0, 3),
        "sex": st.sampled_from(["F", "M"]),
        "enrolled": st.integers(0, 1200),
        "status": st.sampled_from([s.value for s in Enrollment.Status]),
        "graduated_after": st.integers(0, 400),
        "placements": st.lists(placement_specs, max_size=3),
    }
)
datasets = st.fixed_dictionaries(
    {
        "cohorts": st.lists(cohort_specs, min_size=1, max_size=4),
        "enrollments": st.lists(enrollment_specs, max_size=25),
        "reference_date": st.dates(dt.date(2023, 6, 1), dt.date(2027, 12, 31)),
    }
)


def build(dataset: dict) -> None:
    regions = list(Region.objects.order_by("code"))
    zones = list(Zone.objects.order_by("code"))
    filieres = list(Filiere.objects.order_by("code"))
    conventions = [ConventionFactory.create() for _ in range(3)]
    operators = [PartnerFactory.create() for _ in range(3)]
    cohorts = [
        CohortFactory.create(
            convention=conventions[spec["convention"]],
            operator=operators[spec["operator"]],
            region=regions[spec["region"]],
            zone=None if spec["zone"] is None else zones[spec["zone"]],
            filiere=filieres[spec["filiere"]],
        )
        for spec in dataset["cohorts"]
    ]
    for spec in dataset["enrollments"]:
        enrolled_on = EPOCH + dt.timedelta(days=spec["enrolled"])
        graduated = spec["status"] == Enrollment.Status.GRADUATED
        enrollment = EnrollmentFactory.create(
            trainee=TraineeFactory.create(sex=spec["sex"]),
            cohort=cohorts[spec["cohort"] % len(cohorts)],
            status=spec["status"],
            enrolled_on=enrolled_on,
            graduated_on=enrolled_on + dt.timedelta(days=spec["graduated_after"])
            if graduated
            else None,
        )
        for hire in spec["placements"]:
            hired_on = enrolled_on + dt.timedelta(days=hire["hired_after_enrollment"])
            PlacementFactory.create(
                enrollment=enrollment,
                contract_type=hire["contract"],
                hired_on=hired_on,
                ended_on=None
                if hire["lasted"] is None
                else hired_on + dt.timedelta(days=hire["lasted"]),
            )


def assert_invariants(cells: dict) -> None:
    totals: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0] * len(INDEX))
    for (dimension, member, _sex, _year, _quarter), values in cells.items():
        assert values[INDEX["women_enrolled"]] <= values[INDEX["enrolled"]]
        assert values[INDEX["placement_6m_placed"]] <= values[INDEX["placement_6m_eligible"]]
        assert values[INDEX["placement_6m_eligible"]] <= values[INDEX["graduates"]]
        assert values[INDEX["retention_12m_retained"]] <= values[INDEX["retention_12m_eligible"]]
        assert values[INDEX["jobs_pre_graduation"]] <= values[INDEX["jobs_created"]]
        for i, value in enumerate(values):
            totals[(dimension, member)][i] += value
    for (dimension, _member), values in totals.items():
        # Over all periods: jobs created <= graduates + pre-graduation hires.
        assert values[INDEX["jobs_created"]] <= (
            values[INDEX["graduates"]] + values[INDEX["jobs_pre_graduation"]]
        )
        if dimension == "cohort":
            assert values[INDEX["graduates"]] <= values[INDEX["enrolled"]]
    # The nation is the sum of its regions, conventions, operators, filières, cohorts.
    national = {cell[2:]: values for cell, values in cells.items() if cell[0] == "national"}
    for dimension in ("region", "convention", "operator", "filiere", "cohort"):
        summed: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(INDEX))
        for cell, values in cells.items():
            if cell[0] == dimension:
                summed[cell[2:]] = [a + b for a, b in zip(summed[cell[2:]], values, strict=True)]
        assert dict(summed) == national, dimension


CARD_FIGURES = ("enrolled", "women_enrolled", "graduates", "jobs_created")


def assert_cohort_cards_agree(cells: dict) -> None:
    """The live card of each cohort page counts what the rollup counts, over all periods."""
    for cohort in Cohort.objects.all():
        card = cohort_figures(cohort=cohort)
        for figure in CARD_FIGURES:
            total = sum(
                values[INDEX[figure]]
                for cell, values in cells.items()
                if cell[:2] == ("cohort", cohort.pk)
            )
            assert card[figure] == total, (cohort.pk, figure)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(dataset=datasets)
def test_every_stored_figure_equals_a_recount_of_the_rows(dataset: dict) -> None:
    with transaction.atomic():
        build(dataset)
        reference_date = dataset["reference_date"]
        rollup_full_recompute(reference_date=reference_date)
        cells = stored()
        assert cells == recount(reference_date=reference_date)
        assert_invariants(cells)
        assert_cohort_cards_agree(cells)
        # A second full run over the same rows finds nothing to correct.
        assert rollup_full_recompute(reference_date=reference_date).drift_count == 0
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(dataset=datasets)
def test_drill_down_rows_are_exactly_the_rows_each_figure_counts(
    dataset: dict, admin_user: User
) -> None:
    with transaction.atomic():
        build(dataset)
        reference_date = dataset["reference_date"]
        rollup_full_recompute(reference_date=reference_date)
        cells = stored()
        years = {cell[3] for cell in cells}
        for name, figure in FIGURES.items():
            for year in years:
                expected = sum(
                    values[INDEX[name]]
                    for cell, values in cells.items()
                    if cell[0] == "national" and cell[3] == year
                )
                rows = figure_rows(
                    figure, user=admin_user, reference_date=reference_date, year=year
                )
                assert rows.count() == expected, (name, year)
            for cell, values in cells.items():
                if cell[0] == "region":
                    rows = figure_rows(
                        figure,
                        user=admin_user,
                        reference_date=reference_date,
                        dimension="region",
                        member_id=cell[1],
                        sex=cell[2],
                        year=cell[3],
                        quarter=cell[4],
                    )
                    assert rows.count() == values[INDEX[name]], (name, cell)
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(dataset=datasets, extra=st.lists(enrollment_specs, min_size=1, max_size=6))
def test_scoped_recompute_after_changes_leaves_nothing_for_the_full_one_to_correct(
    dataset: dict, extra: list
) -> None:
    with transaction.atomic():
        build(dataset)
        reference_date = dataset["reference_date"]
        rollup_full_recompute(reference_date=reference_date)
        cohort_ids = list(
            Rollup.objects.filter(dimension="cohort").values_list("member_id", flat=True)
        )
        # New rows land in existing cohorts (and possibly new ones), then the scoped
        # recompute of the touched cohorts only.
        before_ids = set(Enrollment.objects.values_list("id", flat=True))
        build({"cohorts": dataset["cohorts"], "enrollments": extra})
        touched = set(
            Enrollment.objects.exclude(id__in=before_ids).values_list("cohort_id", flat=True)
        )
        # ... and an older enrollment is removed, another loses its hires.
        older = list(Enrollment.objects.filter(id__in=before_ids).order_by("id")[:2])
        if older:
            Placement.objects.filter(enrollment=older[0]).delete()
            older[0].delete()
            touched.add(older[0].cohort_id)
        if len(older) > 1:
            Placement.objects.filter(enrollment=older[1]).delete()
            touched.add(older[1].cohort_id)
        rollup_scope_recompute(cohort_ids=touched)
        assert stored() == recount(reference_date=reference_date)
        assert rollup_full_recompute(reference_date=reference_date).drift_count == 0
        del cohort_ids
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_full_recompute_corrects_and_reports_drift() -> None:
    enrollment = EnrollmentFactory.create()
    reference = dt.date(2026, 11, 1)
    rollup_full_recompute(reference_date=reference)
    row = Rollup.objects.get(dimension="national", sex=enrollment.trainee.sex)
    Rollup.objects.filter(pk=row.pk).update(enrolled=99)  # a corrupted cell
    result = rollup_full_recompute(reference_date=reference)
    assert result.drift_count == 1
    key = f"national:0:{row.sex}:{row.year}Q{row.quarter}"
    old, new = result.drift[key]
    assert old is not None
    assert new is not None
    assert old[INDEX["enrolled"]] == 99
    assert new[INDEX["enrolled"]] == 1
    assert RollupRun.objects.filter(kind="full").first().drift_count == 1  # type: ignore[union-attr]
    assert Rollup.objects.get(pk__isnull=False, dimension="national").enrolled == 1


@pytest.mark.django_db
def test_rerunning_a_scope_is_idempotent() -> None:
    enrollment = EnrollmentFactory.create()
    rollup_full_recompute(reference_date=dt.date(2026, 11, 1))
    before = stored()
    for _ in range(3):
        rollup_scope_recompute(cohort_ids=[enrollment.cohort_id])
    assert stored() == before


@pytest.mark.django_db
def test_the_cohort_card_and_the_rollup_share_one_definition() -> None:
    """A hire on a non-stable contract is no job; two stable hires are one job; a job
    before (or without) graduation counts; the card and the rollup agree on each."""
    cohort = CohortFactory.create()
    day = dt.date(2025, 3, 3)
    graduate = EnrollmentFactory.create(
        cohort=cohort,
        trainee=TraineeFactory.create(sex="F"),
        enrolled_on=day,
        status="graduated",
        graduated_on=day + dt.timedelta(days=90),
    )
    for _ in range(2):
        PlacementFactory.create(enrollment=graduate, contract_type="cdi", hired_on=day)
    temp = EnrollmentFactory.create(cohort=cohort, trainee=TraineeFactory.create(sex="M"))
    PlacementFactory.create(enrollment=temp, contract_type="cdd")
    dropout = EnrollmentFactory.create(cohort=cohort, status="dropped_out")
    PlacementFactory.create(enrollment=dropout, contract_type="cdi")
    rollup_full_recompute(reference_date=dt.date(2026, 11, 1))
    card = cohort_figures(cohort=cohort)
    assert card["jobs_created"] == 2
    assert card["hires"] == 4
    assert_cohort_cards_agree(stored())
