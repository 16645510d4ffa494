"""The typed-search filter in a real Chromium: an admin types part of a convention's
title in the enrollments' filter, picks the suggestion (keyboard, then mouse, in Arabic
too) and sees only that convention's enrollments."""

from __future__ import annotations

import re

import pytest

from accounts.models import Role
from tests.support.browser import login
from tests.support.factories import CohortFactory, ConventionFactory, EnrollmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world():
    fes = ConventionFactory.create(title="Offshoring Fès-Meknès 2026")
    rabat = ConventionFactory.create(title="Offshoring Rabat 2026")
    for _ in range(2):
        EnrollmentFactory.create(cohort=CohortFactory.create(convention=fes))
    for _ in range(3):
        EnrollmentFactory.create(cohort=CohortFactory.create(convention=rabat))
    return fes, rabat


def test_admin_picks_a_convention_with_the_keyboard_and_sees_only_its_rows(page) -> None:
    UserFactory.create(username="admin", role=Role.ADMIN)
    fes, _rabat = _world()
    login(page, "admin")
    page.goto(f"{page.base_url}/enrollments/")
    assert page.locator("table tbody tr").count() == 5
    box = page.locator("#id_convention")
    box.click()
    box.press_sequentially("fès-mek", delay=30)
    option = page.locator("#id_convention-suggestions [role=option]")
    option.first.wait_for()
    assert option.count() == 1
    assert option.first.inner_text() == f"{fes.reference} — {fes.title}"
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    assert option.first.get_attribute("aria-selected") == "true"
    box.press("Enter")  # picks the suggestion
    assert box.input_value() == f"{fes.reference} — {fes.title}"
    assert page.locator("#id_convention-suggestions").is_hidden()
    box.press("Enter")  # submits the form
    page.wait_for_url(re.compile(rf"convention={fes.pk}(&|$)"))
    assert page.locator("table tbody tr").count() == 2
    assert page.locator("[data-testid=row-count]").inner_text().strip() == "2 lignes"
    # The box shows the chosen convention's label, and filtering again keeps it.
    assert page.locator("#id_convention").input_value() == f"{fes.reference} — {fes.title}"
    page.locator("[data-testid=list-filters] button[type=submit]").click()
    page.wait_for_load_state()
    assert f"convention={fes.pk}" in page.url
    assert page.locator("table tbody tr").count() == 2


def test_admin_picks_a_convention_with_the_mouse_in_arabic(page) -> None:
    UserFactory.create(username="admin", role=Role.ADMIN, language="ar")
    _fes, rabat = _world()
    login(page, "admin")
    page.goto(f"{page.base_url}/enrollments/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    box = page.locator("#id_convention")
    box.click()
    box.press_sequentially("rabat", delay=30)
    option = page.locator("#id_convention-suggestions [role=option]")
    option.first.wait_for()
    # The list opens under the box, from its start edge (the right in Arabic).
    box_area = box.bounding_box()
    list_area = page.locator("#id_convention-suggestions").bounding_box()
    assert box_area is not None
    assert list_area is not None
    assert abs((list_area["x"] + list_area["width"]) - (box_area["x"] + box_area["width"])) < 2
    option.first.click()
    assert box.input_value() == f"{rabat.reference} — {rabat.title}"
    page.locator("[data-testid=list-filters] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"convention={rabat.pk}(&|$)"))
    assert page.locator("table tbody tr").count() == 3


def test_typed_text_without_picking_filters_too(page) -> None:
    UserFactory.create(username="admin", role=Role.ADMIN)
    _world()
    login(page, "admin")
    page.goto(f"{page.base_url}/enrollments/")
    page.locator("#id_convention").fill("offshoring")
    page.locator("[data-testid=list-filters] button[type=submit]").click()
    page.wait_for_url(re.compile(r"convention=offshoring"))
    assert page.locator("table tbody tr").count() == 5
    page.locator("#id_convention").fill("nothing like it")
    page.locator("[data-testid=list-filters] button[type=submit]").click()
    page.wait_for_url(re.compile(r"convention=nothing"))
    assert "Rien ne correspond" in page.locator("[data-testid=list-filters]").inner_text()
