"""The operator stored on every enrollment and hire: always its cohort's, whichever path
wrote the row (form, API, file import on both databases, API batch, demo data, factories),
moved with the cohort when the cohort changes operator, repaired by the nightly check if
it ever drifts, and the partner's scope on every list. Run this file on both databases:

    DATABASE_URL=postgres://... pytest tests/tracker/test_operator_scope.py --create-db
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from conventions.models import ConventionParty, Partner
from tests.support.api import token_client
from tests.support.factories import (
    CohortFactory,
    ConventionPartyFactory,
    EnrollmentFactory,
    TraineeFactory,
    region,
)
from tests.support.imports import csv_bytes, enrolled_row, import_file, row
from tracker.models import Cohort, Enrollment, ImportBatch, Placement
from tracker.services.cohorts import cohort_update
from tracker.services.operators import operator_consistency_repair

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def assert_operators_follow_cohorts() -> None:
    """No enrollment or hire anywhere whose stored operator is not its cohort's."""
    enrollments = Enrollment.objects.select_related("cohort")
    assert enrollments.exists()
    for enrollment in enrollments:
        assert enrollment.operator_id == enrollment.cohort.operator_id, enrollment.pk
    for placement in Placement.objects.select_related("enrollment__cohort"):
        assert placement.operator_id == placement.enrollment.cohort.operator_id, placement.pk


# --- Every write path ------------------------------------------------------------------


def test_factories_and_the_people_fixture_store_the_cohorts_operator(people) -> None:
    assert people.enrollment_a.operator_id == people.cohort_a.operator_id
    assert people.placement_b.operator_id == people.cohort_b.operator_id
    assert_operators_follow_cohorts()


