"""Batch refusals carry the stable code of the single endpoints' answer to the same
refusal (docs/api.md, Errors), not only ``invalid``: a client branches on the code."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.models import Enrollment
from tracker.services.enrollments import enrollment_graduate

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def _record(people, trainee=None, **changes) -> dict:
    trainee = trainee or people.trainee_a
    return {
        "cohort": "COH-A",
        "cin": trainee.cin,
        "last_name": trainee.last_name,
        "first_name": trainee.first_name,
        "sex": trainee.sex,
        "birth_date": trainee.birth_date.isoformat(),
        "status": "enrolled",
        "enrolled_on": people.enrollment_a.enrolled_on.isoformat(),
    } | changes


def _errors(response) -> set[tuple[int, str | None, str]]:
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    return {(e["index"], e["field"], e["code"]) for e in response.json()["errors"]}


def test_a_batch_reopening_a_closed_enrollment_says_closed_enrollment(people, api_a):
    enrollment_graduate(
        enrollment=people.enrollment_a,
        version=people.enrollment_a.version,
        graduated_on=dt.date(2026, 6, 30),
        actor=None,
    )
    response = api_a.post(f"{V1}/batch/", {"records": [_record(people)]}, format="json")
    assert _errors(response) == {(0, "status", "closed_enrollment")}
    people.enrollment_a.refresh_from_db()
    assert people.enrollment_a.status == Enrollment.Status.GRADUATED


def test_a_batch_record_not_matching_the_persons_identity_says_identity_mismatch(people, api_a):
    # Partner A does not record trainee B: the record must match B's identity.
    record = _record(people, people.trainee_b, last_name="Autrenom", first_name="Autre")
    response = api_a.post(f"{V1}/batch/", {"records": [record]}, format="json")
    assert _errors(response) == {(0, "cin", "identity_mismatch")}
    assert not Enrollment.objects.filter(trainee=people.trainee_b, cohort=people.cohort_a).exists()


def test_batch_field_refusals_carry_the_codes_of_the_rules(people, api_a):
    records = [
        _record(people, cin="??"),
        _record(people, last_name=""),
        _record(people, cohort="COH-NOWHERE"),
        _record(people, enrolled_on="31/31/2026"),
        _record(people, sex="Z"),
    ]
    response = api_a.post(f"{V1}/batch/", {"records": records}, format="json")
    assert _errors(response) == {
        (0, "cin", "invalid_cin"),
        (1, "last_name", "required"),
        (2, "cohort", "does_not_exist"),
        (3, "enrolled_on", "invalid_date"),
        (4, "sex", "invalid_choice"),
    }


def test_the_same_person_twice_in_a_batch_says_duplicate_record(people, api_a):
    records = [_record(people), _record(people)]
    response = api_a.post(f"{V1}/batch/", {"records": records}, format="json")
    assert _errors(response) == {(1, "cin", "duplicate_record")}


def test_a_batch_record_with_a_date_outside_its_cohort_says_which_rule(people, api_a):
    record = _record(people, enrolled_on="2099-01-05")
    response = api_a.post(f"{V1}/batch/", {"records": [record]}, format="json")
    ((index, field, code),) = _errors(response)
    assert (index, field) == (0, "enrolled_on")
    assert code not in ("", "invalid")
