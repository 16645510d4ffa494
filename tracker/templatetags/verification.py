"""The dashboard's "declared beside verified" block (tracker.verification.figures), in
a tag of its own so that the dashboard's view and cache stay as they are."""

from __future__ import annotations

from typing import Any

from django import template

from accounts import policy
from tracker.models import HireVerification, Placement
from tracker.verification import selectors
from tracker.verification.figures import gap_reason, verified_totals

register = template.Library()


@register.inclusion_tag("verification/_dashboard.html", takes_context=True)
def verification_summary(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    if not policy.can_read_verification(user):
        return {"shown": False}
    return {
        "shown": True,
        "totals": verified_totals(user=user),
        "can_import": policy.can_import_declarations(user),
        "can_read_incentives": policy.can_read_incentives(user),
    }


@register.inclusion_tag("verification/_hire_status.html", takes_context=True)
def hire_verification(context: dict[str, Any], placement: Placement) -> dict[str, Any]:
    """The hire's status in the declarations (the page is already scoped to whoever may
    read the hire); never a salary or a declared employer."""
    user = context["request"].user
    if not selectors.verified_hire_scope(user=user).filter(pk=placement.pk).exists():
        return {"verification": None, "shown": False}
    verification = HireVerification.objects.filter(placement=placement).first()
    return {
        "shown": True,
        "verification": verification,
        "reason": gap_reason(placement) if verification else "",
    }
