"""The drill-down tables: the enrollments or hires behind a figure, each row linking to
its record. No personal data (names, CIN, contacts) on the page: it serves everyone who
sees the figure; the export names the person where the privacy policy allows
(tracker.figures.drilldown_export)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tracker.models import Enrollment, Placement


class FigureEnrollmentTable(tables.Table):
    id = tables.Column(
        verbose_name=_("N° d'inscription"),
        linkify=("enrollment_detail", {"pk": tables.A("pk")}),
    )
    cohort = tables.Column(accessor="cohort__code", verbose_name=_("Cohorte"))
    convention = tables.Column(
        accessor="cohort__convention__reference", verbose_name=_("Convention")
    )
    region = tables.Column(  # in the reader's language; sorted as before
        accessor="cohort__region__name",
        order_by=("cohort__region__name_fr",),
        verbose_name=_("Région"),
    )
    sex = tables.Column(accessor="trainee__sex", verbose_name=_("Sexe"))

    class Meta:
        model = Enrollment
        fields = (
            "id",
            "cohort",
            "convention",
            "region",
            "sex",
            "status",
            "enrolled_on",
            "graduated_on",
        )
        sequence = fields
        attrs = {"data-testid": "figure-rows"}
        order_by = ("id",)

    def render_sex(self, record: Enrollment) -> str:
        return str(record.trainee.get_sex_display())


class FigureHireTable(tables.Table):
    id = tables.Column(
        verbose_name=_("N° d'embauche"),
        linkify=("placement_detail", {"pk": tables.A("pk")}),
    )
    enrollment = tables.Column(
        accessor="enrollment_id",
        verbose_name=_("N° d'inscription"),
        linkify=("enrollment_detail", {"pk": tables.A("enrollment_id")}),
    )
    cohort = tables.Column(accessor="enrollment__cohort__code", verbose_name=_("Cohorte"))
    convention = tables.Column(
        accessor="enrollment__cohort__convention__reference", verbose_name=_("Convention")
    )
    region = tables.Column(
        accessor="enrollment__cohort__region__name",
        order_by=("enrollment__cohort__region__name_fr",),
        verbose_name=_("Région"),
    )
    employer = tables.Column(
        accessor="employer_display", verbose_name=_("Employeur"), orderable=False
    )

    class Meta:
        model = Placement
        fields = (
            "id",
            "enrollment",
            "cohort",
            "convention",
            "region",
            "employer",
            "contract_type",
            "job_title",
            "hired_on",
            "ended_on",
        )
        sequence = fields
        attrs = {"data-testid": "figure-rows"}
        order_by = ("id",)
