"""Partner B, by URL, filter, sort, export and search, never reaches partner A's
cohorts, trainees, enrollments or hires: 404, empty results, nothing in counts or
choice lists."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

A_MARKERS = ("COH-A", "AA111111", "Benali", "Employeur Alpha")


def _body(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return "\n".join(
            str(cell)
            for sheet in workbook
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _results(response) -> str:
    """The page after the filter form (which echoes what was typed)."""
    return response.content.decode().split("<tbody", 1)[1].split("</tbody>", 1)[0]


def _assert_nothing_of_a(text: str) -> None:
    for marker in A_MARKERS:
        assert marker not in text, marker


@pytest.mark.parametrize(
    ("name", "attr"),
    [
        ("cohort_detail", "cohort_a"),
        ("cohort_update", "cohort_a"),
        ("enrollment_create", "cohort_a"),
        ("enrollment_detail", "enrollment_a"),
        ("enrollment_update", "enrollment_a"),
        ("enrollment_graduate", "enrollment_a"),
        ("enrollment_drop_out", "enrollment_a"),
        ("enrollment_fail", "enrollment_a"),
        ("placement_create", "enrollment_a"),
        ("placement_detail", "placement_a"),
        ("placement_update", "placement_a"),
    ],
)
def test_partner_b_gets_404_on_a_objects(people, partner_b_client: Client, name, attr) -> None:
    url = reverse(name, args=[getattr(people, attr).pk])
    assert partner_b_client.get(url).status_code == 404
    assert partner_b_client.post(url, {"version": 1}).status_code == 404


@pytest.mark.parametrize("list_name", ["cohort_list", "enrollment_list", "placement_list"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "-enrolled_on"},
        {"sort": "trainee"},
        {"sort": "-hired_on"},
        {"sort": "code"},
        {"export": "csv"},
        {"export": "xlsx"},
        {"export": "csv", "sort": "-starts_on"},
    ],
)
def test_partner_b_lists_and_exports_show_nothing_of_a(
    people, partner_b_client: Client, list_name: str, params: dict
) -> None:
    response = partner_b_client.get(reverse(list_name), params)
    assert response.status_code == 200
    _assert_nothing_of_a(_body(response))


def test_choice_lists_of_partner_b_hold_nothing_of_a(people, partner_b_client: Client) -> None:
    for list_name in ("cohort_list", "enrollment_list", "placement_list"):
        text = partner_b_client.get(reverse(list_name)).content.decode()
        assert people.convention_a.reference not in text
        assert people.cohort_a.operator.name not in text
        assert "Employeur Alpha" not in text
    assert "Employeur Beta SA" in partner_b_client.get(reverse("placement_list")).content.decode()


@pytest.mark.parametrize(
    ("list_name", "param", "attr"),
    [
        ("cohort_list", "convention", "convention_a"),
        ("cohort_list", "operator", "cohort_a.operator"),
        ("enrollment_list", "cohort", "cohort_a"),
        ("enrollment_list", "convention", "convention_a"),
        ("enrollment_list", "operator", "cohort_a.operator"),
        ("placement_list", "employer", "employer_a"),
    ],
)
def test_filtering_on_a_objects_is_refused_and_empty(
    people, partner_b_client: Client, list_name, param, attr
) -> None:
    value = people
    for part in attr.split("."):
        value = getattr(value, part)
    response = partner_b_client.get(reverse(list_name), {param: value.pk})
    assert response.status_code == 200
    text = response.content.decode()
    _assert_nothing_of_a(text)
    # A value outside the user's choices is refused: no rows at all, no count of A.
    assert 'data-testid="row-count">0 ligne' in text
    export = partner_b_client.get(reverse(list_name), {param: value.pk, "export": "csv"})
    _assert_nothing_of_a(_body(export))


@pytest.mark.parametrize("query", ["AA111111", "aa 111111", "Benali", "Fatima Benali", "Fatima"])
def test_search_never_finds_a_trainee_of_a(people, partner_b_client: Client, query: str) -> None:
    response = partner_b_client.get(reverse("enrollment_list"), {"q": query})
    assert response.status_code == 200
    _assert_nothing_of_a(_results(response))
    assert 'data-testid="row-count">0 ligne' in response.content.decode()
    export = partner_b_client.get(reverse("enrollment_list"), {"q": query, "export": "csv"})
    assert len(_body(export).strip().splitlines()) == 1  # the header only


def test_partner_a_finds_its_trainee_by_cin_or_name(people, partner_a_client: Client) -> None:
    for query in ("aa 111111", "Benali", "fatima benali"):
        response = partner_a_client.get(reverse("enrollment_list"), {"q": query})
        assert 'data-testid="row-count">1 ligne' in response.content.decode(), query


def test_manager_search_reaches_only_the_conventions_he_manages(
    people, manager_client: Client
) -> None:
    """Searching by CIN would confirm that a person is enrolled: a manager searches only
    among the trainees whose personal data he may see."""
    response = manager_client.get(reverse("enrollment_list"), {"q": "BB222222"})
    assert 'data-testid="row-count">0 ligne' in response.content.decode()
    response = manager_client.get(reverse("enrollment_list"), {"q": "AA111111"})
    assert 'data-testid="row-count">1 ligne' in response.content.decode()


def test_partner_b_home_count_excludes_a(people, partner_b_client: Client) -> None:
    response = partner_b_client.get(reverse("enrollment_list"))
    assert 'data-testid="row-count">1 ligne' in response.content.decode()


def test_cohort_code_filter_stays_in_scope(people, partner_b_client, partner_a_client) -> None:
    url = reverse("enrollment_list")
    response = partner_b_client.get(url, {"cohort_code": "coh-a"})
    assert 'data-testid="row-count">0 ligne' in response.content.decode()
    response = partner_a_client.get(url, {"cohort_code": "coh-a"})
    assert 'data-testid="row-count">1 ligne' in response.content.decode()
