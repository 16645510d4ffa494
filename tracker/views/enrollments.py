"""Enrollment pages: list (filters, search, sort, export), enroll a trainee in a cohort,
detail with history, corrections and the transitions graduate / drop out / fail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.policy import (
    PrivacyPolicy,
    can_edit_people_in,
    can_reopen_enrollment,
    can_request_identity_correction,
)
from accounts.request_user import current_user
from conventions.models import Region
from tracker.filters import EnrollmentFilter
from tracker.forms import (
    EnrollmentCreateForm,
    EnrollmentUpdateForm,
    ExitForm,
    GraduateForm,
    ReopenForm,
)
from tracker.identity import is_shared
from tracker.imports.update_views import UpdateExportMixin
from tracker.models import ChangeLog, Enrollment
from tracker.selectors import (
    cohort_list,
    enrollment_list,
    person_history,
    placement_list,
    trainee_contact_list,
    trainee_contacts_readable,
)
from tracker.services.enrollments import (
    enrollment_create,
    enrollment_drop_out,
    enrollment_fail,
    enrollment_graduate,
    enrollment_reopen,
    enrollment_update,
)
from tracker.services.history import changelog_for
from tracker.tables import EnrollmentTable
from tracker.views.bulk_enrollments import BulkListMixin
from tracker.views.people_common import render_form_with_error
from web.choices import reference_rows
from web.exports import ExportColumn
from web.lists import ScopedListView
from web.mixins import get_scoped_object_or_404

ENROLLMENT_RELATED = (
    "trainee",
    "cohort__operator",
    "cohort__region",
    "cohort__convention",
)


class EnrollmentListView(BulkListMixin, UpdateExportMixin, ScopedListView):
    selector = enrollment_list
    filterset_class = EnrollmentFilter
    table_class = EnrollmentTable
    template_name = "enrollments/enrollment_list.html"
    export_filename = "inscriptions"

    @cached_property
    def policy(self) -> PrivacyPolicy:
        return PrivacyPolicy.for_user(current_user(self.request))

    def get_queryset(self) -> QuerySet[Enrollment]:
        return (
            super()
            .get_queryset()
            .select_related("trainee", "cohort__operator", "cohort__region", "cohort__convention")
        )

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"policy": self.policy}

    # The export reads plain values (no model instances): 100,000 rows stream in seconds.
    EXPORT_FIELDS = (
        "id",
        "status",
        "enrolled_on",
        "graduated_on",
        "exited_on",
        "certificate_ref",
        "trainee__cin",
        "trainee__last_name",
        "trainee__first_name",
        "trainee__last_name_ar",
        "trainee__first_name_ar",
        "trainee__sex",
        "trainee__birth_date",
        "contact_phone",
        "contact_email",
        "arabic_names_known",
        "cohort__code",
        "cohort__operator_id",
        "cohort__convention_id",
        "cohort__region_id",
        "cohort__convention__reference",
        "cohort__operator__name",
    )

    def get_export_rows(self) -> Any:
        # Phone and e-mail as the enrollment's operator recorded them (TraineeContact):
        # a partner exports its own records, never another operator's.
        contact = trainee_contacts_readable(user=current_user(self.request)).filter(
            trainee_id=OuterRef("trainee_id"), operator_id=OuterRef("operator_id")
        )
        return (
            super()
            .get_export_rows()
            .annotate(
                contact_phone=Subquery(contact.values("phone")[:1]),
                contact_email=Subquery(contact.values("email")[:1]),
                arabic_names_known=Subquery(contact.values("arabic_names_known")[:1]),
            )
            .values(*self.EXPORT_FIELDS)
        )

    @property
    def export_columns(self) -> list[ExportColumn]:  # type: ignore[override]
        """Person-level export: personal columns follow the same masking as the page."""
        policy = self.policy
        regions = {region.pk: region.name for region in reference_rows(Region)}
        statuses = {value: str(label) for value, label in Enrollment.Status.choices}

        seen: dict[tuple[int, int], bool] = {}

        def personal(field: str) -> Callable[[dict[str, Any]], Any]:
            def read(row: dict[str, Any]) -> Any:
                key = (row["cohort__operator_id"], row["cohort__convention_id"])
                visible = seen.get(key)
                if visible is None:  # asked once per cohort owner, not once per cell
                    visible = seen[key] = policy.can_see(ExportCohort(*key))  # type: ignore[arg-type]
                if visible:
                    return row[field]
                return policy.value(ExportCohort(*key), row[field])  # type: ignore[arg-type]

            return read

        partner_role = current_user(self.request).is_partner

        def arabic(field: str) -> Callable[[dict[str, Any]], Any]:
            """The Arabic names: a partner's only once it supplied them itself."""
            read_personal = personal(field)

            def read(row: dict[str, Any]) -> Any:
                if partner_role and not row["arabic_names_known"]:
                    return ""
                return read_personal(row)

            return read

        def plain(field: str) -> Callable[[dict[str, Any]], Any]:
            return lambda row: row[field]

        return [
            ExportColumn(gettext_lazy("N°"), plain("id")),
            ExportColumn(gettext_lazy("CIN"), personal("trainee__cin")),
            ExportColumn(gettext_lazy("Nom"), personal("trainee__last_name")),
            ExportColumn(gettext_lazy("Prénom"), personal("trainee__first_name")),
            ExportColumn(gettext_lazy("Nom (arabe)"), arabic("trainee__last_name_ar")),
            ExportColumn(gettext_lazy("Prénom (arabe)"), arabic("trainee__first_name_ar")),
            ExportColumn(gettext_lazy("Sexe"), plain("trainee__sex")),
            ExportColumn(gettext_lazy("Date de naissance"), personal("trainee__birth_date")),
            ExportColumn(gettext_lazy("Téléphone"), personal("contact_phone")),
            ExportColumn(gettext_lazy("E-mail"), personal("contact_email")),
            ExportColumn(gettext_lazy("Cohorte"), plain("cohort__code")),
            ExportColumn(gettext_lazy("Convention"), plain("cohort__convention__reference")),
            ExportColumn(gettext_lazy("Opérateur"), plain("cohort__operator__name")),
            ExportColumn(gettext_lazy("Région"), lambda row: regions.get(row["cohort__region_id"])),
            ExportColumn(gettext_lazy("Statut"), lambda row: statuses[row["status"]]),
            ExportColumn(gettext_lazy("Inscription"), plain("enrolled_on")),
            ExportColumn(gettext_lazy("Diplomation"), plain("graduated_on")),
            ExportColumn(gettext_lazy("Sortie"), plain("exited_on")),
            ExportColumn(gettext_lazy("Certificat"), plain("certificate_ref")),
        ]


