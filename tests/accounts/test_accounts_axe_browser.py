"""Accessibility: axe-core (vendored, tests/vendor) runs in real Chromium over the main
pages, for an admin and a partner editor, in French, Arabic and English, and finds no
serious or critical violation."""

from __future__ import annotations

from pathlib import Path

import pytest

from accounts.models import Notification, NotificationKind
from tests.support.browser import login
from tests.support.environment import BROWSER_PATH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_PATH = (
    Path(__file__).resolve().parents[1] / "support" / "vendor" / "axe-core-4.11.0" / "axe.min.js"
)
BLOCKING = ("serious", "critical")
# What the rules are held to: WCAG 2.1 A and AA, and axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}


@pytest.fixture
def axe_page(browser, live_server):
    """A page whose Content-Security-Policy lets the test inject axe (the product's own
    pages run no inline script; the policy is tested elsewhere)."""
    assert BROWSER_PATH
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def _violations(page, path: str) -> list[str]:
    page.goto(page.base_url + path)
    page.add_script_tag(content=AXE_PATH.read_text(encoding="utf-8"))
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{path}: {v['id']} ({v['impact']}) {v['help']} — "
        + "; ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


def _main_pages(people, role: str) -> list[str]:
    pages = [
        "/",
        "/dashboard/",
        "/conventions/",
        f"/conventions/{people.convention_a.pk}/",
        "/cohorts/",
        "/enrollments/",
        "/imports/",
        "/users/",
        "/notifications/",
        "/notifications/preferences/",
    ]
    if role == "admin":
        pages += ["/users/invite/", "/users/history/", "/partners/"]
    return pages


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
@pytest.mark.parametrize("role", ["admin", "partner"])
def test_main_pages_have_no_serious_accessibility_violation(
    axe_page, people, admin_user, partner_a_user, role: str, language: str
) -> None:
    from tracker.figures.rollups import rollup_full_recompute

    rollup_full_recompute()  # the dashboard's charts and tables hold figures
    user = admin_user if role == "admin" else partner_a_user
    user.language = language
    user.save(update_fields=["language"])
    Notification.objects.create(
        recipient=user, kind=NotificationKind.IMPORT_FINISHED, link="/", params={"file": "a.csv"}
    )
    axe_page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": axe_page.base_url}]
    )
    found = _violations(axe_page, "/accounts/login/")
    login(axe_page, user.username)
    for path in _main_pages(people, role):
        found += _violations(axe_page, path)
    assert found == [], "\n".join(found)
