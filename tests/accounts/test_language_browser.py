"""Browser journey: a programme manager switches the interface language in the footer and
works on the dashboard, a list and a form in French, Arabic and English. Arabic pages are
laid out right to left, with the RTL build of Bootstrap; the choice follows the user to a
new browser (another device)."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Role, User
from conventions.models import Convention
from tests.support.browser import login
from tests.support.factories import (
    ConventionFactory,
    ConventionPartyFactory,
    EnrollmentFactory,
    PartnerFactory,
    UserFactory,
    filiere,
    region,
)
from tracker.models import Cohort

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# language -> (dir, dashboard title, list title, form title, form label, save button)
EXPECTED = {
    "fr": ("ltr", "Tableau de bord", "Cohortes", "Nouvelle cohorte", "Code", "Enregistrer"),
    "ar": ("rtl", "لوحة القيادة", "الأفواج", "فوج جديد", "الرمز", "حفظ"),
    "en": ("ltr", "Dashboard", "Cohorts", "New cohort", "Code", "Save"),
}


def _switch_language(page, language: str) -> None:
    page.select_option("#language-select", language)
    with page.expect_navigation():
        page.click("[data-testid=language-switcher] button[type=submit]")


def _check_direction(page, language: str, direction: str) -> None:
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == direction
    stylesheet = "bootstrap.rtl.min.css" if direction == "rtl" else "bootstrap.min.css"
    assert page.locator(f'link[href$="{stylesheet}"]').count() == 1
    # The page really is laid out in that direction, not only labelled so.
    assert page.evaluate("getComputedStyle(document.body).direction") == direction


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_manager_works_in_each_language(page, language: str) -> None:
    UserFactory.create(username="manager", role=Role.MANAGER)
    direction, dashboard, cohorts, new_cohort, code_label, save = EXPECTED[language]
    login(page, "manager")
    _switch_language(page, language)

    page.goto(f"{page.base_url}/dashboard/")
    _check_direction(page, language, direction)
    assert page.locator("[data-testid=dashboard-title]").inner_text().strip() == dashboard
    assert page.locator("[data-testid=main-nav] a.active").inner_text().strip() == dashboard

    page.goto(f"{page.base_url}/cohorts/")
    _check_direction(page, language, direction)
    assert page.locator("h1").inner_text().strip() == cohorts

    page.goto(f"{page.base_url}/cohorts/new/")
    _check_direction(page, language, direction)
    assert page.locator("h1").inner_text().strip() == new_cohort
    assert page.locator("label[for=id_code]").inner_text().strip().startswith(code_label)
    assert page.locator("[data-testid=submit]").inner_text().strip() == save
    assert User.objects.get(username="manager").language == language


def test_arabic_choice_follows_the_user_to_another_browser(browser, page) -> None:
    UserFactory.create(username="manager", role=Role.MANAGER)
    login(page, "manager")
    _switch_language(page, "ar")

    other_device = browser.new_context(locale="en-GB")  # this browser asks for English
    try:
        second = other_device.new_page()
        second.base_url = page.base_url
        login(second, "manager")
        _check_direction(second, "ar", "rtl")
        assert second.locator("[data-testid=main-nav]").inner_text().count("لوحة القيادة") == 1
    finally:
        other_device.close()


def test_numbers_and_cins_stay_left_to_right_in_arabic(page) -> None:
    """The product stylesheet isolates figure cells and CINs as left-to-right runs."""
    UserFactory.create(username="manager", role=Role.MANAGER)
    login(page, "manager")
    _switch_language(page, "ar")
    page.goto(f"{page.base_url}/dashboard/")
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
        '<table class="table"><tr><td class="num" id="n">53,8 %</td>'
        + '<td class="cin" id="c">AB123456</td><td id="t">نص</td></tr></table>')"""
    )
    style = "(selector) => getComputedStyle(document.querySelector(selector)).direction"
    assert page.evaluate(style, "#n") == "ltr"
    assert page.evaluate(style, "#c") == "ltr"
    assert page.evaluate(style, "#t") == "rtl"


# language -> (cohort heading word, "Places prévues" value, salary as written)
JOURNEY = {
    "ar": ("الفوج", "1.500", "9.500,50 درهم"),
    "en": ("Cohort", "1,500", "MAD\u00a09,500.50"),
}