class ExportCohort(NamedTuple):
    """What the privacy policy reads of a row's cohort."""

    operator_id: int
    convention_id: int


def _scoped_enrollment(request: HttpRequest, pk: int) -> Enrollment:
    return get_scoped_object_or_404(
        lambda user: enrollment_list(user=user).select_related(*ENROLLMENT_RELATED),
        user=current_user(request),
        pk=pk,
    )


def _editable_enrollment(request: HttpRequest, pk: int) -> Enrollment:
    """404 outside the user's scope, 403 inside it without the right to change it."""
    enrollment = _scoped_enrollment(request, pk)
    if not can_edit_people_in(current_user(request), enrollment.cohort):
        raise PermissionDenied
    return enrollment


def enrollment_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    cohort = get_scoped_object_or_404(
        lambda user: cohort_list(user=user).select_related("convention"), user=user, pk=pk
    )
    if not can_edit_people_in(user, cohort):
        raise PermissionDenied
    form = EnrollmentCreateForm(request.POST or None, cohort=cohort)
    context = {"cohort": cohort}
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = enrollment_create(
                cohort=cohort,
                trainee=form.trainee_input(),
                enrolled_on=form.cleaned_data["enrolled_on"],
                certificate_ref=form.cleaned_data["certificate_ref"],
                actor=user,
            )
        except ValidationError as error:
            return render_form_with_error(
                request, "enrollments/enrollment_form.html", context, form=form, error=error
            )
        messages.success(
            request,
            _("%(name)s est inscrit(e) dans la cohorte %(code)s.")
            % {"name": str(enrollment.trainee), "code": cohort.code},
        )
        return redirect("cohort_detail", pk=cohort.pk)
    return render(request, "enrollments/enrollment_form.html", {**context, "form": form})


