"""The commitments grid in a real Chromium: a manager fills a 3-year x 5-indicator grid
on one page, watches the row totals follow the typing, and saves it in one submission."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import User
from conventions.models import Commitment, Indicator, Partner
from tests.support.browser import login
from tests.support.factories import signable_convention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEARS = [2025, 2026, 2027]
TYPED = {
    Indicator.ENROLLED: ["120", "150", "1 200"],
    Indicator.GRADUATES: ["100", "130,5", "900"],
    Indicator.JOBS_CREATED: ["80", "110", "700"],
    Indicator.PLACEMENT_RATE_6M: ["60", "65", "70,5"],
    Indicator.WOMEN_SHARE: ["40", "45", "50"],
}


def _read(text: str) -> Decimal:
    return Decimal("".join(text.split()).replace(",", "."))


def test_manager_fills_and_saves_a_three_year_five_indicator_grid(
    page, manager_user: User, operator_a: Partner
) -> None:
    convention = signable_convention(manager=manager_user, operator=operator_a)
    login(page, "manager")
    page.goto(f"{page.base_url}/conventions/{convention.pk}/")
    page.click("[data-testid=edit-commitments]")
    grid = page.locator("[data-testid=commitment-grid]")
    # The stored target (enrolled 2026 = 100) is there, and so is its total.
    assert page.locator("[data-testid=cell-enrolled-2026]").input_value() == "100"
    assert _read(grid.locator("[data-testid=total-enrolled]").inner_text()) == 100

    for indicator, texts in TYPED.items():
        for year, text in zip(YEARS, texts, strict=True):
            page.fill(f"[data-testid=cell-{indicator}-{year}]", text)
    # The totals followed the typing (the script), before any submission.
    assert _read(grid.locator("[data-testid=total-enrolled]").inner_text()) == 1470
    assert _read(grid.locator("[data-testid=total-graduates]").inner_text()) == Decimal("1130.5")
    assert grid.locator("[data-testid=total-women_share]").inner_text().startswith("—")

    page.click("[data-testid=grid-submit]")
    assert "15 cellules modifiées" in page.locator(".alert-success").inner_text()
    stored = {
        (c.indicator, c.year): c.target_value
        for c in Commitment.objects.filter(convention=convention, amendment__isnull=True)
    }
    assert stored == {
        (indicator, year): _read(text)
        for indicator, texts in TYPED.items()
        for year, text in zip(YEARS, texts, strict=True)
    }
    assert "1 200" in page.locator("[data-testid=current-commitments]").inner_text().replace(
        "\u202f", " "
    ).replace("\xa0", " ")


def test_a_bad_cell_in_the_browser_shows_every_error_and_keeps_the_typing(
    page, manager_user: User, operator_a: Partner
) -> None:
    convention = signable_convention(manager=manager_user, operator=operator_a)
    login(page, "manager")
    page.goto(f"{page.base_url}/conventions/{convention.pk}/commitments/")
    page.fill("[data-testid=cell-enrolled-2025]", "300")
    page.fill("[data-testid=cell-women_share-2025]", "120")
    page.fill("[data-testid=cell-graduates-2027]", "beaucoup")
    assert page.locator("[data-testid=total-graduates]").inner_text() == "?"
    page.click("[data-testid=grid-submit]")
    errors = page.locator("[data-testid=grid-errors]").inner_text()
    assert "Lauréats, 2027" in errors
    assert "Part des femmes (%), 2025" in errors
    assert page.locator("[data-testid=cell-enrolled-2025]").input_value() == "300"
    assert page.locator("[data-testid=cell-graduates-2027]").input_value() == "beaucoup"
    assert not Commitment.objects.filter(convention=convention, year=2025).exists()
