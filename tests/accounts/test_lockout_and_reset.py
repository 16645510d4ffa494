"""Login lockouts a stranger cannot trigger, and the password-reset e-mail that lets a
locked-out user recover (web/client_address.py, accounts/views/passwords.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from web.client_address import client_ip

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
PASSWORD = "offshoring2030"


@pytest.fixture(autouse=True)
def _behind_the_proxy(settings) -> None:
    settings.TRUSTED_PROXIES = [PROXY, "10.1.0.0/16"]


def _login(client: Client, username: str, password: str, *, forwarded_for: str | None):
    extra: dict[str, Any] = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (PROXY, "203.0.113.9", "203.0.113.9"),
        (PROXY, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the hop the proxy saw
        (PROXY, "203.0.113.9, 10.1.2.3", "203.0.113.9"),  # through two trusted proxies
        (PROXY, "", PROXY),
        (PROXY, "not-an-address", PROXY),
        ("203.0.113.50", "1.2.3.4", "203.0.113.50"),  # not from a proxy: header ignored
    ],
)
def test_client_address_is_read_from_trusted_proxies_only(remote, forwarded, expected) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_stranger_behind_the_proxy_cannot_lock_a_user_out(
    client: Client, admin_user: User, settings
) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 2):
        response = _login(Client(), admin_user.username, "wrong", forwarded_for="203.0.113.9")
    assert response.status_code == 429  # the stranger's address is locked ...
    response = _login(client, admin_user.username, PASSWORD, forwarded_for="198.51.100.7")
    assert response.status_code == 302  # ... the admin, elsewhere, logs in
    assert client.session.get("_auth_user_id") == str(admin_user.pk)


def test_a_forged_forwarded_header_does_not_dodge_the_lockout(manager_user: User, settings) -> None:
    # Straight to the server (not through the proxy): each try forges another address.
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("login"),
            {"username": manager_user.username, "password": "wrong"},
            REMOTE_ADDR="203.0.113.50",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
    assert response.status_code == 429


def test_login_and_lockout_pages_link_to_the_password_reset(client: Client, settings) -> None:
    reset_url = reverse("password_reset")
    assert f'href="{reset_url}"' in client.get(reverse("login")).content.decode()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, "nobody", "wrong", forwarded_for="203.0.113.9")
    assert f'href="{reset_url}"' in response.content.decode()


def test_reset_answers_the_same_whether_or_not_the_address_exists(
    client: Client, manager_user: User, django_capture_on_commit_callbacks
) -> None:
    answers = []
    for email in (manager_user.email, "personne@example.ma"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("password_reset"), {"email": email})
        answers.append((response.status_code, response["Location"]))
    assert answers[0] == answers[1] == (302, reverse("password_reset_done"))
    assert [message.to for message in mail.outbox] == [[manager_user.email]]
    assert (
        'data-testid="password-reset-sent"'
        in client.get(reverse("password_reset_done")).content.decode()
    )


def test_the_reset_email_unlocks_and_sets_a_new_password(
    client: Client, manager_user: User, settings, django_capture_on_commit_callbacks
) -> None:
    manager_user.language = "en"
    manager_user.save(update_fields=["language"])
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, manager_user.username, "wrong", forwarded_for="203.0.113.9")
    assert (
        _login(client, manager_user.username, PASSWORD, forwarded_for="203.0.113.9").status_code
        == 429
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": manager_user.email})
    (message,) = mail.outbox
    assert "password" in message.subject.lower()  # in the user's language (English)
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", str(message.body))
    assert link is not None, message.body
    form_page = client.get(link.group(1), follow=True)
    assert b'data-testid="password-reset-confirm"' in form_page.content
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Un-autre-mot-2030!", "new_password2": "Un-autre-mot-2030!"},
    )
    assert response["Location"] == reverse("password_reset_complete")
    response = _login(
        Client(), manager_user.username, "Un-autre-mot-2030!", forwarded_for="203.0.113.9"
    )
    assert response.status_code == 302  # the lock is lifted, the new password works


def test_reset_requests_are_rate_limited(
    client: Client, manager_user: User, settings, django_capture_on_commit_callbacks
) -> None:
    settings.PASSWORD_RESET_RATE_PER_EMAIL = 2
    settings.PASSWORD_RESET_RATE_PER_ADDRESS = 4
    extra: dict[str, Any] = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.77"}
    statuses = []
    for _attempt in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("password_reset"), {"email": manager_user.email}, **extra
            )
        statuses.append(response.status_code)
    assert statuses == [302, 302, 302, 302, 429]
    assert len(mail.outbox) == 2  # two e-mails per address and window, then the same answer
    # Another client address is not limited by this one.
    other = client.post(
        reverse("password_reset"),
        {"email": "x@example.ma"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert other.status_code == 302


@pytest.mark.parametrize(("language", "title"), [("en", "Forgot"), ("ar", "نسيت")])
def test_reset_page_is_translated(client: Client, language: str, title: str) -> None:
    with translation.override(language):
        client.cookies["django_language"] = language
        html = client.get(reverse("password_reset")).content.decode()
    assert title in html
