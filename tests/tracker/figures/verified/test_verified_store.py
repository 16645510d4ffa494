"""The dashboard's "declared beside verified" block reads the verified figures' store
(tracker.figures.verified.rollup), rebuilt with the match: on generated data its sums equal
the recount from the match rows (verified_totals) nationally, for a partner and under
slices; the block shows the figures of the dashboard's slice, in one query that never
reads the enrollments or the hires, whatever the data size; a partner's block never
counts another partner's rows; every figure drills down to the rows it counts."""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from conventions.models import Filiere, Partner, Region
from tests.support.factories import (
    CohortFactory,
    EnrollmentFactory,
    PlacementFactory,
    TraineeFactory,
)
from tests.support.verification import declaration_batch, declare
from tests.tracker.figures.test_dashboard import REFERENCE
from tracker.figures.rollups import rollup_full_recompute
from tracker.figures.slices import Slice
from tracker.figures.verified.dashboard import stored_totals
from tracker.figures.verified.figures import VerifiedRow, verified_totals
from tracker.figures.verified.rollup import COUNTS
from tracker.models import Cohort, HireVerification, Placement, VerificationRollup
from tracker.verification.state import verification_rebuild

pytestmark = pytest.mark.django_db
ICES = ["001111111000011", "002222222000022"]
SOURCE_TABLES = ("tracker_enrollment", "tracker_placement")


def _figures(row: VerifiedRow) -> dict[str, int]:
    return {name: getattr(row, name) for name in COUNTS}


def _declare_around(
    batch: Any, trainee: Any, day: dt.date, rng: random.Random, span: int, seen: set[Any]
) -> None:
    for offset in sorted(rng.sample(range(span), rng.randrange(0, 8))):
        year, month = divmod(day.year * 12 + day.month - 1 + offset, 12)
        ice = rng.choice(ICES)
        key = (trainee.pk, year, month, ice)
        if (year, month) <= (2026, 10) and key not in seen:  # until Nov. 2026
            seen.add(key)
            declare(batch, trainee, year, month + 1, ice=ice)


def _generate(admin: User, operators: list[Partner], *, seed: int, hires: int) -> list[Cohort]:
    """Cohorts of both operators in two regions and two filières; hires (several per
    enrollment at times, some on unstable contracts) and graduates, declared at random."""
    rng = random.Random(seed)
    batch = declaration_batch(admin)
    seen: set[Any] = set()  # (person, year, month, ICE): a person's two hires overlap
    regions, filieres = list(Region.objects.order_by("code")[:2]), list(Filiere.objects.all()[:2])
    cohorts = [
        CohortFactory.create(
            operator=operators[n % 2], region=regions[n % 2], filiere=filieres[n // 2 % 2]
        )
        for n in range(4)
    ]
    for _hire in range(hires):
        trainee = TraineeFactory.create(sex=rng.choice("FM"))
        enrollment = EnrollmentFactory.create(trainee=trainee, cohort=rng.choice(cohorts))
        for _job in range(rng.choice([1, 1, 2])):
            hired = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(600))
            PlacementFactory.create(
                enrollment=enrollment,
                hired_on=hired,
                employer_ice=rng.choice(ICES),
                contract_type=rng.choice(["cdi", "cdi", "cdd"]),
            )
            _declare_around(batch, trainee, hired, rng, 14, seen)
    for _graduate in range(hires // 2):
        trainee = TraineeFactory.create(sex=rng.choice("FM"))
        graduated = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(540))
        EnrollmentFactory.create(
            trainee=trainee,
            cohort=rng.choice(cohorts),
            status="graduated",
            graduated_on=graduated,
            exited_on=graduated,
        )
        _declare_around(batch, trainee, graduated, rng, 9, seen)
    verification_rebuild()
    return cohorts


@pytest.fixture
def cohorts(admin_user: User, operator_a: Partner, operator_b: Partner) -> list[Cohort]:
    return _generate(admin_user, [operator_a, operator_b], seed=18, hires=40)


def _slices(cohorts: list[Cohort]) -> list[Slice]:
    first = cohorts[0]
    return [
        Slice(),
        Slice(sex="F"),
        Slice(year=2025),
        Slice(year=2026, quarter=1, sex="M"),
        Slice(region=first.region_id),
        Slice(filiere=first.filiere_id, sex="F"),
        Slice(convention=first.convention_id, year=2025),
        Slice(cohort=first.pk),
        Slice(region=first.region_id, filiere=first.filiere_id, year=2025, quarter=3),
    ]


