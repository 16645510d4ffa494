"""The review journey in a real Chromium: the manager drafts and submits a convention,
the admin reads it on its review page and returns it with a comment, the manager fixes
and resubmits, the admin signs and activates it."""

from __future__ import annotations

import pytest

from accounts.models import User
from conventions.models import Convention, ConventionTransition, Partner
from tests.support.browser import login
from tests.support.factories import MINIMAL_PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logout(page) -> None:
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")


def _status(page) -> str:
    return page.locator("[data-testid=convention-status]").inner_text()


def test_manager_drafts_admin_returns_manager_fixes_admin_signs_and_activates(
    page, manager_user: User, admin_user: User, operator_a: Partner
) -> None:
    # The manager drafts the convention.
    login(page, "manager")
    page.locator("[data-testid=main-nav]").get_by_text("Conventions").click()
    page.click("[data-testid=new-convention]")
    page.fill("#id_title", "Bootcamp cloud Casanearshore")
    page.select_option("#id_kind", "bootcamp")
    page.fill("#id_starts_on", "2026-01-05")
    page.fill("#id_ends_on", "2027-12-31")
    page.fill("#id_budget_state_mad", "2500000")
    page.fill("#id_budget_partner_mad", "500000")
    page.click("[data-testid=form-submit]")
    assert _status(page) == "Brouillon"
    reference = page.locator("[data-testid=convention-reference]").inner_text()

    party_form = page.locator("[data-testid=party-form]")
    party_form.locator("select[name=partner]").select_option(label=operator_a.name)
    party_form.locator("select[name=role]").select_option("training_operator")
    party_form.locator("button").click()
    assert operator_a.name in page.locator("[data-testid=parties]").inner_text()

    page.click("[data-testid=edit-commitments]")
    page.fill("[data-testid=cell-enrolled-2026]", "120")
    page.click("[data-testid=grid-submit]")
    assert "120" in page.locator("[data-testid=current-commitments]").inner_text()

    document_form = page.locator("[data-testid=document-form]")
    document_form.locator("input[type=file]").set_input_files(
        {"name": "convention.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    document_form.locator("button").click()
    assert page.locator("[data-testid=document-link]").count() == 1

    page.locator("[data-testid=transition-submit] button").click()
    assert _status(page) == "Soumise"
    _logout(page)

    # The admin reviews: the signature date is missing, so the admin returns it.
    login(page, "admin")
    page.locator("[data-testid=main-nav]").get_by_text("Revue").click()
    card = page.locator(f"[data-testid=review-{reference}]")
    checks = card.locator("[data-testid=checks]").inner_text()
    assert "Manquant — Date de signature renseignée" in checks
    assert "OK — Document signé joint (PDF)" in checks
    card.locator("[data-testid=open-review]").click()
    # The review page shows what the admin decides on.
    assert (
        "Sans commentaire du soumetteur." in page.locator("[data-testid=submission]").inner_text()
    )
    assert "Opérateur de formation" in page.locator("[data-testid=review-parties]").inner_text()
    assert page.locator("[data-testid=cell-enrolled-2026]").inner_text() == "120"
    assert page.locator("[data-testid=review-document-link]").count() == 1
    assert "À saisir pour approuver" in page.locator("[data-testid=check-signed_on]").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})  # fits a phone: no sideways scroll
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("[data-testid=return] button").click()
    assert (
        "Un commentaire est obligatoire" in page.locator("[data-testid=return-error]").inner_text()
    )
    page.locator("[data-testid=return] textarea").fill("Renseigner la date de signature.")
    page.locator("[data-testid=return] button").click()
    assert page.locator("[data-testid=review-empty]").count() == 1
    _logout(page)

    # The manager reads the comment, fixes the draft and resubmits.
    login(page, "manager")
    page.locator("[data-testid=main-nav]").get_by_text("Conventions").click()
    page.get_by_role("link", name=reference).click()
    assert _status(page) == "Brouillon"
    assert "Renseigner la date de signature." in page.locator("[data-testid=history]").inner_text()
    page.click("[data-testid=edit-convention]")
    page.fill("#id_signed_on", "2026-01-02")
    page.click("[data-testid=form-submit]")
    page.locator("[data-testid=transition-submit] textarea").fill("Date ajoutée.")
    page.locator("[data-testid=transition-submit] button").click()
    assert _status(page) == "Soumise"
    _logout(page)

    # The admin signs from the review queue, then activates from the detail page.
    login(page, "admin")
    page.goto(f"{page.base_url}/review/")
    card = page.locator(f"[data-testid=review-{reference}]")
    assert "Manquant" not in card.locator("[data-testid=checks]").inner_text()
    card.locator("[data-testid=open-review]").click()
    submission = page.locator("[data-testid=submission]").inner_text()
    assert "Date ajoutée." in submission
    assert "Renseigner la date de signature." in submission
    assert page.locator("[data-testid=approve-blockers]").count() == 0
    page.locator("[data-testid=approve] button").click()
    assert "nouveau statut « Signée »" in page.locator(".alert-success").inner_text()
    page.locator("[data-testid=main-nav]").get_by_text("Conventions").click()
    page.get_by_role("link", name=reference).click()
    assert _status(page) == "Signée"
    page.locator("[data-testid=transition-activate] button").click()
    assert _status(page) == "Active"

    convention = Convention.objects.get(reference=reference)
    assert convention.status == Convention.Status.ACTIVE
    history = list(
        ConventionTransition.objects.filter(convention=convention).values_list(
            "from_status", "to_status", "actor__username", "comment"
        )
    )
    assert history == [
        ("draft", "submitted", "manager", ""),
        ("submitted", "draft", "admin", "Renseigner la date de signature."),
        ("draft", "submitted", "manager", "Date ajoutée."),
        ("submitted", "signed", "admin", ""),
        ("signed", "active", "admin", ""),
    ]
