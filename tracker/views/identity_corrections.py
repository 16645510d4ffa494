"""Identity corrections on the pages: an operator's editor asks from the enrollment page
of a shared person; staff answer from the queue (/identity-corrections/)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policy import can_handle_identity_correction, can_request_identity_correction
from accounts.request_user import current_user
from tracker.forms import IdentityCorrectionForm, StaffAnswerForm
from tracker.models import IdentityCorrectionRequest
from tracker.selectors import enrollment_list, identity_correction_list
from tracker.services.identity_corrections import (
    identity_correction_apply,
    identity_correction_decline,
    identity_correction_request,
)
from tracker.views.people_common import render_form_with_error
from web.mixins import get_scoped_object_or_404


def identity_correction_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The request form, from one of the operator's enrollments of the person."""
    user = current_user(request)
    enrollment = get_scoped_object_or_404(
        lambda user: enrollment_list(user=user).select_related("trainee", "cohort"),
        user=user,
        pk=pk,
    )
    trainee = enrollment.trainee
    if not can_request_identity_correction(user, trainee):
        raise PermissionDenied
    form = IdentityCorrectionForm(request.POST or None, trainee=trainee)
    context = {"enrollment": enrollment, "trainee": trainee}
    template = "identity_corrections/request_form.html"
    if request.method == "POST" and form.is_valid():
        try:
            identity_correction_request(
                trainee=trainee,
                actor=user,
                proposed=form.proposed(),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            return render_form_with_error(request, template, context, form=form, error=error)
        messages.success(request, _("Demande de correction envoyée à l'équipe du programme."))
        return redirect("enrollment_detail", pk=enrollment.pk)
    return render(request, template, {**context, "form": form})


def identity_correction_list_view(request: HttpRequest) -> HttpResponse:
    """Staff: the open requests first (oldest first), then the handled ones. Partners:
    their own organisation's requests and their answers."""
    user = current_user(request)
    corrections = identity_correction_list(user=user).order_by("-status", "created_at", "id")
    rows = [
        {
            "request": correction,
            "can_handle": correction.status == IdentityCorrectionRequest.Status.OPEN
            and can_handle_identity_correction(user, correction.trainee),
        }
        for correction in corrections[:200]
    ]
    return render(
        request,
        "identity_corrections/list.html",
        {"rows": rows, "answer_form": StaffAnswerForm()},
    )


def _answer(request: HttpRequest, pk: int, *, apply: bool) -> HttpResponse:
    user = current_user(request)
    correction = get_scoped_object_or_404(identity_correction_list, user=user, pk=pk)
    if not can_handle_identity_correction(user, correction.trainee):
        raise PermissionDenied
    form = StaffAnswerForm(request.POST)
    comment = form.cleaned_data["staff_comment"] if form.is_valid() else ""
    try:
        if apply:
            identity_correction_apply(request=correction, actor=user, staff_comment=comment)
            messages.success(request, _("Correction appliquée au dossier national."))
        else:
            identity_correction_decline(request=correction, actor=user, staff_comment=comment)
            messages.success(request, _("Demande refusée."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("identity_correction_list")


@require_POST
def identity_correction_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, apply=True)


@require_POST
def identity_correction_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, apply=False)
