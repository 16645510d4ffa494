"""Declarations are personal data (law 09-08): a partner never reads a declaration, a
declared salary or employer, nor another partner's verification status, on any page or
export; staff-only pages refuse partners. Two partners, A and B, each with hires."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests.support.factories import (
    CohortFactory,
    EnrollmentFactory,
    PlacementFactory,
    TraineeFactory,
)
from tests.support.verification import declaration_batch, declare
from tracker.verification.state import verification_rebuild

pytestmark = pytest.mark.django_db
ICE_A, ICE_B, ICE_OTHER = "001111111000011", "002222222000022", "003333333000033"
SALARY_A, SALARY_B = "7777.77", "6666.66"


@pytest.fixture
def world(operator_a, operator_b, admin_user) -> SimpleNamespace:
    w = SimpleNamespace()
    batch = declaration_batch(admin_user)
    for name, operator, ice, salary in (
        ("a", operator_a, ICE_A, SALARY_A),
        ("b", operator_b, ICE_B, SALARY_B),
    ):
        cohort = CohortFactory.create(operator=operator)
        hired = TraineeFactory.create(cin=f"{name.upper()}H100001")
        placement = PlacementFactory.create(
            enrollment=EnrollmentFactory.create(trainee=hired, cohort=cohort),
            hired_on=dt.date(2025, 3, 10),
            employer_ice=ice,
        )
        declare(batch, hired, 2025, 3, ice=ice, salary=salary)
        unverified = TraineeFactory.create(cin=f"{name.upper()}U100001")
        PlacementFactory.create(
            enrollment=EnrollmentFactory.create(trainee=unverified, cohort=cohort),
            hired_on=dt.date(2025, 3, 10),
            employer_ice=ice,
        )
        found = TraineeFactory.create(cin=f"{name.upper()}F100001")
        EnrollmentFactory.create(
            trainee=found,
            cohort=cohort,
            status="graduated",
            graduated_on=dt.date(2025, 2, 28),
            exited_on=dt.date(2025, 2, 28),
        )
        declare(batch, found, 2025, 4, ice=ICE_A if name == "a" else ICE_B, salary=salary)
        setattr(w, name, SimpleNamespace(cohort=cohort, placement=placement))
    verification_rebuild()
    return w


PARTNER_PAGES = [
    reverse("verification_figures"),
    reverse("verification_figures") + "?dimension=convention",
    reverse("verification_figures") + "?dimension=operator",
    reverse("verification_hires"),
    reverse("verification_hires") + "?status=not_verified",
    reverse("verification_hires") + "?export=csv",
    reverse("verification_found"),
    reverse("verification_found") + "?export=csv",
    reverse("verification_graduates") + "?status=graduates_eligible_6m",
    reverse("verification_graduates") + "?status=graduates_placed_6m&export=csv",
]


def _text(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def test_partner_sees_its_own_hires_status_only_and_no_salary(world, partner_a_client) -> None:
    for url in PARTNER_PAGES:
        response = partner_a_client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        assert "BH100001" not in text, url
        assert "BU100001" not in text, url
        assert "BF100001" not in text, url
        for secret in (SALARY_A, SALARY_B, "7777", "6666", ICE_B):
            assert secret not in text, (url, secret)
    hires = _text(partner_a_client.get(reverse("verification_hires") + "?export=csv"))
    assert "AH100001" in hires
    assert "AU100001" in hires
    assert "AF100001" in _text(partner_a_client.get(reverse("verification_found")))


def test_partner_drilling_into_b_convention_gets_what_a_missing_id_gets(
    world, partner_a_client
) -> None:
    url = reverse("verification_hires") + "?dimension=convention&status=declared&member="
    b_rows = _text(partner_a_client.get(url + str(world.b.cohort.convention_id)))
    missing_rows = _text(partner_a_client.get(url + "987654321"))
    assert "BH100001" not in b_rows
    empty = '<span class="badge text-bg-primary fs-6" data-testid="row-count">0</span>'
    assert empty in b_rows
    assert empty in missing_rows


def test_partner_xlsx_export_holds_its_rows_only(world, partner_a_client) -> None:
    import io

    from openpyxl import load_workbook

    response = partner_a_client.get(reverse("verification_hires") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cins = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cins == {"AH100001", "AU100001"}


@pytest.mark.parametrize(
    "name",
    ["verification_request", "incentive_report", "declarations_list", "declarations_sample"],
)
def test_partners_are_refused_staff_pages(world, partner_a_client, viewer_a_client, name) -> None:
    for client in (partner_a_client, viewer_a_client):
        assert client.get(reverse(name)).status_code == 403
        assert client.get(reverse(name) + "?export=csv").status_code == 403


def test_staff_see_every_hire_and_the_gap_explained(world, manager_client) -> None:
    page = _text(manager_client.get(reverse("verification_hires") + "?status=not_verified"))
    assert "AU100001" in page
    assert "BU100001" in page
    assert "Aucune déclaration de cet employeur" in page
    assert "AH100001" not in page


def test_api_routes_expose_no_declaration(world, partner_a_user) -> None:
    from tests.support.api import token_client

    client = token_client(partner_a_user)
    for url in ("/api/v1/hires/", f"/api/v1/hires/{world.a.placement.pk}/", "/api/v1/trainees/"):
        response = client.get(url)
        text = response.content.decode()
        assert response.status_code == 200, url
        for secret in (SALARY_A, SALARY_B, "7777", "6666"):
            assert secret not in text, (url, secret)


def test_partner_reads_its_own_hire_status_on_the_hire_page(world, partner_a_client) -> None:
    page = partner_a_client.get(reverse("placement_detail", args=[world.a.placement.pk]))
    text = page.content.decode()
    assert 'data-testid="hire-verification"' in text
    assert "Embauche vérifiée" in text
    assert SALARY_A not in text
    other = partner_a_client.get(reverse("placement_detail", args=[world.b.placement.pk]))
    assert other.status_code == 404


def test_partner_reads_its_own_hires_status_through_the_api_only(world, partner_a_user) -> None:
    from tests.support.api import token_client

    client = token_client(partner_a_user)
    own = client.get(f"/api/v1/hires/{world.a.placement.pk}/").json()
    assert own["cnss_verification"] == {
        "verified": True,
        "retained_6m": None,  # the declarations do not cover September 2025
        "retained_12m": None,
    }
    listed = {
        row["id"]: row["cnss_verification"]
        for row in client.get("/api/v1/hires/").json()["results"]
    }
    assert listed[world.a.placement.pk]["verified"] is True
    assert [status for status in listed.values() if status is not None and not status["verified"]]
    assert world.b.placement.pk not in listed
    assert client.get(f"/api/v1/hires/{world.b.placement.pk}/").status_code == 404
