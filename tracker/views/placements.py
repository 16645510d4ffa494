"""Hire pages: list (filters, sort, export), record a hire against an enrollment,
detail with history, edit with optimistic locking."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policy import PrivacyPolicy, can_edit_people_in
from accounts.request_user import current_user
from tracker.filters import PlacementFilter
from tracker.forms import PlacementForm
from tracker.models import ChangeLog, Placement
from tracker.selectors import enrollment_list, placement_list
from tracker.services.history import changelog_for
from tracker.services.placements import PLACEMENT_FIELDS, placement_create, placement_update
from tracker.tables import PlacementTable
from tracker.views.people_common import render_form_with_error
from web.exports import ExportColumn
from web.lists import ScopedListView
from web.mixins import get_scoped_object_or_404

# What the list's table shows; the export and the detail page also name the region and
# the filière. Two joins fewer matter: PostgreSQL's planning time of every list page's
# query grows fast with the number of tables, and was most of the page's query time.
PLACEMENT_TABLE_RELATED = ("enrollment__trainee", "enrollment__cohort", "employer", "zone")
PLACEMENT_RELATED = (*PLACEMENT_TABLE_RELATED, "region", "filiere")


class PlacementListView(ScopedListView):
    selector = placement_list
    filterset_class = PlacementFilter
    table_class = PlacementTable
    template_name = "placements/placement_list.html"
    export_filename = "embauches"

    @cached_property
    def policy(self) -> PrivacyPolicy:
        return PrivacyPolicy.for_user(current_user(self.request))

    def get_queryset(self) -> QuerySet[Placement]:
        return super().get_queryset().select_related(*PLACEMENT_TABLE_RELATED)

    def get_export_rows(self) -> Any:
        return super().get_export_rows().select_related(*PLACEMENT_RELATED)

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"policy": self.policy}

    @property
    def export_columns(self) -> list[ExportColumn]:  # type: ignore[override]
        policy = self.policy
        return [
            ExportColumn(gettext_lazy("N°"), lambda p: p.pk),
            ExportColumn(gettext_lazy("Inscription"), lambda p: p.enrollment_id),
            ExportColumn(
                gettext_lazy("CIN"),
                lambda p: policy.value(p.enrollment.cohort, p.enrollment.trainee.cin),
            ),
            ExportColumn(
                gettext_lazy("Stagiaire"),
                lambda p: policy.person_name(p.enrollment.cohort, p.enrollment.trainee),
            ),
            ExportColumn(gettext_lazy("Cohorte"), lambda p: p.enrollment.cohort.code),
            ExportColumn(gettext_lazy("Employeur"), lambda p: p.employer_display),
            ExportColumn(
                gettext_lazy("ICE"),
                lambda p: p.employer.ice if p.employer_id else p.employer_ice,
            ),
            ExportColumn(gettext_lazy("Contrat"), lambda p: p.get_contract_type_display()),
            ExportColumn(gettext_lazy("Poste"), lambda p: p.job_title),
            ExportColumn(gettext_lazy("Filière"), lambda p: p.filiere.code),
            ExportColumn(gettext_lazy("Zone"), lambda p: p.zone.name if p.zone else ""),
            ExportColumn(gettext_lazy("Région"), lambda p: p.region.name if p.region else ""),
            ExportColumn(gettext_lazy("Embauche"), lambda p: p.hired_on),
            ExportColumn(gettext_lazy("Fin"), lambda p: p.ended_on),
            ExportColumn(gettext_lazy("Salaire brut (MAD)"), lambda p: p.gross_monthly_salary_mad),
            ExportColumn(gettext_lazy("Vérifié CNSS"), lambda p: p.cnss_verified_on),
        ]


def _scoped_placement(request: HttpRequest, pk: int) -> Placement:
    return get_scoped_object_or_404(
        lambda user: placement_list(user=user).select_related(
            *PLACEMENT_RELATED, "enrollment__cohort__convention"
        ),
        user=current_user(request),
        pk=pk,
    )


def placement_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    enrollment = get_scoped_object_or_404(
        lambda user: enrollment_list(user=user).select_related("trainee", "cohort__convention"),
        user=user,
        pk=pk,
    )
    if not can_edit_people_in(user, enrollment.cohort):
        raise PermissionDenied
    initial = {"filiere": enrollment.cohort.filiere_id, "region": enrollment.cohort.region_id}
    form = PlacementForm(request.POST or None, initial=initial, user=user)
    context = {"enrollment": enrollment, "title": _("Enregistrer une embauche")}
    template = "placements/placement_form.html"
    if request.method == "POST" and form.is_valid():
        try:
            placement = placement_create(
                enrollment=enrollment, data=form.placement_input(), actor=user
            )
        except ValidationError as error:
            return render_form_with_error(request, template, context, form=form, error=error)
        messages.success(request, _("Embauche enregistrée."))
        return redirect("placement_detail", pk=placement.pk)
    return render(request, template, {**context, "form": form})


def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    placement = _scoped_placement(request, pk)
    policy = PrivacyPolicy.for_user(user)
    cohort = placement.enrollment.cohort
    return render(
        request,
        "placements/placement_detail.html",
        {
            "placement": placement,
            "person_name": policy.person_name(cohort, placement.enrollment.trainee),
            "history": changelog_for(entity=ChangeLog.Entity.PLACEMENT, object_id=placement.pk),
            "can_edit": can_edit_people_in(user, cohort),
        },
    )


def placement_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    placement = _scoped_placement(request, pk)
    if not can_edit_people_in(user, placement.enrollment.cohort):
        raise PermissionDenied
    initial = {name: getattr(placement, name) for name in PLACEMENT_FIELDS}
    initial["version"] = placement.version
    form = PlacementForm(request.POST or None, initial=initial, user=user)
    form.fields["version"].required = True
    context = {
        "enrollment": placement.enrollment,
        "placement": placement,
        "title": _("Modifier l'embauche"),
    }
    template = "placements/placement_form.html"
    if request.method == "POST" and form.is_valid():
        try:
            placement_update(
                placement=placement,
                version=form.cleaned_data["version"],
                data=form.placement_input(),
                actor=user,
            )
        except ValidationError as error:
            return render_form_with_error(request, template, context, form=form, error=error)
        messages.success(request, _("Embauche enregistrée."))
        return redirect("placement_detail", pk=placement.pk)
    return render(request, template, {**context, "form": form})
