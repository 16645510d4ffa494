"""The drill-down pages you can act on: the active filters in words, each row linking to
its record, CSV and XLSX exports under the privacy policy, and a row count (on the page
and in the exports) equal to the figure the dashboard shows, for staff and a partner."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.policy import MASK
from conventions.models import Partner
from tests.support.factories import region
from tests.support.rollups import INDEX, recount
from tests.tracker.figures.test_dashboard import REFERENCE, populate
from tracker.figures.links import figure_url
from tracker.figures.rollups import rollup_full_recompute


@pytest.fixture
def two_partners_data(operator_a: Partner, operator_b: Partner):
    convention_a = populate(operator_a, region_code="MA-06", cohorts=2)
    convention_b = populate(operator_b, region_code="MA-01", cohorts=1, per_cohort=6)
    rollup_full_recompute(reference_date=REFERENCE)
    return convention_a, convention_b


def csv_rows(client: Client, url: str) -> list[list[str]]:
    response: Any = client.get(url + "&export=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(raw), delimiter=";"))


def xlsx_rows(client: Client, url: str) -> list[tuple[Any, ...]]:
    response: Any = client.get(url + "&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def dashboard_figures(client: Client) -> tuple[list[tuple[str, int, str]], list[Any]]:
    """(figure, value shown, its drill-down link) for a few figures of the dashboard:
    the programme's by year and jobs created by region; and the programme's rows."""
    context = client.get(reverse("dashboard")).context
    today = timezone.localdate()
    shown = []
    for row in context["programme"]:
        for figure in ("enrolled", "jobs_created", "graduates"):
            value = row["figures"].values[figure]
            shown.append((figure, value, figure_url(figure, year=row["year"], until=today)))
    for row in context["breakdowns"][0]["rows"]:
        member = row["member"]
        url = figure_url("jobs_created", dimension="region", member=member.pk, until=today)
        shown.append(("jobs_created", row["figures"].jobs_created, url))
    return shown, context["programme"]


@pytest.mark.parametrize(
    ("client_fixture", "operator_fixture"),
    [("admin_client", None), ("partner_a_client", "operator_a")],
)
def test_drill_down_and_export_row_counts_equal_the_dashboard_figure(
    request: pytest.FixtureRequest,
    client_fixture: str,
    operator_fixture: str | None,
    two_partners_data,
) -> None:
    client: Client = request.getfixturevalue(client_fixture)
    operator = request.getfixturevalue(operator_fixture) if operator_fixture else None
    expected = recount(
        reference_date=REFERENCE,
        until=timezone.localdate(),
        operator_id=operator.pk if operator else None,
    )
    checked = 0
    shown, programme_rows = dashboard_figures(client)
    for figure, value, url in shown:
        page = client.get(url)
        assert page.status_code == 200, url
        assert page.context["row_count"] == value, (figure, url)
        assert len(csv_rows(client, url)) - 1 == value, (figure, url)  # minus the header
        assert len(xlsx_rows(client, url)) - 1 == value, (figure, url)
        checked += value
    assert checked > 0  # the data gave figures to compare, not only zeros
    # The figures themselves recounted from the source rows, by year.
    programme = {row["year"]: row["figures"] for row in programme_rows}
    assert programme
    for year, figures in programme.items():
        assert figures.enrolled == sum(
            values[INDEX["enrolled"]]
            for cell, values in expected.items()
            if cell[0] == "national" and cell[3] == year
        )


def test_partner_b_exports_nothing_of_partner_a_even_by_tampered_links(
    partner_b_client: Client, operator_a: Partner, two_partners_data
) -> None:
    convention_a, convention_b = two_partners_data
    rows = csv_rows(partner_b_client, figure_url("enrolled"))
    assert len(rows) - 1 == 6
    assert {row[5] for row in rows[1:]} == {convention_b.reference}
    region_a = figure_url("enrolled", dimension="region", member=region("MA-06").pk)
    assert len(csv_rows(partner_b_client, region_a)) == 1  # the header only
    for dimension, member in (
        ("convention", convention_a.pk),
        ("operator", operator_a.pk),
        ("cohort", convention_a.cohorts.first().pk),
    ):
        url = figure_url("enrolled", dimension=dimension, member=member)
        for export in ("csv", "xlsx"):
            response = partner_b_client.get(url + f"&export={export}")
            assert response.status_code == 404, (dimension, export)
            assert convention_a.reference.encode() not in response.content


def test_the_export_masks_the_people_the_user_may_not_see(manager_client: Client, people) -> None:
    """The manager of A's convention reads A's trainee by name; B's stays masked."""
    rollup_full_recompute(reference_date=REFERENCE)
    rows = csv_rows(manager_client, figure_url("enrolled"))
    header, body = rows[0], {int(row[0]): row for row in rows[1:]}
    assert header[:3] == ["N° d'inscription", "CIN", "Stagiaire"]
    assert body[people.enrollment_a.pk][1:3] == ["AA111111", "Fatima Benali"]
    assert body[people.enrollment_b.pk][1] == MASK
    assert "Omar" not in body[people.enrollment_b.pk][2]
    hires = xlsx_rows(manager_client, figure_url("jobs_created"))
    names = {row[0]: row[3] for row in hires[1:]}
    assert names[people.placement_a.pk] == "Fatima Benali"
    assert "Chraibi" not in str(names[people.placement_b.pk])


def test_the_drill_down_states_its_filters_in_words(
    admin_client: Client, two_partners_data
) -> None:
    casablanca = region("MA-06")
    url = figure_url(
        "enrolled",
        dimension="region",
        member=casablanca.pk,
        sex="F",
        year=2025,
        quarter=1,
        until=REFERENCE,
    )
    response = admin_client.get(url)
    filters = dict(response.context["active_filters"])
    assert filters == {
        "Périmètre": f"Région : {casablanca.name}",
        "Période": "T1 2025",
        "Sexe": "Femmes",
        "À date": "Lignes datées jusqu'au 1 novembre 2026 inclus",
    }
    assert 'data-testid="active-filters"' in response.content.decode()
    national = dict(admin_client.get(figure_url("enrolled")).context["active_filters"])
    assert national["Périmètre"] == "National"
    assert national["Période"] == "Toutes les périodes"
    assert national["Sexe"] == "Femmes et hommes"
    assert national["À date"].startswith("Aucune limite")


def test_each_row_links_to_its_record_and_the_partner_can_open_it(
    partner_a_client: Client, two_partners_data
) -> None:
    enrollments = partner_a_client.get(figure_url("enrolled"))
    content = enrollments.content.decode()
    first = enrollments.context["table"].page.object_list[0].record
    detail = reverse("enrollment_detail", kwargs={"pk": first.pk})
    assert f'href="{detail}"' in content
    assert partner_a_client.get(detail).status_code == 200
    hires = partner_a_client.get(figure_url("jobs_created"))
    hire = hires.context["table"].page.object_list[0].record
    hire_detail = reverse("placement_detail", kwargs={"pk": hire.pk})
    assert f'href="{hire_detail}"' in hires.content.decode()
    assert partner_a_client.get(hire_detail).status_code == 200
    assert (
        f'href="{reverse("enrollment_detail", kwargs={"pk": hire.enrollment_id})}"'
        in hires.content.decode()
    )


def test_an_unknown_export_format_is_missing_and_a_bad_link_exports_nothing(
    admin_client: Client, two_partners_data
) -> None:
    assert admin_client.get(figure_url("enrolled") + "&export=pdf").status_code == 404
    response = admin_client.get(reverse("figure_enrollments") + "?figure=nope&export=csv")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert 'data-testid="query-errors"' in response.content.decode()
