"""The slice the dashboard is read under, from its URL (tracker.figures.slices).

A malformed year keeps the page (a warning, every year shown), as it always has; an id
that is unknown or out of the user's scope answers 404, the same answer for both, so a
link never tells a partner that another partner's convention, cohort or operator exists.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from tracker.figures.slice_search import resolve_typed_text
from tracker.figures.slices import (
    PARAMETERS,
    InvalidSliceError,
    Slice,
    SliceForm,
    parse_slice_form,
)
from tracker.saved_views.selectors import saved_view_list

SAVED_VIEWS_SHOWN = 50


def dashboard_slice(request: HttpRequest) -> Slice:
    return dashboard_slice_form(request).slice()


def dashboard_slice_form(request: HttpRequest) -> SliceForm:
    params = {name: request.GET.get(name, "").strip() for name in PARAMETERS}
    raw_year = params.get("year", "")
    if raw_year and not (raw_year.isdigit() and 2000 <= int(raw_year) <= 2100):
        messages.warning(
            request,
            _("Année « %(value)s » invalide : toutes les années sont affichées.")
            % {"value": raw_year},
        )
        params["year"] = params["quarter"] = ""
    resolve_typed_text(request, params)
    user: User = request.user  # type: ignore[assignment]
    try:
        return parse_slice_form(params, user=user)
    except InvalidSliceError:
        raise Http404 from None


def slice_context(
    request: HttpRequest, form: SliceForm, years: list[int] | None = None
) -> dict[str, Any]:
    """What the dashboard's filter bar and saved views show (outside the cached figures:
    the saved views change with every save). One query (the saved views). ``years``:
    the years with figures or commitments, offered as a list (the chosen one kept)."""
    user: User = request.user  # type: ignore[assignment]
    part = form.slice()
    form.show_chosen()
    if years is not None:
        offered = sorted({*years, *([part.year] if part.year else [])})
        form.fields["year"].widget = forms.Select(
            choices=[("", _("Toutes")), *((str(y), str(y)) for y in offered)],
            attrs={"class": "form-select"},
        )
    return {
        "slice_form": form,
        "part": part,
        "part_params": sorted(part.params().items()),
        "part_query": part.query(),
        "saved_views": list(saved_view_list(user=user)[:SAVED_VIEWS_SHOWN]),
    }
