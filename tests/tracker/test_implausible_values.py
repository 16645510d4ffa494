"""Values that cannot be true are refused on every path, the field named (tracker.rules):
graduation, exit and hire dates after today, salaries under the legal minimum wage or
over the ceiling, commitments outside their convention's period. And ``check_data``
lists the rows already stored that break a rule, changing nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from conventions.models import Partner
from conventions.services.errors import WorkflowError
from conventions.services.terms import convention_commitment_set
from tests.support.factories import CohortFactory, ConventionFactory, PartnerFactory
from tests.support.imports import csv_bytes, row, upload
from tracker.models import Enrollment, ImportBatch, Placement

V1 = "/api/v1"


def _future() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=200)


def _hire_body(enrollment_id: int, **overrides: str) -> dict[str, object]:
    return {
        "enrollment": enrollment_id,
        "employer_name": "Atlas Services SA",
        "employer_ice": "001234567000089",
        "hired_on": "2026-07-15",
        "contract_type": "cdi",
        "job_title": "Conseillère clientèle",
        "filiere": "CRM",
        "region": "MA-06",
        "gross_monthly_salary_mad": "6500.00",
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"gross_monthly_salary_mad": "300"}, "gross_monthly_salary_mad", "salaire minimum"),
        ({"gross_monthly_salary_mad": "250000"}, "gross_monthly_salary_mad", "plafond"),
        ({"hired_on": _future().isoformat()}, "hired_on", "dans le futur"),
    ],
)
def test_api_refuses_an_implausible_hire_naming_the_field(
    people, api_a, overrides, field, message
) -> None:
    before = Placement.objects.count()
    response = api_a.post(
        f"{V1}/hires/", _hire_body(people.enrollment_a.pk, **overrides), format="json"
    )
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert any(e["field"] == field and message in e["reason"] for e in errors), errors
    assert Placement.objects.count() == before


@pytest.mark.parametrize(
    ("action", "field"), [("graduate", "graduated_on"), ("drop-out", "exited_on")]
)
def test_api_refuses_a_future_graduation_or_exit(people, api_a, action, field) -> None:
    response = api_a.post(
        f"{V1}/enrollments/{people.enrollment_a.pk}/{action}/",
        {field: _future().isoformat()},
        format="json",
    )
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert any(e["field"] == field and "dans le futur" in e["reason"] for e in errors), errors
    people.enrollment_a.refresh_from_db()
    assert people.enrollment_a.status == Enrollment.Status.ENROLLED


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"salary": "300"}, "salary"),
        ({"hired_on": "FUTURE"}, "hired_on"),
        ({"graduated_on": "FUTURE"}, "graduated_on"),
    ],
)
def test_api_batch_refuses_an_implausible_record_and_writes_nothing(
    people, api_a, change, field
) -> None:
    record = {
        "cohort": "COH-A",
        "cin": "ZB100003",
        "last_name": "Nom",
        "first_name": "Prénom",
        "sex": "F",
        "birth_date": "2001-02-03",
        "phone": "0612345678",
        "status": "graduated",
        "enrolled_on": "2026-01-05",
        "graduated_on": "2026-06-30",
        "employer_name": "Atlas Services SA",
        "employer_ice": "001234567000089",
        "hired_on": "2026-07-15",
        "contract_type": "cdi",
        "job_title": "Conseiller",
        "salary": "6500.00",
    }
    record |= {k: (_future().isoformat() if v == "FUTURE" else v) for k, v in change.items()}
    before = (Enrollment.objects.count(), Placement.objects.count())
    response = api_a.post(f"{V1}/batch/", {"records": [record]}, format="json")
    assert response.status_code == 400, response.content
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [(0, field)]
    assert (Enrollment.objects.count(), Placement.objects.count()) == before


@pytest.mark.parametrize(
    ("overrides", "column", "message"),
    [
        ({"Salaire brut mensuel (MAD)": "300"}, "Salaire brut mensuel (MAD)", "salaire minimum"),
        ({"Date d'embauche": "FUTURE"}, "Date d'embauche", "dans le futur"),
        ({"Date de diplomation": "FUTURE"}, "Date de diplomation", "dans le futur"),
    ],
)
def test_import_refuses_an_implausible_row_naming_row_and_column(
    partner_a_user, operator_a, overrides, column, message
) -> None:
    cohort = CohortFactory.create(
        operator=operator_a,
        code="COH-IMP",
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 6, 30),
    )
    PartnerFactory.create(kind=Partner.Kind.EMPLOYER, ice="001987654000078")
    future = _future().strftime("%d/%m/%Y")
    values = {k: (future if v == "FUTURE" else v) for k, v in overrides.items()}
    batch = upload(partner_a_user, csv_bytes([row(cohort.code, "BK200001", **values)]))
    assert batch.status == ImportBatch.Status.INVALID
    error = batch.row_errors.get()
    assert (error.row_number, error.column) == (2, column)
    assert message in error.message


def test_commitment_outside_the_convention_period_is_refused(admin_user) -> None:
    convention = ConventionFactory.create(
        starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2029, 12, 31)
    )
    with pytest.raises(WorkflowError, match="hors de la période"):
        convention_commitment_set(
            actor=admin_user,
            convention=convention,
            indicator="enrolled",
            year=2035,
            target_value=Decimal(100),
        )


def test_check_data_lists_rows_that_break_a_rule_and_changes_nothing(people, capsys) -> None:
    Placement.objects.filter(pk=people.placement_a.pk).update(
        gross_monthly_salary_mad=Decimal(300), hired_on=_future()
    )
    before = list(Placement.objects.values())
    with pytest.raises(SystemExit) as exited:
        call_command("check_data")
    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert "salary_out_of_bounds: 1" in out
    assert "hired_in_future: 1 " in out
    assert str(people.placement_a.pk) in out
    assert list(Placement.objects.values()) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("gross_monthly_salary_mad", "300", "sous le salaire minimum légal"),
        ("hired_on", "FUTURE", "est dans le futur"),
    ],
)
def test_hire_form_refuses_an_implausible_value_on_its_field(
    people, partner_a_client, field, value, message
) -> None:
    from django.urls import reverse

    from tests.tracker.test_placements import _post

    value = _future().isoformat() if value == "FUTURE" else value
    before = Placement.objects.count()
    response = partner_a_client.post(
        reverse("placement_create", args=[people.enrollment_a.pk]), _post(**{field: value})
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert Placement.objects.count() == before


def test_an_amendments_commitment_outside_the_period_it_sets_is_refused(
    manager_user, admin_user, operator_a
) -> None:
    from conventions.models import Convention
    from conventions.services.amendments import amendment_create
    from tests.conventions.test_conventions_services import convention_in_status

    convention = convention_in_status(
        Convention.Status.ACTIVE, manager=manager_user, admin=admin_user, operator=operator_a
    )
    last_year = convention.ends_on.year
    with pytest.raises(WorkflowError, match="hors de la période"):
        amendment_create(
            actor=admin_user,
            convention=convention,
            signed_on=convention.signed_on or convention.starts_on,
            reason="Cibles revues",
            commitments=[("enrolled", last_year + 1, Decimal(10))],
        )
    # The same year is fine once the amendment extends the convention to it.
    amendment_create(
        actor=admin_user,
        convention=convention,
        signed_on=convention.signed_on or convention.starts_on,
        reason="Prolongation",
        new_ends_on=dt.date(last_year + 1, 12, 31),
        commitments=[("enrolled", last_year + 1, Decimal(10))],
    )
