"""Import pages: the log, the upload form and templates, one import's preview with its
progress, errors, annotated file, confirm and cancel. Every read goes through
import_batch_list / cohort_list; every write through tracker.imports.services."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.policy import PrivacyPolicy, user_can_import
from tracker.imports.annotate import annotated_file, error_text
from tracker.imports.columns import column_label
from tracker.imports.error_messages import message_text
from tracker.imports.formats import FileRefusedError
from tracker.imports.selectors import import_batch_list
from tracker.imports.services import (
    ImportConflictError,
    import_cancel,
    import_confirm,
    import_progress,
    import_upload,
)
from tracker.imports.template_files import template_csv, template_xlsx
from tracker.imports.update_views import update_file_response
from tracker.models import ImportBatch
from tracker.selectors import cohort_list, enrollment_list
from web.columns import NumberColumn
from web.exports import ExportColumn
from web.form_styles import StyledFormMixin
from web.lists import ScopedListView
from web.mixins import get_scoped_object_or_404


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_importer(request: HttpRequest) -> User:
    user = _user(request)
    if not user_can_import(user):
        raise PermissionDenied
    return user


# --- The import log ----------------------------------------------------------------


class ImportBatchTable(tables.Table):
    created_at = tables.DateTimeColumn(short=True, verbose_name=gettext_lazy("Déposé le"))
    file_name = tables.LinkColumn(
        "import_detail", args=[tables.A("pk")], verbose_name=gettext_lazy("Fichier")
    )
    uploaded_by = tables.Column(verbose_name=gettext_lazy("Déposé par"))
    partner = tables.Column(verbose_name=gettext_lazy("Organisation"), default="—")
    file_sha256 = tables.Column(verbose_name=gettext_lazy("SHA-256"), orderable=False)
    status = tables.Column(verbose_name=gettext_lazy("Résultat"))
    total_rows = NumberColumn(verbose_name=gettext_lazy("Lignes"))
    rows_to_create = NumberColumn(verbose_name=gettext_lazy("Créées"))
    rows_to_update = NumberColumn(verbose_name=gettext_lazy("Mises à jour"))
    rows_unchanged = NumberColumn(verbose_name=gettext_lazy("Inchangées"))
    rows_in_error = NumberColumn(verbose_name=gettext_lazy("En erreur"))

    class Meta:
        model = ImportBatch
        fields = (
            "created_at",
            "file_name",
            "uploaded_by",
            "partner",
            "status",
            "total_rows",
            "rows_to_create",
            "rows_to_update",
            "rows_unchanged",
            "rows_in_error",
            "file_sha256",
        )
        order_by = "-created_at"
        attrs = {"data-testid": "import-log"}

    def render_file_sha256(self, value: str) -> str:
        return value[:12] + "…"


class ImportBatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=ImportBatch.Status.choices, label=gettext_lazy("Résultat")
    )

    class Meta:
        model = ImportBatch
        fields = ["status"]


class ImportListView(ScopedListView):
    selector = import_batch_list
    table_class = ImportBatchTable
    filterset_class = ImportBatchFilter
    template_name = "imports/list.html"
    export_filename = "imports"
    export_columns = [
        ExportColumn(gettext_lazy("Déposé le"), lambda b: b.created_at),
        ExportColumn(gettext_lazy("Fichier"), lambda b: b.file_name),
        ExportColumn(gettext_lazy("SHA-256"), lambda b: b.file_sha256),
        ExportColumn(gettext_lazy("Déposé par"), lambda b: b.uploaded_by.username),
        ExportColumn(gettext_lazy("Résultat"), lambda b: b.get_status_display()),
        ExportColumn(gettext_lazy("Lignes"), lambda b: b.total_rows),
        ExportColumn(gettext_lazy("Créées"), lambda b: b.rows_to_create),
        ExportColumn(gettext_lazy("Mises à jour"), lambda b: b.rows_to_update),
        ExportColumn(gettext_lazy("Inchangées"), lambda b: b.rows_unchanged),
        ExportColumn(gettext_lazy("En erreur"), lambda b: b.rows_in_error),
    ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_import"] = user_can_import(_user(self.request))
        return context


# --- Upload and templates ----------------------------------------------------------


class ImportUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier à importer (.xlsx ou .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )


def import_new(request: HttpRequest) -> HttpResponse:
    user = _require_importer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = import_upload(user=user, uploaded_file=form.cleaned_data["file"])
        if batch.status == ImportBatch.Status.FAILED:
            messages.error(
                request, _("Fichier refusé : %(reason)s") % {"reason": batch.failure_reason}
            )
        else:
            messages.info(request, _("Fichier déposé : la vérification des lignes est lancée."))
        return redirect("import_detail", pk=batch.pk)
    cohorts = cohort_list(user=user).order_by("code")
    return render(
        request,
        "imports/new.html",
        {
            "form": form,
            "cohorts": cohorts,
            "max_mb": settings.IMPORT_MAX_FILE_BYTES // 2**20,
        },
    )


@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    user = _require_importer(request)
    cohorts = cohort_list(user=user).order_by("code")
    name = "modele-import"
    if request.GET.get("cohort"):
        cohort = get_scoped_object_or_404(cohort_list, user=user, pk=request.GET["cohort"])
        # One cohort's template comes filled with its trainees (an export for update).
        return update_file_response(
            user=user,
            enrollments=enrollment_list(user=user).filter(cohort=cohort).order_by("id"),
            cohorts=cohorts.filter(pk=cohort.pk),
            file_format="csv" if request.GET.get("format") == "csv" else "xlsx",
            name=f"modele-import-{cohort.code}",
        )
    if request.GET.get("format") == "csv":
        response = HttpResponse(template_csv(list(cohorts)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        template_xlsx(list(cohorts)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# --- One import: preview, progress, annotated file, confirm, cancel -----------------


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch = get_scoped_object_or_404(import_batch_list, user=user, pk=pk)
    visible = PrivacyPolicy.for_user(user).can_see_import(batch)
    errors = [
        # Stored under the column's French header; shown in the reader's language.
        {
            "row_number": error.row_number,
            "column": column_label(error.column),
            "message": error_text(
                error.column,
                message_text(error.message_id, error.params, error.message),
                visible=visible,
            ),
        }
        for error in batch.row_errors.all()[: settings.IMPORT_PREVIEW_ERRORS]
    ]
    return render(
        request,
        "imports/detail.html",
        {
            "batch": batch,
            "errors": errors,
            "progress": import_progress(batch=batch),
            "can_act": user_can_import(user)
            and (user.is_admin or batch.partner_id == user.partner_id),
            "status_url": reverse("import_status", args=[batch.pk]),
        },
    )


@require_GET
def import_status(request: HttpRequest, pk: int) -> JsonResponse:
    batch = get_scoped_object_or_404(import_batch_list, user=_user(request), pk=pk)
    return JsonResponse(
        {
            "status": batch.status,
            "status_label": batch.get_status_display(),
            "running": batch.is_running,
            "progress": import_progress(batch=batch),
        }
    )


@require_GET
def import_annotated(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _user(request)
    batch = get_scoped_object_or_404(import_batch_list, user=user, pk=pk)
    if not batch.file:
        messages.error(request, _("Le fichier de cet import n'est plus conservé."))
        return redirect("import_detail", pk=batch.pk)
    try:
        handle, name, content_type = annotated_file(batch, policy=PrivacyPolicy.for_user(user))
    except FileRefusedError as refusal:
        messages.error(request, str(refusal))
        return redirect("import_detail", pk=batch.pk)
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


@require_POST
def import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_importer(request)
    batch = get_scoped_object_or_404(import_batch_list, user=user, pk=pk)
    try:
        import_confirm(user=user, batch=batch)
    except ImportConflictError as conflict:
        messages.error(request, str(conflict))
    else:
        messages.info(request, _("Import confirmé : l'enregistrement est lancé."))
    return redirect("import_detail", pk=batch.pk)


@require_POST
def import_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_importer(request)
    batch = get_scoped_object_or_404(import_batch_list, user=user, pk=pk)
    try:
        import_cancel(user=user, batch=batch)
    except ImportConflictError as conflict:
        messages.error(request, str(conflict))
    else:
        messages.info(request, _("Import annulé : rien n'a été enregistré."))
    return redirect("import_list")