def _dd(page, label: str):  # returns a Playwright Locator
    """The value beside a <dt> label on a detail page."""
    return page.locator(f"xpath=//dt[normalize-space()='{label}']/following-sibling::dd[1]").first


@pytest.mark.parametrize("language", ["ar", "en"])
def test_manager_creates_a_cohort_and_records_a_hire_in_each_language(page, language: str) -> None:
    """The main journeys, in Arabic and English: nothing left in French, figures written
    the language's way, Arabic laid out right to left with its digits isolated."""
    cohort_word, seats, salary = JOURNEY[language]
    direction = EXPECTED[language][0]
    manager = UserFactory.create(username="manager", role=Role.MANAGER, language=language)
    operator = PartnerFactory.create(name="Atlas Digital Academy")
    convention = ConventionFactory.create(status=Convention.Status.ACTIVE)
    ConventionPartyFactory.create(convention=convention, partner=operator)
    convention.managers.add(manager)
    with translation.override(language):
        seats_label = gettext("Places prévues")
        salary_label = gettext("Salaire brut mensuel")

    login(page, "manager")
    page.goto(f"{page.base_url}/cohorts/new/")
    _check_direction(page, language, direction)
    page.fill("#id_code", "bc-casa-2026-01")
    page.select_option("#id_convention", str(convention.pk))
    page.select_option("#id_operator", str(operator.pk))
    page.select_option("#id_filiere", str(filiere("ITO").pk))
    page.fill("#id_metier", "Développeur full-stack")
    page.select_option("#id_region", str(region("MA-06").pk))
    page.fill("#id_city", "Casablanca")
    page.select_option("#id_modality", "bootcamp")
    page.fill("#id_hours", "400")
    page.fill("#id_planned_seats", "1500")
    page.fill("#id_starts_on", "2026-01-05")
    page.fill("#id_ends_on", "2026-06-30")
    page.select_option("#id_status", "in_training")
    with page.expect_navigation():
        page.click("[data-testid=submit]")
    _check_direction(page, language, direction)
    assert cohort_word in page.locator("h1").inner_text()
    assert _dd(page, seats_label).inner_text().strip() == seats
    body = page.locator("main").inner_text()
    for french in ("Places prévues", "Chiffres de la cohorte", "Inscriptions", "Période"):
        assert french not in body

    # A hire recorded for one of the cohort's trainees.
    enrollment = EnrollmentFactory.create(cohort=Cohort.objects.get(code="BC-CASA-2026-01"))
    page.goto(f"{page.base_url}/enrollments/{enrollment.pk}/")
    _check_direction(page, language, direction)
    page.click("[data-testid=record-hire]")
    _check_direction(page, language, direction)
    page.fill("#id_employer_name", "Casablanca Nearshore Services")
    page.fill("#id_employer_ice", "001987654000078")
    page.fill("#id_hired_on", "2026-07-15")
    page.select_option("#id_contract_type", "cdi")
    page.fill("#id_job_title", "Développeuse full-stack")
    page.fill("#id_gross_monthly_salary_mad", "9500.50")
    with page.expect_navigation():
        page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=placement-data]")
    _check_direction(page, language, direction)
    salary_cell = _dd(page, salary_label)
    assert salary_cell.inner_text().strip() == salary
    if language == "ar":
        # The digits are an isolated left-to-right run; the currency word reads after them.
        digits = salary_cell.locator("bdi")
        assert digits.get_attribute("dir") == "ltr"
        assert digits.inner_text() == "9.500,50"
        assert page.evaluate("(e) => getComputedStyle(e).direction", digits.element_handle()) == (
            "ltr"
        )
    history = page.locator("[data-testid=history]").inner_text()
    assert "created" not in history
    assert "création" not in history
    with translation.override(language):
        assert gettext("création") in history

    # The dashboard reads in the language, its figures formatted the language's way.
    page.goto(f"{page.base_url}/dashboard/")
    _check_direction(page, language, direction)
    assert (
        page.locator("[data-testid=dashboard-title]").inner_text().strip()
        == (EXPECTED[language][1])
    )
    main = page.locator("main").inner_text()
    for french in ("Répartitions", "Inscrits", "Diplômés", "objectif"):
        assert french not in main
