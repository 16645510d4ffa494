"""Each role logs in through a real Chromium and sees its own home and navigation."""

from __future__ import annotations

import pytest

from accounts.models import User
from tests.support.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("user_fixture", "title", "sees_admin_link"),
    [
        ("admin_user", "Accueil — administration", True),
        ("manager_user", "Accueil — chargé de programme", False),
        ("partner_a_user", "Accueil — Atlas Digital Academy", False),
        ("viewer_a_user", "Accueil — Atlas Digital Academy", False),
        ("partner_b_user", "Accueil — Institut Nord Compétences", False),
    ],
)
def test_each_role_logs_in_and_sees_its_home_and_navigation(
    request: pytest.FixtureRequest,
    page,
    user_fixture: str,
    title: str,
    sees_admin_link: bool,
) -> None:
    user: User = request.getfixturevalue(user_fixture)
    login(page, user.username)
    assert page.locator("[data-testid=home-title]").inner_text() == title
    nav = page.locator("[data-testid=main-nav]")
    assert nav.get_by_text("Accueil").count() == 1
    # Django's administration site is in the user menu (the top bar fits at 1280 px).
    assert (page.locator("[data-testid=admin-site-link]").count() == 1) is sees_admin_link
    assert user.get_role_display() in page.locator("[data-testid=user-menu]").inner_text()


def test_wrong_password_shows_an_error_then_lockout_message(page, manager_user: User) -> None:
    login(page, "manager", password="wrong")
    assert page.locator(".alert-danger").count() == 1
    for _ in range(4):
        login(page, "manager", password="wrong")
    assert "Compte temporairement bloqué" in page.locator("[data-testid=locked-out]").inner_text()


def test_logout_returns_to_login(page, manager_user: User) -> None:
    login(page, "manager")
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")
    assert page.locator("#id_username").count() == 1
