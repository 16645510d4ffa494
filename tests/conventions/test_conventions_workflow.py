"""The status workflow: every transition allowed for the right role and from the right
status only, its preconditions, and the history it writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from conventions.models import Convention, ConventionParty, ConventionTransition, Partner
from conventions.services import (
    TRANSITION_SERVICES,
    TRANSITIONS,
    WorkflowError,
    convention_party_remove,
    convention_return_to_draft,
    convention_sign,
    convention_sign_checks,
    convention_submit,
)
from tests.support.factories import PATH_TO_STATUS, convention_in_status, signable_convention

pytestmark = pytest.mark.django_db

Status = Convention.Status

# For every transition: the statuses it starts from, where it goes, who may.
EXPECTED = {
    "submit": ({Status.DRAFT}, Status.SUBMITTED, {"admin", "manager"}),
    "return_to_draft": ({Status.SUBMITTED}, Status.DRAFT, {"admin"}),
    "sign": ({Status.SUBMITTED}, Status.SIGNED, {"admin"}),
    "activate": ({Status.SIGNED}, Status.ACTIVE, {"admin"}),
    "suspend": ({Status.ACTIVE}, Status.SUSPENDED, {"admin"}),
    "resume": ({Status.SUSPENDED}, Status.ACTIVE, {"admin"}),
    "close": ({Status.ACTIVE}, Status.CLOSED, {"admin"}),
    "terminate": ({Status.ACTIVE, Status.SUSPENDED}, Status.TERMINATED, {"admin"}),
}
ROLES = ["admin", "manager", "other_manager", "partner_editor", "partner_viewer"]


def test_the_workflow_table_is_the_documented_one() -> None:
    assert set(TRANSITIONS) == set(EXPECTED)
    for name, (sources, target, _actors) in EXPECTED.items():
        assert set(TRANSITIONS[name].sources) == sources
        assert TRANSITIONS[name].target == target


@pytest.fixture
def actors(
    admin_user: User,
    manager_user: User,
    other_manager_user: User,
    partner_a_user: User,
    viewer_a_user: User,
) -> dict[str, User]:
    return {
        "admin": admin_user,
        "manager": manager_user,
        "other_manager": other_manager_user,
        "partner_editor": partner_a_user,
        "partner_viewer": viewer_a_user,
    }


def _convention(status: str, actors: dict[str, User], operator: Partner) -> Convention:
    return convention_in_status(
        status, manager=actors["manager"], admin=actors["admin"], operator=operator
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_transition_is_allowed_for_its_roles_only(
    action: str, role: str, actors: dict[str, User], operator_a: Partner
) -> None:
    sources, target, allowed_roles = EXPECTED[action]
    source = sorted(sources)[0]
    convention = _convention(source, actors, operator_a)
    history_before = ConventionTransition.objects.filter(convention=convention).count()
    service = TRANSITION_SERVICES[action]
    if role in allowed_roles:
        service(actor=actors[role], convention=convention, comment="motif")
        convention.refresh_from_db()
        assert convention.status == target
        last = ConventionTransition.objects.filter(convention=convention).last()
        assert last is not None
        assert (last.from_status, last.to_status, last.actor, last.comment) == (
            source,
            target,
            actors[role],
            "motif",
        )
    else:
        with pytest.raises(WorkflowError) as refused:
            service(actor=actors[role], convention=convention, comment="motif")
        assert "refusée" in " ".join(refused.value.messages)
        convention.refresh_from_db()
        assert convention.status == source
        assert ConventionTransition.objects.filter(convention=convention).count() == history_before


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_transition_is_refused_from_every_wrong_status(
    action: str, actors: dict[str, User], operator_a: Partner
) -> None:
    sources = EXPECTED[action][0]
    actor = actors["admin"]
    for status in set(Status.values) - sources:
        convention = _convention(status, actors, operator_a)
        with pytest.raises(WorkflowError) as refused:
            TRANSITION_SERVICES[action](actor=actor, convention=convention, comment="motif")
        message = " ".join(refused.value.messages)
        assert "impossible" in message
        assert convention.reference in message
        convention.refresh_from_db()
        assert convention.status == status
        assert ConventionTransition.objects.filter(convention=convention).count() == len(
            PATH_TO_STATUS[status]
        )


def test_the_managers_own_submission_only(actors: dict[str, User], operator_a: Partner) -> None:
    convention = signable_convention(manager=actors["manager"], operator=operator_a)
    with pytest.raises(WorkflowError):
        convention_submit(actor=actors["other_manager"], convention=convention)
    convention_submit(actor=actors["manager"], convention=convention)
    convention.refresh_from_db()
    assert convention.status == Status.SUBMITTED
    assert convention.submitted_at is not None


def test_return_to_draft_needs_a_comment(actors: dict[str, User], operator_a: Partner) -> None:
    convention = _convention(Status.SUBMITTED, actors, operator_a)
    for blank in ("", "   "):
        with pytest.raises(WorkflowError) as refused:
            convention_return_to_draft(actor=actors["admin"], convention=convention, comment=blank)
        assert "commentaire est obligatoire" in " ".join(refused.value.messages)
    convention_return_to_draft(
        actor=actors["admin"], convention=convention, comment="Ajouter l'annexe budgétaire"
    )
    convention.refresh_from_db()
    assert convention.status == Status.DRAFT
    last = ConventionTransition.objects.filter(convention=convention).last()
    assert last is not None
    assert last.comment == "Ajouter l'annexe budgétaire"


def _submitted_missing(actors: dict[str, User], operator: Partner, missing: str) -> Convention:
    convention = signable_convention(manager=actors["manager"], operator=operator)
    if missing == "signed_on":
        Convention.objects.filter(pk=convention.pk).update(signed_on=None)
    elif missing == "document":
        Convention.objects.filter(pk=convention.pk).update(document="")
    elif missing == "operator":
        convention_party_remove(actor=actors["manager"], party=convention.parties.get())
    elif missing == "commitment":
        convention.commitments.all().delete()
    convention.refresh_from_db()
    convention_submit(actor=actors["manager"], convention=convention)
    return convention


@pytest.mark.parametrize(
    ("missing", "label"),
    [
        ("signed_on", "Date de signature renseignée"),
        ("document", "Document signé joint"),
        ("operator", "Au moins un opérateur de formation partie"),
        ("commitment", "Au moins un engagement"),
    ],
)
def test_signing_requires_every_precondition(
    missing: str, label: str, actors: dict[str, User], operator_a: Partner
) -> None:
    convention = _submitted_missing(actors, operator_a, missing)
    checks = {
        str(check.label): check.passed for check in convention_sign_checks(convention=convention)
    }
    assert [name for name, passed in checks.items() if not passed] == [
        name for name in checks if name.startswith(label)
    ]
    with pytest.raises(WorkflowError) as refused:
        convention_sign(actor=actors["admin"], convention=convention)
    assert label in " ".join(refused.value.messages)
    convention.refresh_from_db()
    assert convention.status == Status.SUBMITTED


def test_a_non_operator_party_does_not_count_as_training_operator(
    actors: dict[str, User], operator_a: Partner
) -> None:
    convention = _submitted_missing(actors, operator_a, "operator")
    ConventionParty.objects.create(
        convention=convention, partner=operator_a, role=ConventionParty.Role.FUNDER
    )
    with pytest.raises(WorkflowError):
        convention_sign(actor=actors["admin"], convention=convention)


def test_the_reviewer_may_record_the_signature_date_when_signing(
    actors: dict[str, User], operator_a: Partner
) -> None:
    convention = _submitted_missing(actors, operator_a, "signed_on")
    with pytest.raises(WorkflowError):
        convention_sign(actor=actors["admin"], convention=convention, signed_on=dt.date(2999, 1, 1))
    convention_sign(actor=actors["admin"], convention=convention, signed_on=dt.date(2025, 2, 3))
    convention.refresh_from_db()
    assert (convention.status, convention.signed_on) == (Status.SIGNED, dt.date(2025, 2, 3))


def test_the_full_history_is_recorded_in_order(
    actors: dict[str, User], operator_a: Partner
) -> None:
    convention = signable_convention(manager=actors["manager"], operator=operator_a)
    admin, manager = actors["admin"], actors["manager"]
    convention_submit(actor=manager, convention=convention)
    convention_return_to_draft(actor=admin, convention=convention, comment="Budget à préciser")
    convention_submit(actor=manager, convention=convention, comment="Budget précisé")
    for action in ("sign", "activate", "suspend", "resume", "close"):
        TRANSITION_SERVICES[action](actor=admin, convention=convention, comment="")
    history = list(
        ConventionTransition.objects.filter(convention=convention).values_list(
            "from_status", "to_status", "actor__username", "comment"
        )
    )
    assert history == [
        ("draft", "submitted", "manager", ""),
        ("submitted", "draft", "admin", "Budget à préciser"),
        ("draft", "submitted", "manager", "Budget précisé"),
        ("submitted", "signed", "admin", ""),
        ("signed", "active", "admin", ""),
        ("active", "suspended", "admin", ""),
        ("suspended", "active", "admin", ""),
        ("active", "closed", "admin", ""),
    ]
    times = list(
        ConventionTransition.objects.filter(convention=convention).values_list("at", flat=True)
    )
    assert times == sorted(times)
    assert all(at.tzinfo is not None for at in times)


def test_workflow_error_is_a_validation_error() -> None:
    assert issubclass(WorkflowError, ValidationError)
