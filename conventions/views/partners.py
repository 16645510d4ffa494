"""Partner pages: list and detail through the scoping selector; create/edit for admins."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from accounts.models import User
from conventions.filters import PartnerFilter
from conventions.forms import PartnerForm
from conventions.models import Partner
from conventions.selectors import convention_list, partner_list
from conventions.services import partner_create, partner_update
from conventions.tables import PARTNER_EXPORT_COLUMNS, PartnerTable
from web.lists import ScopedListView
from web.mixins import ScopedQuerysetMixin, get_scoped_object_or_404


class PartnerListView(ScopedListView):
    selector = partner_list
    filterset_class = PartnerFilter
    table_class = PartnerTable
    template_name = "conventions/partner_list.html"
    export_columns = PARTNER_EXPORT_COLUMNS
    export_filename = "partenaires"


class PartnerDetailView(ScopedQuerysetMixin, DetailView):
    selector = partner_list
    template_name = "conventions/partner_detail.html"
    context_object_name = "partner"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Only the conventions the viewer may see, never the partner's full portfolio.
        context["conventions"] = (
            convention_list(user=self.request.user)  # type: ignore[arg-type]
            .filter(parties__partner=self.object)
            .distinct()
            .order_by("-reference")
        )
        return context


def _partner_form_page(request: HttpRequest, *, partner: Partner | None) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in ("name", "kind", "ice", "region", "city")}
        try:
            if partner is None:
                partner = partner_create(actor=user, **data)
                messages.success(
                    request, _("Partenaire « %(name)s » créé.") % {"name": partner.name}
                )
            else:
                partner = partner_update(actor=user, partner=partner, **data)
                messages.success(
                    request, _("Partenaire « %(name)s » modifié.") % {"name": partner.name}
                )
            return redirect("conventions:partner_detail", pk=partner.pk)
        except ValidationError as error:
            form.add_error(None, error)
    title = (
        _("Nouveau partenaire")
        if partner is None
        else _("Modifier %(name)s") % {"name": partner.name}
    )
    return render(request, "conventions/form.html", {"form": form, "title": title})


def partner_create_view(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return _partner_form_page(request, partner=None)


def partner_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    partner = get_scoped_object_or_404(partner_list, user=request.user, pk=pk)
    return _partner_form_page(request, partner=partner)


def _require_admin(request: HttpRequest) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    user: User = request.user  # type: ignore[assignment]
    if user.is_partner:
        raise Http404  # partners learn nothing, not even that the page exists
    if not user.is_admin:
        raise PermissionDenied
