"""Convention pages. Every page first finds the convention through the scoping selector
(404 outside the user's scope), then parses input and calls one service; a refusal comes
back as a message or a form error, never as a crash page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import DetailView

from accounts.models import User
from conventions.commitment_grid import CommitmentGrid, period_years
from conventions.filters import ConventionFilter
from conventions.forms import (
    AmendmentForm,
    ConventionForm,
    DocumentForm,
    PartyForm,
    TransitionForm,
)
from conventions.models import Amendment, Commitment, Convention, ConventionParty, Indicator
from conventions.selectors import (
    convention_amendments,
    convention_list,
    convention_parties,
    convention_transitions,
    current_commitments,
    original_commitments,
)
from conventions.services import (
    TRANSITION_SERVICES,
    TRANSITIONS,
    amendment_create,
    commitment_targets_check,
    convention_commitment_remove,
    convention_commitments_replace,
    convention_create,
    convention_document_attach,
    convention_party_add,
    convention_party_remove,
    convention_sign_checks,
    convention_update,
    transitions_available,
    user_may_amend,
    user_may_attach_document,
    user_may_edit_convention,
    user_may_edit_terms,
)
from conventions.tables import CONVENTION_EXPORT_COLUMNS, ConventionTable
from web.lists import ScopedListView
from web.mixins import ScopedQuerysetMixin, get_scoped_object_or_404


def _scoped_convention(request: HttpRequest, pk: int) -> Convention:
    return get_scoped_object_or_404(convention_list, user=request.user, pk=pk)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _refuse(request: HttpRequest, convention: Convention, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("conventions:convention_detail", pk=convention.pk)


def _messages_of(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def commitments_by_year(commitments: list[Commitment]) -> list[tuple[int, list[Commitment | None]]]:
    """Rows of (year, one commitment or None per indicator, in Indicator order): the
    targets read as a year-by-indicator grid."""
    cells = {(c.year, c.indicator): c for c in commitments}
    years = sorted({c.year for c in commitments})
    return [(year, [cells.get((year, value)) for value in Indicator.values]) for year in years]


class ConventionListView(ScopedListView):
    selector = convention_list
    filterset_class = ConventionFilter
    table_class = ConventionTable
    template_name = "conventions/convention_list.html"
    export_columns = CONVENTION_EXPORT_COLUMNS
    export_filename = "conventions"


class ConventionDetailView(ScopedQuerysetMixin, DetailView):
    selector = convention_list
    template_name = "conventions/convention_detail.html"
    context_object_name = "convention"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        convention: Convention = self.object
        user = _user(self.request)
        current = list(current_commitments(convention))
        original = list(original_commitments(convention))
        context.update(
            {
                "parties": convention_parties(convention),
                "indicator_labels": Indicator.labels,
                "current_commitment_rows": commitments_by_year(current),
                "original_commitment_rows": commitments_by_year(original),
                "commitments_amended": [c.pk for c in current] != [c.pk for c in original],
                "amendments": [
                    (amendment, commitments_by_year(list(amendment.commitments.all())))
                    for amendment in convention_amendments(convention).prefetch_related(
                        Prefetch("commitments", queryset=Commitment.objects.all())
                    )
                ],
                "transitions": convention_transitions(convention),
                "managers": convention.managers.all(),
                "available_transitions": transitions_available(user=user, convention=convention),
                "sign_checks": convention_sign_checks(convention=convention),
                "can_edit_terms": user_may_edit_terms(user, convention),
                "can_attach_document": user_may_attach_document(user, convention),
                "can_amend": user_may_amend(user, convention),
                "party_form": PartyForm(user=user),
                "document_form": DocumentForm(),
            }
        )
        return context


def _terms_data(form: ConventionForm) -> dict[str, Any]:
    keys = [
        "title",
        "kind",
        "signed_on",
        "starts_on",
        "ends_on",
        "budget_state_mad",
        "budget_partner_mad",
        "regions",
        "zones",
        "filieres",
        "managers",
    ]
    return {key: form.cleaned_data[key] for key in keys}


def convention_create_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.is_partner:
        raise Http404
    if not user.is_staff_role:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    form = ConventionForm(
        request.POST or None, initial={"managers": [user] if user.is_manager else []}
    )
    if request.method == "POST" and form.is_valid():
        try:
            convention = convention_create(actor=user, **_terms_data(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Brouillon %(reference)s créé.") % {"reference": convention.reference}
            )
            return redirect("conventions:convention_detail", pk=convention.pk)
    return render(
        request, "conventions/form.html", {"form": form, "title": _("Nouvelle convention")}
    )


def convention_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    convention = _scoped_convention(request, pk)
    user = _user(request)
    if not user_may_edit_terms(user, convention):
        return _refuse(request, convention, _("Vous ne pouvez pas modifier cette convention."))
    form = ConventionForm(request.POST or None, instance=convention)
    if request.method == "POST" and form.is_valid():
        try:
            convention_update(actor=user, convention=convention, **_terms_data(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Convention modifiée."))
            return redirect("conventions:convention_detail", pk=convention.pk)
    return render(
        request,
        "conventions/form.html",
        {
            "form": form,
            "title": _("Modifier %(reference)s") % {"reference": convention.reference},
            "convention": convention,
        },
    )


def _post_form_then_service(
    request: HttpRequest,
    pk: int,
    *,
    form_class: Callable[..., Any],
    service: Callable[[Convention, Any], Any],
    success: str,
    with_files: bool = False,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """POST-only helper for the small forms of the detail page: validate, call the
    service, redirect back with a message saying what happened or why not."""
    convention = _scoped_convention(request, pk)
    if request.method != "POST":
        return redirect("conventions:convention_detail", pk=convention.pk)
    form = form_class(request.POST, request.FILES if with_files else None, **(form_kwargs or {}))
    if not form.is_valid():
        errors = [
            f"{form.fields[name].label if name in form.fields else ''} : {' '.join(msgs)}".lstrip(
                " :"
            )
            for name, msgs in form.errors.items()
        ]
        return _refuse(request, convention, " ".join(errors))
    try:
        service(convention, form.cleaned_data)
    except ValidationError as error:
        return _refuse(request, convention, _messages_of(error))
    messages.success(request, success)
    return redirect("conventions:convention_detail", pk=convention.pk)


@require_POST
def party_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    return _post_form_then_service(
        request,
        pk,
        form_class=PartyForm,
        form_kwargs={"user": user},
        service=lambda convention, data: convention_party_add(
            actor=user, convention=convention, partner=data["partner"], role=data["role"]
        ),
        success=_("Partie ajoutée."),
    )


def _post_remove(
    request: HttpRequest,
    pk: int,
    *,
    model: type[ConventionParty] | type[Commitment],
    child_pk: int,
    service: Callable[[Any], object],
    success: str,
) -> HttpResponse:
    """Removes one row of a convention's terms (a party, a commitment) through its
    service; the row is looked up within the convention the user may see (404 else)."""
    convention = _scoped_convention(request, pk)
    child = get_object_or_404(model, pk=child_pk, convention=convention)
    try:
        service(child)
    except ValidationError as error:
        return _refuse(request, convention, _messages_of(error))
    messages.success(request, success)
    return redirect("conventions:convention_detail", pk=convention.pk)


@require_POST
def party_remove_view(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    user = _user(request)
    return _post_remove(
        request,
        pk,
        model=ConventionParty,
        child_pk=party_pk,
        service=lambda party: convention_party_remove(actor=user, party=party),
        success=_("Partie retirée."),
    )


@require_POST
def commitment_remove_view(request: HttpRequest, pk: int, commitment_pk: int) -> HttpResponse:
    user = _user(request)
    return _post_remove(
        request,
        pk,
        model=Commitment,
        child_pk=commitment_pk,
        service=lambda commitment: convention_commitment_remove(actor=user, commitment=commitment),
        success=_("Engagement retiré."),
    )


@require_POST
def document_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    return _post_form_then_service(
        request,
        pk,
        form_class=DocumentForm,
        with_files=True,
        service=lambda convention, data: convention_document_attach(
            actor=user, convention=convention, file=data["document"]
        ),
        success=_("Document signé enregistré."),
    )


def _pdf_response(field: Any, *, filename: str) -> FileResponse:
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )


def document_download_view(request: HttpRequest, pk: int) -> FileResponse:
    """Served by Django after the scope check: the file lives outside the web root."""
    convention = _scoped_convention(request, pk)
    return _pdf_response(convention.document, filename=f"{convention.reference}.pdf")


def amendment_document_view(request: HttpRequest, pk: int, number: int) -> FileResponse:
    convention = _scoped_convention(request, pk)
    amendment = get_object_or_404(Amendment, convention=convention, number=number)
    return _pdf_response(
        amendment.document, filename=f"{convention.reference}-avenant-{amendment.number}.pdf"
    )


@require_http_methods(["GET", "POST"])
def commitment_grid_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's original targets as one grid (indicators x years of the period),
    saved as a whole or refused as a whole with every cell's error and the typed
    values kept."""
    convention = _scoped_convention(request, pk)
    user = _user(request)
    if user.is_partner or not user_may_edit_convention(user, convention):
        raise PermissionDenied
    if not user_may_edit_terms(user, convention):
        return _refuse(
            request,
            convention,
            _("Les engagements d'une convention qui n'est plus un brouillon changent par avenant."),
        )
    years = period_years(convention.starts_on.year, convention.ends_on.year)
    if request.method == "POST":
        grid = CommitmentGrid.build(years=years, data=request.POST)
        targets = grid.targets()
        try:  # the readable cells are checked even when others are not: all errors at once
            commitment_targets_check(
                targets, starts_on=convention.starts_on, ends_on=convention.ends_on
            )
        except ValidationError as error:
            grid.add_service_error(error)
        if not grid.errors:
            try:
                changed = convention_commitments_replace(
                    actor=user, convention=convention, targets=targets
                )
            except ValidationError as error:
                grid.add_service_error(error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Engagements enregistrés (%(count)s cellule modifiée).",
                        "Engagements enregistrés (%(count)s cellules modifiées).",
                        changed,
                    )
                    % {"count": changed},
                )
                return redirect("conventions:convention_detail", pk=convention.pk)
    else:
        grid = CommitmentGrid.build(years=years, initial=original_commitments(convention))
    return render(
        request,
        "conventions/commitment_grid.html",
        {
            "convention": convention,
            "grid": grid,
            # Targets of years the period no longer covers (its dates changed): not in
            # the grid, left as they are, and said so rather than hidden.
            "outside_period": original_commitments(convention).exclude(year__in=years),
            "title": _("Engagements — %(reference)s") % {"reference": convention.reference},
        },
    )


