"""Tokens, errors, mass assignment, idempotent sync (upsert and batch), throttling."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.support.api import token_client
from tracker.models import ChangeLog, Enrollment, Placement, Trainee

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


# --- Tokens ---------------------------------------------------------------------------


def test_token_page_shows_the_secret_once_then_only_its_prefix(partner_a_client, partner_a_user):
    page = partner_a_client.get("/account/api-tokens/")
    assert page.status_code == 200
    assert "/account/api-tokens/" in partner_a_client.get("/").content.decode()  # navigation
    created = partner_a_client.post("/account/api-tokens/", {"name": "SI nocturne"})
    html = created.content.decode()
    token = ApiToken.objects.get(user=partner_a_user)
    secret = html.split('data-testid="token-secret">')[1].split("<")[0]
    assert secret.startswith(token.prefix)
    assert len(secret) > 40
    assert token.key_hash != secret  # only a hash stored
    assert secret not in token.key_hash
    again = partner_a_client.get("/account/api-tokens/").content.decode()
    assert secret not in again
    assert token.prefix in again
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")  # "Token" works as "Bearer"
    assert client.get(f"{V1}/cohorts/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    partner_a_client.post(f"/account/api-tokens/{token.pk}/revoke/")
    response = client.get(f"{V1}/cohorts/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_nobody_revokes_another_users_token(partner_a_user, partner_b_client):
    token = token_client(partner_a_user) and ApiToken.objects.get(user=partner_a_user)
    response = partner_b_client.post(f"/account/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_no_token_or_a_wrong_one_is_401_in_json(db):
    for header in ({}, {"HTTP_AUTHORIZATION": "Bearer ott_wrong"}):
        response = APIClient().get(f"{V1}/enrollments/", **header)
        assert response.status_code == 401
        assert response.json()["detail"]


def test_token_of_an_inactive_user_is_refused(partner_a_user):
    client = token_client(partner_a_user)
    partner_a_user.is_active = False
    partner_a_user.save()
    assert client.get(f"{V1}/cohorts/").status_code == 401


# --- Errors and mass assignment ---------------------------------------------------------


def test_service_errors_come_back_with_field_and_reason(people, api_a):
    response = api_a.post(
        f"{V1}/enrollments/",
        {
            "cohort": people.cohort_a.pk,
            "trainee": {
                "cin": "??",
                "first_name": "A",
                "last_name": "B",
                "sex": "F",
                "birth_date": "2001-01-01",
                "phone": "12",
            },
            "enrolled_on": "2026-01-10",
        },
        format="json",
    )
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"trainee.cin", "trainee.phone"} <= fields
    assert all(error["reason"] for error in response.json()["errors"])
    # A rule of tracker.rules (enrollment before the cohort starts), as on the form.
    early = api_a.patch(
        f"{V1}/enrollments/{people.enrollment_a.pk}/",
        {"enrolled_on": "2020-01-01"},
        format="json",
    )
    assert early.status_code == 400
    assert early.json()["errors"][0]["field"] == "enrolled_on"


def test_a_stale_version_is_a_409_conflict(people, api_a):
    response = api_a.post(
        f"{V1}/enrollments/{people.enrollment_a.pk}/graduate/",
        {"graduated_on": "2026-06-30", "version": 7},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "conflict"


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("enrollments/{enrollment}/", {"status": "graduated"}, "status"),
        ("enrollments/{enrollment}/", {"cohort": "{cohort_b}"}, "cohort"),
        ("enrollments/{enrollment}/", {"trainee": {"cin": "ZZ1"}}, "trainee"),
        ("enrollments/{enrollment}/", {"updated_by": 1}, "updated_by"),
        (
            "enrollments/{enrollment}/graduate/",
            {"graduated_on": "2026-06-30", "status": "failed"},
            "status",
        ),
        ("hires/{placement}/", {"enrollment": "{enrollment_b}"}, "enrollment"),
        ("hires/{placement}/", {"id": 999}, "id"),
        (
            "enrollments/upsert/",
            {
                "cohort": "{cohort_a}",
                "enrolled_on": "2026-01-10",
                "status": "graduated",
                "trainee": {
                    "cin": "AA111111",
                    "first_name": "F",
                    "last_name": "B",
                    "sex": "F",
                    "birth_date": "2000-01-01",
                    "role": "admin",
                },
            },
            "trainee.role",
        ),
        ("batch/", {"records": [{"cin": "AA1"}], "operator": 1}, "operator"),
    ],
)
def test_fields_a_partner_may_not_set_are_refused_by_name(people, api_a, url, body, field):
    values = {
        "enrollment": people.enrollment_a.pk,
        "placement": people.placement_a.pk,
        "cohort_a": people.cohort_a.pk,
        "cohort_b": people.cohort_b.pk,
        "enrollment_b": people.enrollment_b.pk,
    }

    def fill(value):
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, str) and value.startswith("{"):
            return value.format(**values) and int(value.format(**values))
        return value

    method = "post" if url.endswith(("graduate/", "upsert/", "batch/")) else "patch"
    response = getattr(api_a, method)(f"{V1}/{url.format(**values)}", fill(body), format="json")
    assert response.status_code == 400, response.content
    fields = [error["field"] for error in response.json()["errors"]]
    assert field in fields
    people.enrollment_a.refresh_from_db()
    assert people.enrollment_a.status == Enrollment.Status.ENROLLED
    assert people.enrollment_a.version == 1


# --- Idempotent sync -------------------------------------------------------------------


def _records(cohort_code: str, count: int) -> list[dict]:
    records = []
    for n in range(count):
        record = {
            "cohort": cohort_code,
            "cin": f"ZB{n + 100000}",
            "last_name": f"Nom{n}",
            "first_name": "Prénom",
            "sex": "F" if n % 2 else "M",
            "birth_date": "2001-02-03",
            "phone": "0612345678",
            "status": "graduated" if n % 3 == 0 else "enrolled",
            "enrolled_on": "2026-01-05",
            "graduated_on": "2026-06-30" if n % 3 == 0 else None,
        }
        if n % 3 == 0:
            record |= {
                "employer_name": "Atlas Services SA",
                "employer_ice": "001234567000089",
                "hired_on": "2026-07-15",
                "contract_type": "cdi",
                "job_title": "Conseiller",
                "salary": "6500.00",
            }
        records.append(record)
    return records


def _state() -> tuple:
    return (
        list(Trainee.objects.order_by("id").values()),
        list(Enrollment.objects.order_by("id").values()),
        list(Placement.objects.order_by("id").values()),
        ChangeLog.objects.count(),
    )


def test_the_same_batch_pushed_twice_changes_nothing_the_second_time(people, api_a):
    records = _records("COH-A", 300)
    first = api_a.post(f"{V1}/batch/", {"records": records}, format="json")
    assert first.status_code == 200, first.content
    result = first.json()
    assert {key: result[key] for key in ("committed", "created", "updated", "unchanged")} == {
        "committed": True,
        "created": 300,
        "updated": 0,
        "unchanged": 0,
    }
    assert [record["index"] for record in result["records"]] == list(range(300))
    assert {record["outcome"] for record in result["records"]} == {"created"}
    assert all(record["enrollment"] for record in result["records"])
    before = _state()
    second = api_a.post(f"{V1}/batch/", {"records": records}, format="json")
    assert second.status_code == 200
    assert second.json()["unchanged"] == 300
    assert second.json()["created"] == 0
    assert [r["enrollment"] for r in second.json()["records"]] == [
        r["enrollment"] for r in result["records"]
    ]
    assert {r["outcome"] for r in second.json()["records"]} == {"unchanged"}
    assert _state() == before


def test_a_batch_with_one_bad_record_writes_nothing_and_names_it(people, api_a):
    records = _records("COH-A", 50)
    records[17]["enrolled_on"] = "31/31/2026"
    records[42]["surprise"] = "x"
    before = _state()
    response = api_a.post(f"{V1}/batch/", {"records": records}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {(e["index"], e["field"]) for e in errors} == {(17, "enrolled_on"), (42, "surprise")}
    assert response["Content-Type"] == "application/problem+json"
    assert {e["code"] for e in errors if e["field"] == "surprise"} == {"unknown_field"}
    assert _state() == before


def test_batch_size_is_limited(people, api_a, settings):
    settings.API_BATCH_MAX_RECORDS = 10
    response = api_a.post(f"{V1}/batch/", {"records": _records("COH-A", 11)}, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "batch_too_large"


def test_dry_run_validates_without_writing(people, api_a):
    before = _state()
    response = api_a.post(
        f"{V1}/batch/", {"records": _records("COH-A", 5), "dry_run": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["created"] == 5
    assert response.json()["committed"] is False
    assert _state() == before


def test_upsert_twice_changes_nothing_the_second_time(people, api_a):
    body = {
        "cohort": people.cohort_a.pk,
        "trainee": {
            "cin": "AA111111",
            "first_name": "Fatima",
            "last_name": "Benali",
            "sex": "F",
            "birth_date": "2000-05-17",
        },
        "enrolled_on": "2026-01-06",
    }
    first = api_a.post(f"{V1}/enrollments/upsert/", body, format="json")
    assert first.status_code == 200  # the enrollment existed: brought up to date
    assert first.json()["id"] == people.enrollment_a.pk
    assert first.json()["enrolled_on"] == "2026-01-06"
    before = _state()
    second = api_a.post(f"{V1}/enrollments/upsert/", body, format="json")
    assert second.status_code == 200
    assert _state() == before


# --- Throttling ------------------------------------------------------------------------


def test_throttling_is_per_user_with_a_clear_429(partner_a_user, viewer_a_user, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    cache.clear()
    first, second = token_client(partner_a_user), token_client(partner_a_user)
    for _ in range(3):
        assert first.get(f"{V1}/regions/").status_code == 200
    refused = first.get(f"{V1}/regions/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "secondes" in refused.json()["detail"]
    assert second.get(f"{V1}/regions/").status_code == 429  # another token, the same user
    assert token_client(viewer_a_user).get(f"{V1}/regions/").status_code == 200
    cache.clear()
