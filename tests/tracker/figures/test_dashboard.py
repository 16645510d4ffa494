"""The dashboard and the drill-down pages: every role, partner isolation, figures equal
to a recount, links to exactly the rows counted, a constant number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from conventions.models import Convention, ConventionParty, Indicator, Partner
from tests.support.factories import (
    CohortFactory,
    CommitmentFactory,
    ConventionFactory,
    ConventionPartyFactory,
    EnrollmentFactory,
    PlacementFactory,
    TraineeFactory,
    region,
)
from tests.support.rollups import INDEX, recount
from tracker.figures.links import figure_url
from tracker.figures.rollups import rollup_full_recompute

REFERENCE = dt.date(2026, 11, 1)


def convention_for(operator: Partner, **kwargs) -> Convention:
    convention = ConventionFactory.create(**kwargs)
    Convention.objects.filter(pk=convention.pk).update(status=Convention.Status.ACTIVE)
    convention.refresh_from_db()
    ConventionPartyFactory.create(
        convention=convention, partner=operator, role=ConventionParty.Role.TRAINING_OPERATOR
    )
    return convention


def populate(
    operator: Partner, *, region_code: str, cohorts: int = 1, per_cohort: int = 4
) -> Convention:
    """A convention of ``operator`` with cohorts, enrollments, graduates and hires."""
    convention = convention_for(operator)
    for _ in range(cohorts):
        cohort = CohortFactory.create(
            convention=convention, operator=operator, region=region(region_code)
        )
        for index in range(per_cohort):
            enrollment = EnrollmentFactory.create(
                cohort=cohort,
                trainee=TraineeFactory.create(sex="F" if index % 2 else "M"),
                enrolled_on=dt.date(2025, 1, 6),
                status="graduated" if index % 3 else "enrolled",
                graduated_on=dt.date(2025, 6, 30) if index % 3 else None,
            )
            if index % 2:
                PlacementFactory.create(enrollment=enrollment, hired_on=dt.date(2025, 9, 1))
    return convention


@pytest.fixture
def two_partners_data(operator_a: Partner, operator_b: Partner):
    convention_a = populate(operator_a, region_code="MA-06", cohorts=2)
    convention_b = populate(operator_b, region_code="MA-01", cohorts=1, per_cohort=6)
    rollup_full_recompute(reference_date=REFERENCE)
    return convention_a, convention_b


@pytest.mark.parametrize(
    "client_fixture", ["admin_client", "manager_client", "partner_a_client", "viewer_a_client"]
)
def test_every_role_sees_the_dashboard_and_its_menu_entry(
    request: pytest.FixtureRequest, client_fixture: str, two_partners_data
) -> None:
    client: Client = request.getfixturevalue(client_fixture)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="dashboard-title"' in content
    assert f'href="{reverse("dashboard")}"' in content  # the navigation entry
    assert "<script>" not in content
    assert "style=" not in content


def test_sector_jobs_against_the_trajectory_to_2030(admin_client: Client) -> None:
    response = admin_client.get(reverse("dashboard"))
    jobs = response.context["jobs"]
    assert jobs.actual[2024] == Decimal(148500)
    assert jobs.trajectory[2030] == Decimal(270000)
    assert jobs.trajectory[2027] == Decimal(148500 + (270000 - 148500) * 3 / 6)
    assert response.context["exports"].target == Decimal(40_000_000_000)
    assert "148" in response.content.decode()


def test_partner_b_figures_equal_a_recount_over_b_rows_only(
    partner_b_client: Client, operator_b: Partner, two_partners_data
) -> None:
    _convention_a, convention_b = two_partners_data
    expected = recount(
        reference_date=REFERENCE,
        cohort_ids=list(operator_b.operated_cohorts.values_list("id", flat=True)),
    )
    response = partner_b_client.get(reverse("dashboard"))
    context = response.context
    programme = {row["year"]: row["figures"] for row in context["programme"]}
    for year, figures in programme.items():
        for measure, index in INDEX.items():
            national = sum(
                values[index]
                for cell, values in expected.items()
                if cell[0] == "national" and cell[3] == year
            )
            assert figures.values[measure] == national, (year, measure)
    regions = {row["member"].code: row["figures"] for row in context["breakdowns"][0]["rows"]}
    assert regions["MA-01"].enrolled == 6
    assert regions["MA-06"].enrolled == 0  # A's region: nothing of A's shows
    assert [c.pk for c, _p in context["conventions"]] == [convention_b.pk]
    assert two_partners_data[0].reference not in response.content.decode()


def test_staff_dashboard_figures_equal_a_recount(admin_client: Client, two_partners_data) -> None:
    expected = recount(reference_date=REFERENCE)
    response = admin_client.get(reverse("dashboard"))
    regions = {
        row["member"].pk: row["figures"] for row in response.context["breakdowns"][0]["rows"]
    }
    for (dimension, member, *_rest), values in expected.items():
        if dimension == "region":
            assert regions[member].enrolled >= values[INDEX["enrolled"]]
    for member, figures in regions.items():
        assert figures.jobs_created == sum(
            v[INDEX["jobs_created"]] for c, v in expected.items() if c[:2] == ("region", member)
        )


def test_drill_down_lists_exactly_the_rows_behind_a_region_figure(
    admin_client: Client, two_partners_data
) -> None:
    response = admin_client.get(reverse("dashboard"))
    regions = {row["member"].code: row for row in response.context["breakdowns"][0]["rows"]}
    casablanca = regions["MA-06"]
    url = figure_url("jobs_created", dimension="region", member=casablanca["member"].pk)
    assert url.replace("&", "&amp;") in response.content.decode()
    rows = admin_client.get(url)
    assert rows.status_code == 200
    assert rows.context["row_count"] == casablanca["figures"].jobs_created == 4


def test_partner_b_cannot_drill_into_partner_a_scopes(
    partner_b_client: Client, operator_a: Partner, two_partners_data
) -> None:
    convention_a, _convention_b = two_partners_data
    cohort_a = convention_a.cohorts.first()
    for dimension, member in (
        ("convention", convention_a.pk),
        ("operator", operator_a.pk),
        ("cohort", cohort_a.pk),
    ):
        response = partner_b_client.get(figure_url("enrolled", dimension=dimension, member=member))
        assert response.status_code == 404, dimension
    # National and regional lists hold B's rows only.
    response = partner_b_client.get(
        figure_url("enrolled", dimension="region", member=region("MA-06").pk)
    )
    assert response.context["row_count"] == 0
    assert partner_b_client.get(figure_url("enrolled")).context["row_count"] == 6


def test_a_malformed_drill_down_link_says_what_is_wrong(admin_client: Client) -> None:
    response = admin_client.get(reverse("figure_enrollments") + "?figure=nope&year=abc")
    assert response.status_code == 400
    content = response.content.decode()
    assert "<code>figure</code>" in content
    assert "<code>year</code>" in content
    response = admin_client.get(reverse("figure_enrollments") + "?figure=enrolled&dimension=region")
    assert response.status_code == 400
    # A hires figure asked on the enrollments page is not found there.
    assert (
        admin_client.get(reverse("figure_enrollments") + "?figure=jobs_created").status_code == 404
    )


def test_dashboard_query_count_does_not_grow_with_the_data(
    admin_client: Client, partner_a_client: Client, operator_a: Partner, operator_b: Partner
) -> None:
    populate(operator_a, region_code="MA-06")
    rollup_full_recompute(reference_date=REFERENCE)

    def count(client: Client) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dashboard")).status_code == 200
        return len(queries)

    small_admin, small_partner = count(admin_client), count(partner_a_client)
    for code in ("MA-01", "MA-02", "MA-03", "MA-04"):
        convention = populate(operator_a, region_code=code, cohorts=3, per_cohort=5)
        CommitmentFactory.create(convention=convention, indicator=Indicator.JOBS_CREATED, year=2025)
        populate(operator_b, region_code=code, cohorts=2)
    rollup_full_recompute(reference_date=REFERENCE)
    assert count(admin_client) == small_admin
    assert count(partner_a_client) == small_partner


def test_a_convention_under_its_pro_rated_commitment_is_flagged_lagging(
    admin_client: Client, operator_a: Partner, settings
) -> None:
    convention = populate(operator_a, region_code="MA-06")  # 4 enrolled in 2025
    CommitmentFactory.create(
        convention=convention, indicator=Indicator.ENROLLED, year=2025, target_value=100
    )
    on_track = populate(operator_a, region_code="MA-06")
    CommitmentFactory.create(
        convention=on_track, indicator=Indicator.ENROLLED, year=2025, target_value=4
    )
    rollup_full_recompute(reference_date=REFERENCE)
    response = admin_client.get(reverse("dashboard"))
    flags = {c.pk: p.lagging for c, p in response.context["conventions"]}
    assert flags == {convention.pk: True, on_track.pk: False}
    assert response.context["summary"]["lagging_count"] == 1


def test_stale_figures_are_announced(admin_client: Client, settings) -> None:
    response = admin_client.get(reverse("dashboard"))
    assert 'data-testid="stale-warning"' in response.content.decode()  # never computed
    rollup_full_recompute(reference_date=REFERENCE)
    assert (
        'data-testid="stale-warning"' not in admin_client.get(reverse("dashboard")).content.decode()
    )
    settings.ROLLUP_STALE_AFTER_HOURS = 0
    assert 'data-testid="stale-warning"' in admin_client.get(reverse("dashboard")).content.decode()


def test_progress_panels_for_the_convention_and_cohort_pages(
    admin_user: User, partner_b_user: User, two_partners_data
) -> None:
    convention_a, _b = two_partners_data
    CommitmentFactory.create(
        convention=convention_a, indicator=Indicator.ENROLLED, year=2025, target_value=8
    )
    request = RequestFactory().get("/")
    request.user = admin_user
    template = Template(
        "{% load figures %}"
        "{% convention_progress_panel convention %}{% cohort_progress_panel cohort %}"
    )
    html = template.render(
        Context(
            {"request": request, "convention": convention_a, "cohort": convention_a.cohorts.first()}
        )
    )
    assert 'data-testid="convention-progress"' in html
    assert 'data-testid="cohort-progress"' in html
    assert figure_url("enrolled", dimension="convention", member=convention_a.pk).split("&until")[
        0
    ] in html.replace("&amp;", "&")
    # Partner B sees no figure of A's convention through the panel.
    request.user = partner_b_user
    html = template.render(
        Context(
            {"request": request, "convention": convention_a, "cohort": convention_a.cohorts.first()}
        )
    )
    assert ">8<" not in html


def test_admins_enter_national_figures_in_the_admin_site(admin_client: Client) -> None:
    home = admin_client.get(reverse("home")).content.decode()
    assert reverse("dashboard") in home
    url = reverse("admin:conventions_nationalfigure_add")
    response = admin_client.post(
        url, {"indicator": "sector_jobs", "year": 2025, "value": "160000", "kind": "actual"}
    )
    assert response.status_code == 302
    jobs = admin_client.get(reverse("dashboard")).context["jobs"]
    assert jobs.actual[2025] == Decimal(160000)


def test_the_rollup_store_is_read_only_in_the_admin_site(admin_client: Client) -> None:
    assert admin_client.get(reverse("admin:tracker_rollup_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:tracker_rollup_add")).status_code == 403


def test_drill_down_pages_run_a_few_queries_whatever_the_data(
    admin_client: Client, operator_a: Partner
) -> None:
    populate(operator_a, region_code="MA-06")
    rollup_full_recompute(reference_date=REFERENCE)
    urls = [
        figure_url("enrolled", year=2025),
        figure_url("jobs_created", dimension="region", member=region("MA-06").pk),
    ]

    def counts() -> list[int]:
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert admin_client.get(url).status_code == 200
            result.append(len(queries))
        return result

    small = counts()
    populate(operator_a, region_code="MA-06", cohorts=4, per_cohort=8)
    rollup_full_recompute(reference_date=REFERENCE)
    assert counts() == small
    assert max(small) <= 7  # session + user, then scope, freshness, count, rows
