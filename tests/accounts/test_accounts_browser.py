"""The accounts journeys in a real Chromium: an admin invites a partner editor who
follows the e-mailed link, chooses a password and logs in; a partner editor invites a
viewer of its own organisation and cannot invite into another; a forgotten password is
reset by e-mail; a submission reaches the admins (bell and e-mail) and its approval the
submitter."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from accounts.models import Invitation, Role, User
from tests.support.browser import login
from tests.support.factories import signable_convention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STRONG = "Tamarin-Orbite-2030"


def _path_of_link(body: str, marker: str) -> str:
    """The e-mail's link, as a path on the live server (e-mails carry SITE_URL)."""
    match = re.search(rf"https?://\S*{marker}\S*", body)
    assert match, body
    return urlsplit(match.group(0)).path


def _logout(page) -> None:
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")


def test_admin_invites_a_partner_editor_who_sets_a_password_and_logs_in(
    page, admin_user, operator_a
) -> None:
    login(page, admin_user.username)
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=users-link]")
    page.click("[data-testid=invite]")
    page.fill("#id_email", "nadia.tazi@example.ma")
    page.select_option("#id_role", Role.PARTNER_EDITOR)
    page.select_option("#id_partner", str(operator_a.pk))
    page.click("[data-testid=form-submit]")
    assert "nadia.tazi@example.ma" in page.locator("[data-testid=invitation-table]").inner_text()
    assert len(mail.outbox) == 1
    link = _path_of_link(str(mail.outbox[0].body), "/invitation/")
    _logout(page)

    page.goto(page.base_url + link)
    page.fill("#id_first_name", "Nadia")
    page.fill("#id_last_name", "Tazi")
    page.fill("#id_new_password1", "motdepasse")
    page.fill("#id_new_password2", "motdepasse")
    page.click("[data-testid=form-submit]")
    assert page.locator(".invalid-feedback").count() >= 1  # a weak password is refused
    assert page.locator("#id_first_name").input_value() == "Nadia"  # what was typed is kept
    page.fill("#id_new_password1", STRONG)
    page.fill("#id_new_password2", STRONG)
    page.click("[data-testid=form-submit]")
    page.wait_for_url("**/accounts/login/")
    login(page, "nadia.tazi@example.ma", STRONG)
    assert (
        page.locator("[data-testid=home-title]").inner_text() == "Accueil — Atlas Digital Academy"
    )
    user = User.objects.get(username="nadia.tazi@example.ma")
    assert (user.role, user.partner_id) == (Role.PARTNER_EDITOR, operator_a.pk)
    # The link served once.
    page.goto(page.base_url + link)
    assert page.locator("[data-testid=invitation-invalid]").count() == 1


def test_partner_editor_invites_a_viewer_of_its_own_organisation_only(
    page, partner_a_user, operator_a, operator_b
) -> None:
    login(page, partner_a_user.username)
    page.goto(page.base_url + "/users/invite/")
    options = page.locator("#id_partner option").all_inner_texts()
    assert "Institut Nord Compétences" not in options
    assert "Atlas Digital Academy" in options
    roles = page.locator("#id_role option").evaluate_all("os => os.map(o => o.value)")
    assert sorted(roles) == sorted([Role.PARTNER_EDITOR, Role.PARTNER_VIEWER])
    page.fill("#id_email", "lecteur.a@example.ma")
    page.select_option("#id_role", Role.PARTNER_VIEWER)
    page.click("[data-testid=form-submit]")
    assert "lecteur.a@example.ma" in page.locator("[data-testid=invitation-table]").inner_text()

    # A forged form naming the other organisation is refused on the field.
    page.goto(page.base_url + "/users/invite/")
    page.evaluate(
        "pk => { const o = document.createElement('option'); o.value = pk; o.text = 'B';"
        " document.querySelector('#id_partner').append(o); }",
        str(operator_b.pk),
    )
    page.fill("#id_email", "intrus@example.ma")
    page.select_option("#id_partner", str(operator_b.pk))
    page.click("[data-testid=form-submit]")
    assert page.locator(".invalid-feedback").count() >= 1
    assert list(Invitation.objects.values_list("email", "partner")) == [
        ("lecteur.a@example.ma", operator_a.pk)
    ]


def test_a_user_resets_a_forgotten_password(page, manager_user) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.click("[data-testid=forgot-password]")
    page.fill("#id_email", manager_user.email)
    page.click("[data-testid=password-reset-submit]")
    page.wait_for_url("**/accounts/password/reset/sent/")
    assert len(mail.outbox) == 1
    page.goto(page.base_url + _path_of_link(str(mail.outbox[0].body), "/accounts/reset/"))
    page.fill("#id_new_password1", STRONG)
    page.fill("#id_new_password2", STRONG)
    page.click("[data-testid=password-reset-confirm]")
    page.wait_for_url("**/accounts/reset/done/")
    login(page, manager_user.username, STRONG)
    assert page.locator("[data-testid=home-title]").count() == 1


def test_submission_reaches_the_admins_and_approval_the_submitter(
    page, admin_user, manager_user, operator_a
) -> None:
    convention = signable_convention(manager=manager_user, operator=operator_a)
    login(page, manager_user.username)
    page.goto(f"{page.base_url}/conventions/{convention.pk}/")
    page.click("[data-testid=transition-submit] button")
    assert page.locator("[data-testid=convention-status]").inner_text() == "Soumise"
    assert [m.to for m in mail.outbox] == [[admin_user.email]]
    assert convention.reference in str(mail.outbox[0].subject)
    _logout(page)

    login(page, admin_user.username)
    assert page.locator("[data-testid=notification-count]").inner_text().startswith("1")
    page.click("[data-testid=notification-bell]")
    title = page.locator("[data-testid=notification-title]").first.inner_text()
    assert title == f"Convention {convention.reference} soumise à votre revue"
    page.click("[data-testid=notification-table] button")  # open: the review page
    page.wait_for_url(f"**/review/{convention.pk}/")
    assert page.locator("[data-testid=notification-count]").count() == 0  # read now
    page.click("[data-testid=approve] button")
    page.wait_for_url("**/review/")
    _logout(page)

    login(page, manager_user.username)
    page.click("[data-testid=notification-bell]")
    titles = page.locator("[data-testid=notification-title]").all_inner_texts()
    assert f"Convention {convention.reference} approuvée (signée)" in titles
    assert [m.to for m in mail.outbox][-1] == [manager_user.email]


def test_a_deactivated_users_open_session_is_refused_on_its_next_page(
    browser, live_server, page, admin_user, viewer_a_user
) -> None:
    other = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    viewer_page = other.new_page()
    viewer_page.base_url = live_server.url
    login(viewer_page, viewer_a_user.username)
    viewer_page.goto(live_server.url + "/cohorts/")
    assert viewer_page.url.endswith("/cohorts/")

    login(page, admin_user.username)
    page.goto(f"{page.base_url}/users/{viewer_a_user.pk}/")
    page.click("[data-testid=deactivate]")
    assert page.locator("[data-testid=user-state]").inner_text() == "Désactivé"

    viewer_page.goto(live_server.url + "/cohorts/")
    assert "/accounts/login/" in viewer_page.url
    other.close()
