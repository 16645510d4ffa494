"""Browser tests: Playwright driving the system Chromium against pytest-django's
live server. Never downloads a browser (the Debian package provides it)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.environment import BROWSER_PATH

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not BROWSER_PATH:
        pytest.fail("Chromium is required for the browser tests (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the tests still query the
    # database synchronously between steps, which is safe here (one thread, no awaits).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=BROWSER_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def login(page, username: str, password: str = "offshoring2030") -> None:  # noqa: S107
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("[data-testid=login-submit]")
