"""Pages of the CNSS declarations import (admins only): upload an answer file, follow
its validation, preview its errors, confirm or cancel it, and download a sample. The
stages themselves are tracker.imports.declarations.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policy
from accounts.views.gates import require
from tracker.imports.declarations.services import (
    DeclarationImportError,
    declarations_cancel,
    declarations_confirm,
    declarations_progress,
    declarations_upload,
    sample_answer_file,
)
from tracker.models import DeclarationImport
from web.form_styles import StyledFormMixin

PREVIEW_ERRORS = 500


class DeclarationsUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("Fichier de réponse de la CNSS (.csv ou .xlsx)"))


def declarations_list(request: HttpRequest) -> HttpResponse:
    user = require(request, policy.can_import_declarations)
    form = DeclarationsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = declarations_upload(user=user, uploaded_file=form.cleaned_data["file"])
        return redirect("declarations_detail", pk=batch.pk)
    batches = DeclarationImport.objects.select_related("uploaded_by")[:100]
    return render(request, "verification/declarations.html", {"form": form, "batches": batches})


def _batch(request: HttpRequest, pk: int) -> DeclarationImport:
    """Only admins know declarations imports exist: anyone else gets the 404 of a
    missing one."""
    if not policy.can_import_declarations(request.user):  # type: ignore[arg-type]
        raise Http404
    try:
        return DeclarationImport.objects.select_related("uploaded_by").get(pk=pk)
    except DeclarationImport.DoesNotExist:
        raise Http404 from None


def declarations_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "GET":
        return HttpResponse(status=405)
    batch = _batch(request, pk)
    errors = list(batch.row_errors.all()[:PREVIEW_ERRORS])
    return render(
        request,
        "verification/declarations_detail.html",
        {"batch": batch, "errors": errors, "progress": declarations_progress(batch=batch)},
    )


def _act(request: HttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    batch = _batch(request, pk)
    try:
        service(user=request.user, batch=batch)
    except DeclarationImportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("declarations_detail", pk=batch.pk)


def declarations_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, declarations_confirm, _("Import confirmé : enregistrement en cours."))


def declarations_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, declarations_cancel, _("Import annulé : rien n'a été enregistré."))


def declarations_sample(request: HttpRequest) -> HttpResponse:
    require(request, policy.can_import_declarations)
    response = HttpResponse(sample_answer_file(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="declarations_cnss_exemple.csv"'
    return response
