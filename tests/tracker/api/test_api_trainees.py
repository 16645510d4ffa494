"""Trainees on the API: correcting a person's record (PATCH/PUT) and recording one
enrolled nowhere (POST, admins), through tracker.services.trainees, under the web's
rules: who may edit people in one of the person's cohorts, optimistic locking, masking,
no mass assignment. Partner B's side is in test_api_isolation."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from tests.support.api import token_client
from tests.support.factories import EnrollmentFactory
from tracker.models import ChangeLog, Trainee

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
PERSON = {
    "cin": "bk 123456",
    "first_name": "Salma",
    "last_name": "Alaoui",
    "sex": "F",
    "birth_date": "2001-04-12",
}


def _row(trainee: Trainee) -> Mapping[str, object]:
    return Trainee.objects.filter(pk=trainee.pk).values().get()


def test_a_partner_corrects_its_trainee_with_history_and_a_new_version(people, api_a):
    trainee = people.trainee_a
    response = api_a.patch(
        f"{V1}/trainees/{trainee.pk}/",
        {"phone": "06 61 23 45 67", "email": " Fatima@Example.MA ", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    # The rules of trainee_clean (E.164 phone, e-mail) and the record as shown to A.
    assert data["phone"] == "+212661234567"
    assert data["email"] == "fatima@example.ma"
    assert data["last_name"] == "Benali"  # PATCH keeps the fields not sent
    assert data["personal_data_visible"] is True
    # Contact details are A's own record of the person (its own history); the national
    # record, and so its version, is unchanged.
    assert data["version"] == 1
    contact = trainee.contact_for(people.cohort_a.operator_id)
    log = ChangeLog.objects.get(entity=ChangeLog.Entity.CONTACT, object_id=contact.pk)
    assert log.source == ChangeLog.Source.API
    assert set(log.changes) == {"phone", "email"}
    assert not ChangeLog.objects.filter(entity=ChangeLog.Entity.TRAINEE, object_id=trainee.pk)
    # The same correction again changes nothing.
    again = api_a.patch(
        f"{V1}/trainees/{trainee.pk}/", {"phone": "0661234567", "version": 1}, format="json"
    )
    assert again.json()["version"] == 1
    assert ChangeLog.objects.filter(entity=ChangeLog.Entity.CONTACT).count() == 1


def test_put_replaces_the_record_and_clears_optional_fields_left_out(people, api_a):
    trainee = people.trainee_a
    body = {"first_name": "Fatima-Zahra", "last_name": "Benali", "sex": "F"}
    body |= {"birth_date": "2000-05-06"}
    response = api_a.put(f"{V1}/trainees/{trainee.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    trainee.refresh_from_db()
    assert trainee.first_name == "Fatima-Zahra"
    contact = trainee.contact_for(people.cohort_a.operator_id)
    assert (contact.phone, contact.email) == ("", "")
    assert trainee.cin == "AA111111"
    missing = api_a.put(f"{V1}/trainees/{trainee.pk}/", {"first_name": "X"}, format="json")
    assert missing.status_code == 400
    fields = {error["field"] for error in missing.json()["errors"]}
    assert {"last_name", "sex", "birth_date"} <= fields


def test_a_stale_version_is_a_409_and_an_enrollment_upsert_moves_the_version(people, api_a):
    trainee = people.trainee_a
    person = {"cin": "AA111111", "first_name": "Fatima", "last_name": "Benali", "sex": "F"}
    person |= {"birth_date": "2000-01-01", "phone": "0677777777"}
    upsert = api_a.post(
        f"{V1}/enrollments/upsert/",
        {
            "cohort": people.cohort_a.pk,
            "trainee": person,
            "enrolled_on": people.enrollment_a.enrolled_on.isoformat(),
        },
        format="json",
    )
    assert upsert.status_code == 200, upsert.content
    trainee.refresh_from_db()
    assert trainee.version == 2  # the person changed through the enrollment services
    stale = api_a.patch(
        f"{V1}/trainees/{trainee.pk}/", {"first_name": "F", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["code"] == "conflict"
    trainee.refresh_from_db()
    assert trainee.first_name == "Fatima"


def test_errors_name_the_field_and_write_nothing(people, api_a):
    trainee = people.trainee_a
    before = _row(trainee)
    response = api_a.patch(
        f"{V1}/trainees/{trainee.pk}/",
        {"phone": "12", "email": "nope", "birth_date": "2025-01-01"},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    # Every rule of trainee_clean at once, each on its field.
    assert {e["field"] for e in errors} == {"phone", "email", "birth_date"}
    assert all(error["reason"] for error in errors)
    assert _row(trainee) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"cin": "ZZ123456"}, "cin"),
        ({"id": 999}, "id"),
        ({"personal_data_visible": True}, "personal_data_visible"),
        ({"enrollments": [1]}, "enrollments"),
        ({"created_at": "2020-01-01T00:00:00Z"}, "created_at"),
        ({"first_name": "X", "role": "admin"}, "role"),
    ],
)
def test_fields_a_partner_may_not_set_on_a_trainee_are_refused_by_name(people, api_a, body, field):
    trainee = people.trainee_a
    before = _row(trainee)
    for method in ("patch", "put"):
        response = getattr(api_a, method)(f"{V1}/trainees/{trainee.pk}/", body, format="json")
        assert response.status_code == 400, response.content
        refused = [e for e in response.json()["errors"] if e["field"] == field]
        assert refused, response.content
        assert refused[0]["code"] == "not_writable"
    assert _row(trainee) == before


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"version": 7}, "version"),
        ({"id": 1}, "id"),
        ({"personal_data_visible": False}, "personal_data_visible"),
        ({"updated_at": "2020-01-01T00:00:00Z"}, "updated_at"),
        ({"cohort": 1}, "cohort"),
    ],
)
def test_fields_nobody_sets_when_creating_are_refused_by_name(admin_user, extra, field):
    admin = token_client(admin_user)
    response = admin.post(f"{V1}/trainees/", PERSON | extra, format="json")
    assert response.status_code == 400, response.content
    assert field in {error["field"] for error in response.json()["errors"]}
    assert not Trainee.objects.filter(cin="BK123456").exists()


def test_an_admin_records_a_person_once(admin_user):
    admin = token_client(admin_user)
    response = admin.post(f"{V1}/trainees/", PERSON, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["cin"], data["version"], data["personal_data_visible"]) == ("BK123456", 1, True)
    assert ChangeLog.objects.filter(
        entity=ChangeLog.Entity.TRAINEE,
        object_id=data["id"],
        action="created",
        source=ChangeLog.Source.API,
    ).exists()
    twice = admin.post(f"{V1}/trainees/", PERSON | {"first_name": "Autre"}, format="json")
    assert twice.status_code == 400
    assert twice.json()["errors"][0]["field"] == "cin"
    assert Trainee.objects.get(cin="BK123456").first_name == "Salma"


@pytest.mark.parametrize(
    "role", ["partner_a_user", "viewer_a_user", "manager_user", "other_manager_user"]
)
def test_only_an_admin_creates_a_person_outside_an_enrollment(people, request, role):
    client = token_client(request.getfixturevalue(role))
    response = client.post(f"{V1}/trainees/", PERSON, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["reason"]
    assert not Trainee.objects.filter(cin="BK123456").exists()


def test_who_may_correct_a_person_is_who_may_edit_people_in_one_of_its_cohorts(
    people, viewer_a_user, manager_user, other_manager_user, partner_b_user, admin_user
):
    trainee = people.trainee_a
    url = f"{V1}/trainees/{trainee.pk}/"
    # A viewer reads but does not write; the manager of another convention sees the
    # person (masked) but may not rewrite it: 403, nothing written.
    for user in (viewer_a_user, other_manager_user):
        response = token_client(user).patch(url, {"first_name": "X"}, format="json")
        assert response.status_code == 403, user.role
    trainee.refresh_from_db()
    assert trainee.first_name == "Fatima"
    # The convention's manager and an admin may, and see what they wrote.
    for user, name in ((manager_user, "Fatimah"), (admin_user, "Fatima")):
        response = token_client(user).patch(url, {"first_name": name}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["first_name"] == name
    # Once B enrolls the same person too, the identity is shared: neither operator
    # changes it any more (staff do, on request); B still reads it and edits its own
    # contact details.
    EnrollmentFactory.create(trainee=trainee, cohort=people.cohort_b)
    api_b = token_client(partner_b_user)
    response = api_b.patch(url, {"last_name": "Benali-B"}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == "last_name"
    response = api_b.patch(url, {"phone": "0622222222"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["personal_data_visible"] is True
    assert response.json()["phone"] == "+212622222222"


def test_a_batch_that_corrects_a_person_moves_its_version(people, api_a):
    record = {
        "cohort": "COH-A",
        "cin": "AA111111",
        "last_name": "Benali",
        "first_name": "Fatima",
        "sex": "F",
        "birth_date": "2000-01-01",
        "phone": "0655555555",
        "status": "enrolled",
        "enrolled_on": people.enrollment_a.enrolled_on.isoformat(),
    }
    response = api_a.post(f"{V1}/batch/", {"records": [record]}, format="json")
    assert response.status_code == 200, response.content
    people.trainee_a.refresh_from_db()
    assert people.trainee_a.contact_for(people.cohort_a.operator_id).phone == "+212655555555"
    assert people.trainee_a.version == 2
