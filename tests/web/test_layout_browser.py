"""Layout that fits: no page is wider than the screen, for each role, at a laptop's
1366 and 1280 px and a phone's 390 px, in French and in Arabic (right to left).

At 1280 px and wider the whole top navigation shows on one line; below 1200 px it folds
into the menu button. Screenshots of the main pages at the three widths are kept in
docs/screenshots/ (refreshed by running this module with SAVE_SCREENSHOTS=1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import User
from tests.support.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 1280, 390)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# The element sticking out of the page the most (ignoring what scrolls inside a container
# of its own, like a wide table), to make a failure say what to fix.
WIDEST_OFFENDER = """() => {
  const limit = window.innerWidth;
  const clipped = (element) => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  let worst = null;
  for (const element of document.querySelectorAll('body *')) {
    if (clipped(element)) continue;
    const box = element.getBoundingClientRect();
    const overflow = Math.max(box.right - limit, -box.left);
    if (box.width > 0 && overflow > 1 && (!worst || overflow > worst.overflow)) {
      worst = {overflow: Math.round(overflow), tag: element.tagName,
               id: element.id, classes: String(element.className).slice(0, 80),
               text: (element.innerText || '').slice(0, 60)};
    }
  }
  return worst;
}"""


def _main_pages(world) -> list[tuple[str, str]]:
    return [
        ("home", reverse("home")),
        ("dashboard", reverse("dashboard")),
        ("conventions", reverse("conventions:convention_list")),
        ("cohorts", reverse("cohort_list")),
        ("enrollments", reverse("enrollment_list")),
        ("hires", reverse("placement_list")),
        ("imports", reverse("import_list")),
        ("convention", reverse("conventions:convention_detail", args=[world.convention_a.pk])),
        ("cohort", reverse("cohort_detail", args=[world.cohort_a.pk])),
        ("identity corrections", reverse("identity_correction_list")),
        ("api tokens", reverse("api_tokens")),
    ]


def _staff_pages(role: str) -> list[tuple[str, str]]:
    """The other lists, for the roles that see them."""
    pages = [("partners", reverse("conventions:partner_list"))] if role != "partner" else []
    if role == "admin":
        pages.append(("review", reverse("conventions:review_queue")))
    return pages


def _overflows(page, base_url: str, pages: list[tuple[str, str]], widths) -> list[str]:
    """Every (page, width) whose document is wider than the window, with the culprit."""
    found = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages:
            response = page.goto(f"{base_url}{path}")
            assert response is not None
            assert response.ok, f"{name} answered {response.status}"
            scroll_width, inner_width = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            if scroll_width > inner_width:
                culprit = page.evaluate(WIDEST_OFFENDER)
                found.append(f"{name} at {width}px: {scroll_width}px wide ({culprit})")
    return found


def _user(people, role: str, admin_user, manager_user, partner_a_user) -> User:
    return {"admin": admin_user, "manager": manager_user, "partner": partner_a_user}[role]


@pytest.mark.parametrize("role", ["admin", "manager", "partner"])
def test_no_page_is_wider_than_the_screen(
    page, people, admin_user, manager_user, partner_a_user, role: str
) -> None:
    user = _user(people, role, admin_user, manager_user, partner_a_user)
    login(page, user.username)
    page.wait_for_selector("[data-testid=user-menu]")
    pages = _main_pages(people) + _staff_pages(role)
    overflows = _overflows(page, page.base_url, pages, WIDTHS)
    assert not overflows, "\n".join(overflows)


@pytest.mark.parametrize("role", ["admin", "manager", "partner"])
def test_no_page_is_wider_than_the_screen_in_arabic(
    page, people, admin_user, manager_user, partner_a_user, role: str
) -> None:
    from accounts.services.users import user_set_language

    user = _user(people, role, admin_user, manager_user, partner_a_user)
    user_set_language(user=user, language="ar")
    login(page, user.username)
    page.wait_for_selector("[data-testid=user-menu]")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    pages = _main_pages(people) + _staff_pages(role)
    overflows = _overflows(page, page.base_url, pages, (1366, 390))
    assert not overflows, "\n".join(overflows)


def test_wide_screens_show_the_whole_menu_and_phones_fold_it(page, admin_user) -> None:
    login(page, admin_user.username)
    for width in (1366, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{page.base_url}/")
        assert page.locator("[data-testid=user-menu]").is_visible()
        assert page.locator("[data-testid=main-nav] .nav-link").last.is_visible()
        assert not page.locator(".navbar-toggler").is_visible()
        # One line of links: the bar keeps its single-line height (about 56 px).
        assert page.locator("nav.app-navbar").bounding_box()["height"] < 70
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{page.base_url}/")
    assert not page.locator("[data-testid=user-menu]").is_visible()
    page.locator(".navbar-toggler").click()
    # Bootstrap ignores clicks on a dropdown while the menu is still folding open (its
    # "collapsing" transition): wait for the end of it, when the menu gets "show".
    page.locator(".navbar-collapse.collapse.show").wait_for(state="visible")
    page.locator("[data-testid=user-menu]").click()
    logout = page.locator("[data-testid=logout]")
    logout.wait_for(state="visible")  # the menu folds open with an animation
    box = logout.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390


@pytest.mark.skipif(not os.environ.get("SAVE_SCREENSHOTS"), reason="SAVE_SCREENSHOTS=1 refreshes")
def test_save_screenshots_of_the_main_pages(page, people, admin_user) -> None:
    from tracker.figures.rollups import rollup_full_recompute

    rollup_full_recompute()  # the dashboard with its figures, not the "not computed" notice
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, admin_user.username)
    shown = [(n, p) for n, p in _main_pages(people) if n in {"home", "dashboard", "cohorts"}]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in shown:
            page.goto(f"{page.base_url}{path}")
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png")
