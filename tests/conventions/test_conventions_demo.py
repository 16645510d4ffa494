"""The demo conventions: every status, the public-fact ones, what the cohorts step
relies on, idempotence, and every demo login can use the pages."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from conventions.models import (
    Amendment,
    Commitment,
    Convention,
    ConventionParty,
    ConventionTransition,
)
from conventions.selectors import convention_list, current_commitments
from conventions.services import convention_sign_checks, user_manages_convention
from tracker.demo.conventions import demo_pdf
from tracker.demo.partners import PARTNERS

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, object]:
    return {
        "conventions": list(
            Convention.objects.order_by("reference").values_list(
                "reference", "title", "status", "signed_on", "ends_on", "document"
            )
        ),
        "parties": list(
            ConventionParty.objects.order_by(
                "convention__reference", "partner__name", "role"
            ).values_list("convention__reference", "partner__name", "role")
        ),
        "commitments": Commitment.objects.count(),
        "amendments": list(Amendment.objects.values_list("convention__reference", "number")),
        "transitions": list(
            ConventionTransition.objects.order_by("convention__reference", "id").values_list(
                "convention__reference", "from_status", "to_status", "comment"
            )
        ),
    }


def test_seed_demo_is_idempotent_and_covers_every_status() -> None:
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first
    assert set(Convention.objects.values_list("status", flat=True)) == set(Convention.Status.values)
    returned = Convention.objects.get(title__startswith="Programme de reconversion ESO")
    assert returned.transitions.filter(to_status="draft").exclude(comment="").exists()
    assert Convention.objects.filter(
        title="Contrat-programme 2024-2030 pour le développement du secteur de l'offshoring"
    ).exists()
    assert Convention.objects.filter(title__contains="JobInTech", kind="bootcamp").exists()


def test_every_signed_demo_convention_meets_the_signing_preconditions() -> None:
    call_command("seed_demo")
    signed_or_later = Convention.objects.exclude(status__in=["draft", "submitted"])
    assert signed_or_later.exists()
    for convention in signed_or_later:
        assert all(check.passed for check in convention_sign_checks(convention=convention))
        assert convention.document.open("rb").read(5) == b"%PDF-"


def test_each_demo_operator_runs_a_signed_or_active_convention_of_the_manager() -> None:
    call_command("seed_demo")
    manager = User.objects.get(username="manager")
    for key in ("operator_a", "operator_b"):
        name = PARTNERS[key][0]
        conventions = Convention.objects.filter(
            status__in=["signed", "active"],
            parties__partner__name=name,
            parties__role=ConventionParty.Role.TRAINING_OPERATOR,
        )
        usable = [
            convention
            for convention in conventions
            if user_manages_convention(manager, convention)
            and {2024, 2025, 2026, 2027}
            <= set(current_commitments(convention).values_list("year", flat=True))
        ]
        assert usable, key


def test_the_programme_contract_shows_its_amended_targets() -> None:
    call_command("seed_demo")
    contract = Convention.objects.get(kind="programme_contract")
    amendment = contract.amendments.get()
    assert amendment.document
    enrolled = dict(
        current_commitments(contract)
        .filter(indicator="enrolled")
        .values_list("year", "target_value")
    )
    assert enrolled[2027] == 240


def test_demo_pdf_is_a_well_formed_pdf() -> None:
    pdf = demo_pdf("Essai (test)")
    assert pdf.startswith(b"%PDF-1.4")
    assert pdf.rstrip().endswith(b"%%EOF")
    xref_at = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref_at:].startswith(b"xref")


@pytest.mark.parametrize("username", ["admin", "manager", "partner.a", "partner.b", "viewer.a"])
def test_each_demo_login_uses_the_convention_pages(username: str) -> None:
    call_command("seed_demo")
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    listing = client.get(reverse("conventions:convention_list"))
    assert listing.status_code == 200
    visible = convention_list(user=user)
    assert listing.context["table"].paginator.count == visible.count() > 0
    for convention in Convention.objects.all():
        expected = 200 if convention in visible else 404
        detail = client.get(reverse("conventions:convention_detail", args=[convention.pk]))
        assert detail.status_code == expected, (username, convention.title)
        if convention.document:
            document = client.get(reverse("conventions:document", args=[convention.pk]))
            assert document.status_code == expected
    for export in ("csv", "xlsx"):
        assert (
            client.get(reverse("conventions:convention_list"), {"export": export}).status_code
            == 200
        )
