"""The interface language: the footer switcher, remembered per user across sessions."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.services.users import user_set_language

pytestmark = pytest.mark.django_db


def _html_tag(response) -> str:
    content = response.content.decode()
    return content[content.index("<html") : content.index(">", content.index("<html")) + 1]


def test_switcher_stores_the_choice_on_the_logged_in_user(
    manager_client: Client, manager_user: User
) -> None:
    response = manager_client.post(
        reverse("set_language"), {"language": "ar", "next": reverse("home")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    manager_user.refresh_from_db()
    assert manager_user.language == "ar"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"


def test_stored_language_follows_the_user_to_a_new_browser(manager_user: User) -> None:
    user_set_language(user=manager_user, language="ar")
    fresh_browser = Client(headers={"accept-language": "en"})  # no cookie, browser says English
    fresh_browser.force_login(manager_user)
    response = fresh_browser.get(reverse("home"))
    assert 'lang="ar" dir="rtl"' in _html_tag(response)


def test_stored_language_beats_a_stale_cookie(manager_user: User) -> None:
    user_set_language(user=manager_user, language="en")
    browser = Client()
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    browser.force_login(manager_user)
    assert 'lang="en" dir="ltr"' in _html_tag(browser.get(reverse("home")))


def test_user_without_a_stored_choice_gets_cookie_or_french(manager_user: User) -> None:
    browser = Client()
    browser.force_login(manager_user)
    assert 'lang="fr" dir="ltr"' in _html_tag(browser.get(reverse("home")))
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert 'lang="en"' in _html_tag(browser.get(reverse("home")))


def test_anonymous_visitor_switches_by_cookie_only(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert 'lang="en"' in _html_tag(client.get(reverse("login")))
    assert not User.objects.exclude(language="").exists()


def test_unknown_language_is_ignored_and_not_stored(
    manager_client: Client, manager_user: User
) -> None:
    response = manager_client.post(
        reverse("set_language"), {"language": "xx", "next": reverse("home")}
    )
    assert response.status_code == 302
    manager_user.refresh_from_db()
    assert manager_user.language == ""
    with pytest.raises(ValidationError):
        user_set_language(user=manager_user, language="xx")


def test_switcher_only_accepts_post(manager_client: Client) -> None:
    assert manager_client.get(reverse("set_language")).status_code == 405


def test_a_browser_asking_for_english_still_gets_french_until_someone_chooses(
    client: Client,
) -> None:
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.headers["Content-Language"] == "fr"
    assert "Connexion" in response.content.decode()
