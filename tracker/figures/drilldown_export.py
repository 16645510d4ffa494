"""The export of a drill-down page: the rows a figure counts, with the columns of the
lists (web.exports, the one formula-safe writer) and the privacy policy applied: the
person's CIN and name only for who may see them (accounts.policy), masked otherwise."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.policy import PrivacyPolicy
from tracker.figures.definitions import ENROLLMENTS
from web.exports import ExportColumn

# What the export reads beyond the page's joins (one query per chunk, no query per row).
ENROLLMENT_EXPORT_RELATED = ("trainee", "cohort__convention", "cohort__region")
HIRE_EXPORT_RELATED = (
    "employer",
    "enrollment__trainee",
    "enrollment__cohort__convention",
    "enrollment__cohort__region",
)


def export_related(rows_kind: str) -> tuple[str, ...]:
    return ENROLLMENT_EXPORT_RELATED if rows_kind == ENROLLMENTS else HIRE_EXPORT_RELATED


def drilldown_export_columns(rows_kind: str, policy: PrivacyPolicy) -> list[ExportColumn]:
    """The columns of an enrollments' or hires' drill-down export."""
    if rows_kind == ENROLLMENTS:
        return [
            ExportColumn(_("N° d'inscription"), lambda e: e.pk),
            ExportColumn(_("CIN"), lambda e: policy.value(e.cohort, e.trainee.cin)),
            ExportColumn(_("Stagiaire"), lambda e: policy.person_name(e.cohort, e.trainee)),
            ExportColumn(_("Sexe"), lambda e: e.trainee.get_sex_display()),
            ExportColumn(_("Cohorte"), lambda e: e.cohort.code),
            ExportColumn(_("Convention"), lambda e: e.cohort.convention.reference),
            ExportColumn(_("Région"), lambda e: e.cohort.region.name),
            ExportColumn(_("Statut"), lambda e: e.get_status_display()),
            ExportColumn(_("date d'inscription"), lambda e: e.enrolled_on),
            ExportColumn(_("date de diplomation"), lambda e: e.graduated_on),
        ]
    return [
        ExportColumn(_("N° d'embauche"), lambda p: p.pk),
        ExportColumn(_("N° d'inscription"), lambda p: p.enrollment_id),
        ExportColumn(
            _("CIN"), lambda p: policy.value(p.enrollment.cohort, p.enrollment.trainee.cin)
        ),
        ExportColumn(
            _("Stagiaire"),
            lambda p: policy.person_name(p.enrollment.cohort, p.enrollment.trainee),
        ),
        ExportColumn(_("Sexe"), lambda p: p.enrollment.trainee.get_sex_display()),
        ExportColumn(_("Cohorte"), lambda p: p.enrollment.cohort.code),
        ExportColumn(_("Convention"), lambda p: p.enrollment.cohort.convention.reference),
        ExportColumn(_("Région"), lambda p: p.enrollment.cohort.region.name),
        ExportColumn(_("Employeur"), lambda p: p.employer_display),
        ExportColumn(_("Contrat"), lambda p: p.get_contract_type_display()),
        ExportColumn(_("Poste"), lambda p: p.job_title),
        ExportColumn(_("Embauche"), lambda p: p.hired_on),
        ExportColumn(_("Fin"), lambda p: p.ended_on),
    ]
