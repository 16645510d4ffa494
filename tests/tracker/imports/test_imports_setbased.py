"""The commit's write path: on PostgreSQL set-based (COPY into staging tables, then
INSERT ... SELECT writing the "created" change log in SQL), elsewhere bulk_create. Both
must write the same rows and the same history. Run this file on both databases:

    DATABASE_URL=postgres://... pytest tests/tracker/imports/test_imports_setbased.py --create-db
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.support.factories import CohortFactory, EnrollmentFactory, PartnerFactory
from tests.support.imports import NO_HIRE, csv_bytes, enrolled_row, import_file, row
from tracker.imports.validation import (
    CONTACT_FIELDS,
    ENROLLMENT_FIELDS,
    PLACEMENT_FIELDS,
    TRAINEE_FIELDS,
)
from tracker.models import (
    ChangeLog,
    Cohort,
    Enrollment,
    ImportBatch,
    Placement,
    Trainee,
    TraineeContact,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort_a(operator_a) -> Cohort:
    return CohortFactory.create(operator=operator_a, code="CAS-SET-2026-01")


@pytest.fixture
def cohort_a2(operator_a) -> Cohort:
    return CohortFactory.create(
        operator=operator_a,
        code="CAS-SET-2026-02",
        starts_on=dt.date(2026, 7, 6),  # after cohort_a; graduations and hires are past
        ends_on=dt.date(2026, 11, 27),
    )


@pytest.fixture
def employer(db):
    from conventions.models import Partner

    return PartnerFactory.create(
        name="Casablanca Nearshore Services", kind=Partner.Kind.EMPLOYER, ice="001987654000078"
    )


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _expected_created(instance: Any, names: tuple[str, ...]) -> dict[str, list[Any]]:
    """Every value set at creation as [null, value], empty ones left out."""
    return {
        name: [None, _json(value)]
        for name in names
        if (value := getattr(instance, name)) is not None and value != ""
    }


def test_created_rows_are_logged_with_every_value_they_were_given(
    partner_a_user, cohort_a, employer
) -> None:
    rows = [
        row(cohort_a.code, "BS100001"),  # graduate hired (employer by ICE), salary
        enrolled_row(cohort_a.code, "BS100002", **{"Téléphone": "", "E-mail": ""}),
        row(cohort_a.code, "BS100003", **{"ICE employeur": "", "Employeur": "Autre SARL"}),
    ]
    batch = import_file(partner_a_user, csv_bytes(rows))
    assert batch.status == ImportBatch.Status.COMMITTED
    created = ChangeLog.objects.filter(action="created", source=ChangeLog.Source.IMPORT)
    # Trainees, the operator's records of two of them (the second has no contact
    # details: no record), enrollments, hires.
    assert created.count() == 3 + 2 + 3 + 2
    assert {log.actor_id for log in created} == {partner_a_user.id}
    for trainee in Trainee.objects.filter(cin__startswith="BS"):
        log = created.get(entity="trainee", object_id=trainee.id)
        assert log.changes == _expected_created(trainee, TRAINEE_FIELDS)
    for contact in TraineeContact.objects.all():
        log = created.get(entity="traineecontact", object_id=contact.id)
        assert log.changes == _expected_created(contact, CONTACT_FIELDS)
        assert contact.operator_id == cohort_a.operator_id
    second = Trainee.objects.get(cin="BS100002")
    assert not second.contacts.exists()
    for enrollment in Enrollment.objects.all():
        log = created.get(entity="enrollment", object_id=enrollment.id)
        expected = _expected_created(enrollment, ("trainee_id", "cohort_id", *ENROLLMENT_FIELDS))
        assert log.changes == expected
        assert enrollment.version == 1
        assert enrollment.updated_by_id == partner_a_user.id
    for placement in Placement.objects.all():
        log = created.get(entity="placement", object_id=placement.id)
        assert log.changes == _expected_created(placement, ("enrollment_id", *PLACEMENT_FIELDS))
    hired = Placement.objects.get(enrollment__trainee__cin="BS100001")
    assert hired.employer == employer
    assert created.get(entity="placement", object_id=hired.id).changes[
        "gross_monthly_salary_mad"
    ] == [None, "9500.50"]


def test_people_across_chunks_existing_people_and_hires_of_existing_enrollments(
    partner_a_user, cohort_a, cohort_a2, employer, settings
) -> None:
    """The same person in two chunks (the second chunk is planned again at the commit,
    after the first one's writes), a person already recorded (the new enrollment joins
    it by CIN) and a new hire on an existing enrollment (its id is known)."""
    settings.IMPORT_CHUNK_ROWS = 3
    recorded = EnrollmentFactory.create(
        cohort=cohort_a,
        trainee__cin="BS200009",
        status=Enrollment.Status.GRADUATED,
        enrolled_on=cohort_a.starts_on,
        graduated_on=cohort_a.ends_on,
    )
    hire = {
        "Statut": "Diplômé",
        "Date d'inscription": cohort_a2.starts_on.strftime("%d/%m/%Y"),
        "Date de diplomation": cohort_a2.ends_on.strftime("%d/%m/%Y"),
        "Date d'embauche": "01/12/2026",
    }
    rows = [
        enrolled_row(cohort_a.code, "BS200001", **{"Statut": "Abandon", "Date de sortie": ""}),
        enrolled_row(cohort_a.code, "BS200002"),
        enrolled_row(cohort_a.code, "BS200003"),
        row(cohort_a2.code, "BS200001", **hire),  # chunk 2: the person of row 1
        row(cohort_a2.code, "BS200009", **hire),  # chunk 2: a person already recorded
        row(  # chunk 2: a hire on the enrollment already recorded
            cohort_a.code,
            "BS200009",
            **{
                "Date d'inscription": recorded.enrolled_on.strftime("%d/%m/%Y"),
                "Date de diplomation": recorded.graduated_on.strftime("%d/%m/%Y"),
                "Date d'embauche": "01/08/2026",
            },
        ),
    ]
    rows[0]["Date de sortie"] = "30/01/2026"
    batch = import_file(partner_a_user, csv_bytes(rows))
    assert batch.status == ImportBatch.Status.COMMITTED, batch.failure_reason
    assert Trainee.objects.filter(cin="BS200001").count() == 1
    person = Trainee.objects.get(cin="BS200001")
    assert set(person.enrollments.values_list("cohort_id", flat=True)) == {
        cohort_a.id,
        cohort_a2.id,
    }
    assert Placement.objects.filter(enrollment__trainee=person).count() == 1
    assert recorded.trainee.enrollments.count() == 2
    assert recorded.placements.get().hired_on == dt.date(2026, 8, 1)
    assert Enrollment.objects.count() == 6
    # Every object created has exactly one "created" entry.
    for model, entity in (
        (Trainee, "trainee"),
        (Enrollment, "enrollment"),
        (Placement, "placement"),
    ):
        created = ChangeLog.objects.filter(entity=entity, action="created")
        new = model.objects.exclude(id=recorded.id if model is Enrollment else 0)
        if model is Trainee:
            new = new.exclude(id=recorded.trainee_id)
        assert sorted(created.values_list("object_id", flat=True)) == sorted(
            new.values_list("id", flat=True)
        )
    # Importing the same file again writes nothing.
    log_count = ChangeLog.objects.count()
    again = import_file(partner_a_user, csv_bytes(rows))
    assert (again.rows_to_create, again.rows_to_update) == (0, 0)
    assert ChangeLog.objects.count() == log_count


def test_a_file_of_new_rows_only_without_optional_columns(partner_a_user, cohort_a) -> None:
    """Columns absent from the file take the model's defaults in the INSERT ... SELECT."""
    headers = ["Code cohorte", "CIN", "Nom", "Prénom", "Sexe", "Date de naissance"]
    headers += ["Statut", "Date d'inscription"]
    rows = [enrolled_row(cohort_a.code, f"BS30000{i}", **NO_HIRE) for i in range(3)]
    batch = import_file(partner_a_user, csv_bytes(rows, headers=headers))
    assert batch.status == ImportBatch.Status.COMMITTED
    trainee = Trainee.objects.get(cin="BS300001")
    assert not trainee.contacts.exists()  # nothing recorded beyond the identity
    assert Enrollment.objects.get(trainee=trainee).certificate_ref == ""
