"""Drafting services: references, terms, parties, commitments, documents, amendments,
and the selectors other areas rely on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from conventions.models import Commitment, Convention, ConventionParty, Indicator, Partner
from conventions.selectors import (
    convention_training_operators,
    current_commitments,
    original_commitments,
    user_manages_convention,
)
from conventions.services import (
    WorkflowError,
    amendment_create,
    convention_commitment_set,
    convention_create,
    convention_document_attach,
    convention_party_add,
    convention_update,
)
from tests.conftest import S3_STORAGE
from tests.support.factories import (
    MINIMAL_PDF,
    PartnerFactory,
    convention_in_status,
    signable_convention,
)

pytestmark = pytest.mark.django_db

TERMS: dict[str, Any] = {
    "title": "Convention ITO Casablanca",
    "kind": Convention.Kind.TRAINING,
    "starts_on": dt.date(2026, 1, 1),
    "ends_on": dt.date(2027, 12, 31),
}


def _pdf(content: bytes = MINIMAL_PDF, name: str = "convention.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_references_follow_the_counter_and_are_never_reused(manager_user: User) -> None:
    year = timezone.localdate().year
    first = convention_create(actor=manager_user, **TERMS)
    second = convention_create(actor=manager_user, **TERMS)
    assert first.reference == f"CONV-{year}-0001"
    assert second.reference == f"CONV-{year}-0002"
    second.delete()
    third = convention_create(actor=manager_user, **TERMS)
    assert third.reference == f"CONV-{year}-0003"


def test_a_manager_who_creates_a_draft_manages_it(
    manager_user: User, other_manager_user: User, admin_user: User
) -> None:
    convention = convention_create(actor=manager_user, **TERMS)
    assert convention.status == Convention.Status.DRAFT
    assert user_manages_convention(manager_user, convention)
    assert not user_manages_convention(other_manager_user, convention)
    assert not user_manages_convention(admin_user, convention)


def test_partners_cannot_create_conventions(partner_a_user: User) -> None:
    with pytest.raises(WorkflowError):
        convention_create(actor=partner_a_user, **TERMS)
    assert not Convention.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": dt.date(2025, 12, 31)}, "ends_on", "postérieure à la date de début"),
        ({"ends_on": dt.date(2026, 1, 1)}, "ends_on", "postérieure à la date de début"),
        ({"budget_state_mad": Decimal("-1")}, "budget_state_mad", "négatif"),
        ({"budget_partner_mad": Decimal("-0.01")}, "budget_partner_mad", "négatif"),
        ({"signed_on": dt.date(2999, 1, 1)}, "signed_on", "futur"),
        ({"title": "  "}, "title", "obligatoire"),
    ],
)
def test_bad_terms_are_refused_field_by_field(
    manager_user: User, changes: dict, field: str, message: str
) -> None:
    with pytest.raises(WorkflowError) as refused:
        convention_create(actor=manager_user, **{**TERMS, **changes})
    assert message in " ".join(refused.value.message_dict[field])
    assert not Convention.objects.exists()


def test_only_managers_of_the_draft_and_admins_update_it(
    manager_user: User, other_manager_user: User, admin_user: User, partner_a_user: User
) -> None:
    convention = convention_create(actor=manager_user, **TERMS)
    for outsider in (other_manager_user, partner_a_user):
        with pytest.raises(WorkflowError):
            convention_update(actor=outsider, convention=convention, **{**TERMS, "title": "X"})
    convention_update(actor=admin_user, convention=convention, **{**TERMS, "title": "Révisée"})
    convention.refresh_from_db()
    assert convention.title == "Révisée"


def test_terms_are_frozen_once_submitted(
    manager_user: User, admin_user: User, operator_a: Partner
) -> None:
    convention = convention_in_status(
        Convention.Status.SUBMITTED, manager=manager_user, admin=admin_user, operator=operator_a
    )
    with pytest.raises(WorkflowError) as refused:
        convention_update(actor=admin_user, convention=convention, **TERMS)
    assert "plus un brouillon" in " ".join(refused.value.messages)
    with pytest.raises(WorkflowError):
        convention_commitment_set(
            actor=admin_user,
            convention=convention,
            indicator=Indicator.ENROLLED,
            year=2027,
            target_value=Decimal(1),
        )
    with pytest.raises(WorkflowError):
        convention_party_add(
            actor=admin_user,
            convention=convention,
            partner=PartnerFactory.create(),
            role=ConventionParty.Role.TRAINING_OPERATOR,
        )


def test_training_operator_role_needs_a_training_organisation(manager_user: User) -> None:
    convention = convention_create(actor=manager_user, **TERMS)
    employer = PartnerFactory.create(kind=Partner.Kind.EMPLOYER, name="Employeur X")
    with pytest.raises(WorkflowError) as refused:
        convention_party_add(
            actor=manager_user,
            convention=convention,
            partner=employer,
            role=ConventionParty.Role.TRAINING_OPERATOR,
        )
    assert "Employeur X" in " ".join(refused.value.messages)
    convention_party_add(
        actor=manager_user, convention=convention, partner=employer, role="employer"
    )
    with pytest.raises(WorkflowError) as duplicate:
        convention_party_add(
            actor=manager_user, convention=convention, partner=employer, role="employer"
        )
    assert "déjà partie" in " ".join(duplicate.value.messages)


def test_commitments_are_set_per_indicator_and_year(manager_user: User) -> None:
    convention = convention_create(actor=manager_user, **TERMS)
    for value in (Decimal(100), Decimal(120)):
        convention_commitment_set(
            actor=manager_user,
            convention=convention,
            indicator=Indicator.ENROLLED,
            year=2026,
            target_value=value,
        )
    assert list(original_commitments(convention).values_list("target_value", flat=True)) == [
        Decimal(120)
    ]
    for indicator, value, message in [
        (Indicator.GRADUATES, Decimal(-1), "négative"),
        (Indicator.WOMEN_SHARE, Decimal(101), "pourcentage"),
    ]:
        with pytest.raises(WorkflowError) as refused:
            convention_commitment_set(
                actor=manager_user,
                convention=convention,
                indicator=indicator,
                year=2026,
                target_value=value,
            )
        assert message in " ".join(refused.value.messages)


def test_the_signed_document_must_be_a_pdf_within_the_size_limit(
    manager_user: User, settings
) -> None:
    convention = convention_create(actor=manager_user, **TERMS)
    with pytest.raises(WorkflowError) as not_pdf:
        convention_document_attach(
            actor=manager_user,
            convention=convention,
            file=_pdf(b"<html>not a pdf</html>", name="trick.pdf"),
        )
    assert "PDF" in " ".join(not_pdf.value.messages)
    settings.MAX_DOCUMENT_BYTES = len(MINIMAL_PDF) - 1
    with pytest.raises(WorkflowError) as too_big:
        convention_document_attach(actor=manager_user, convention=convention, file=_pdf())
    assert "taille maximale" in " ".join(too_big.value.messages)
    convention.refresh_from_db()
    assert not convention.document
    settings.MAX_DOCUMENT_BYTES = len(MINIMAL_PDF)
    convention_document_attach(actor=manager_user, convention=convention, file=_pdf())
    convention.refresh_from_db()
    assert default_storage.open(convention.document.name).read() == MINIMAL_PDF


@pytest.mark.skipif(S3_STORAGE, reason="on the object store there is no web root to be in")
def test_documents_are_stored_outside_the_web_root(manager_user: User) -> None:
    convention = convention_create(actor=manager_user, **TERMS)
    convention_document_attach(actor=manager_user, convention=convention, file=_pdf())
    convention.refresh_from_db()
    stored = Path(convention.document.path).resolve()
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT).resolve())


def test_amendments_are_numbered_and_replace_current_terms(
    manager_user: User, admin_user: User, operator_a: Partner
) -> None:
    convention = convention_in_status(
        Convention.Status.ACTIVE, manager=manager_user, admin=admin_user, operator=operator_a
    )
    original = list(original_commitments(convention))
    assert list(current_commitments(convention)) == original

    first = amendment_create(
        actor=manager_user,
        convention=convention,
        signed_on=dt.date(2025, 6, 1),
        reason="Prolongation d'un an",
        new_ends_on=dt.date(2028, 12, 31),
        document=_pdf(),
    )
    convention.refresh_from_db()
    assert (first.number, convention.ends_on) == (1, dt.date(2028, 12, 31))
    assert list(current_commitments(convention)) == original

    second = amendment_create(
        actor=admin_user,
        convention=convention,
        signed_on=dt.date(2025, 9, 1),
        reason="Cibles revues",
        commitments=[
            (Indicator.ENROLLED, 2026, Decimal(150)),
            (Indicator.ENROLLED, 2027, Decimal(160)),
        ],
    )
    third = amendment_create(
        actor=admin_user, convention=convention, signed_on=dt.date(2025, 10, 1), reason="Erratum"
    )
    assert (second.number, third.number) == (2, 3)
    current = current_commitments(convention)
    assert list(current.values_list("year", "target_value")) == [
        (2026, Decimal(150)),
        (2027, Decimal(160)),
    ]
    assert all(c.amendment_id == second.pk for c in current)
    assert list(original_commitments(convention)) == original
    assert Commitment.objects.filter(convention=convention).count() == 3


def test_amendments_need_a_signed_convention_a_reason_and_a_pdf(
    manager_user: User, admin_user: User, other_manager_user: User, operator_a: Partner
) -> None:
    draft = signable_convention(manager=manager_user, operator=operator_a)
    with pytest.raises(WorkflowError):
        amendment_create(
            actor=admin_user, convention=draft, signed_on=dt.date(2025, 6, 1), reason="x"
        )
    active = convention_in_status(
        Convention.Status.ACTIVE, manager=manager_user, admin=admin_user, operator=operator_a
    )
    with pytest.raises(WorkflowError):
        amendment_create(
            actor=other_manager_user, convention=active, signed_on=dt.date(2025, 6, 1), reason="x"
        )
    with pytest.raises(WorkflowError) as refused:
        amendment_create(
            actor=admin_user,
            convention=active,
            signed_on=dt.date(2025, 6, 1),
            reason=" ",
            new_ends_on=dt.date(2024, 1, 1),
        )
    assert set(refused.value.message_dict) == {"reason", "new_ends_on"}
    with pytest.raises(WorkflowError):
        amendment_create(
            actor=admin_user,
            convention=active,
            signed_on=dt.date(2025, 6, 1),
            reason="Avenant",
            document=_pdf(b"GIF89a"),
        )
    assert not active.amendments.exists()


def test_training_operators_of_a_convention(manager_user: User, operator_a: Partner) -> None:
    convention = signable_convention(manager=manager_user, operator=operator_a)
    funder = PartnerFactory.create(kind=Partner.Kind.FUNDER)
    convention_party_add(actor=manager_user, convention=convention, partner=funder, role="funder")
    assert list(convention_training_operators(convention)) == [operator_a]


@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_never_share_a_reference(manager_user: User) -> None:
    """The counter row lock serialises creations (PostgreSQL: real concurrent sessions)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writes anyway")

    def create(number: int) -> str:
        try:
            return convention_create(
                actor=manager_user, **{**TERMS, "title": f"C{number}"}
            ).reference
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        references = list(pool.map(create, range(12)))
    assert len(set(references)) == 12
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    assert numbers == list(range(1, 13))