def _python_recount(user: User, part: Slice) -> dict[str, int]:
    """The slice's hire figures counted in Python from the match rows, jobs as the
    dashboard counts them (each enrollment's first stable hire)."""
    first_jobs: dict[int, Placement] = {}
    for hire in Placement.objects.filter(contract_type="cdi").order_by("hired_on", "id"):
        first_jobs.setdefault(hire.enrollment_id, hire)
    counts = dict.fromkeys(("declared", "verified", "eligible_12m", "retained_12m"), 0)
    matched = HireVerification.objects.select_related(
        "placement__enrollment__cohort", "placement__enrollment__trainee"
    )
    for row in matched:
        hire = row.placement
        cohort, trainee = hire.enrollment.cohort, hire.enrollment.trainee
        if first_jobs.get(hire.enrollment_id) != hire:
            continue
        if user.partner_id is not None and hire.operator_id != user.partner_id:
            continue
        attributes = {
            "region": cohort.region_id,
            "filiere": cohort.filiere_id,
            "convention": cohort.convention_id,
            "cohort": cohort.pk,
        }
        if any(attributes[name] != value for name, value in part.cohort_filters.items()):
            continue
        if part.sex and trainee.sex != part.sex:
            continue
        if part.year is not None and hire.hired_on.year != part.year:
            continue
        if part.quarter is not None and (hire.hired_on.month - 1) // 3 + 1 != part.quarter:
            continue
        counts["declared"] += 1
        counts["verified"] += row.verified
        counts["eligible_12m"] += row.eligible_12m
        counts["retained_12m"] += row.eligible_12m and row.retained_12m
    return counts


