"""Pages of the CNSS verification: the request file and the incentive report (staff),
the verified figures and their drill-downs, and the graduates found by the CNSS (staff
nationally, a partner its own). Reads go through accounts.policy,
tracker.verification.selectors and tracker.figures.verified. (The declarations import's
pages are tracker.imports.declarations.views.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policy
from accounts.models import User
from accounts.views.gates import require
from tracker.figures.slices import InvalidSliceError, Slice, parse_slice
from tracker.figures.verified.figures import (
    DIMENSIONS,
    GRADUATE_STATUSES,
    STATUSES,
    gap_reason,
    graduate_drilldown,
    verified_drilldown,
    verified_figures,
    verified_totals,
)
from tracker.models import FoundByCnss
from tracker.verification import selectors
from tracker.verification.incentives import (
    GROUPS,
    REPORT_YEARS,
    EstimateRow,
    estimate_totals,
    incentive_estimates,
)
from tracker.verification.request_file import REQUEST_EXPORT_COLUMNS, request_rows
from web.exports import EXPORT_FORMATS, ExportColumn, csv_response
from web.form_styles import StyledFormMixin

# --- Request file (staff) ------------------------------------------------------------


class PeriodForm(StyledFormMixin, forms.Form):
    start = forms.DateField(
        label=gettext_lazy("Du"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=gettext_lazy("Au"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("La date de début doit précéder la date de fin."))
        return data


def request_file(request: HttpRequest) -> HttpResponseBase:
    require(request, policy.can_export_request_file)
    form = PeriodForm(request.GET or None)
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        return csv_response(
            request_rows(start=start, end=end),
            REQUEST_EXPORT_COLUMNS,
            filename=f"demande_cnss_{start:%Y%m%d}_{end:%Y%m%d}",
        )
    return render(request, "verification/request_file.html", {"form": form})


# --- Verified figures and drill-downs --------------------------------------------------


def _drilldown_slice(request: HttpRequest, user: User) -> Slice:
    """The dashboard's slice a drill-down was opened under (its filters in the URL): an
    id unknown or out of the user's scope answers 404, as on the dashboard."""
    try:
        return parse_slice(request.GET, user=user)
    except InvalidSliceError:
        raise Http404 from None


def verification_figures(request: HttpRequest) -> HttpResponse:
    user = require(request, policy.can_read_verification)
    dimension = request.GET.get("dimension", "year")
    if dimension not in DIMENSIONS:
        dimension = "year"
    return render(
        request,
        "verification/figures.html",
        {
            "dimension": dimension,
            "dimensions": [(key, spec.label) for key, spec in DIMENSIONS.items()],
            "rows": verified_figures(user=user, dimension=dimension),
            "totals": verified_totals(user=user),
            "perms_staff": policy.can_read_incentives(user),
            "perms_admin": policy.can_import_declarations(user),
            "found_count": FoundByCnss.objects.filter(
                enrollment__in=selectors.found_by_cnss_scope(user=user)
            ).count(),
        },
    )


def _yes_no(value: bool) -> str:
    return str(_("oui")) if value else str(_("non"))


DRILLDOWN_COLUMNS = [
    ExportColumn(gettext_lazy("CIN"), lambda p: p.enrollment.trainee.cin),
    ExportColumn(gettext_lazy("Nom"), lambda p: str(p.enrollment.trainee)),
    ExportColumn(gettext_lazy("Convention"), lambda p: p.enrollment.cohort.convention.reference),
    ExportColumn(gettext_lazy("Cohorte"), lambda p: p.enrollment.cohort.code),
    ExportColumn(gettext_lazy("Employeur déclaré par le partenaire"), lambda p: p.employer_display),
    ExportColumn(gettext_lazy("Date d'embauche"), lambda p: p.hired_on),
    ExportColumn(gettext_lazy("Vérifiée"), lambda p: _yes_no(p.verification.verified)),
    ExportColumn(
        gettext_lazy("En poste à 6 mois"),
        lambda p: _yes_no(p.verification.retained_6m) if p.verification.eligible_6m else "—",
    ),
    ExportColumn(
        gettext_lazy("En poste à 12 mois"),
        lambda p: _yes_no(p.verification.retained_12m) if p.verification.eligible_12m else "—",
    ),
    ExportColumn(gettext_lazy("Écart expliqué"), gap_reason),
]


