"""Comparisons: a slice's figures by one dimension, sortable, with the commitments beside
the achievements where conventions have them, exported to CSV and XLSX with the same
figures as the page."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conventions.models import Indicator, Partner, Region
from tests.support.factories import CommitmentFactory
from tests.tracker.figures.test_dashboard import REFERENCE, populate
from tracker.figures.rollups import rollup_full_recompute
from web import formatting

pytestmark = pytest.mark.django_db
URL = "/figures/compare/"


@pytest.fixture
def data(operator_a: Partner, operator_b: Partner) -> dict[str, Any]:
    convention_a = populate(operator_a, region_code="MA-06", cohorts=2)
    convention_b = populate(operator_b, region_code="MA-09", cohorts=1, per_cohort=6)
    CommitmentFactory.create(
        convention=convention_a, indicator=Indicator.JOBS_CREATED, year=2025, target_value=10
    )
    rollup_full_recompute(reference_date=REFERENCE)
    return {"a": convention_a, "b": convention_b}


def _rows(client: Client, query: str) -> list[Any]:
    response = client.get(f"{reverse('figure_comparison')}?{query}")
    assert response.status_code == 200
    return [row.record for row in response.context["table"].rows]


def test_the_comparison_by_region_lists_every_region_with_its_figures(
    admin_client: Client, data: dict[str, Any]
) -> None:
    assert reverse("figure_comparison") == URL
    rows = {row.label: row for row in _rows(admin_client, "by=region")}
    assert len(rows) == 12
    casablanca = rows[Region.objects.get(code="MA-06").name]
    souss = rows[Region.objects.get(code="MA-09").name]
    assert (casablanca.enrolled, casablanca.jobs_created) == (8, 4)
    assert (souss.enrolled, souss.jobs_created) == (6, 3)
    # Sorted by jobs created, most first; then sortable by any column.
    ordered = _rows(admin_client, "by=region")
    assert ordered[0].label == casablanca.label
    ascending = _rows(admin_client, "by=region&sort=enrolled")
    assert [r.enrolled for r in ascending] == sorted(r.enrolled for r in ascending)
    by_rate = _rows(admin_client, "by=region&sort=-placement_rate")
    assert by_rate[0].placement_rate is not None


def test_commitments_stand_beside_the_conventions(
    admin_client: Client, data: dict[str, Any]
) -> None:
    rows = {row.member_id: row for row in _rows(admin_client, "by=convention&year=2025")}
    assert rows[data["a"].pk].target_jobs_created == Decimal(10)
    assert rows[data["a"].pk].jobs_created == 4
    assert rows[data["b"].pk].target_jobs_created is None
    page = admin_client.get(f"{reverse('figure_comparison')}?by=convention&year=2025")
    assert "Engagement emplois" in page.content.decode()
    # No commitments by region: a convention's target is not split by region.
    page = admin_client.get(f"{reverse('figure_comparison')}?by=region")
    assert "Engagement emplois" not in page.content.decode()


def test_the_exports_hold_the_same_figures_as_the_page(
    admin_client: Client, data: dict[str, Any]
) -> None:
    query = "by=convention&year=2025"
    rows = _rows(admin_client, query)
    response: Any = admin_client.get(f"{reverse('figure_comparison')}?{query}&export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = lines[0], lines[1:]
    assert header[:5] == ["Convention", "Inscrits", "Femmes inscrites", "Lauréats", "Emplois créés"]
    assert [line[0] for line in body] == [row.label for row in rows]
    assert [int(line[4]) for line in body] == [row.jobs_created for row in rows]
    response = admin_client.get(f"{reverse('figure_comparison')}?{query}&export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))[1:]
    assert [value[4] for value in values] == [row.jobs_created for row in rows]
    assert [value[5] for value in values] == [
        None if row.target_jobs_created is None else float(row.target_jobs_created) for row in rows
    ]
    assert admin_client.get(f"{reverse('figure_comparison')}?{query}&export=pdf").status_code == 404


def test_a_partner_compares_its_own_rows_only(
    partner_a_client: Client, data: dict[str, Any]
) -> None:
    rows = _rows(partner_a_client, "by=convention")
    assert [row.member_id for row in rows] == [data["a"].pk]
    regions = {row.label: row for row in _rows(partner_a_client, "by=region")}
    assert regions[Region.objects.get(code="MA-09").name].enrolled == 0  # B's region: none
    assert partner_a_client.get(f"{URL}?by=nope").status_code == 404


def test_a_member_links_to_the_dashboard_filtered_to_it(
    admin_client: Client, data: dict[str, Any]
) -> None:
    response = admin_client.get(f"{URL}?by=convention&sex=F")
    content = response.content.decode()
    assert f"{reverse('dashboard')}?convention={data['a'].pk}&amp;sex=F" in content


def test_the_chart_shows_the_chosen_figure_and_links_to_its_rows(
    admin_client: Client, data: dict[str, Any]
) -> None:
    response = admin_client.get(f"{URL}?by=region&chart=placement_rate&sort=-placement_rate")
    chart = response.context["chart"]
    rows = [row.record for row in response.context["table"].rows]
    assert chart.bars[0].label == rows[0].label
    assert chart.bars[0].value_label == formatting.percent(rows[0].placement_rate).bare
    assert "figure=placement_6m_placed" in chart.bars[0].url
    assert admin_client.get(f"{URL}?by=region&chart=nope").status_code == 404


@pytest.mark.parametrize("client_fixture", ["admin_client", "partner_a_client"])
def test_each_figure_of_the_table_drills_down_to_as_many_rows(
    request: pytest.FixtureRequest, client_fixture: str, data: dict[str, Any]
) -> None:
    client: Client = request.getfixturevalue(client_fixture)
    response = client.get(f"{URL}?by=region&sex=F")
    content = response.content.decode()
    links = re.findall(r'<a href="(/figures/(?:enrollments|hires)/\?[^"]+)">([0-9]+)</a>', content)
    assert links
    for href, shown in links:
        drill = client.get(href.replace("&amp;", "&"))
        assert drill.status_code == 200
        assert drill.context["row_count"] == int(shown), href