def _amendment_years(convention: Convention, form: AmendmentForm) -> list[int]:
    """The convention's period, extended to the new end date typed in the form (the
    "update the grid" button re-renders with it)."""
    last = convention.ends_on.year
    if not form.is_bound:
        return period_years(convention.starts_on.year, last)
    form.is_valid()  # cleaned_data holds the fields that are valid, even if others are not
    new_ends_on = form.cleaned_data.get("new_ends_on")
    if new_ends_on is not None:
        last = max(last, new_ends_on.year)
    return period_years(convention.starts_on.year, last)


def _amendment_commitments(
    targets: dict[tuple[str, int], Any], current: list[Commitment]
) -> list[tuple[str, int, Any]] | None:
    """The amendment's new set, or None to keep the current targets: a blank grid, or
    one that repeats the current targets unchanged, replaces nothing."""
    terms = [(ind, year, value) for (ind, year), value in targets.items() if value is not None]
    if sorted(terms) == sorted((c.indicator, c.year, c.target_value) for c in current):
        return None
    return terms or None


def amendment_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    convention = _scoped_convention(request, pk)
    user = _user(request)
    if not user_may_amend(user, convention):
        return _refuse(
            request, convention, _("Vous ne pouvez pas ajouter d'avenant à cette convention.")
        )
    current = list(current_commitments(convention))
    form = AmendmentForm(request.POST or None, request.FILES or None)
    years = _amendment_years(convention, form)
    if request.method != "POST":
        grid = CommitmentGrid.build(years=years, initial=current)
    else:
        grid = CommitmentGrid.build(years=years, data=request.POST)
        targets = grid.targets()
        try:  # every cell's error now, together with the form's (the grid's years are
            # the period the amendment would set; the service checks its real end date)
            commitment_targets_check(
                targets,
                starts_on=convention.starts_on,
                ends_on=dt.date(max(years), 12, 31) if years else convention.ends_on,
            )
        except ValidationError as error:
            grid.add_service_error(error)
        if form.is_valid() and not grid.errors and "refresh_grid" not in request.POST:
            data = form.cleaned_data
            try:
                amendment = amendment_create(
                    actor=user,
                    convention=convention,
                    signed_on=data["signed_on"],
                    reason=data["reason"],
                    document=data["document"],
                    new_ends_on=data["new_ends_on"],
                    commitments=_amendment_commitments(targets, current),
                )
            except ValidationError as error:
                _amendment_refused(form, grid, error)
            else:
                messages.success(
                    request, _("Avenant n° %(number)s enregistré.") % {"number": amendment.number}
                )
                return redirect("conventions:convention_detail", pk=convention.pk)
    return render(
        request,
        "conventions/amendment_form.html",
        {
            "form": form,
            "grid": grid,
            "convention": convention,
            "title": _("Nouvel avenant — %(reference)s") % {"reference": convention.reference},
        },
    )


