"""In a real Chromium, under the site's CSP: a partner creates a token from the
navigation, and the API documentation page renders every operation, with no CSP
violation and nothing fetched from another host."""

from __future__ import annotations

import pytest

from accounts.models import ApiToken
from tests.support.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_creates_a_token_and_reads_the_docs_under_the_csp(page, partner_a_user):
    violations: list[str] = []
    foreign: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if not request.url.startswith((page.base_url, "data:"))
            else None
        ),
    )
    login(page, "partner.a")
    page.click("[data-testid=user-menu]")  # personal links live in the user menu
    page.click("nav >> text=Mes jetons d'API")
    page.fill("#id_name", "SI nocturne")
    page.click("[data-testid=create-token]")
    secret = page.text_content("[data-testid=token-secret]").strip()
    assert ApiToken.objects.get(user=partner_a_user).prefix == secret[:10]
    page.click("[data-testid=api-docs-link]")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert page.locator(".swagger-ui .opblock").count() >= 30
    assert page.locator("button.authorize").count() == 1
    assert violations == []
    assert foreign == []