def verification_hires(request: HttpRequest) -> HttpResponseBase:
    """The hires a verified figure counts (staff: all; a partner: its own)."""
    user = require(request, policy.can_read_verification)
    dimension = request.GET.get("dimension", "")
    member = request.GET.get("member", "")
    status = request.GET.get("status", "declared")
    part = _drilldown_slice(request, user)
    try:
        if status not in STATUSES or (dimension and dimension not in DIMENSIONS):
            raise KeyError(status)
        rows = verified_drilldown(
            user=user, dimension=dimension, member=member, status=status, part=part
        )
    except (KeyError, ValueError):
        return render(request, "verification/invalid_query.html", status=400)
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return EXPORT_FORMATS[export](rows, DRILLDOWN_COLUMNS, filename="embauches_verification")
    count = rows.count()
    shown = list(rows[: settings.LIST_MAX_PER_PAGE])
    return render(
        request,
        "verification/hires.html",
        {
            "headers": [str(column.header) for column in DRILLDOWN_COLUMNS],
            "rows": [[column.value(p) for column in DRILLDOWN_COLUMNS] for p in shown],
            "count": count,
            "status_label": _status_label(status),
            "slice_words": part.words,
        },
    )


def _status_label(status: str) -> str:
    labels = {
        "declared": _("Embauches déclarées"),
        "verified": _("Embauches vérifiées"),
        "not_verified": _("Embauches déclarées non vérifiées (à suivre)"),
        "eligible_6m": _("Embauches dont le 6e mois est couvert"),
        "retained_6m": _("En poste à 6 mois selon les déclarations"),
        "eligible_12m": _("Embauches dont le 12e mois est couvert"),
        "retained_12m": _("En poste à 12 mois selon les déclarations"),
    }
    return str(labels[status])


GRADUATE_COLUMNS = [
    ExportColumn(gettext_lazy("CIN"), lambda e: e.trainee.cin),
    ExportColumn(gettext_lazy("Nom"), lambda e: str(e.trainee)),
    ExportColumn(gettext_lazy("Cohorte"), lambda e: e.cohort.code),
    ExportColumn(gettext_lazy("Date de diplomation"), lambda e: e.graduated_on),
    ExportColumn(
        gettext_lazy("En emploi à 6 mois (déclarations)"),
        lambda e: _yes_no(e.cnss_outcome.placed_6m),
    ),
]


def verification_graduates(request: HttpRequest) -> HttpResponseBase:
    """The graduates a placement-at-6-months figure counts (a partner: its own)."""
    user = require(request, policy.can_read_verification)
    dimension = request.GET.get("dimension", "")
    status = request.GET.get("status", "graduates_placed_6m")
    part = _drilldown_slice(request, user)
    try:
        if status not in GRADUATE_STATUSES or (dimension and dimension not in DIMENSIONS):
            raise KeyError(status)
        rows = graduate_drilldown(
            user=user,
            dimension=dimension,
            member=request.GET.get("member", ""),
            status=status,
            part=part,
        )
    except (KeyError, ValueError):
        return render(request, "verification/invalid_query.html", status=400)
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return EXPORT_FORMATS[export](rows, GRADUATE_COLUMNS, filename="laureats_verification")
    shown = list(rows[: settings.LIST_MAX_PER_PAGE])
    labels = {
        "graduates_eligible_6m": _("Lauréats dont les 6 mois sont couverts"),
        "graduates_placed_6m": _("Lauréats en emploi à 6 mois selon les déclarations"),
    }
    return render(
        request,
        "verification/hires.html",
        {
            "headers": [str(column.header) for column in GRADUATE_COLUMNS],
            "rows": [[column.value(e) for column in GRADUATE_COLUMNS] for e in shown],
            "count": rows.count(),
            "status_label": labels[status],
            "slice_words": part.words,
        },
    )


