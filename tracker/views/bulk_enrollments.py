"""Bulk actions on enrollment lists: tick rows of a page (or take every row the filter
matches), choose graduate / drop out / fail and a date; a confirmation step shows how
many rows will change, or which rows break a rule (and why) before anything is written;
confirmed, every row goes through the single-row services at once, all or nothing
(tracker.services.bulk_enrollments).

The rows are read through the user's scope: an id of another partner's enrollment
answers 404, as a missing one does."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.policy import PrivacyPolicy
from tracker.filters import EnrollmentFilter
from tracker.forms import DateInput
from tracker.models import Enrollment
from tracker.selectors import enrollment_list
from tracker.services.bulk_enrollments import (
    ACTIONS,
    BULK_MAX_ROWS,
    BulkRefusal,
    check_bulk_size,
    enrollment_bulk_transition,
)
from tracker.tables import EnrollmentTable
from web.form_styles import StyledFormMixin


def may_act_in_bulk(user: User) -> bool:
    """Who edits enrollments at all (each row's right is checked again by the service)."""
    return user.is_active and (user.is_staff_role or user.can_edit_partner_data)


class BulkEnrollmentTable(EnrollmentTable):
    """The enrollment list with a box per row, tied to the bulk form of the page."""

    select = tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "td__input": {
                "form": "bulk-form",
                "name": "ids",
                "class": "form-check-input",
                "aria-label": gettext_lazy("Sélectionner cette inscription"),
            },
            "th__input": {
                "class": "form-check-input",
                "data-bulk-toggle": "ids",
                "aria-label": gettext_lazy("Sélectionner toutes les inscriptions de la page"),
            },
        },
    )

    class Meta(EnrollmentTable.Meta):
        sequence = ("select", "...")


class BulkForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[(key, action.label) for key, action in ACTIONS.items()],
    )
    on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput)
    ids = forms.CharField(required=False, widget=forms.HiddenInput)
    everything = forms.BooleanField(required=False, widget=forms.HiddenInput)
    query = forms.CharField(required=False, widget=forms.HiddenInput)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_ids(self) -> list[int]:
        raw = self.cleaned_data.get("ids") or ""
        try:
            return sorted({int(part) for part in raw.replace(",", " ").split()})
        except ValueError:
            raise ValidationError(_("Sélection invalide."), code="invalid") from None


class BulkListMixin:
    """For the enrollment list: the table gets its boxes and the page its bulk form when
    the user may act on enrollments."""

    request: Any

    def get_table_class(self) -> Any:
        if may_act_in_bulk(self.request.user):
            return BulkEnrollmentTable
        return super().get_table_class()  # type: ignore[misc]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        if may_act_in_bulk(self.request.user):
            query = self.request.GET.copy()
            for name in ("page", "export", "per_page", "sort"):
                query.pop(name, None)
            context["bulk_form"] = BulkForm(initial={"query": query.urlencode()})
            context["bulk_max_rows"] = BULK_MAX_ROWS
        return context


def _selected(request: HttpRequest, user: User, form: BulkForm) -> list[Enrollment]:
    """The rows the form names, in the user's scope: the ticked ids (any id out of
    scope: 404) or every row the list's filter matches."""
    scoped = enrollment_list(user=user).select_related("trainee", "cohort")
    if form.cleaned_data["everything"]:
        filterset = EnrollmentFilter(
            QueryDict(form.cleaned_data["query"]), queryset=scoped, request=request
        )
        if not filterset.is_valid():
            raise Http404
        rows = filterset.qs.order_by("cohort__code", "trainee__last_name", "id")
        return list(rows[: BULK_MAX_ROWS + 1])
    ids = form.cleaned_data["ids"]
    check_bulk_size(len(ids))
    rows = list(scoped.filter(pk__in=ids).order_by("cohort__code", "trainee__last_name", "id"))
    if len(rows) != len(ids):
        raise Http404  # another partner's id reads as a missing one
    return rows


def _refusal_row(policy: PrivacyPolicy, refusal: BulkRefusal) -> dict[str, Any]:
    """Which trainee (as the policy lets the user read it) and which rules."""
    enrollment = refusal.enrollment
    return {
        "enrollment": enrollment,
        "name": policy.person_name(enrollment.cohort, enrollment.trainee),
        "cin": policy.value(enrollment.cohort, enrollment.trainee.cin),
        "reasons": refusal.reasons,
    }


@require_POST
def enrollment_bulk_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not may_act_in_bulk(user):
        raise PermissionDenied
    posted = request.POST.copy()
    # One box per row on the list page (many "ids"), one field on the confirmation page.
    posted["ids"] = " ".join(request.POST.getlist("ids"))
    form = BulkForm(posted)
    back = reverse("enrollment_list") + "?" + request.POST.get("query", "")
    context: dict[str, Any] = {"form": form, "back": back}
    if not form.is_valid():
        return render(request, "enrollments/bulk_confirm.html", context, status=400)
    data = form.cleaned_data
    try:
        enrollments = _selected(request, user, form)
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, "enrollments/bulk_confirm.html", context, status=400)
    if not enrollments:
        form.add_error(None, _("Cochez au moins une inscription."))
        return render(request, "enrollments/bulk_confirm.html", context, status=400)
    try:
        outcome = enrollment_bulk_transition(
            enrollments=enrollments,
            action=data["action"],
            on=data["on"],
            actor=user,
            dry_run=not data["confirmed"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, "enrollments/bulk_confirm.html", context, status=400)
    if outcome.written:
        messages.success(
            request,
            ngettext(
                "%(count)s inscription mise à jour.",
                "%(count)s inscriptions mises à jour.",
                outcome.count,
            )
            % {"count": outcome.count},
        )
        return redirect(back)
    policy = PrivacyPolicy.for_user(user)
    confirm = BulkForm(
        initial={
            "action": data["action"],
            "on": data["on"],
            "ids": " ".join(str(e.pk) for e in enrollments),
            "query": data["query"],
            "confirmed": True,
        }
    )
    context.update(
        {
            "confirm_form": confirm,
            "count": outcome.count,
            "action_label": ACTIONS[data["action"]].label,
            "on": data["on"],
            "refusals": [
                {
                    "enrollment": refusal.enrollment,
                    "name": policy.person_name(
                        refusal.enrollment.cohort, refusal.enrollment.trainee
                    ),
                    "cin": policy.value(refusal.enrollment.cohort, refusal.enrollment.trainee.cin),
                    "reasons": refusal.reasons,
                }
                for refusal in outcome.refusals
            ],
        }
    )
    return render(request, "enrollments/bulk_confirm.html", context)
