"""The fast table body (web/table_rendering.py) renders exactly what django-tables2's
generic bootstrap5-responsive template renders: every list table, for an admin and for a
partner who sees other operators' rows masked, in French, Arabic and English."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import QuerySet
from django.template import Context, Template
from django.test import RequestFactory
from django.test.html import parse_html
from django.utils import translation
from django.utils.translation import gettext
from django_tables2 import RequestConfig

from accounts.models import Role, User
from accounts.policy import MASK, PrivacyPolicy
from conventions.filters import ConventionFilter, PartnerFilter
from conventions.models import Convention, Partner
from conventions.tables import ConventionTable, PartnerTable
from tests.support.factories import (
    CohortFactory,
    EnrollmentFactory,
    PlacementFactory,
    TraineeFactory,
    UserFactory,
    zone,
)
from tracker.figures.tables import FigureEnrollmentTable, FigureHireTable
from tracker.filters import CohortFilter, EnrollmentFilter, PlacementFilter
from tracker.imports.views import ImportBatchFilter, ImportBatchTable
from tracker.models import Cohort, Enrollment, ImportBatch, Placement
from tracker.tables import CohortTable, EnrollmentTable, PlacementTable
from web.choices import FAST_WIDGETS, use_fast_widgets

GENERIC = "django_tables2/bootstrap5-responsive.html"
FAST = "django_tables2/tracker.html"


@pytest.fixture
def rows(operator_a: Partner, operator_b: Partner, admin_user: User) -> None:
    cohort_a = CohortFactory.create(operator=operator_a, zone=zone())
    cohort_b = CohortFactory.create(operator=operator_b, status=Cohort.Status.PLANNED)
    for index in range(14):
        cohort = cohort_a if index % 2 else cohort_b
        enrollment = EnrollmentFactory.create(
            cohort=cohort,
            trainee=TraineeFactory.create(first_name="<b>Ilyas</b>" if index == 3 else "Sara"),
            status=Enrollment.Status.GRADUATED if index % 3 else Enrollment.Status.ENROLLED,
            graduated_on=dt.date(2026, 6, 30) if index % 3 else None,
        )
        if index % 2 == 0 or index == 5:
            PlacementFactory.create(
                enrollment=enrollment,
                employer_name="Nearshore & Co",
                ended_on=dt.date(2027, 1, 31) if index == 2 else None,
                gross_monthly_salary_mad=None if index == 6 else Decimal("12345.5"),
                contract_type=Placement.ContractType.CDD if index % 4 else "cdi",
            )
    for status in (ImportBatch.Status.COMMITTED, ImportBatch.Status.FAILED):
        ImportBatch.objects.create(
            uploaded_by=admin_user,
            partner=operator_a if status == ImportBatch.Status.FAILED else None,
            file_name="inscriptions <2026>.xlsx",
            file_sha256="a" * 64,
            file_format=ImportBatch.FileFormat.XLSX,
            status=status,
            total_rows=1500,
            rows_to_create=1234,
        )


def _tables(policy: PrivacyPolicy) -> list[tuple[type[Any], QuerySet[Any], dict[str, Any]]]:
    enrollments = Enrollment.objects.select_related(
        "trainee", "cohort__operator", "cohort__region", "cohort__convention"
    ).order_by("id")
    placements = Placement.objects.select_related(
        "enrollment__trainee", "enrollment__cohort__region", "enrollment__cohort__convention"
    ).order_by("id")
    return [
        (EnrollmentTable, enrollments, {"policy": policy}),
        (PlacementTable, placements, {"policy": policy}),
        (CohortTable, Cohort.objects.select_related("filiere", "operator").order_by("id"), {}),
        (ConventionTable, Convention.objects.order_by("id"), {}),
        (PartnerTable, Partner.objects.select_related("region").order_by("id"), {}),
        (ImportBatchTable, ImportBatch.objects.select_related("uploaded_by", "partner"), {}),
        (FigureEnrollmentTable, enrollments, {}),
        (FigureHireTable, placements, {}),
    ]


def _render(table: Any, template_name: str, request: Any) -> str:
    table.template_name = template_name
    html = Template("{% load django_tables2 %}{% render_table table %}").render(
        Context({"table": table, "request": request})
    )
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
@pytest.mark.parametrize("role", ["admin", "partner"])
@pytest.mark.parametrize("query", [{}, {"page": 2}, {"sort": "-enrolled_on"}])
def test_fast_body_renders_what_the_generic_template_renders(
    rows: None, operator_a: Partner, role: str, language: str, query: dict[str, Any]
) -> None:
    user = UserFactory.create(
        role=Role.ADMIN if role == "admin" else Role.PARTNER_EDITOR,
        partner=None if role == "admin" else operator_a,
    )
    policy = PrivacyPolicy.for_user(user)
    request = RequestFactory().get("/", query)
    request.user = user
    with translation.override(language):
        for table_class, data, kwargs in _tables(policy):
            generic = table_class(data, **kwargs)
            fast = table_class(data, **kwargs)
            for table in (generic, fast):
                RequestConfig(request, paginate={"per_page": 10}).configure(table)
            # The one intended difference: the pagination's label, translated.
            expected = _render(generic, GENERIC, request).replace(
                'aria-label="Table navigation"', f'aria-label="{gettext("Pages du tableau")}"'
            )
            assert "<tbody" in expected
            assert _render(fast, FAST, request) == expected, table_class.__name__


def test_partner_sees_other_operators_rows_masked_on_the_fast_path(
    rows: None, partner_a_user: User
) -> None:
    table = EnrollmentTable(
        Enrollment.objects.select_related("trainee", "cohort").order_by("id"),
        policy=PrivacyPolicy.for_user(partner_a_user),
    )
    request = RequestFactory().get("/")
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    html = _render(table, FAST, request)
    assert MASK in html  # operator B's CIN
    assert "Stagiaire n°" in html  # operator B's names
    assert "&lt;b&gt;Ilyas&lt;/b&gt;" in html  # operator A's names, escaped


# --- The filter forms' widgets ------------------------------------------------------

FILTERS = [
    (CohortFilter, {"status": "planned", "year": "2026", "region": "", "code": "x"}),
    (EnrollmentFilter, {"status": "graduated", "sex": "F", "q": 'a "b" <c>', "cohort": "1"}),
    (PlacementFilter, {"contract_type": "cdd", "year": "2027"}),
    (PartnerFilter, {"q": "Atlas & co", "kind": "operator"}),
    (ConventionFilter, {"status": "active", "kind": "training", "q": "é'"}),
    (ImportBatchFilter, {"status": "failed"}),
]


@pytest.mark.parametrize("bound", [False, True])
@pytest.mark.parametrize(("filterset_class", "data"), FILTERS)
def test_fast_widgets_render_what_the_widget_templates_render(
    rows: None, admin_user: User, filterset_class: Any, data: dict[str, str], bound: bool
) -> None:
    request = RequestFactory().get("/", data if bound else {})
    request.user = admin_user
    queryset = filterset_class._meta.model.objects.all()
    forms = []
    for fast in (False, True):
        form = filterset_class(request.GET or None, queryset=queryset, request=request).form
        if fast:
            use_fast_widgets(form)
        forms.append(form)
    generic, fast = forms
    assert any(type(field.widget) in FAST_WIDGETS.values() for field in fast.fields.values())
    for name in generic.fields:
        assert parse_html(str(fast[name])) == parse_html(str(generic[name])), name
