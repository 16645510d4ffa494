"""The admins' review: the queue of submitted conventions, oldest first, with the
signing checks each passes or fails; and the review page of one submission, with what
the reviewer decides on and the approve / return decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import ListView

from accounts.models import Role, User
from conventions.commitment_grid import CommitmentGrid, period_years
from conventions.forms import TransitionForm
from conventions.models import Convention
from conventions.selectors import (
    convention_last_transition_to,
    convention_list,
    convention_parties,
    original_commitments,
    review_queue,
)
from conventions.services import (
    SIGNED_ON_CHECK,
    TRANSITION_SERVICES,
    TRANSITIONS,
    convention_sign_checks,
)
from conventions.services.workflow import Check
from web.mixins import RoleRequiredMixin, get_scoped_object_or_404


class ReviewQueueView(RoleRequiredMixin, ListView):
    allowed_roles = (Role.ADMIN,)
    template_name = "conventions/review_queue.html"
    context_object_name = "conventions"
    paginate_by = 50

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "is_partner", False):
            raise Http404  # partners learn nothing, not even that the page exists
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Convention]:
        return review_queue(user=self.request.user)  # type: ignore[arg-type]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            (convention, convention_sign_checks(convention=convention))
            for convention in context["conventions"]
        ]
        return context


# --- One submission under review ------------------------------------------------------

# The two decisions a reviewer takes on this page, each its own form (prefix) so that a
# refused one is shown again with what was typed in it, the other left blank.
REVIEW_DECISIONS = {"sign": "approve", "return_to_draft": "return"}


def _approve_blockers(checks: list[Check], *, date_typed_here: bool) -> list[Check]:
    """The failed signing checks that forbid approving from this page. A missing
    signature date does not: the approve form asks for it (a required date input)."""
    return [
        check
        for check in checks
        if not check.passed and not (date_typed_here and check.key == SIGNED_ON_CHECK)
    ]


def _decision_forms(request: HttpRequest) -> tuple[str | None, dict[str, TransitionForm]]:
    """The posted decision (None on GET) and the two forms, the posted one bound."""
    decision = request.POST.get("decision") if request.method == "POST" else None
    forms = {
        action: TransitionForm(request.POST if action == decision else None, prefix=prefix)
        for action, prefix in REVIEW_DECISIONS.items()
    }
    return decision, forms


def _add_service_error(form: TransitionForm, error: ValidationError) -> None:
    """A service's refusal shown on the form: next to the field it names, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, list(error.messages))


@require_http_methods(["GET", "POST"])
def review_convention_view(request: HttpRequest, pk: int) -> HttpResponse:
    """What the reviewing admin decides on (the submitter's comment, the parties, the
    commitments per year, the signed PDF, the signing checks), and the two decisions:
    approve (disabled, the missing checks named, while a check fails) or return to draft
    with a comment. A refused decision is shown again with the typed values kept."""
    user = request.user
    if getattr(user, "is_partner", False):
        raise Http404  # as the queue: partners learn nothing, not even that it exists
    if not isinstance(user, User) or not user.is_active or not user.is_admin:
        raise PermissionDenied
    convention = get_scoped_object_or_404(convention_list, user=user, pk=pk)
    if convention.status != Convention.Status.SUBMITTED:
        messages.info(
            request,
            _("%(reference)s n'est plus en attente de revue (statut « %(status)s »).")
            % {"reference": convention.reference, "status": convention.get_status_display()},
        )
        return redirect("conventions:convention_detail", pk=convention.pk)

    decision, forms = _decision_forms(request)
    if decision is not None:
        if decision not in REVIEW_DECISIONS:
            raise Http404
        form = forms[decision]
        if form.is_valid():
            kwargs: dict[str, Any] = {"comment": form.cleaned_data["comment"]}
            if decision == "sign" and form.cleaned_data["signed_on"]:
                kwargs["signed_on"] = form.cleaned_data["signed_on"]
            try:
                TRANSITION_SERVICES[decision](actor=user, convention=convention, **kwargs)
            except ValidationError as error:
                _add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(reference)s : %(action)s — nouveau statut « %(status)s ».")
                    % {
                        "reference": convention.reference,
                        "action": TRANSITIONS[decision].label,
                        "status": convention.get_status_display(),
                    },
                )
                return redirect("conventions:review_queue")

    original = list(original_commitments(convention))
    # The period's years, plus any year a target was typed for before the dates changed:
    # the reviewer sees every target the signature would commit to.
    years = period_years(convention.starts_on.year, convention.ends_on.year)
    years += [c.year for c in original]
    checks = convention_sign_checks(convention=convention)
    date_typed_here = not convention.signed_on
    return render(
        request,
        "conventions/review_convention.html",
        {
            "convention": convention,
            "submission": convention_last_transition_to(convention, Convention.Status.SUBMITTED),
            "last_return": convention_last_transition_to(convention, Convention.Status.DRAFT),
            "parties": convention_parties(convention),
            "managers": convention.managers.all(),
            "grid": CommitmentGrid.build(years=years, initial=original),
            "checks": checks,
            "approve_blockers": _approve_blockers(checks, date_typed_here=date_typed_here),
            "date_typed_here": date_typed_here,
            "today": timezone.localdate(),
            "approve_form": forms["sign"],
            "return_form": forms["return_to_draft"],
        },
    )
