"""Reads for the conventions app. Every list, detail, export, import and API endpoint that
shows partners or conventions starts from one of these role-scoping selectors."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Role, User
from accounts.policy import scoped, user_manages_convention
from conventions.models import (
    Amendment,
    Commitment,
    Convention,
    ConventionParty,
    ConventionTransition,
    Partner,
)


def partner_list(*, user: User) -> QuerySet[Partner]:
    """Staff see every partner; a partner user sees its own organisation and the
    organisations that are party to the same conventions (they signed together)."""
    partners = Partner.objects.select_related("region")
    if user.is_staff_role:
        return partners
    if not user.is_partner or user.partner_id is None:
        return partners.none()
    shared_conventions = ConventionParty.objects.filter(partner_id=user.partner_id).values(
        "convention_id"
    )
    co_parties = ConventionParty.objects.filter(convention_id__in=shared_conventions).values(
        "partner_id"
    )
    return partners.filter(id__in=co_parties) | partners.filter(id=user.partner_id)


def convention_list(*, user: User) -> QuerySet[Convention]:
    """Staff read every convention; a partner user only those its organisation is party
    to."""
    return scoped(
        Convention.objects.all(),
        user=user,
        organisation=lambda partner_id: Q(
            id__in=ConventionParty.objects.filter(partner_id=partner_id).values("convention_id")
        ),
    )


# --- Terms of one convention (callers pass a convention they already scoped) ---------


def original_commitments(convention: Convention) -> QuerySet[Commitment]:
    """The commitments signed with the convention itself (no amendment)."""
    return Commitment.objects.filter(convention=convention, amendment__isnull=True).order_by(
        "year", "indicator"
    )


def current_commitments_of(
    *, conventions: QuerySet[Convention] | Iterable[int]
) -> QuerySet[Commitment]:
    """The targets in force of several conventions, in one query: for each, those of its
    latest amendment that replaced commitments, or the original ones when none did."""
    # Uncorrelated subqueries (each run once, hashed) rather than a subquery per
    # commitment row: thousands of conventions in a few milliseconds. An original target
    # is in force while its convention has no amended ones; an amended one while its
    # amendment is the latest of its convention that carries commitments (amendment
    # numbers are unique per convention).
    amended_conventions = Commitment.objects.filter(amendment__isnull=False).values("convention_id")
    carrying = Amendment.objects.filter(Exists(Commitment.objects.filter(amendment=OuterRef("pk"))))
    latest = carrying.filter(
        ~Exists(carrying.filter(convention=OuterRef("convention"), number__gt=OuterRef("number")))
    )
    return Commitment.objects.filter(convention__in=conventions).filter(
        (Q(amendment__isnull=True) & ~Q(convention_id__in=amended_conventions))
        | Q(amendment_id__in=latest.values("pk"))
    )


def current_commitments(convention: Convention) -> QuerySet[Commitment]:
    """The targets in force of one convention. Rollups and dashboards compare figures with
    these."""
    return current_commitments_of(conventions=[convention.pk]).order_by("year", "indicator")


def convention_training_operators(convention: Convention) -> QuerySet[Partner]:
    """Partners that are training-operator parties of the convention: the only ones that
    may operate its cohorts."""
    return Partner.objects.filter(
        parties__convention=convention, parties__role=ConventionParty.Role.TRAINING_OPERATOR
    ).distinct()


def convention_amendments(convention: Convention) -> QuerySet[Amendment]:
    return Amendment.objects.filter(convention=convention).order_by("number")


def convention_transitions(convention: Convention) -> QuerySet[ConventionTransition]:
    return ConventionTransition.objects.filter(convention=convention).select_related("actor")


def convention_last_transition_to(
    convention: Convention, status: str
) -> ConventionTransition | None:
    """The latest move of the convention into ``status`` (e.g. its submission, with the
    submitter's comment), or None if it never went there."""
    return (
        convention_transitions(convention).filter(to_status=status).order_by("-at", "-id").first()
    )


def convention_parties(convention: Convention) -> QuerySet[ConventionParty]:
    return ConventionParty.objects.filter(convention=convention).select_related("partner")


def review_queue(*, user: User) -> QuerySet[Convention]:
    """Submitted conventions awaiting an admin's review, oldest submission first."""
    if not user.is_admin:
        return Convention.objects.none()
    return (
        convention_list(user=user)
        .filter(status=Convention.Status.SUBMITTED)
        .prefetch_related("parties", "managers")
        .order_by("submitted_at", "id")
    )


def convention_signature_years(*, user: User) -> list[int]:
    """Years in which the conventions ``user`` may see were signed (filter choices)."""
    dates = (
        convention_list(user=user)
        .filter(signed_on__isnull=False)
        .dates("signed_on", "year", order="DESC")
    )
    return [date.year for date in dates]


def manager_choices() -> QuerySet[User]:
    """Active programme managers (who may be assigned to a convention)."""
    return User.objects.filter(role=Role.MANAGER, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


__all__ = [
    "convention_amendments",
    "convention_last_transition_to",
    "convention_list",
    "convention_parties",
    "convention_signature_years",
    "convention_training_operators",
    "convention_transitions",
    "current_commitments",
    "current_commitments_of",
    "manager_choices",
    "original_commitments",
    "partner_list",
    "review_queue",
    "user_manages_convention",
]