def enrollment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    enrollment = _scoped_enrollment(request, pk)
    policy = PrivacyPolicy.for_user(user)
    can_edit = can_edit_people_in(user, enrollment.cohort)
    initial = {"version": enrollment.version}
    # Each operator's record of the person the user may read: a partner its own, staff
    # every operator's (labelled).
    contacts = [
        contact
        for contact in trainee_contact_list(user=user, trainee=enrollment.trainee)
        if policy.can_see_contact(enrollment.cohort, contact.operator_id)
    ]
    return render(
        request,
        "enrollments/enrollment_detail.html",
        {
            "enrollment": enrollment,
            "trainee": enrollment.trainee,
            "show_personal": policy.can_see(enrollment.cohort),
            "person_name": policy.person_name(enrollment.cohort, enrollment.trainee),
            "placements": placement_list(user=user)
            .filter(enrollment=enrollment)
            .select_related("employer", "zone", "region"),
            "history": changelog_for(entity=ChangeLog.Entity.ENROLLMENT, object_id=enrollment.pk),
            "contacts": contacts,
            "show_arabic_names": policy.can_see_arabic_names(
                enrollment.cohort, enrollment.trainee.contact_for(user.partner_id)
            ),
            # The identity of a person another operator also trains: asked, not edited.
            "can_request_correction": can_request_identity_correction(user, enrollment.trainee)
            and is_shared(enrollment.trainee),
            "person_history": _labelled_person_history(user, enrollment, policy),
            "can_edit": can_edit,
            "in_progress": enrollment.status == Enrollment.Status.ENROLLED,
            "graduate_form": GraduateForm(initial=initial, auto_id="graduate_%s"),
            "drop_out_form": ExitForm(initial=initial, auto_id="drop_out_%s"),
            "fail_form": ExitForm(initial=initial, auto_id="fail_%s"),
            "can_reopen": enrollment.status != Enrollment.Status.ENROLLED
            and can_reopen_enrollment(user, enrollment.cohort),
        },
    )


def _labelled_person_history(
    user: Any, enrollment: Enrollment, policy: PrivacyPolicy
) -> list[ChangeLog]:
    """The person's history the user may read, each entry labelled with the operator
    whose record it changed (the national record's entries: "identité")."""
    if not policy.can_see(enrollment.cohort):
        return []
    operators = {
        contact.pk: contact.operator.name
        for contact in trainee_contact_list(user=user, trainee=enrollment.trainee)
    }
    entries = list(person_history(user=user, trainee=enrollment.trainee))
    for entry in entries:
        entry.subject = (  # type: ignore[attr-defined]
            operators.get(entry.object_id, "")
            if entry.entity == ChangeLog.Entity.CONTACT
            else _("identité")
        )
    return entries


