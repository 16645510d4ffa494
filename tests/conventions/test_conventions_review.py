"""The review page of one submitted convention: it shows what the reviewing admin
decides on (the submitter's comment, the parties, the commitments per year, the signed
PDF, the signing checks), disables "Approve" naming the missing checks while one fails
(and the service still refuses a forced POST), keeps what was typed when a decision is
refused, and is the admins' alone."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from conventions.commitment_grid import RATE_INDICATORS
from conventions.models import (
    Convention,
    ConventionParty,
    ConventionTransition,
    Indicator,
    Partner,
)
from conventions.services import (
    convention_commitment_set,
    convention_party_add,
    convention_sign,
    convention_submit,
)
from conventions.views import review
from tests.support.factories import signable_convention

pytestmark = pytest.mark.django_db


def _url(convention: Convention) -> str:
    return reverse("conventions:review_convention", args=[convention.pk])


def _submitted(
    manager: User, operator: Partner, *, comment: str = "", **terms: object
) -> Convention:
    convention = signable_convention(manager=manager, operator=operator, **terms)
    return convention_submit(actor=manager, convention=convention, comment=comment)


def _found(pattern: str, page: str, group: int = 0) -> str:
    match = re.search(pattern, page, re.S)
    assert match, f"not on the page: {pattern}"
    return match.group(group)


def _approve_button(page: str) -> str:
    match = re.search(r'<form[^>]*data-testid="approve".*?(<button[^>]*>)', page, re.S)
    assert match, "no approve form"
    return match.group(1)


def _textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {name}"
    return match.group(1)


# --- What the reviewer sees -----------------------------------------------------------


def test_the_page_shows_the_submission_parties_commitments_document_and_checks(
    admin_client: Client, manager_user: User, operator_a: Partner, operator_b: Partner
) -> None:
    convention = signable_convention(manager=manager_user, operator=operator_a)
    convention_party_add(
        actor=manager_user,
        convention=convention,
        partner=operator_b,
        role=ConventionParty.Role.EMPLOYER,
    )
    # Generated targets over the period (2025-2027), counts and rates: the table must
    # show each, and the period totals must be the sums of the rows they count.
    rng = random.Random(16)
    for indicator in Indicator.values:
        for year in (2025, 2026, 2027):
            if rng.random() < 0.7:
                value = Decimal(rng.randint(1, 99 if indicator in RATE_INDICATORS else 900))
                convention_commitment_set(
                    actor=manager_user,
                    convention=convention,
                    indicator=indicator,
                    year=year,
                    target_value=value,
                )
    convention_submit(
        actor=manager_user, convention=convention, comment="Budget revu avec l'OFPPT."
    )

    response = admin_client.get(_url(convention))
    assert response.status_code == 200
    page = response.content.decode()

    assert "Budget revu avec l&#x27;OFPPT." in page
    parties = _found(r'data-testid="review-parties".*?</table>', page, 0)
    assert operator_a.name in parties
    assert "Opérateur de formation" in parties
    assert operator_b.name in parties
    assert "Employeur" in parties
    assert reverse("conventions:document", args=[convention.pk]) in page

    grid = response.context["grid"]
    assert grid.years == [2025, 2026, 2027]
    commitments = list(convention.commitments.filter(amendment__isnull=True))
    shown = {
        (cell.indicator, cell.year): cell.text
        for row in grid.rows
        for cell in row.cells
        if cell.text
    }
    assert shown == {(c.indicator, c.year): str(int(c.target_value)) for c in commitments}
    for indicator, year in shown:
        assert f'data-testid="cell-{indicator}-{year}">{shown[(indicator, year)]}<' in page
    for row in grid.rows:
        counted = [c.target_value for c in commitments if c.indicator == row.indicator]
        if row.is_rate:
            assert row.total is None
        else:
            assert row.total == sum(counted, Decimal(0))

    checks = _found(r'data-testid="checks">(.*?)</ul>', page, 1)
    assert checks.count("✔") == 4
    assert "✘" not in checks
    assert "disabled" not in _approve_button(page)
    assert 'data-testid="approve-blockers"' not in page


def test_the_page_shows_the_previous_return_and_the_new_submission_comment(
    admin_client: Client, admin_user: User, manager_user: User, operator_a: Partner
) -> None:
    convention = _submitted(manager_user, operator_a, comment="Première version")
    review_url = _url(convention)
    admin_client.post(
        review_url, {"decision": "return_to_draft", "return-comment": "Préciser les années."}
    )
    convention_submit(actor=manager_user, convention=convention, comment="Années précisées.")
    page = admin_client.get(review_url).content.decode()
    submission = _found(r'data-testid="submission".*?</div>', page, 0)
    assert "Années précisées." in submission
    assert "Préciser les années." in submission
    assert "Première version" not in submission


def test_the_queue_leads_to_each_review_page(
    admin_client: Client, manager_user: User, operator_a: Partner
) -> None:
    convention = _submitted(manager_user, operator_a)
    page = admin_client.get(reverse("conventions:review_queue")).content.decode()
    assert f'href="{_url(convention)}"' in page


def test_a_submission_s_own_page_sends_the_admin_to_its_review_page(
    admin_client: Client, manager_user: User, operator_a: Partner
) -> None:
    """The decision is taken where the checks are shown: the convention page offers no
    approve or return form of its own for a submission."""
    convention = _submitted(manager_user, operator_a)
    detail = reverse("conventions:convention_detail", args=[convention.pk])
    page = admin_client.get(detail).content.decode()
    assert f'href="{_url(convention)}"' in page
    assert 'data-testid="transition-sign"' not in page
    assert 'data-testid="transition-return_to_draft"' not in page


# --- Approve: disabled while a check fails, still refused if forced --------------------


def test_approve_is_disabled_naming_the_missing_checks_and_a_forced_post_is_refused(
    admin_client: Client, manager_user: User, operator_a: Partner
) -> None:
    convention = _submitted(manager_user, operator_a)
    Convention.objects.filter(pk=convention.pk).update(document="")
    convention.commitments.all().delete()

    page = admin_client.get(_url(convention)).content.decode()
    assert "disabled" in _approve_button(page)
    assert 'aria-describedby="approve-blockers"' in _approve_button(page)
    blockers = _found(r'data-testid="approve-blockers">(.*?)</p>', page, 1)
    assert "Document signé joint (PDF)" in blockers
    assert "Au moins un engagement" in blockers
    assert "Au moins un opérateur de formation partie" not in blockers
    assert 'data-testid="review-document-missing"' in page

    forced = admin_client.post(
        _url(convention), {"decision": "sign", "approve-comment": "Vu et approuvé"}
    )
    assert forced.status_code == 200
    refused = forced.content.decode()
    assert "Signature impossible, conditions non remplies" in refused
    assert "Vu et approuvé" in refused
    convention.refresh_from_db()
    assert convention.status == Convention.Status.SUBMITTED
    assert not ConventionTransition.objects.filter(
        convention=convention, to_status=Convention.Status.SIGNED
    ).exists()


def test_a_missing_signature_date_is_typed_in_the_approve_form(
    admin_client: Client, manager_user: User, operator_a: Partner
) -> None:
    convention = _submitted(manager_user, operator_a, signed_on=None)
    page = admin_client.get(_url(convention)).content.decode()
    assert "À saisir pour approuver" in page
    assert "disabled" not in _approve_button(page)  # the date is typed right there
    date_input = _found(r'<input type="date"[^>]*name="approve-signed_on"[^>]*>', page)
    assert "required" in date_input

    missing = admin_client.post(_url(convention), {"decision": "sign", "approve-comment": "OK"})
    assert "Date de signature renseignée" in missing.content.decode()

    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    future = admin_client.post(
        _url(convention),
        {"decision": "sign", "approve-signed_on": tomorrow, "approve-comment": "OK daté"},
    ).content.decode()
    assert "ne peut pas être dans le futur" in future
    assert f'value="{tomorrow}"' in future
    assert "OK daté" in future
    convention.refresh_from_db()
    assert convention.status == Convention.Status.SUBMITTED

    done = admin_client.post(
        _url(convention), {"decision": "sign", "approve-signed_on": "2025-01-10"}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("conventions:review_queue")
    convention.refresh_from_db()
    assert convention.status == Convention.Status.SIGNED
    assert convention.signed_on == dt.date(2025, 1, 10)


# --- Return to draft: a refusal keeps the comment ---------------------------------------


def test_a_return_without_comment_is_refused_then_done_with_one(
    admin_client: Client, manager_user: User, operator_a: Partner
) -> None:
    convention = _submitted(manager_user, operator_a)
    refused = admin_client.post(
        _url(convention), {"decision": "return_to_draft", "return-comment": "  "}
    )
    assert refused.status_code == 200
    assert 'data-testid="return-error"' in refused.content.decode()
    assert "Un commentaire est obligatoire" in refused.content.decode()

    done = admin_client.post(
        _url(convention), {"decision": "return_to_draft", "return-comment": "Joindre le PDF."}
    )
    assert done["Location"] == reverse("conventions:review_queue")
    convention.refresh_from_db()
    assert convention.status == Convention.Status.DRAFT
    last = ConventionTransition.objects.filter(convention=convention).latest("id")
    assert (last.to_status, last.comment) == (Convention.Status.DRAFT, "Joindre le PDF.")


def test_a_refused_return_keeps_the_typed_comment(
    admin_client: Client,
    admin_user: User,
    manager_user: User,
    operator_a: Partner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another admin approves while this one types a return comment: the service refuses
    the return (the convention is no longer submitted) and the comment is still there."""
    convention = _submitted(manager_user, operator_a)
    real_return = review.TRANSITION_SERVICES["return_to_draft"]

    def approved_meanwhile(**kwargs: object) -> Convention:
        convention_sign(actor=admin_user, convention=convention)
        return real_return(**kwargs)

    monkeypatch.setitem(review.TRANSITION_SERVICES, "return_to_draft", approved_meanwhile)
    response = admin_client.post(
        _url(convention),
        {"decision": "return_to_draft", "return-comment": "Revoir l'annexe financière."},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "est au statut « Signée »" in page
    assert _textarea(page, "return-comment") == "Revoir l&#x27;annexe financière."
    convention.refresh_from_db()
    assert convention.status == Convention.Status.SIGNED


# --- Who may open it ----------------------------------------------------------------


def test_only_admins_open_the_review_page(
    admin_client: Client,
    manager_client: Client,
    partner_a_client: Client,
    partner_b_client: Client,
    manager_user: User,
    operator_a: Partner,
) -> None:
    convention = _submitted(manager_user, operator_a)
    url = _url(convention)
    # The manager of the convention: a role refusal, as for the queue.
    assert manager_client.get(url).status_code == 403
    assert manager_client.post(url, {"decision": "sign"}).status_code == 403
    # Partners, even the one party to it: not found, as for an id that does not exist.
    missing = reverse("conventions:review_convention", args=[987654321])
    for client in (partner_a_client, partner_b_client):
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "sign"}).status_code == 404
        assert client.get(missing).status_code == 404
    assert admin_client.get(missing).status_code == 404
    assert admin_client.post(url, {"decision": "explode"}).status_code == 404
    convention.refresh_from_db()
    assert convention.status == Convention.Status.SUBMITTED


def test_a_convention_no_longer_submitted_sends_the_admin_to_its_page(
    admin_client: Client, admin_user: User, manager_user: User, operator_a: Partner
) -> None:
    convention = _submitted(manager_user, operator_a)
    convention_sign(actor=admin_user, convention=convention)
    response = admin_client.get(_url(convention), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "conventions:convention_detail", args=[convention.pk]
    )
    assert "n&#x27;est plus en attente de revue" in response.content.decode()
