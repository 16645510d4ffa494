"""The people journey in a real Chromium: the manager creates a cohort; partner A
enrolls two trainees, graduates one and records her hire on a CDI; the cohort's figures
follow."""

from __future__ import annotations

import pytest

from accounts.models import User
from conventions.models import Convention, Partner
from tests.support.browser import login
from tests.support.factories import ConventionFactory, ConventionPartyFactory, filiere, region
from tracker.models import Cohort, Enrollment, Placement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _figure(page, name: str) -> str:
    return page.locator(f"[data-testid=figure-{name}]").inner_text().strip()


def _enroll(page, *, cin: str, first: str, last: str, sex: str) -> None:
    page.click("[data-testid=enroll]")
    page.fill("#id_cin", cin)
    page.fill("#id_first_name", first)
    page.fill("#id_last_name", last)
    page.select_option("#id_sex", sex)
    page.fill("#id_birth_date", "2001-03-14")
    page.fill("#id_phone", "06 61 23 45 67")
    page.fill("#id_enrolled_on", "2026-01-05")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=cohort-figures]")


def test_manager_creates_cohort_partner_enrolls_graduates_and_records_hire(
    page, manager_user: User, partner_a_user: User, operator_a: Partner
) -> None:
    convention = ConventionFactory.create(status=Convention.Status.ACTIVE)
    ConventionPartyFactory.create(convention=convention, partner=operator_a)
    convention.managers.add(manager_user)

    # The manager creates the cohort.
    login(page, "manager")
    page.goto(f"{page.base_url}/cohorts/")
    page.click("[data-testid=cohort-create]")
    page.fill("#id_code", "bc-casa-2026-01")
    page.select_option("#id_convention", str(convention.pk))
    page.select_option("#id_operator", str(operator_a.pk))
    page.select_option("#id_filiere", str(filiere("ITO").pk))
    page.fill("#id_metier", "Développeur full-stack")
    page.select_option("#id_region", str(region("MA-06").pk))
    page.fill("#id_city", "Casablanca")
    page.select_option("#id_modality", "bootcamp")
    page.fill("#id_hours", "400")
    page.fill("#id_planned_seats", "30")
    page.fill("#id_starts_on", "2026-01-05")
    page.fill("#id_ends_on", "2026-06-30")
    page.select_option("#id_status", "in_training")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=cohort-figures]")
    cohort = Cohort.objects.get(code="BC-CASA-2026-01")
    assert _figure(page, "enrolled") == "0"
    page.context.clear_cookies()

    # Partner A enrolls two trainees.
    login(page, "partner.a")
    page.goto(f"{page.base_url}/cohorts/{cohort.pk}/")
    _enroll(page, cin="jb 445566", first="Salma", last="Idrissi", sex="F")
    _enroll(page, cin="BE123987", first="Mehdi", last="Tazi", sex="M")
    assert _figure(page, "enrolled") == "2"
    assert _figure(page, "graduates") == "0"
    assert _figure(page, "women") == "50,0\u202f%"  # narrow no-break space, as every percentage

    # ... graduates Salma ...
    salma = Enrollment.objects.get(trainee__cin="JB445566")
    page.click(f"a[href='/enrollments/{salma.pk}/']")
    page.fill("#graduate_graduated_on", "2026-06-30")
    page.fill("#graduate_certificate_ref", "CERT-2026-001")
    page.click("[data-testid=graduate-submit]")
    assert page.locator("[data-testid=enrollment-status]").inner_text() == "Diplômé"

    # ... and records her hire on a CDI.
    page.click("[data-testid=record-hire]")
    page.fill("#id_employer_name", "Casablanca Nearshore Services")
    page.fill("#id_employer_ice", "001987654000078")
    page.fill("#id_hired_on", "2026-07-15")
    page.select_option("#id_contract_type", "cdi")
    page.fill("#id_job_title", "Développeuse full-stack")
    page.fill("#id_gross_monthly_salary_mad", "9500")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=placement-data]")
    assert "création" in page.locator("[data-testid=history]").inner_text()

    # The cohort's figures follow.
    page.goto(f"{page.base_url}/cohorts/{cohort.pk}/")
    assert _figure(page, "enrolled") == "2"
    assert _figure(page, "graduates") == "1"
    assert _figure(page, "jobs") == "1"
    assert _figure(page, "hires") == "1"
    placement = Placement.objects.get()
    assert placement.enrollment == salma
    assert placement.contract_type == "cdi"