FOUND_COLUMNS = [
    ExportColumn(gettext_lazy("CIN"), lambda f: f.enrollment.trainee.cin),
    ExportColumn(gettext_lazy("Nom"), lambda f: str(f.enrollment.trainee)),
    ExportColumn(gettext_lazy("Cohorte"), lambda f: f.enrollment.cohort.code),
    ExportColumn(gettext_lazy("Date de diplomation"), lambda f: f.enrollment.graduated_on),
    ExportColumn(
        gettext_lazy("Déclaré(e) dès"),
        lambda f: dt.date(f.first_month_index // 12, f.first_month_index % 12 + 1, 1).strftime(
            "%Y-%m"
        ),
    ),
]


def verification_found(request: HttpRequest) -> HttpResponseBase:
    """Graduates with no hire recorded whom the CNSS declares: for the operator to
    complete (the employer and the salary are never shown)."""
    user = require(request, policy.can_read_verification)
    rows = (
        FoundByCnss.objects.filter(enrollment__in=selectors.found_by_cnss_scope(user=user))
        .select_related("enrollment__trainee", "enrollment__cohort")
        .order_by("enrollment__cohort__code", "enrollment__trainee__cin")
    )
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return EXPORT_FORMATS[export](rows, FOUND_COLUMNS, filename="retrouves_cnss")
    shown = list(rows[: settings.LIST_MAX_PER_PAGE])
    return render(
        request,
        "verification/found.html",
        {
            "headers": [str(column.header) for column in FOUND_COLUMNS],
            "rows": [[column.value(f) for column in FOUND_COLUMNS] for f in shown],
            "count": rows.count(),
        },
    )


# --- Incentive estimates (staff) -------------------------------------------------------

ESTIMATE_COLUMNS = [
    ExportColumn(gettext_lazy("Groupe"), lambda r: r.label),
    ExportColumn(gettext_lazy("Emplois vérifiés comptés"), lambda r: r.verified_jobs),
    ExportColumn(
        gettext_lazy("PAE : emplois ayant atteint la durée minimale"), lambda r: r.pae_reached_jobs
    ),
    ExportColumn(gettext_lazy("PAE estimée (MAD)"), lambda r: r.pae_reached_mad),
    ExportColumn(gettext_lazy("PAE : emplois en cours"), lambda r: r.pae_in_progress_jobs),
    ExportColumn(gettext_lazy("PAE potentielle (MAD)"), lambda r: r.pae_in_progress_mad),
    ExportColumn(gettext_lazy("PAF : recrues"), lambda r: r.paf_recruits),
    ExportColumn(gettext_lazy("PAF estimée (MAD)"), lambda r: r.paf_mad),
]


def incentive_report(request: HttpRequest) -> HttpResponseBase:
    require(request, policy.can_read_incentives)
    try:
        year = int(request.GET.get("year", REPORT_YEARS[-1]))
    except ValueError:
        year = REPORT_YEARS[-1]
    if year not in REPORT_YEARS:
        year = REPORT_YEARS[-1]
    group = request.GET.get("group", "convention")
    if group not in GROUPS:
        group = "convention"
    rows: list[EstimateRow] = incentive_estimates(year=year, group=group)
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        notice = EstimateRow(label=str(_("Estimations, pas des décisions de paiement.")))
        return EXPORT_FORMATS[export](
            [*rows, estimate_totals(rows), notice],
            ESTIMATE_COLUMNS,
            filename=f"estimations_paf_pae_{year}_{group}",
        )
    return render(
        request,
        "verification/incentives.html",
        {
            "year": year,
            "years": REPORT_YEARS,
            "group": group,
            "groups": [(key, label) for key, (label, _fields) in GROUPS.items()],
            "rows": rows,
            "totals": estimate_totals(rows),
        },
    )