@pytest.mark.parametrize("who", ["admin_user", "manager_user", "partner_a_user", "partner_b_user"])
def test_the_store_sums_to_the_recount_nationally_for_a_partner_and_under_slices(
    cohorts: list[Cohort], who: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(who)
    for part in _slices(cohorts):
        stored = _figures(stored_totals(user=user, part=part))
        assert stored == _figures(verified_totals(user=user, part=part)), part
        recount = _python_recount(user, part)
        assert {name: stored[name] for name in recount} == recount, part
    everything = _figures(stored_totals(user=user, part=Slice()))
    assert everything["declared"] > 0
    assert everything["graduates_eligible_6m"] > 0
    assert _figures(verified_totals(user=user)) == everything


def test_the_slices_partition_the_national_figures(cohorts: list[Cohort], admin_user: User) -> None:
    national = _figures(stored_totals(user=admin_user, part=Slice()))
    regions = sorted({c.region_id for c in cohorts})
    for partition in ([Slice(sex="F"), Slice(sex="M")], [Slice(region=r) for r in regions]):
        parts = [_figures(stored_totals(user=admin_user, part=part)) for part in partition]
        assert {name: sum(p[name] for p in parts) for name in COUNTS} == national


def test_the_store_follows_the_match_when_hires_change(
    cohorts: list[Cohort], admin_user: User
) -> None:
    before = stored_totals(user=admin_user, part=Slice()).declared
    hire = Placement.objects.filter(verification__isnull=False, contract_type="cdi").first()
    assert hire is not None
    enrollment = EnrollmentFactory.create(cohort=cohorts[0])
    PlacementFactory.create(enrollment=enrollment, hired_on=dt.date(2026, 2, 2))
    verification_rebuild()
    assert stored_totals(user=admin_user, part=Slice()).declared == before + 1
    assert _figures(stored_totals(user=admin_user, part=Slice())) == _figures(
        verified_totals(user=admin_user)
    )


def _shown(content: str, testid: str) -> int:
    match = re.search(rf'data-testid="{testid}">([^<]*)<', content)
    assert match, testid
    return int(re.sub(r"\D", "", match.group(1)))


def _dashboard_query(part: Slice) -> str:
    return f"{reverse('dashboard')}?{part.query()}"


@pytest.mark.parametrize(
    ("client_fixture", "user_fixture"),
    [("admin_client", "admin_user"), ("partner_a_client", "partner_a_user")],
)
def test_the_block_shows_the_figures_of_the_dashboard_s_slice_and_links_to_their_rows(
    cohorts: list[Cohort], client_fixture: str, user_fixture: str, request: pytest.FixtureRequest
) -> None:
    client: Client = request.getfixturevalue(client_fixture)
    user: User = request.getfixturevalue(user_fixture)
    own = [c for c in cohorts if user.partner_id in (None, c.operator_id)]
    rollup_full_recompute(reference_date=REFERENCE)
    for part in (Slice(), Slice(sex="F", year=2025), Slice(region=own[0].region_id, sex="M")):
        response = client.get(_dashboard_query(part))
        assert response.status_code == 200
        content = response.content.decode()
        expected = verified_totals(user=user, part=part)
        if not expected.declared:
            continue
        assert _shown(content, "summary-declared") == expected.declared
        assert _shown(content, "summary-verified") == expected.verified
        assert _shown(content, "summary-gap") == expected.gap
        for testid, status, count in (
            ("summary-declared", "declared", expected.declared),
            ("summary-verified", "verified", expected.verified),
            ("summary-gap", "not_verified", expected.gap),
        ):
            link = re.search(rf'href="([^"]*)" data-testid="{testid}"', content)
            assert link
            url = link.group(1).replace("&amp;", "&")
            assert f"status={status}" in url
            drill = client.get(url)
            assert drill.status_code == 200
            assert drill.context["count"] == count


def test_the_block_reads_the_store_once_never_the_source_rows(
    cohorts: list[Cohort], admin_user: User, partner_a_user: User
) -> None:
    for user in (admin_user, partner_a_user):
        part = Slice(region=cohorts[0].region_id, sex="F", year=2025)
        with CaptureQueriesContext(connection) as queries:
            stored_totals(user=user, part=part)
        assert len(queries.captured_queries) == 1
        sql = queries.captured_queries[0]["sql"]
        assert VerificationRollup._meta.db_table in sql
        assert not any(table in sql for table in SOURCE_TABLES)


def test_the_dashboard_page_reads_the_store_and_no_more_source_rows(
    cohorts: list[Cohort], admin_client: Client
) -> None:
    rollup_full_recompute(reference_date=REFERENCE)
    part = Slice(region=cohorts[0].region_id, filiere=cohorts[0].filiere_id, sex="F")
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(_dashboard_query(part)).status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert any(VerificationRollup._meta.db_table in s for s in sql)
    assert not any("tracker_hireverification" in s or "tracker_graduateoutcome" in s for s in sql)
    # The two reads of the rows dated after today in its quarter (to date), no more.
    assert len([s for s in sql if any(t in s for t in SOURCE_TABLES)]) <= 2


@pytest.mark.parametrize("client_fixture", ["admin_client", "partner_a_client"])
def test_the_block_runs_the_same_number_of_queries_when_the_data_grows(
    admin_user: User,
    operator_a: Partner,
    operator_b: Partner,
    client_fixture: str,
    request: pytest.FixtureRequest,
) -> None:
    client: Client = request.getfixturevalue(client_fixture)
    _generate(admin_user, [operator_a, operator_b], seed=1, hires=6)
    part = Slice(sex="F")
    user = request.getfixturevalue(client_fixture.replace("client", "user"))
    with CaptureQueriesContext(connection) as small_block:
        small = stored_totals(user=user, part=part)
    rollup_full_recompute(reference_date=REFERENCE)
    with CaptureQueriesContext(connection) as small_page:
        client.get(_dashboard_query(part))
    _generate(admin_user, [operator_a, operator_b], seed=2, hires=30)
    rollup_full_recompute(reference_date=REFERENCE)
    with CaptureQueriesContext(connection) as large_block:
        large = stored_totals(user=user, part=part)
    with CaptureQueriesContext(connection) as large_page:
        client.get(_dashboard_query(part))
    assert large.declared > small.declared
    assert len(large_block.captured_queries) == len(small_block.captured_queries) == 1
    assert len(large_page.captured_queries) <= len(small_page.captured_queries)


def test_a_partner_s_block_never_counts_another_partner_s_rows(
    cohorts: list[Cohort],
    partner_a_user: User,
    partner_b_user: User,
    admin_user: User,
    partner_a_client: Client,
) -> None:
    mine = stored_totals(user=partner_a_user, part=Slice())
    theirs = stored_totals(user=partner_b_user, part=Slice())
    national = stored_totals(user=admin_user, part=Slice())
    assert mine.declared
    assert theirs.declared
    assert _figures(mine) == _figures(verified_totals(user=partner_a_user))
    assert {n: getattr(mine, n) + getattr(theirs, n) for n in COUNTS} == _figures(national)
    others = next(c for c in cohorts if c.operator_id != partner_a_user.partner_id)
    # Even a slice naming B's cohort sums nothing of B's for A (the page answers 404).
    assert _figures(
        stored_totals(user=partner_a_user, part=Slice(cohort=others.pk))
    ) == dict.fromkeys(COUNTS, 0)
    assert partner_a_client.get(_dashboard_query(Slice(cohort=others.pk))).status_code == 404
    for route in ("verification_hires", "verification_graduates"):
        url = f"{reverse(route)}?cohort={others.pk}"
        assert partner_a_client.get(url).status_code == 404
    listed = partner_a_client.get(f"{reverse('verification_hires')}?status=declared")
    assert listed.context["count"] == mine.declared
