"""Every API error is one documented body (RFC 9457 problem+json with a stable code),
permission is decided before the body is read, and the schema documents every answer."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tracker.models import Enrollment

pytestmark = pytest.mark.django_db
V1 = "/api/v1"
PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "errors"}


def _is_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"].endswith(body["code"])
    if code is not None:
        assert body["code"] == code
    return body


def test_each_error_status_answers_a_problem_with_a_stable_code(people, api_a, settings):
    _is_problem(APIClient().get(f"{V1}/cohorts/"), 401, "not_authenticated")
    _is_problem(api_a.get(f"{V1}/enrollments/{people.enrollment_b.pk}/"), 404, "not_found")
    _is_problem(api_a.post(f"{V1}/cohorts/", {}, format="json"), 403, "permission_denied")
    invalid = _is_problem(
        api_a.patch(
            f"{V1}/enrollments/{people.enrollment_a.pk}/", {"enrolled_on": "x"}, format="json"
        ),
        400,
        "invalid",
    )
    assert invalid["errors"][0]["field"] == "enrolled_on"
    assert invalid["errors"][0]["code"] == "invalid"
    conflict = _is_problem(
        api_a.post(
            f"{V1}/enrollments/{people.enrollment_a.pk}/graduate/",
            {"graduated_on": "2026-06-30", "version": 7},
            format="json",
        ),
        409,
        "conflict",
    )
    assert conflict["current_version"] == 1
    settings.API_BATCH_MAX_RECORDS = 1
    _is_problem(
        api_a.post(f"{V1}/batch/", {"records": [{}, {}]}, format="json"), 413, "batch_too_large"
    )
    settings.API_THROTTLE_RATE = "1/minute"
    cache.clear()
    api_a.get(f"{V1}/regions/")
    throttled = api_a.get(f"{V1}/regions/")
    _is_problem(throttled, 429, "throttled")
    assert int(throttled["Retry-After"]) > 0
    cache.clear()


def test_the_conflict_speaks_to_an_api_client_not_to_a_page_reader(people, api_a):
    response = api_a.post(
        f"{V1}/enrollments/{people.enrollment_a.pk}/graduate/",
        {"graduated_on": "2026-06-30", "version": 7},
        format="json",
    )
    text = response.content.decode().lower()
    assert "page" not in text
    assert "version" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "enrollments/"),
        ("post", "enrollments/upsert/"),
        ("patch", "enrollments/{enrollment}/"),
        ("put", "enrollments/{enrollment}/"),
        ("post", "enrollments/{enrollment}/graduate/"),
        ("post", "enrollments/{enrollment}/drop-out/"),
        ("post", "enrollments/{enrollment}/fail/"),
        ("post", "enrollments/{enrollment}/reopen/"),
        ("post", "hires/"),
        ("post", "hires/upsert/"),
        ("patch", "hires/{placement}/"),
        ("put", "hires/{placement}/"),
        ("post", "trainees/"),
        ("patch", "trainees/{trainee}/"),
        ("put", "trainees/{trainee}/"),
        ("post", "cohorts/"),
        ("patch", "cohorts/{cohort}/"),
        ("put", "cohorts/{cohort}/"),
        ("post", "batch/"),
    ],
)
def test_a_viewers_malformed_write_is_403_on_every_endpoint(people, api_viewer_a, method, url):
    path = url.format(
        enrollment=people.enrollment_a.pk,
        placement=people.placement_a.pk,
        trainee=people.trainee_a.pk,
        cohort=people.cohort_a.pk,
    )
    for body in ({"nonsense": [1, 2]}, {}):
        response = getattr(api_viewer_a, method)(f"{V1}/{path}", body, format="json")
        _is_problem(response, 403, "permission_denied")
    assert Enrollment.objects.get(pk=people.enrollment_a.pk).version == 1


@pytest.mark.parametrize("url", ["cohorts/", "trainees/"])
def test_a_partner_posting_to_a_staff_only_endpoint_gets_403_not_field_errors(people, api_a, url):
    response = api_a.post(f"{V1}/{url}", {"code": 12, "cin": None}, format="json")
    _is_problem(response, 403, "permission_denied")


def test_a_partner_editing_its_own_cohort_gets_403_before_validation(people, api_a):
    response = api_a.patch(f"{V1}/cohorts/{people.cohort_a.pk}/", {"hours": "x"}, format="json")
    _is_problem(response, 403)


def test_a_replayed_error_keeps_its_problem_type(people, api_a):
    headers = {"HTTP_IDEMPOTENCY_KEY": "replay-error"}
    body = {"enrolled_on": "x"}
    url = f"{V1}/enrollments/{people.enrollment_a.pk}/graduate/"
    first = api_a.post(url, body, format="json", **headers)
    again = api_a.post(url, body, format="json", **headers)
    _is_problem(first, 400)
    _is_problem(again, 400)
    assert again.json() == first.json()


def test_the_schema_documents_every_error_on_every_operation() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) >= 30
    for path, method, operation in operations:
        for status in ("400", "401", "403", "404", "409", "413", "429"):
            content = operation["responses"][status]["content"]
            assert content["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Problem"
            }, (path, method, status)
        if method == "post":
            names = [parameter["name"] for parameter in operation.get("parameters", [])]
            assert "Idempotency-Key" in names, path


def test_a_nul_character_anywhere_is_a_400_not_a_server_error(people, api_a):
    body = {"enrollment": people.enrollment_a.pk, "zone": "C\x00NS", "job_title": "x"}
    response = api_a.post(f"{V1}/hires/", body, format="json")
    error = _is_problem(response, 400)["errors"][0]
    assert (error["field"], error["code"]) == ("zone", "invalid_character")
    assert api_a.get(f"{V1}/enrollments/", {"q": "A\x00"}).status_code == 400
