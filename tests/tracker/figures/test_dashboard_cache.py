"""The dashboard's figures are rendered once per state of what they are computed from
(tracker.figures.dashboard_cache): served again while nothing changed, computed again as
soon as a rollup runs or a convention's terms change, never shared across scopes or
languages, and always the same HTML as a fresh computation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conventions.models import ConventionParty, Indicator, NationalFigure, Partner, Region, Zone
from tests.support.factories import (
    CohortFactory,
    CommitmentFactory,
    ConventionPartyFactory,
    EnrollmentFactory,
    region,
)
from tests.support.rollups import INDEX, recount
from tests.tracker.figures.test_dashboard import REFERENCE, convention_for, populate
from tracker.figures.revisions import DASHBOARD_INPUTS, terms_revision
from tracker.figures.rollups import rollup_full_recompute

URL = reverse("dashboard")


@pytest.fixture
def two_partners(operator_a: Partner, operator_b: Partner):
    convention_a = populate(operator_a, region_code="MA-06", cohorts=2)
    convention_b = populate(operator_b, region_code="MA-01", cohorts=1, per_cohort=6)
    rollup_full_recompute(reference_date=REFERENCE)
    return convention_a, convention_b


def _figures_html(client: Client, url: str = URL) -> str:
    """The cached figures and the conventions section read from what is cached with them
    (the summary and where each convention stands)."""
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    section = page[
        page.index('id="conventions"') : page.index("</section>", page.index('id="conventions"'))
    ]
    cached = str(response.context["sector_html"]) + str(response.context["figures_html"])
    return cached + section


def _rollup_reads(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return [q["sql"] for q in queries.captured_queries if 'FROM "tracker_rollup" ' in q["sql"]]


def test_a_second_view_of_the_same_state_computes_nothing(
    admin_client: Client, two_partners
) -> None:
    assert len(_rollup_reads(admin_client)) > 1  # first view: computed from the rollup store
    # Second: served as rendered, the conventions table's section included.
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(URL).status_code == 200
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"tracker_rollup"' not in read
    assert '"conventions_convention"' not in read


def test_each_query_of_the_conventions_table_has_its_own_section(
    admin_client: Client, two_partners
) -> None:
    convention_a, convention_b = two_partners
    by_reference = _figures_html(admin_client, f"{URL}?sort=reference")
    _figures_html(admin_client, f"{URL}?sort=-reference")  # rendered, then cached
    reversed_order = _figures_html(admin_client, f"{URL}?sort=-reference")
    assert by_reference.index(convention_a.reference) < by_reference.index(convention_b.reference)
    assert reversed_order.index(convention_b.reference) < reversed_order.index(
        convention_a.reference
    )
    searched = _figures_html(admin_client, f"{URL}?q={convention_b.reference}")
    assert convention_b.reference in searched
    assert f'id="convention-{convention_a.pk}"' not in searched


def test_the_cached_figures_are_the_html_a_fresh_computation_gives(
    admin_client: Client, partner_a_client: Client, two_partners, settings
) -> None:
    _figures_html(admin_client)
    _figures_html(partner_a_client)
    cached_admin, cached_partner = _figures_html(admin_client), _figures_html(partner_a_client)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert _figures_html(admin_client) == cached_admin
    assert _figures_html(partner_a_client) == cached_partner


def test_new_rows_show_once_their_rollup_has_run(
    admin_client: Client, operator_a: Partner, two_partners
) -> None:
    before = _figures_html(admin_client)
    cohort = CohortFactory.create(
        convention=two_partners[0], operator=operator_a, region=region("MA-02")
    )
    for _ in range(3):
        EnrollmentFactory.create(cohort=cohort, enrolled_on=dt.date(2025, 3, 3))
    assert _figures_html(admin_client) == before  # not rolled up yet: the same figures
    rollup_full_recompute(reference_date=REFERENCE)

    response = admin_client.get(URL)
    assert str(response.context["figures_html"]) != before
    regions = {
        row["member"].code: row["figures"] for row in response.context["breakdowns"][0]["rows"]
    }
    expected = recount(reference_date=REFERENCE)
    ma02 = Region.objects.get(code="MA-02").pk
    assert regions["MA-02"].enrolled == sum(
        values[INDEX["enrolled"]]
        for cell, values in expected.items()
        if cell[:2] == ("region", ma02)
    )
    assert regions["MA-02"].enrolled == 3


def test_a_changed_commitment_shows_without_any_rollup(
    admin_client: Client, operator_a: Partner
) -> None:
    convention = populate(operator_a, region_code="MA-06")  # 4 enrolled in 2025
    rollup_full_recompute(reference_date=REFERENCE)
    commitment = CommitmentFactory.create(
        convention=convention, indicator=Indicator.ENROLLED, year=2025, target_value=4
    )
    response = admin_client.get(URL)
    assert response.context["summary"]["lagging_count"] == 0
    commitment.target_value = 400
    commitment.save()
    response = admin_client.get(URL)
    assert response.context["summary"]["lagging_count"] == 1  # recomputed: the target changed
    commitment.delete()
    assert admin_client.get(URL).context["summary"]["lagging_count"] == 0


def test_partner_b_never_gets_the_figures_cached_for_partner_a(
    partner_a_client: Client, partner_b_client: Client, two_partners
) -> None:
    convention_a, convention_b = two_partners
    assert convention_a.reference in _figures_html(partner_a_client)
    html_b = _figures_html(partner_b_client)
    assert convention_a.reference not in html_b
    assert convention_b.reference in html_b
    assert convention_a.reference not in partner_b_client.get(URL).content.decode()


def test_a_new_party_to_a_convention_sees_it_at_once(
    partner_b_client: Client, operator_b: Partner, two_partners
) -> None:
    convention_a, _convention_b = two_partners
    assert convention_a.reference not in _figures_html(partner_b_client)
    ConventionPartyFactory.create(
        convention=convention_a, partner=operator_b, role=ConventionParty.Role.EMPLOYER
    )
    assert convention_a.reference in _figures_html(partner_b_client)


def test_each_language_and_year_has_its_own_figures(admin_client: Client, two_partners) -> None:
    french = _figures_html(admin_client)
    assert "Emplois du secteur" in french
    admin_client.cookies["django_language"] = "en"
    english = _figures_html(admin_client)
    assert "Sector jobs" in english
    assert "Emplois du secteur" not in english
    del admin_client.cookies["django_language"]
    year_2025 = _figures_html(admin_client, f"{URL}?year=2025")
    assert "Emplois du secteur" in year_2025
    assert year_2025 != french
    assert _figures_html(admin_client) == french


def test_tomorrow_the_targets_are_pro_rated_again(
    admin_client: Client, two_partners, monkeypatch
) -> None:
    _figures_html(admin_client)
    assert _rollup_reads(admin_client) == []  # served as rendered, the table too
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert len(_rollup_reads(admin_client)) > 1  # a new day: computed again


@pytest.mark.parametrize("model", DASHBOARD_INPUTS, ids=lambda model: model.__name__)
def test_every_save_and_delete_of_a_dashboard_input_raises_the_revision(
    model, operator_a: Partner
) -> None:
    convention = convention_for(operator_a)
    instances = {
        "Cohort": lambda: CohortFactory.create(convention=convention),
        "Convention": lambda: convention,
        "ConventionParty": lambda: ConventionPartyFactory.create(
            convention=convention, partner=operator_a, role=ConventionParty.Role.EMPLOYER
        ),
        "Commitment": lambda: CommitmentFactory.create(convention=convention),
        "Amendment": lambda: convention.amendments.create(
            number=1, signed_on=dt.date(2026, 1, 5), reason="test"
        ),
        "NationalFigure": lambda: NationalFigure.objects.create(
            indicator="sector_jobs", year=2031, value=1, kind="target", source="test"
        ),
        "Region": lambda: Region.objects.get(code="MA-01"),
        "Zone": lambda: Zone.objects.order_by("id").first(),
        "Filiere": lambda: CohortFactory.create().filiere,
    }
    instance = instances[model.__name__]()
    before = terms_revision()
    instance.save()
    assert terms_revision() == before + 1
    if model.__name__ in ("Cohort", "ConventionParty", "Commitment", "Amendment", "NationalFigure"):
        instance.delete()
        assert terms_revision() == before + 2
