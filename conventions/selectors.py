"""Reads for the conventions app. Every list, detail, export, import and API endpoint that
shows partners or conventions starts from one of these role-scoping selectors."""

from __future__ import annotations

from django.db.models import QuerySet

from conventions.models import Convention, ConventionParty, Partner
from tracker.models import User


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
    conventions = Convention.objects.all()
    if user.is_staff_role:
        return conventions
    if not user.is_partner or user.partner_id is None:
        return conventions.none()
    return conventions.filter(
        id__in=ConventionParty.objects.filter(partner_id=user.partner_id).values("convention_id")
    )
