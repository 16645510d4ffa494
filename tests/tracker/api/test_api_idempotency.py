"""Idempotent writes: a hire is keyed on (enrollment, hire date, employer) and upserted;
``Idempotency-Key`` replays the first answer of a POST for 24 h, per user."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tracker.models import ChangeLog, IdempotentRequest, Placement
from tracker.services.idempotency import idempotency_purge

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def _hire(people, **changes) -> dict:
    return {
        "enrollment": people.enrollment_a.pk,
        "employer_name": "Atlas Services SA",
        "employer_ice": "001234567000089",
        "hired_on": "2026-07-15",
        "contract_type": "cdi",
        "job_title": "Conseillère clientèle",
        "filiere": "CRM",
        "region": "MA-06",
        "gross_monthly_salary_mad": "6500.00",
    } | changes


# --- Hires: one per (enrollment, hire date, employer) -----------------------------------


def test_hire_upsert_twice_creates_one_hire_and_changes_nothing_the_second_time(people, api_a):
    first = api_a.post(f"{V1}/hires/upsert/", _hire(people), format="json")
    assert first.status_code == 201, first.content
    count, logs = Placement.objects.count(), ChangeLog.objects.count()
    second = api_a.post(f"{V1}/hires/upsert/", _hire(people), format="json")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["version"] == 1
    assert (Placement.objects.count(), ChangeLog.objects.count()) == (count, logs)


def test_hire_upsert_updates_the_hire_of_the_same_key(people, api_a):
    first = api_a.post(f"{V1}/hires/upsert/", _hire(people), format="json").json()
    changed = api_a.post(
        f"{V1}/hires/upsert/", _hire(people, job_title="Chef d'équipe"), format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["id"] == first["id"]
    assert changed.json()["job_title"] == "Chef d'équipe"
    assert changed.json()["version"] == 2


def test_posting_the_same_hire_twice_is_a_409_naming_the_existing_hire(people, api_a):
    first = api_a.post(f"{V1}/hires/", _hire(people), format="json")
    assert first.status_code == 201
    again = api_a.post(f"{V1}/hires/", _hire(people), format="json")
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "duplicate_hire"
    assert str(first.json()["id"]) in again.json()["errors"][0]["reason"]
    assert Placement.objects.filter(enrollment=people.enrollment_a).count() == 2


def test_another_employer_on_the_same_day_is_another_hire(people, api_a):
    api_a.post(f"{V1}/hires/", _hire(people), format="json")
    other = api_a.post(f"{V1}/hires/", _hire(people, employer_ice="001987654000078"), format="json")
    assert other.status_code == 201


def test_hires_filter_by_enrollment(people, api_a):
    response = api_a.get(f"{V1}/hires/", {"enrollment": people.enrollment_a.pk})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [people.placement_a.pk]


def test_partner_filtering_hires_by_another_partners_enrollment_learns_nothing(people, api_b):
    response = api_b.get(f"{V1}/hires/", {"enrollment": people.enrollment_a.pk})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_partner_cannot_upsert_a_hire_on_another_partners_enrollment(people, api_b):
    response = api_b.post(f"{V1}/hires/upsert/", _hire(people), format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "enrollment"
    missing = api_b.post(f"{V1}/hires/upsert/", _hire(people, enrollment=999999), format="json")
    assert response.json()["errors"][0]["code"] == missing.json()["errors"][0]["code"]
    assert Placement.objects.filter(enrollment=people.enrollment_a).count() == 1


def test_batch_matches_hires_on_the_employer_too(people, api_a):
    record = {
        "cohort": "COH-A",
        "cin": "AA111111",
        "last_name": "Benali",
        "first_name": "Fatima",
        "sex": "F",
        "birth_date": people.trainee_a.birth_date.isoformat(),
        "status": "enrolled",
        "enrolled_on": people.enrollment_a.enrolled_on.isoformat(),
        "employer_name": "Atlas Services SA",
        "employer_ice": "001234567000089",
        "hired_on": people.placement_a.hired_on.isoformat(),
        "contract_type": "cdi",
        "job_title": "Conseiller",
    }
    first = api_a.post(f"{V1}/batch/", {"records": [record]}, format="json")
    assert first.status_code == 200, first.content
    # Same day as the fixture's hire, another employer: a second hire, not an overwrite.
    assert Placement.objects.filter(enrollment=people.enrollment_a).count() == 2
    people.placement_a.refresh_from_db()
    assert people.placement_a.version == 1
    again = api_a.post(f"{V1}/batch/", {"records": [record]}, format="json")
    assert again.json()["unchanged"] == 1


# --- Idempotency-Key ----------------------------------------------------------------------


def test_same_key_and_body_replays_the_first_answer_without_writing(people, api_a):
    headers = {"HTTP_IDEMPOTENCY_KEY": "sync-2026-12-07-0001"}
    first = api_a.post(f"{V1}/hires/", _hire(people), format="json", **headers)
    assert first.status_code == 201
    count = Placement.objects.count()
    again = api_a.post(f"{V1}/hires/", _hire(people), format="json", **headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Placement.objects.count() == count


def test_same_key_with_another_body_is_a_409(people, api_a):
    headers = {"HTTP_IDEMPOTENCY_KEY": "k-1"}
    api_a.post(f"{V1}/hires/", _hire(people), format="json", **headers)
    other = api_a.post(f"{V1}/hires/", _hire(people, job_title="Autre"), format="json", **headers)
    assert other.status_code == 409
    assert other.json()["errors"][0]["code"] == "idempotency_key_reused"


def test_keys_are_per_user(people, api_a, api_admin):
    headers = {"HTTP_IDEMPOTENCY_KEY": "shared-key"}
    assert api_a.post(f"{V1}/hires/", _hire(people), format="json", **headers).status_code == 201
    # The admin's identical key is its own: its request runs (and meets the duplicate).
    response = api_admin.post(f"{V1}/hires/", _hire(people), format="json", **headers)
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "duplicate_hire"


def test_a_key_is_forgotten_after_24_hours(people, api_a):
    headers = {"HTTP_IDEMPOTENCY_KEY": "old"}
    api_a.post(f"{V1}/hires/", _hire(people), format="json", **headers)
    IdempotentRequest.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    again = api_a.post(f"{V1}/hires/", _hire(people), format="json", **headers)
    assert again.status_code == 409  # ran again: the duplicate refused, not replayed
    assert again.json()["errors"][0]["code"] == "duplicate_hire"
    IdempotentRequest.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert idempotency_purge() == 1


def test_a_failed_request_is_replayed_too(people, api_a):
    headers = {"HTTP_IDEMPOTENCY_KEY": "bad-one"}
    body = _hire(people, hired_on="not a date")
    first = api_a.post(f"{V1}/hires/", body, format="json", **headers)
    assert first.status_code == 400
    again = api_a.post(f"{V1}/hires/", body, format="json", **headers)
    assert again.status_code == 400
    assert again.json() == first.json()


def test_a_blank_or_overlong_key_is_refused(people, api_a):
    for key in ("  ", "x" * 300):
        response = api_a.post(
            f"{V1}/hires/", _hire(people), format="json", HTTP_IDEMPOTENCY_KEY=key
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not Placement.objects.filter(hired_on="2026-07-15").exists()
