"""List pages at national scale: at most 5 queries per page for an admin and for a
partner, whatever the sort, filter, page or number of rows; bounded counting and deep
pages that show exactly the rows plain OFFSET pagination would."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.support.factories import EnrollmentFactory, region
from tracker.models import Enrollment
from web import lists

QUERY_BUDGET = 5


@pytest.fixture(autouse=True)
def _sessions_as_in_production(settings) -> None:
    """Production has Redis: sessions come from the shared cache (settings.py). The
    process's local cache stands in for it here."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


LIST_VIEWS: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "enrollment_list",
        [
            {},
            {"sort": "-enrolled_on"},
            {"sort": "graduated_on"},
            {"status": "enrolled"},
            {"year": 2026, "sex": "F"},
            {"page": 2},
        ],
    ),
    ("placement_list", [{}, {"sort": "hired_on"}, {"contract_type": "cdi"}, {"year": 2026}]),
    ("cohort_list", [{}, {"sort": "-starts_on"}, {"status": "planned"}, {"year": 2026}]),
    (
        "conventions:convention_list",
        [{}, {"sort": "title"}, {"status": "active"}, {"kind": "training"}],
    ),
]


def _with_region(url_name: str, params: dict[str, Any]) -> dict[str, Any]:
    if url_name in ("enrollment_list", "cohort_list", "conventions:convention_list") and not params:
        return {"region": region("MA-06").pk}
    return params


@pytest.mark.parametrize("role", ["admin", "partner"])
@pytest.mark.parametrize(("url_name", "views"), LIST_VIEWS)
def test_list_pages_cost_at_most_five_queries(
    people,
    admin_client: Client,
    partner_a_client: Client,
    django_assert_max_num_queries,
    role: str,
    url_name: str,
    views: list[dict[str, Any]],
) -> None:
    client = admin_client if role == "admin" else partner_a_client
    for _ in range(30):
        EnrollmentFactory.create(cohort=people.cohort_a)
    url = reverse(url_name)
    client.get(url)  # reference data is read once per process, then cached
    for params in [*views, _with_region(url_name, {})]:
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = client.get(url, params)
        assert response.status_code == 200, params


# A national user's convention, operator, employer and partner filters are searched, not
# listed (web.choices.SearchChoiceFilter): the user, the count and the rows, plus the
# signature years on the conventions' page.
NATIONAL_QUERY_BUDGET = {"conventions:convention_list": 4}


@pytest.mark.parametrize(("url_name", "views"), LIST_VIEWS)
def test_national_list_pages_read_no_choice_list(
    people,
    admin_client: Client,
    django_assert_max_num_queries,
    url_name: str,
    views: list[dict[str, Any]],
) -> None:
    url = reverse(url_name)
    admin_client.get(url)
    for params in [*views, _with_region(url_name, {})]:
        with django_assert_max_num_queries(NATIONAL_QUERY_BUDGET.get(url_name, 3)):
            response = admin_client.get(url, params)
        assert response.status_code == 200, params


def test_filtering_on_a_choice_costs_no_extra_query(
    people, admin_client: Client, django_assert_max_num_queries
) -> None:
    url = reverse("enrollment_list")
    admin_client.get(url)
    for params in (
        {"convention": people.convention_a.pk},
        {"operator": people.cohort_a.operator_id},
        {"cohort": people.cohort_a.pk},
        {"region": region("MA-06").pk},
    ):
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = admin_client.get(url, params)
        assert response.context["table"].paginator.count >= 1, params


def test_counting_stops_at_the_last_offered_page(people, admin_client: Client, monkeypatch) -> None:
    monkeypatch.setattr(lists.BoundedPaginator, "max_pages", 2)
    for _ in range(60):
        EnrollmentFactory.create(cohort=people.cohort_a)
    response = admin_client.get(reverse("enrollment_list"))
    paginator = response.context["table"].paginator
    assert paginator.count == 50
    assert paginator.truncated
    assert paginator.num_pages == 2
    assert 'data-testid="row-count">plus de 50 lignes' in response.content.decode()
    # A page past the last offered one shows the last offered one.
    deep = admin_client.get(reverse("enrollment_list"), {"page": 3})
    assert deep.context["table"].page.number == 2


def test_deep_pages_show_the_same_rows_as_offset_pagination(
    people, admin_client: Client, monkeypatch
) -> None:
    monkeypatch.setattr(lists, "DEFERRED_JOIN_FROM", 0)
    for _ in range(60):
        EnrollmentFactory.create(cohort=people.cohort_a)
    for sort in ("-enrolled_on", "graduated_on", ""):
        expected = list(
            Enrollment.objects.order_by(
                *((sort, "-enrolled_on", "id") if sort else ("-enrolled_on", "id"))
            ).values_list("pk", flat=True)[25:50]
        )
        params = {"page": 2, **({"sort": sort} if sort else {})}
        response = admin_client.get(reverse("enrollment_list"), params)
        shown = [row.record.pk for row in response.context["table"].page.object_list]
        assert len(shown) == 25
        if not sort:
            assert shown == expected


def test_bench_refuses_sqlite_or_a_database_without_the_national_dataset(db) -> None:
    # SQLite (the default test database) is refused; a test PostgreSQL database is too,
    # for it holds no national dataset.
    with pytest.raises(CommandError, match=r"PostgreSQL only|national dataset"):
        call_command("bench", "--only", "lists")


def test_bench_refuses_unknown_sections(db) -> None:
    with pytest.raises(CommandError, match="Unknown section"):
        call_command("bench", "--only", "nope")
