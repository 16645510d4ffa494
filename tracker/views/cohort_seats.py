"""The planned seats of a convention's cohorts on one page (tracker.cohort_seats): saved
as a whole, or refused as a whole with every cell's error and the typed values kept.
For whoever manages the convention's cohorts; a convention outside the user's scope
answers 404, one the user only reads 403."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from accounts.models import User
from accounts.policy import can_manage_cohort_under
from conventions.models import Indicator
from conventions.selectors import convention_list, current_commitments
from tracker.cohort_seats import SeatGrid
from tracker.services.cohort_seats import SeatsRefusedError, cohort_seats_update
from web.mixins import get_scoped_object_or_404


def cohort_seats_grid_view(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    convention = get_scoped_object_or_404(convention_list, user=user, pk=pk)
    if not can_manage_cohort_under(user, convention):
        raise PermissionDenied
    cohorts = list(convention.cohorts.select_related("operator").order_by("starts_on", "code"))
    targets: dict[int, Decimal] = {
        commitment.year: commitment.target_value
        for commitment in current_commitments(convention).filter(indicator=Indicator.ENROLLED)
    }
    if request.method == "POST":
        grid = SeatGrid.build(cohorts=cohorts, targets=targets, data=request.POST)
        if not grid.errors:
            try:
                changed = cohort_seats_update(convention=convention, seats=grid.seats(), actor=user)
            except SeatsRefusedError as refused:
                grid.add_service_error(refused.errors)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Places prévues enregistrées (%(count)s cohorte modifiée).",
                        "Places prévues enregistrées (%(count)s cohortes modifiées).",
                        changed,
                    )
                    % {"count": changed},
                )
                return redirect("conventions:convention_detail", pk=convention.pk)
    else:
        grid = SeatGrid.build(cohorts=cohorts, targets=targets)
    status = 400 if grid.errors else 200
    return render(
        request,
        "cohorts/seats_grid.html",
        {"convention": convention, "grid": grid},
        status=status,
    )