def enrollment_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    enrollment = _editable_enrollment(request, pk)
    initial = {
        "version": enrollment.version,
        "enrolled_on": enrollment.enrolled_on,
        "graduated_on": enrollment.graduated_on,
        "exited_on": enrollment.exited_on,
        "certificate_ref": enrollment.certificate_ref,
    }
    form = EnrollmentUpdateForm(request.POST or None, initial=initial, enrollment=enrollment)
    context = {"enrollment": enrollment, "title": _("Corriger l'inscription")}
    template = "enrollments/enrollment_edit.html"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrollment_update(
                enrollment=enrollment,
                version=data["version"],
                enrolled_on=data["enrolled_on"],
                certificate_ref=data["certificate_ref"],
                graduated_on=data.get("graduated_on"),
                exited_on=data.get("exited_on"),
                actor=user,
            )
        except ValidationError as error:
            return render_form_with_error(request, template, context, form=form, error=error)
        messages.success(request, _("Inscription enregistrée."))
        return redirect("enrollment_detail", pk=enrollment.pk)
    return render(request, template, {**context, "form": form})


def _transition(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[GraduateForm] | type[ExitForm],
    title: str,
    done: str,
    apply: Callable[[Enrollment, dict[str, Any]], Enrollment],
) -> HttpResponse:
    enrollment = _editable_enrollment(request, pk)
    form = form_class(request.POST or None, initial={"version": enrollment.version})
    context = {"enrollment": enrollment, "title": title}
    template = "enrollments/enrollment_edit.html"
    if request.method == "POST" and form.is_valid():
        try:
            apply(enrollment, form.cleaned_data)
        except ValidationError as error:
            return render_form_with_error(request, template, context, form=form, error=error)
        messages.success(request, done)
        return redirect("enrollment_detail", pk=enrollment.pk)
    return render(request, template, {**context, "form": form})


@require_http_methods(["GET", "POST"])
def enrollment_graduate_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    return _transition(
        request,
        pk,
        form_class=GraduateForm,
        title=_("Enregistrer la diplomation"),
        done=_("Diplomation enregistrée."),
        apply=lambda enrollment, data: enrollment_graduate(
            enrollment=enrollment,
            version=data["version"],
            graduated_on=data["graduated_on"],
            certificate_ref=data["certificate_ref"],
            actor=user,
        ),
    )


def _exit(
    request: HttpRequest,
    pk: int,
    *,
    service: Callable[..., Enrollment],
    title: str,
    done: str,
) -> HttpResponse:
    """A drop-out or a failure: the same form (date of exit), another service."""
    user = current_user(request)
    return _transition(
        request,
        pk,
        form_class=ExitForm,
        title=title,
        done=done,
        apply=lambda enrollment, data: service(
            enrollment=enrollment,
            version=data["version"],
            exited_on=data["exited_on"],
            actor=user,
        ),
    )


@require_http_methods(["GET", "POST"])
def enrollment_drop_out_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _exit(
        request,
        pk,
        service=enrollment_drop_out,
        title=_("Enregistrer un abandon"),
        done=_("Abandon enregistré."),
    )


@require_http_methods(["GET", "POST"])
def enrollment_fail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _exit(
        request,
        pk,
        service=enrollment_fail,
        title=_("Enregistrer un échec"),
        done=_("Échec enregistré."),
    )


@require_http_methods(["GET", "POST"])
def enrollment_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The staff correction of a closed enrollment (tracker.lifecycle): 404 outside the
    user's scope, 403 for whoever may not reopen (partners), a reason required."""
    user = current_user(request)
    enrollment = _scoped_enrollment(request, pk)
    if not can_reopen_enrollment(user, enrollment.cohort):
        raise PermissionDenied
    form = ReopenForm(request.POST or None, initial={"version": enrollment.version})
    context = {"enrollment": enrollment, "title": _("Rouvrir l'inscription")}
    template = "enrollments/enrollment_edit.html"
    if request.method == "POST" and form.is_valid():
        try:
            enrollment_reopen(
                enrollment=enrollment,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                actor=user,
            )
        except ValidationError as error:
            return render_form_with_error(request, template, context, form=form, error=error)
        messages.success(request, _("Inscription rouverte."))
        return redirect("enrollment_detail", pk=enrollment.pk)
    return render(request, template, {**context, "form": form})
