"""Browser journey: a programme manager switches the interface language in the footer and
works on the dashboard, a list and a form in French, Arabic and English. Arabic pages are
laid out right to left, with the RTL build of Bootstrap; the choice follows the user to a
new browser (another device)."""

from __future__ import annotations

import pytest

from tests.browser_support import login
from tests.factories import UserFactory
from tracker.models import Role, User

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
