"""The drill-down tables: the enrollments or hires behind a figure. No personal data
(names, CIN, contacts): these pages serve everyone who sees the figure."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tracker.models import Enrollment, Placement


class FigureEnrollmentTable(tables.Table):
    id = tables.Column(verbose_name=_("N° d'inscription"))
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
    id = tables.Column(verbose_name=_("N° d'embauche"))
    enrollment = tables.Column(accessor="enrollment_id", verbose_name=_("N° d'inscription"))
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
