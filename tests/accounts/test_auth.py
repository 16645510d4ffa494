"""Login, logout, lockout, role-aware homes and the admin site gate."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

PAGES_REQUIRING_LOGIN = ["home", "password_change"]


@pytest.mark.parametrize("url_name", PAGES_REQUIRING_LOGIN)
def test_anonymous_request_redirects_to_login(client: Client, url_name: str) -> None:
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_admin_site_redirects_to_admin_login(client: Client) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_login_page_and_privacy_page_are_public(client: Client) -> None:
    assert client.get(reverse("login")).status_code == 200
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    assert "CNDP" in response.content.decode()


def test_privacy_page_shows_the_cndp_number_setting(client: Client, settings) -> None:
    settings.CNDP_DECLARATION_NUMBER = "D-GC-123/2026"
    assert "D-GC-123/2026" in client.get(reverse("privacy")).content.decode()


def test_user_logs_in_with_password_and_lands_on_home(client: Client, manager_user: User) -> None:
    response = client.post(
        reverse("login"), {"username": "manager", "password": "offshoring2030"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == manager_user


@pytest.mark.parametrize(
    ("client_fixture", "title"),
    [
        ("admin_client", "Accueil — administration"),
        ("manager_client", "Accueil — chargé de programme"),
        ("partner_a_client", "Accueil — Atlas Digital Academy"),
        ("viewer_a_client", "Accueil — Atlas Digital Academy"),
        ("partner_b_client", "Accueil — Institut Nord Compétences"),
    ],
)
def test_each_role_sees_its_own_home(
    request: pytest.FixtureRequest, client_fixture: str, title: str
) -> None:
    client: Client = request.getfixturevalue(client_fixture)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert title in response.content.decode()


def test_viewer_home_says_read_only(viewer_a_client: Client) -> None:
    assert "lecture seule" in viewer_a_client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    "client_fixture", ["manager_client", "partner_a_client", "viewer_a_client"]
)
def test_non_admins_cannot_open_the_admin_site(
    request: pytest.FixtureRequest, client_fixture: str
) -> None:
    client: Client = request.getfixturevalue(client_fixture)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert client.get("/admin/tracker/user/").status_code == 302


def test_admin_opens_the_admin_site(admin_client: Client) -> None:
    assert admin_client.get("/admin/").status_code == 200


def test_admin_link_shown_to_admins_only(admin_client: Client, manager_client: Client) -> None:
    assert 'href="/admin/"' in admin_client.get(reverse("home")).content.decode()
    assert 'href="/admin/"' not in manager_client.get(reverse("home")).content.decode()


def test_repeated_wrong_passwords_lock_the_account_with_a_clear_message(
    client: Client,
    manager_user: User,
    settings,
) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "manager", "password": "wrong"})
        assert response.status_code == 200
        assert "locked-out" not in response.content.decode()
    response = client.post(reverse("login"), {"username": "manager", "password": "wrong"})
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": "manager", "password": "offshoring2030"})
    assert response.status_code == 429
    assert not client.session.get("_auth_user_id")


def test_logout_ends_the_session(manager_client: Client) -> None:
    response = manager_client.post(reverse("logout"))
    assert response.status_code == 302
    assert manager_client.get(reverse("home")).status_code == 302


def test_password_change(manager_client: Client, manager_user: User) -> None:
    response = manager_client.post(
        reverse("password_change"),
        {
            "old_password": "offshoring2030",
            "new_password1": "Un-nouveau-mot-2030",
            "new_password2": "Un-nouveau-mot-2030",
        },
    )
    assert response.status_code == 302
    manager_user.refresh_from_db()
    assert manager_user.check_password("Un-nouveau-mot-2030")


def test_pages_carry_security_headers(client: Client) -> None:
    response = client.get(reverse("login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_login_form_requires_csrf(manager_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "manager", "password": "offshoring2030"})
    assert response.status_code == 403
