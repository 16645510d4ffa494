"""Saving, opening and deleting a saved view of the dashboard. A view another
organisation saved answers 404, as one that does not exist."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from tracker.figures.slices import PARAMETERS
from tracker.saved_views.selectors import saved_view_list
from tracker.saved_views.services import (
    saved_view_create,
    saved_view_delete,
    saved_view_share,
)


def _dashboard(query: str) -> HttpResponseRedirect:
    url = reverse("dashboard")
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


@require_POST
def saved_view_save(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    params = {name: request.POST.get(name, "") for name in PARAMETERS if request.POST.get(name)}
    try:
        view = saved_view_create(
            user=user,
            name=request.POST.get("name", ""),
            params=params,
            shared=request.POST.get("shared") == "on",
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        # Back to the filters as they were, unless they are the problem (then unfiltered).
        return _back(params) if hasattr(error, "error_dict") else _dashboard("")
    messages.success(request, _("Vue « %(name)s » enregistrée.") % {"name": view.name})
    return _dashboard(view.query)


def _back(params: dict[str, str]) -> HttpResponseRedirect:
    return _dashboard(urlencode(params))


@require_GET
def saved_view_open(request: HttpRequest, pk: int) -> HttpResponse:
    view = get_object_or_404(saved_view_list(user=request.user), pk=pk)  # type: ignore[arg-type]
    return _dashboard(view.query)


@require_POST
def saved_view_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    view = get_object_or_404(saved_view_list(user=user), pk=pk)
    saved_view_delete(user=user, view=view)
    messages.success(request, _("Vue « %(name)s » supprimée.") % {"name": view.name})
    return _dashboard("")


@require_POST
def saved_view_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    """``shared=on`` shares the view with the owner's organisation, anything else stops."""
    user: User = request.user  # type: ignore[assignment]
    view = get_object_or_404(saved_view_list(user=user), pk=pk)
    view = saved_view_share(user=user, view=view, shared=request.POST.get("shared") == "on")
    message = (
        _("Vue « %(name)s » partagée avec votre organisation.")
        if view.shared
        else _("Vue « %(name)s » n'est plus partagée.")
    )
    messages.success(request, message % {"name": view.name})
    return _dashboard("")
