"""The dashboard's "declared beside verified" block, in a tag of its own so that the
dashboard's view and cache stay as they are: its figures are summed from the verified
figures' store (tracker.figures.verified.dashboard) under the dashboard's slice, and each
links to its rows under the same slice."""

from __future__ import annotations

from typing import Any

from django import template

from accounts import policy
from tracker.figures.slices import Slice
from tracker.figures.verified.dashboard import stored_totals
from tracker.figures.verified.figures import gap_reason
from tracker.models import HireVerification, Placement
from tracker.verification import selectors

register = template.Library()


@register.inclusion_tag("verification/_dashboard.html", takes_context=True)
def verification_summary(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    if not policy.can_read_verification(user):
        return {"shown": False}
    part = context.get("part")
    if not isinstance(part, Slice):
        part = Slice()
    return {
        "shown": True,
        "totals": stored_totals(user=user, part=part),
        # The slice's query string: the drill-downs list the rows of the same slice.
        "slice_query": part.query(),
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
