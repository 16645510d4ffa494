"""Verified figures beside the declared ones: every figure, by every dimension, equals a
recount of its rows and its drill-down lists exactly those rows; the dashboard shows
declared beside verified with the gap's rows a click away."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.urls import reverse

from tests.support.factories import (
    CohortFactory,
    EnrollmentFactory,
    PlacementFactory,
    TraineeFactory,
)
from tests.support.verification import declaration_batch, declare
from tracker.figures.verified.figures import (
    DIMENSIONS,
    graduate_drilldown,
    verified_drilldown,
    verified_figures,
)
from tracker.models import GraduateOutcome, HireVerification
from tracker.verification.state import verification_rebuild

pytestmark = pytest.mark.django_db
ICES = ["001111111000011", "002222222000022"]


@pytest.fixture
def generated(admin_user, operator_a, operator_b) -> None:
    """30 hires and 20 graduates over three cohorts of two operators, declared at random."""
    rng = random.Random(19)
    batch = declaration_batch(admin_user)
    cohorts = [CohortFactory.create(operator=op) for op in (operator_a, operator_b, operator_a)]
    for n in range(30):
        trainee = TraineeFactory.create()
        ice = rng.choice(ICES)
        hired = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(540))
        PlacementFactory.create(
            enrollment=EnrollmentFactory.create(trainee=trainee, cohort=rng.choice(cohorts)),
            hired_on=hired,
            employer_ice=ice,
        )
        for offset in sorted(rng.sample(range(14), rng.randrange(0, 8))):
            year, month = divmod(hired.year * 12 + hired.month - 1 + offset, 12)
            if (year, month) <= (2026, 11):
                declare(batch, trainee, year, month + 1, ice=rng.choice([ice, *ICES]))
        del n
    for _graduate in range(20):
        trainee = TraineeFactory.create()
        graduated = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(540))
        EnrollmentFactory.create(
            trainee=trainee,
            cohort=rng.choice(cohorts),
            status="graduated",
            graduated_on=graduated,
            exited_on=graduated,
        )
        for offset in sorted(rng.sample(range(9), rng.randrange(0, 3))):
            year, month = divmod(graduated.year * 12 + graduated.month - 1 + offset, 12)
            declare(batch, trainee, year, month + 1, ice=rng.choice(ICES))
    verification_rebuild()


def _recount(rows, dimension: str, member) -> dict[str, int]:
    spec = DIMENSIONS[dimension]
    mine = [
        v
        for v in rows
        if (
            v.placement.hired_on.year
            if dimension == "year"
            else {
                "region": v.placement.enrollment.cohort.region_id,
                "filiere": v.placement.enrollment.cohort.filiere_id,
                "convention": v.placement.enrollment.cohort.convention_id,
                "operator": v.placement.operator_id,
            }[dimension]
        )
        == member
    ]
    del spec
    return {
        "declared": len(mine),
        "verified": sum(v.verified for v in mine),
        "eligible_6m": sum(v.eligible_6m for v in mine),
        "retained_6m": sum(v.eligible_6m and v.retained_6m for v in mine),
        "eligible_12m": sum(v.eligible_12m for v in mine),
        "retained_12m": sum(v.eligible_12m and v.retained_12m for v in mine),
    }


@pytest.mark.parametrize("dimension", list(DIMENSIONS))
@pytest.mark.parametrize("who", ["admin_user", "partner_a_user"])
def test_every_figure_recounts_from_its_rows_and_drills_down_to_them(
    generated, dimension, who, request
) -> None:
    user = request.getfixturevalue(who)
    rows = list(
        HireVerification.objects.select_related("placement__enrollment__cohort").filter(
            placement__operator_id=user.partner_id
        )
        if user.partner_id
        else HireVerification.objects.select_related("placement__enrollment__cohort")
    )
    figures = verified_figures(user=user, dimension=dimension)
    assert sum(f.declared for f in figures) == len(rows)
    for figure in figures:
        expected = _recount(rows, dimension, figure.member)
        assert {k: getattr(figure, k) for k in expected} == expected
        for status in ("declared", "verified", "not_verified", "retained_12m"):
            listed = verified_drilldown(
                user=user, dimension=dimension, member=str(figure.member), status=status
            ).count()
            count = figure.gap if status == "not_verified" else getattr(figure, status)
            assert listed == count
        recounted = _recount_graduates(user, dimension, figure.member)
        assert (figure.graduates_eligible_6m, figure.graduates_placed_6m) == recounted
        for status in ("graduates_eligible_6m", "graduates_placed_6m"):
            listed = graduate_drilldown(
                user=user, dimension=dimension, member=str(figure.member), status=status
            ).count()
            assert listed == getattr(figure, status)
    graduates = GraduateOutcome.objects.filter(eligible_6m=True)
    if user.partner_id:
        graduates = graduates.filter(enrollment__operator_id=user.partner_id)
    assert sum(f.graduates_eligible_6m for f in figures) == graduates.count()


def _recount_graduates(user, dimension: str, member) -> tuple[int, int]:
    outcomes = GraduateOutcome.objects.select_related("enrollment__cohort")
    if user.partner_id:
        outcomes = outcomes.filter(enrollment__operator_id=user.partner_id)
    mine = [
        o
        for o in outcomes
        if (
            (o.enrollment.graduated_on or dt.date.min).year
            if dimension == "year"
            else {
                "region": o.enrollment.cohort.region_id,
                "filiere": o.enrollment.cohort.filiere_id,
                "convention": o.enrollment.cohort.convention_id,
                "operator": o.enrollment.operator_id,
            }[dimension]
        )
        == member
    ]
    eligible = [o for o in mine if o.eligible_6m]
    return len(eligible), sum(o.placed_6m for o in eligible)


def test_dashboard_shows_declared_beside_verified_with_the_gap_rows(
    generated, admin_client
) -> None:
    page = admin_client.get(reverse("dashboard")).content.decode()
    assert 'data-testid="verified-summary"' in page
    declared = HireVerification.objects.count()
    verified = HireVerification.objects.filter(verified=True).count()
    assert f'data-testid="summary-declared">{declared}<' in page
    assert f'data-testid="summary-verified">{verified}<' in page
    gap = admin_client.get(reverse("verification_hires") + "?status=not_verified")
    assert f'data-testid="row-count">{declared - verified}<' in gap.content.decode()


def test_an_unknown_drilldown_query_is_a_clear_400(admin_client) -> None:
    response = admin_client.get(reverse("verification_hires") + "?dimension=planet&member=1")
    assert response.status_code == 400
    assert "dimension, membre ou statut inconnu" in response.content.decode()


def test_drilldown_pages_read_a_fixed_number_of_queries(
    generated, admin_client, django_assert_max_num_queries
) -> None:
    for url in (
        reverse("verification_hires") + "?status=declared",
        reverse("verification_found"),
        reverse("verification_figures") + "?dimension=convention",
    ):
        with django_assert_max_num_queries(12):
            assert admin_client.get(url).status_code == 200


def test_declared_jobs_are_the_dashboard_jobs_created(generated, admin_user) -> None:
    from django.utils import timezone

    from tracker.figures.definitions import FIGURES
    from tracker.figures.verified.figures import verified_totals
    from tracker.models import Placement

    first = Placement.objects.order_by("id").first()
    assert first is not None
    PlacementFactory.create(enrollment=first.enrollment, hired_on=dt.date(2026, 5, 4))  # 2nd job
    PlacementFactory.create(hired_on=dt.date(2026, 5, 4), contract_type="freelance")
    verification_rebuild()
    jobs = Placement.objects.filter(FIGURES["jobs_created"].predicate(timezone.localdate()))
    assert verified_totals(user=admin_user).declared == jobs.count()
    assert jobs.count() == Placement.objects.count() - 2