def test_enrollment_and_hire_created_through_the_pages(people, partner_a_client: Client) -> None:
    response = partner_a_client.post(
        reverse("enrollment_create", args=[people.cohort_a.pk]),
        {
            "cin": "jb445566",
            "first_name": "Salma",
            "last_name": "Idrissi",
            "sex": "F",
            "birth_date": "2001-03-14",
            "phone": "0661234567",
            "email": "",
            "enrolled_on": "2026-01-10",
            # Not a form field: ignored, never assigned.
            "operator": str(people.cohort_b.operator_id),
        },
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(trainee__cin="JB445566")
    assert enrollment.operator_id == people.cohort_a.operator_id
    response = partner_a_client.post(
        reverse("placement_create", args=[enrollment.pk]),
        {
            "employer_name": "Rabat Data Services",
            "employer_ice": "001234567000089",
            "hired_on": "2026-05-15",
            "contract_type": "cdi",
            "job_title": "Analyste",
            "filiere": str(people.placement_a.filiere_id),
            "region": str(region("MA-04").pk),
            "gross_monthly_salary_mad": "9500",
            "operator": str(people.cohort_b.operator_id),
        },
    )
    assert response.status_code == 302, response.content
    assert Placement.objects.get(job_title="Analyste").operator_id == people.cohort_a.operator_id
    assert_operators_follow_cohorts()


PERSON = {
    "cin": "AD123456",
    "first_name": "Amina",
    "last_name": "Alaoui",
    "sex": "F",
    "birth_date": "2001-01-01",
    "phone": "0612345678",
}


def test_api_create_stores_the_cohorts_operator(people, partner_a_user: User) -> None:
    api = token_client(partner_a_user)
    created = api.post(
        f"{V1}/enrollments/",
        {"cohort": people.cohort_a.pk, "trainee": PERSON, "enrolled_on": "2026-01-10"},
        format="json",
    )
    assert created.status_code == 201, created.content
    enrollment = Enrollment.objects.get(pk=created.json()["id"])
    assert enrollment.operator_id == people.cohort_a.operator_id
    hire = api.post(
        f"{V1}/hires/",
        {
            "enrollment": enrollment.pk,
            "employer_name": "Atlas Services SA",
            "employer_ice": "001234567000089",
            "hired_on": "2026-07-15",
            "contract_type": "cdi",
            "job_title": "Conseillère clientèle",
            "filiere": "CRM",
            "region": "MA-06",
        },
        format="json",
    )
    assert hire.status_code == 201, hire.content
    assert Placement.objects.get(pk=hire.json()["id"]).operator_id == people.cohort_a.operator_id
    assert "operator" not in created.json()
    assert_operators_follow_cohorts()


@pytest.mark.parametrize("url", ["enrollments/", "hires/"])
def test_api_refuses_an_operator_sent_by_the_client(people, partner_a_user, url) -> None:
    body = (
        {"cohort": people.cohort_a.pk, "trainee": PERSON, "enrolled_on": "2026-01-10"}
        if url == "enrollments/"
        else {
            "enrollment": people.enrollment_a.pk,
            "employer_name": "Atlas Services SA",
            "hired_on": "2026-07-15",
            "contract_type": "cdi",
            "job_title": "Conseiller",
            "filiere": "CRM",
        }
    )
    before = (Enrollment.objects.count(), Placement.objects.count())
    response = token_client(partner_a_user).post(
        f"{V1}/{url}", body | {"operator": people.cohort_b.operator_id}, format="json"
    )
    assert response.status_code == 400
    assert "operator" in [error["field"] for error in response.json()["errors"]]
    assert (Enrollment.objects.count(), Placement.objects.count()) == before


def test_api_batch_stores_the_cohorts_operator(people, partner_a_user) -> None:
    record = {
        "cohort": "COH-A",
        "cin": "ZB100001",
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
    }
    response = token_client(partner_a_user).post(
        f"{V1}/batch/", {"records": [record]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    assert Placement.objects.filter(operator_id=people.cohort_a.operator_id).count() == 2
    assert_operators_follow_cohorts()


def test_file_import_stores_each_cohorts_operator(people, admin_user: User) -> None:
    """New people, new enrollments of a known person, hires of new and of existing
    enrollments, in the cohorts of two operators (the admin imports both)."""
    known_person = TraineeFactory.create(cin="KN100005", first_name="Salma", last_name="Benali")
    rows = [
        row("COH-A", "BS100001"),
        enrolled_row("COH-A", "BS100002"),
        row("COH-B", "BS100003"),
        enrolled_row("COH-B", "BS100004"),
        # A person already recorded (no enrollment yet).
        row("COH-B", "KN100005"),
    ]
    batch = import_file(admin_user, csv_bytes(rows))
    assert batch.status == ImportBatch.Status.COMMITTED
    by_cin = {e.trainee.cin: e for e in Enrollment.objects.filter(trainee__cin__startswith="BS")}
    assert by_cin["BS100001"].operator_id == people.cohort_a.operator_id
    assert by_cin["BS100003"].operator_id == people.cohort_b.operator_id
    assert (
        Placement.objects.get(enrollment=by_cin["BS100003"]).operator_id
        == people.cohort_b.operator_id
    )
    known = Enrollment.objects.get(trainee=known_person)
    assert known.operator_id == people.cohort_b.operator_id
    assert_operators_follow_cohorts()
    # A second file: a hire for an enrollment recorded earlier (the "existing
    # enrollment" branch of the commit).
    later = row("COH-B", "BS100004", **{"Date d'embauche": "01/10/2026"})
    batch = import_file(admin_user, csv_bytes([later]))
    assert batch.status == ImportBatch.Status.COMMITTED
    hire = Placement.objects.get(enrollment=by_cin["BS100004"])
    assert hire.operator_id == people.cohort_b.operator_id
    assert_operators_follow_cohorts()


def test_demo_data_stores_the_cohorts_operator(db) -> None:
    from django.core.management import call_command

    call_command("seed_demo", "--size", "small", verbosity=0)
    assert_operators_follow_cohorts()


# --- A cohort changing operator ----------------------------------------------------------


def test_cohort_operator_change_moves_its_enrollments_and_hires(
    people, manager_user: User, operator_b: Partner
) -> None:
    ConventionPartyFactory.create(
        convention=people.convention_a,
        partner=operator_b,
        role=ConventionParty.Role.TRAINING_OPERATOR,
    )
    other = CohortFactory.create(convention=people.convention_a, operator=people.cohort_a.operator)
    untouched = EnrollmentFactory.create(cohort=other)
    cohort_update(cohort=people.cohort_a, actor=manager_user, operator=operator_b)
    people.enrollment_a.refresh_from_db()
    people.placement_a.refresh_from_db()
    untouched.refresh_from_db()
    assert people.enrollment_a.operator_id == operator_b.pk
    assert people.placement_a.operator_id == operator_b.pk
    assert untouched.operator_id == other.operator_id != operator_b.pk
    assert_operators_follow_cohorts()


def test_cohort_operator_change_moves_the_rows_between_the_partners_lists(
    people, manager_user, operator_b, partner_a_client, partner_b_client
) -> None:
    ConventionPartyFactory.create(
        convention=people.convention_a,
        partner=operator_b,
        role=ConventionParty.Role.TRAINING_OPERATOR,
    )
    cohort_update(cohort=people.cohort_a, actor=manager_user, operator=operator_b)
    for url in (reverse("enrollment_list"), reverse("placement_list")):
        assert "Benali" not in partner_a_client.get(url).content.decode()
        assert "Benali" in partner_b_client.get(url).content.decode()


# --- Two partners, every list -----------------------------------------------------------


@pytest.mark.parametrize("url", ["enrollment_list", "placement_list"])
def test_each_partner_lists_only_its_own_rows(
    people, partner_a_client: Client, partner_b_client: Client, url: str
) -> None:
    page_a = partner_a_client.get(reverse(url)).content.decode()
    page_b = partner_b_client.get(reverse(url)).content.decode()
    assert "Benali" in page_a
    assert "Chraibi" not in page_a
    assert "Chraibi" in page_b
    assert "Benali" not in page_b


def test_employer_choices_are_the_partners_own(people, partner_a_client: Client) -> None:
    page = partner_a_client.get(reverse("placement_list")).content.decode()
    assert "Employeur Alpha SA" in page
    assert "Employeur Beta SA" not in page


def test_api_lists_only_the_partners_own_rows(people, partner_a_user, partner_b_user) -> None:
    for user, mine, theirs in (
        (partner_a_user, people, "b"),
        (partner_b_user, people, "a"),
    ):
        api = token_client(user)
        enrollments = {e["id"] for e in api.get(f"{V1}/enrollments/").json()["results"]}
        hires = {h["id"] for h in api.get(f"{V1}/hires/").json()["results"]}
        assert getattr(mine, f"enrollment_{theirs}").pk not in enrollments
        assert getattr(mine, f"placement_{theirs}").pk not in hires
        assert len(enrollments) == 1
        assert len(hires) == 1


# --- The nightly check ----------------------------------------------------------------


def _scramble(people) -> None:
    """Rows whose stored operator is not their cohort's (what the check must find)."""
    Enrollment.objects.filter(pk=people.enrollment_a.pk).update(
        operator_id=people.cohort_b.operator_id
    )
    Placement.objects.filter(pk=people.placement_b.pk).update(
        operator_id=people.cohort_a.operator_id
    )


def test_consistency_check_reports_and_repairs_drifted_rows(people, caplog) -> None:
    _scramble(people)
    with caplog.at_level("WARNING", logger="tracker.services.operators"):
        assert operator_consistency_repair() == {"enrollments": 1, "placements": 1}
    assert "operator" in caplog.text
    assert_operators_follow_cohorts()
    assert operator_consistency_repair() == {"enrollments": 0, "placements": 0}


def test_the_nightly_task_runs_the_consistency_check(people, settings) -> None:
    from tracker.tasks import operator_consistency

    schedule = settings.CELERY_BEAT_SCHEDULE["operator-consistency-nightly"]
    assert schedule["task"] == operator_consistency.name
    _scramble(people)
    operator_consistency.delay()  # inline, as on the embedded default
    assert_operators_follow_cohorts()


def test_enrollment_save_derives_the_operator_without_a_loaded_cohort(people) -> None:
    cohort = Cohort.objects.get(pk=people.cohort_b.pk)
    enrollment = Enrollment(
        trainee=people.trainee_a, cohort_id=cohort.pk, enrolled_on=dt.date(2026, 1, 5)
    )
    enrollment.save()
    assert enrollment.operator_id == cohort.operator_id
