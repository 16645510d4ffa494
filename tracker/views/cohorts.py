"""Cohort pages: list (filters, sort, export), detail with enrollments and figures,
create and edit (the convention's managers and admins)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2 import RequestConfig

from accounts.policy import (
    PrivacyPolicy,
    can_create_cohorts,
    can_edit_people_in,
    can_manage_cohort_under,
    user_can_import,
)
from accounts.request_user import current_user
from tracker.figures.cohort_card import cohort_figures
from tracker.filters import CohortFilter
from tracker.forms import CohortForm
from tracker.models import Cohort
from tracker.selectors import COHORT_RELATED, cohort_list, enrollment_list
from tracker.services.cohorts import cohort_create, cohort_update
from tracker.tables import CohortTable, EnrollmentTable
from tracker.views.people_common import render_form_with_error
from web.exports import ExportColumn
from web.lists import CappedPaginator, ScopedListView
from web.mixins import get_scoped_object_or_404


class CohortListView(ScopedListView):
    selector = cohort_list
    filterset_class = CohortFilter
    table_class = CohortTable
    template_name = "cohorts/cohort_list.html"
    export_filename = "cohortes"
    export_columns = [
        ExportColumn(gettext_lazy("Code"), lambda c: c.code),
        ExportColumn(gettext_lazy("Convention"), lambda c: c.convention.reference),
        ExportColumn(gettext_lazy("Opérateur"), lambda c: c.operator.name),
        ExportColumn(gettext_lazy("Filière"), lambda c: c.filiere.code),
        ExportColumn(gettext_lazy("Métier"), lambda c: c.metier),
        ExportColumn(gettext_lazy("Région"), lambda c: c.region.name),
        ExportColumn(gettext_lazy("Zone"), lambda c: c.zone.name if c.zone else ""),
        ExportColumn(gettext_lazy("Ville"), lambda c: c.city),
        ExportColumn(gettext_lazy("Modalité"), lambda c: c.get_modality_display()),
        ExportColumn(gettext_lazy("Heures"), lambda c: c.hours),
        ExportColumn(gettext_lazy("Places prévues"), lambda c: c.planned_seats),
        ExportColumn(gettext_lazy("Début"), lambda c: c.starts_on),
        ExportColumn(gettext_lazy("Fin"), lambda c: c.ends_on),
        ExportColumn(gettext_lazy("Statut"), lambda c: c.get_status_display()),
    ]

    def get_queryset(self) -> QuerySet[Cohort]:
        return super().get_queryset().select_related(*COHORT_RELATED)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_create"] = can_create_cohorts(current_user(self.request))
        return context


def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    cohort = get_scoped_object_or_404(
        lambda user: cohort_list(user=user).select_related(*COHORT_RELATED), user=user, pk=pk
    )
    policy = PrivacyPolicy.for_user(user)
    enrollments = (
        enrollment_list(user=user)
        .filter(cohort=cohort)
        .select_related("trainee", "cohort__operator", "cohort__region")
    )
    table = EnrollmentTable(enrollments, policy=policy, exclude=("cohort", "operator", "region"))
    RequestConfig(request, paginate={"per_page": 25, "paginator_class": CappedPaginator}).configure(
        table
    )
    return render(
        request,
        "cohorts/cohort_detail.html",
        {
            "cohort": cohort,
            "figures": cohort_figures(cohort=cohort),
            "table": table,
            "can_enroll": can_edit_people_in(user, cohort),
            # The cohort's trainees in the import template, to edit and import back.
            "can_update_by_file": can_edit_people_in(user, cohort) and user_can_import(user),
            "can_edit": can_manage_cohort_under(user, cohort.convention),
        },
    )


def cohort_create_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not can_create_cohorts(user):
        raise PermissionDenied
    form = CohortForm(request.POST or None, user=user)
    context = {"title": _("Nouvelle cohorte")}
    if request.method == "POST" and form.is_valid():
        try:
            cohort = cohort_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            return render_form_with_error(
                request, "cohorts/cohort_form.html", context, form=form, error=error
            )
        messages.success(request, _("Cohorte %(code)s créée.") % {"code": cohort.code})
        return redirect("cohort_detail", pk=cohort.pk)
    return render(request, "cohorts/cohort_form.html", {**context, "form": form})


def cohort_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    cohort = get_scoped_object_or_404(cohort_list, user=user, pk=pk)
    if not can_manage_cohort_under(user, cohort.convention):
        raise PermissionDenied
    form = CohortForm(request.POST or None, instance=cohort, user=user)
    context = {"title": _("Modifier la cohorte %(code)s") % {"code": cohort.code}, "cohort": cohort}
    if request.method == "POST" and form.is_valid():
        try:
            cohort = cohort_update(cohort=cohort, actor=user, **form.cleaned_data)
        except ValidationError as error:
            return render_form_with_error(
                request, "cohorts/cohort_form.html", context, form=form, error=error
            )
        messages.success(request, _("Cohorte %(code)s enregistrée.") % {"code": cohort.code})
        return redirect("cohort_detail", pk=cohort.pk)
    return render(request, "cohorts/cohort_form.html", {**context, "form": form})
