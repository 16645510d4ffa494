"""The migration that moves contact details to one record per operator
(tracker/migrations/0014_trainee_contacts_per_operator.py), run on a database holding
people shared by two operators: each operator gets what it recorded, read from the
change history, else the person's earliest enrollment's operator gets it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("tracker", "0013_enrollment_operator_graduated_index")]
AFTER = [("tracker", "0014_trainee_contacts_per_operator")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_contact_details_become_the_records_of_the_operators_that_recorded_them() -> None:
    old = _migrate(BEFORE)
    try:
        ids = _old_database(old)
        new = _migrate(AFTER)
        contact = new.get_model("tracker", "TraineeContact")

        def records(cin: str) -> dict[int, dict[str, object]]:
            return {
                row["operator_id"]: {k: v for k, v in row.items() if k != "operator_id"}
                for row in contact.objects.filter(trainee__cin=cin).values(
                    "operator_id", "phone", "email", "residence_region_id", "education_level"
                )
            }

        a, b, casablanca = ids["a"], ids["b"], ids["region"]
        # The exploit of issue 13: B recorded her, A overwrote B's phone and e-mail.
        assert records("SH100001") == {
            b: {
                "phone": "+212600000002",
                "email": "b@b.ma",
                "residence_region_id": None,
                "education_level": "",
            },
            a: {
                "phone": "+212600000001",
                "email": "a@a.ma",
                "residence_region_id": None,
                "education_level": "",
            },
        }
        # Shared, nothing in the history: the earliest enrollment's operator (B).
        assert records("SH100002") == {
            b: {
                "phone": "+212600000003",
                "email": "",
                "residence_region_id": casablanca,
                "education_level": "bac2",
            }
        }
        # Imported by A (the import logs attnames): A's.
        assert records("SH100003") == {
            a: {
                "phone": "+212600000004",
                "email": "",
                "residence_region_id": casablanca,
                "education_level": "",
            }
        }
        # The Arabic names stay readable by the operator that recorded the person first.
        assert list(
            contact.objects.filter(arabic_names_known=True).values_list(
                "trainee__cin", "operator_id"
            )
        ) == [("SH100002", b)]
        # Enrolled nowhere: nothing can be attributed, nothing kept.
        assert records("SH100004") == {}
        trainee = new.get_model("tracker", "Trainee")
        names = {field.name for field in trainee._meta.get_fields()}
        assert not names & {"phone", "email", "residence_region", "education_level"}
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _old_database(apps) -> dict[str, int]:
    partner = apps.get_model("conventions", "Partner")
    convention = apps.get_model("conventions", "Convention")
    region = apps.get_model("conventions", "Region").objects.get(code="MA-06")
    filiere = apps.get_model("conventions", "Filiere").objects.get(code="ITO")
    cohort = apps.get_model("tracker", "Cohort")
    trainee = apps.get_model("tracker", "Trainee")
    enrollment = apps.get_model("tracker", "Enrollment")
    changelog = apps.get_model("tracker", "ChangeLog")
    user = apps.get_model("tracker", "User")

    a = partner.objects.create(name="Opérateur A", kind="training_operator")
    b = partner.objects.create(name="Opérateur B", kind="training_operator")
    user_a = user.objects.create(username="mig.a", role="partner_editor", partner=a)
    user_b = user.objects.create(username="mig.b", role="partner_editor", partner=b)
    terms = {
        "title": "Convention",
        "kind": "training",
        "status": "active",
        "starts_on": dt.date(2024, 1, 1),
        "ends_on": dt.date(2027, 12, 31),
        "budget_state_mad": Decimal(1),
        "budget_partner_mad": Decimal(1),
    }
    conv = convention.objects.create(reference="CONV-2026-9001", **terms)

    def new_cohort(code: str, operator: Any, starts: dt.date) -> Any:
        return cohort.objects.create(
            code=code,
            convention=conv,
            operator=operator,
            filiere=filiere,
            metier="Support",
            region=region,
            city="Casablanca",
            modality="bootcamp",
            hours=100,
            planned_seats=10,
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=120),
            status="completed",
        )

    cohort_b = new_cohort("MIG-B", b, dt.date(2025, 1, 6))
    cohort_a = new_cohort("MIG-A", a, dt.date(2026, 1, 5))

    def person(cin: str, **contact: Any) -> Any:
        return trainee.objects.create(
            cin=cin,
            first_name="Prénom",
            last_name="Nom",
            sex="F",
            birth_date=dt.date(2000, 1, 1),
            **contact,
        )

    def enroll(who, in_cohort) -> None:
        enrollment.objects.create(
            trainee=who,
            cohort=in_cohort,
            operator_id=in_cohort.operator_id,
            enrolled_on=in_cohort.starts_on,
        )

    first = person("SH100001", phone="+212600000001", email="a@a.ma")
    enroll(first, cohort_b)
    enroll(first, cohort_a)
    changelog.objects.create(
        entity="trainee", object_id=first.pk, action="created", changes={}, actor=user_b
    )
    changelog.objects.create(
        entity="trainee",
        object_id=first.pk,
        action="updated",
        changes={"phone": ["+212600000002", "+212600000001"], "email": ["b@b.ma", "a@a.ma"]},
        actor=user_a,
    )
    second = person(
        "SH100002",
        phone="+212600000003",
        residence_region=region,
        education_level="bac2",
        last_name_ar="نوم",
    )
    enroll(second, cohort_b)
    enroll(second, cohort_a)
    third = person("SH100003", phone="+212600000004", residence_region=region)
    enroll(third, cohort_a)
    changelog.objects.create(
        entity="trainee",
        object_id=third.pk,
        action="created",
        changes={"phone": [None, "+212600000004"], "residence_region_id": [None, region.pk]},
        actor=user_a,
        source="import",
    )
    person("SH100004", phone="+212600000005")
    return {"a": a.pk, "b": b.pk, "region": region.pk}
