"""Error pages: 400, 403, 404, 500 and CSRF failures in the site's layout and the
visitor's language (fr/ar/en), with a way back home; the 500 page renders with the
database down; a refusal never shows Django's bare English "403 Forbidden"."""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.services.users import user_set_language

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.support.error_pages_urls")]

HEADINGS = {
    400: {"fr": "Requête invalide", "en": "Bad request", "ar": "طلب غير صالح"},
    403: {"fr": "Accès refusé", "en": "Access denied", "ar": "تم رفض الوصول"},
    404: {"fr": "Page introuvable", "en": "Page not found", "ar": "الصفحة غير موجودة"},
    500: {
        "fr": "Le service est momentanément indisponible",
        "en": "Service temporarily unavailable",
        "ar": "الخدمة غير متاحة مؤقتًا",
    },
}
CSRF_HEADINGS = {"fr": "Formulaire expiré", "en": "Form expired", "ar": "انتهت صلاحية الاستمارة"}
DIRECTION = {"fr": "ltr", "en": "ltr", "ar": "rtl"}
LANGUAGES = ("fr", "ar", "en")


@pytest.fixture(autouse=True)
def _production_like(settings) -> None:
    settings.DEBUG = False  # Django shows its technical pages instead when DEBUG is on


def _browser(language: str, user: User | None = None) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def _assert_error_page(response, *, status: int, language: str, heading: str) -> None:
    content = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{language}" dir="{DIRECTION[language]}">' in content
    assert heading in content
    assert f'data-status="{status}"' in content
    assert 'data-testid="error-home-link"' in content
    assert f'href="{reverse("home")}"' in content
    assert "Forbidden" not in content
    assert "Server Error" not in content
    assert "bootstrap" in content  # the site's stylesheet, hence its layout


@pytest.fixture
def database_down() -> Iterator[None]:
    """Every query fails the way it does when PostgreSQL is unreachable."""
    refused = OperationalError("could not connect to server: Connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=refused):
        yield


@pytest.mark.parametrize("language", LANGUAGES)
def test_bad_request_page_in_the_layout_and_language(language: str) -> None:
    response = _browser(language).get("/test-errors/400/")
    _assert_error_page(response, status=400, language=language, heading=HEADINGS[400][language])


@pytest.mark.parametrize("language", LANGUAGES)
def test_forged_host_header_gets_the_bad_request_page(language: str, settings) -> None:
    settings.ALLOWED_HOSTS = ["testserver"]
    response = _browser(language).get("/", headers={"host": "attacker.example"})
    _assert_error_page(response, status=400, language=language, heading=HEADINGS[400][language])


@pytest.mark.parametrize("language", LANGUAGES)
def test_permission_denied_is_translated_never_bare_english(
    language: str, manager_user: User
) -> None:
    response = _browser(language, manager_user).get("/test-errors/403/")
    _assert_error_page(response, status=403, language=language, heading=HEADINGS[403][language])
    content = response.content.decode()
    assert "internal reason" not in content  # the exception's text stays in the logs
    assert 'data-testid="user-menu"' in content  # the full layout: the user's own menu


def test_permission_denied_follows_the_users_stored_language(manager_user: User) -> None:
    user_set_language(user=manager_user, language="ar")
    response = _browser("en", manager_user).get("/test-errors/403/")
    _assert_error_page(response, status=403, language="ar", heading=HEADINGS[403]["ar"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_unknown_address_gets_the_not_found_page(language: str, manager_user: User) -> None:
    response = _browser(language, manager_user).get("/no-such-page/")
    _assert_error_page(response, status=404, language=language, heading=HEADINGS[404][language])


def test_anonymous_visitor_gets_the_not_found_page_too() -> None:
    response = _browser("fr").get("/no-such-page/")
    _assert_error_page(response, status=404, language="fr", heading=HEADINGS[404]["fr"])


def test_another_partners_record_looks_like_a_missing_one(people, partner_b_user: User) -> None:
    browser = _browser("fr", partner_b_user)
    detail = "conventions:convention_detail"
    others = browser.get(reverse(detail, args=[people.convention_a.pk]))
    missing = browser.get(reverse(detail, args=[people.convention_a.pk + 1000]))
    for response in (others, missing):
        _assert_error_page(response, status=404, language="fr", heading=HEADINGS[404]["fr"])
    assert others.content == missing.content


@pytest.mark.parametrize("language", LANGUAGES)
def test_crash_gets_the_server_error_page(language: str) -> None:
    response = _browser(language).get("/test-errors/500/")
    _assert_error_page(response, status=500, language=language, heading=HEADINGS[500][language])


@pytest.mark.parametrize("language", LANGUAGES)
def test_server_error_page_renders_with_the_database_down(language: str, database_down) -> None:
    response = _browser(language).get("/test-errors/database/")
    _assert_error_page(response, status=500, language=language, heading=HEADINGS[500][language])


def test_logged_in_user_gets_the_server_error_page_with_the_database_down(
    manager_user: User,
) -> None:
    # The session, the user and the navigation all live in the database: the first of
    # them to be read fails, and the page must still come out, in the cookie's language.
    browser = _browser("en", manager_user)
    with mock.patch.object(
        BaseDatabaseWrapper, "cursor", side_effect=OperationalError("connection refused")
    ):
        response = browser.get(reverse("home"))
    _assert_error_page(response, status=500, language="en", heading=HEADINGS[500]["en"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_csrf_failure_is_explained_in_the_layout(language: str, manager_user: User) -> None:
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    browser.force_login(manager_user)
    response = browser.post(reverse("password_change"), {"old_password": "x"})
    _assert_error_page(response, status=403, language=language, heading=CSRF_HEADINGS[language])
    assert 'data-testid="user-menu"' in response.content.decode()
