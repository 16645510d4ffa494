"""What an integrator relies on beside the data: integer and code filters, unknown
parameters refused, page sizes bounded, the nested trainee's version, the answer's
language, ETag / If-Match, RateLimit headers and a rate per user (not per token)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.support.api import token_client

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def test_year_filters_take_an_integer_written_as_a_client_writes_it(people, api_a):
    for year in ("2026", "2026.0"):
        response = api_a.get(f"{V1}/enrollments/", {"year": year})
        assert response.status_code == 200, response.content
        assert [row["id"] for row in response.json()["results"]] == [people.enrollment_a.pk]
    assert api_a.get(f"{V1}/enrollments/", {"year": "2026.5"}).status_code == 400


def test_filters_take_the_codes_the_answers_use(people, api_a):
    cohort = people.cohort_a
    by_code = api_a.get(f"{V1}/cohorts/", {"region": cohort.region.code})
    assert [row["id"] for row in by_code.json()["results"]] == [cohort.pk]
    by_filiere = api_a.get(f"{V1}/cohorts/", {"filiere": cohort.filiere.code.lower()})
    assert [row["id"] for row in by_filiere.json()["results"]] == [cohort.pk]
    for value in (cohort.code, str(cohort.pk)):
        rows = api_a.get(f"{V1}/enrollments/", {"cohort": value}).json()["results"]
        assert [row["id"] for row in rows] == [people.enrollment_a.pk]
    assert api_a.get(f"{V1}/cohorts/", {"region": "MA-99"}).status_code == 400


def test_filtering_by_another_partners_cohort_code_learns_nothing(people, api_b):
    response = api_b.get(f"{V1}/enrollments/", {"cohort": people.cohort_a.code})
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("url", ["enrollments/", "cohorts/", "regions/", "figures/", "hires/"])
def test_an_unknown_query_parameter_is_a_400_naming_it(people, api_a, url):
    response = api_a.get(f"{V1}/{url}", {"regoin": "MA-06"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("regoin", "unknown_parameter")


@pytest.mark.parametrize("size", ["0", "-1", "abc", "1001", "2.5"])
def test_a_bad_or_too_large_page_size_is_a_400(people, api_a, size):
    for url in ("enrollments/", "cohorts/"):
        response = api_a.get(f"{V1}/{url}", {"page_size": size})
        assert response.status_code == 400, (url, size)
        assert response.json()["errors"][0]["code"] == "invalid_page_size"


def test_page_size_within_bounds_is_honoured(people, api_a):
    assert api_a.get(f"{V1}/enrollments/", {"page_size": "1000"}).status_code == 200


def test_the_nested_trainee_carries_its_version(people, api_a):
    body = api_a.get(f"{V1}/enrollments/{people.enrollment_a.pk}/").json()
    assert body["trainee"]["version"] == people.trainee_a.version


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Not found"), ("ar", None), ("fr", "Introuvable"), ("de, en;q=0.5", "Not found")],
)
def test_accept_language_is_honoured_in_messages(people, api_a, language, expected):
    response = api_a.get(
        f"{V1}/enrollments/{people.enrollment_b.pk}/", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 404
    detail = response.json()["detail"]
    if expected is None:
        assert detail != "Introuvable."
        assert response["Content-Language"] == "ar"
    else:
        assert detail.startswith(expected)


def test_validation_messages_follow_accept_language(people, api_a):
    response = api_a.post(
        f"{V1}/enrollments/{people.enrollment_a.pk}/graduate/",
        {"graduated_on": "2026-06-30", "version": 9},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert "This record was changed" in response.json()["detail"]


def test_etag_is_the_version_and_if_match_is_checked(people, api_a):
    url = f"{V1}/enrollments/{people.enrollment_a.pk}/"
    read = api_a.get(url)
    assert read["ETag"] == '"1"'
    stale = api_a.patch(url, {"certificate_ref": "C-1"}, format="json", HTTP_IF_MATCH='"7"')
    assert stale.status_code == 409
    ok = api_a.patch(url, {"certificate_ref": "C-1"}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert ok.status_code == 200
    assert ok["ETag"] == '"2"'
    bad = api_a.patch(url, {"certificate_ref": "C-2"}, format="json", HTTP_IF_MATCH="abc")
    assert bad.status_code == 400


def test_if_match_works_on_actions_and_hires(people, api_a):
    stale = api_a.post(
        f"{V1}/enrollments/{people.enrollment_a.pk}/graduate/",
        {"graduated_on": "2026-06-30"},
        format="json",
        HTTP_IF_MATCH='"5"',
    )
    assert stale.status_code == 409
    hire = api_a.patch(
        f"{V1}/hires/{people.placement_a.pk}/",
        {"job_title": "Chef"},
        format="json",
        HTTP_IF_MATCH='"3"',
    )
    assert hire.status_code == 409


def test_every_answer_carries_rate_limit_headers(people, api_a, settings):
    settings.API_THROTTLE_RATE = "100/hour"
    cache.clear()
    first = api_a.get(f"{V1}/regions/")
    second = api_a.get(f"{V1}/regions/")
    assert first["RateLimit-Limit"] == "100"
    assert int(first["RateLimit-Remaining"]) == int(second["RateLimit-Remaining"]) + 1
    assert int(second["RateLimit-Reset"]) <= 3600
    for response in (
        APIClient().get(f"{V1}/regions/"),  # 401
        api_a.get(f"{V1}/enrollments/{people.enrollment_b.pk}/"),  # 404
        api_a.post(f"{V1}/cohorts/", {}, format="json"),  # 403
    ):
        assert "RateLimit-Remaining" in response, response.status_code
    cache.clear()


def test_throttling_is_per_user_whatever_the_number_of_tokens(partner_a_user, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    cache.clear()
    tokens = [token_client(partner_a_user) for _ in range(20)]
    answers = [tokens[n].get(f"{V1}/regions/").status_code for n in range(4)]
    assert answers == [200, 200, 200, 429]
    assert tokens[19].get(f"{V1}/regions/").status_code == 429
    cache.clear()
