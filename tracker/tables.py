"""django-tables2 tables of the people pages.

Only columns backed by an index are orderable (the sort of a 1M-row list must stay
fast); personal data goes through the request's PrivacyPolicy."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from accounts.policy import MaskEverything, PrivacyPolicy
from tracker.models import Cohort, Enrollment, Placement
from web.columns import AmountColumn, NumberColumn, ShortDateColumn


class CohortTable(tables.Table):
    code = tables.Column(linkify=("cohort_detail", {"pk": tables.A("pk")}))
    convention = tables.Column(
        verbose_name=_("convention"), accessor="convention__reference", orderable=False
    )
    operator = tables.Column(orderable=False)
    filiere = tables.Column(accessor="filiere__code", verbose_name=_("filière"), orderable=False)
    region = tables.Column(orderable=False)
    zone = tables.Column(orderable=False)
    city = tables.Column(orderable=False)
    planned_seats = NumberColumn(orderable=False)
    starts_on = ShortDateColumn()
    ends_on = ShortDateColumn(orderable=False)
    status = tables.Column(orderable=False)

    class Meta:
        model = Cohort
        fields = (
            "code",
            "convention",
            "operator",
            "filiere",
            "region",
            "zone",
            "city",
            "planned_seats",
            "starts_on",
            "ends_on",
            "status",
        )
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "cohort-table"}


class PersonalDataTable(tables.Table):
    """A table showing trainees: masks what the viewer may not see."""

    def __init__(self, *args: Any, policy: PrivacyPolicy | None = None, **kwargs: Any) -> None:
        # Without a policy (a table built only for its rows), everything personal is masked.
        self.policy = policy or MaskEverything()
        super().__init__(*args, **kwargs)


class EnrollmentTable(PersonalDataTable):
    id = tables.Column(
        verbose_name=_("n°"),
        linkify=("enrollment_detail", {"pk": tables.A("pk")}),
        orderable=False,
    )
    trainee = tables.Column(verbose_name=_("stagiaire"), empty_values=(), orderable=False)
    cin = tables.Column(
        verbose_name=_("CIN"),
        accessor="trainee__cin",
        orderable=False,
        empty_values=(),
        attrs={"td": {"class": "cin"}},  # stays left-to-right on Arabic pages (app.css)
    )
    sex = tables.Column(verbose_name=_("sexe"), accessor="trainee__sex", orderable=False)
    cohort = tables.Column(
        verbose_name=_("cohorte"),
        accessor="cohort__code",
        linkify=("cohort_detail", {"pk": tables.A("cohort_id")}),
        orderable=False,
    )
    operator = tables.Column(
        verbose_name=_("opérateur"), accessor="cohort__operator__name", orderable=False
    )
    region = tables.Column(verbose_name=_("région"), accessor="cohort__region", orderable=False)
    status = tables.Column(orderable=False)
    enrolled_on = ShortDateColumn()
    graduated_on = ShortDateColumn()

    class Meta:
        model = Enrollment
        fields = (
            "id",
            "trainee",
            "cin",
            "sex",
            "cohort",
            "operator",
            "region",
            "status",
            "enrolled_on",
            "graduated_on",
        )
        attrs = {
            "class": "table table-sm table-hover align-middle",
            "data-testid": "enrollment-table",
        }

    def render_trainee(self, record: Enrollment) -> str:
        return self.policy.person_name(record.cohort, record.trainee)

    def render_cin(self, record: Enrollment) -> str:
        return str(self.policy.value(record.cohort, record.trainee.cin))

    def render_sex(self, record: Enrollment) -> str:
        return record.trainee.get_sex_display()


class PlacementTable(PersonalDataTable):
    id = tables.Column(
        verbose_name=_("n°"),
        linkify=("placement_detail", {"pk": tables.A("pk")}),
        orderable=False,
    )
    trainee = tables.Column(verbose_name=_("stagiaire"), empty_values=(), orderable=False)
    cohort = tables.Column(
        verbose_name=_("cohorte"), accessor="enrollment__cohort__code", orderable=False
    )
    employer = tables.Column(verbose_name=_("employeur"), empty_values=(), orderable=False)
    contract_type = tables.Column(orderable=False)
    job_title = tables.Column(orderable=False)
    zone = tables.Column(orderable=False)
    hired_on = ShortDateColumn()
    ended_on = ShortDateColumn(orderable=False)
    gross_monthly_salary_mad = AmountColumn(orderable=False)

    class Meta:
        model = Placement
        fields = (
            "id",
            "trainee",
            "cohort",
            "employer",
            "contract_type",
            "job_title",
            "zone",
            "hired_on",
            "ended_on",
            "gross_monthly_salary_mad",
        )
        attrs = {
            "class": "table table-sm table-hover align-middle",
            "data-testid": "placement-table",
        }

    def render_trainee(self, record: Placement) -> str:
        return self.policy.person_name(record.enrollment.cohort, record.enrollment.trainee)

    def render_employer(self, record: Placement) -> str:
        return record.employer_display