def _amendment_refused(form: AmendmentForm, grid: CommitmentGrid, error: ValidationError) -> None:
    """The service's refusal where it belongs: a field's error on the field, a cell's on
    the cell, the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages_ in error.message_dict.items():
        if key in form.fields:
            form.add_error(key, messages_)
        else:
            grid.add_service_error(ValidationError({key: messages_}))


@require_POST
def transition_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow button: calls the service of that transition."""
    convention = _scoped_convention(request, pk)
    if action not in TRANSITIONS:
        raise Http404
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _refuse(request, convention, _("Date de signature illisible."))
    kwargs: dict[str, Any] = {"comment": form.cleaned_data["comment"]}
    if action == "sign" and form.cleaned_data["signed_on"]:
        kwargs["signed_on"] = form.cleaned_data["signed_on"]
    try:
        TRANSITION_SERVICES[action](actor=_user(request), convention=convention, **kwargs)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(
            request,
            _("%(reference)s : %(action)s — nouveau statut « %(status)s ».")
            % {
                "reference": convention.reference,
                "action": TRANSITIONS[action].label,
                "status": convention.get_status_display(),
            },
        )
    next_url = request.POST.get("next", "")
    if next_url == "review":
        return redirect("conventions:review_queue")
    return redirect("conventions:convention_detail", pk=convention.pk)
