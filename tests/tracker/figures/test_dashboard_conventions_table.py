"""The dashboard's conventions table is a real list: every convention of the scope
(drafts aside, as the summary counts them), paginated, sortable, filterable, each row
linking to its convention; its total equals the summary; a partner sees its own only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conventions.models import Convention, Indicator, Partner
from tests.support.factories import CommitmentFactory
from tests.tracker.figures.test_dashboard import REFERENCE, convention_for, populate
from tracker.figures.rollups import rollup_full_recompute

pytestmark = pytest.mark.django_db
URL = reverse("dashboard")


def _conventions(operator: Partner, count: int, *, late_every: int = 3) -> list[Convention]:
    """``count`` active conventions; every ``late_every``-th one committed far above
    its figures (late); a few suspended, one draft."""
    result = []
    for index in range(count):
        convention = populate(operator, region_code="MA-06", per_cohort=2)
        if index % late_every == 0:
            CommitmentFactory.create(
                convention=convention,
                indicator=Indicator.ENROLLED,
                year=2025,
                target_value=Decimal(500),
            )
        result.append(convention)
    Convention.objects.filter(pk__in=[c.pk for c in result[1:3]]).update(
        status=Convention.Status.SUSPENDED
    )
    convention_for(operator)  # drafts are not counted (made active by the helper): redraft it
    Convention.objects.filter(pk=Convention.objects.order_by("-pk")[0].pk).update(
        status=Convention.Status.DRAFT
    )
    rollup_full_recompute(reference_date=REFERENCE)
    return result


def _rows(response) -> list[int]:
    return [row.record.pk for row in response.context["table"].page.object_list]


def test_every_convention_is_listed_a_page_at_a_time_and_the_total_is_the_summary(
    admin_client: Client, operator_a: Partner
) -> None:
    conventions = _conventions(operator_a, 30)
    first = admin_client.get(URL)
    summary = first.context["summary"]
    assert summary["conventions_count"] == 30
    assert first.context["table"].paginator.count == 30
    second = admin_client.get(URL, {"page": 2})
    listed = _rows(first) + _rows(second)
    assert len(_rows(first)) == 25
    assert sorted(listed) == sorted(c.pk for c in conventions)
    # Late first (as the summary counts them), then on track, suspended.
    late = {c.pk for i, c in enumerate(conventions) if i % 3 == 0 and i not in (1, 2)}
    assert summary["lagging_count"] == len(late)
    assert set(listed[: len(late)]) == late
    page = first.content.decode()
    for pk in _rows(first):
        assert f'href="/conventions/{pk}/"' in page


def test_the_table_filters_by_standing_status_and_text(
    admin_client: Client, operator_a: Partner
) -> None:
    conventions = _conventions(operator_a, 9)
    late = admin_client.get(URL, {"standing": "late"})
    assert late.context["table"].paginator.count == late.context["summary"]["lagging_count"]
    assert all(late.context["table"].standings[pk] == "late" for pk in _rows(late))
    suspended = admin_client.get(URL, {"status": "suspended"})
    assert sorted(_rows(suspended)) == sorted(c.pk for c in conventions[1:3])
    assert _rows(admin_client.get(URL, {"standing": "suspended"})) == _rows(suspended)
    found = admin_client.get(URL, {"q": conventions[4].reference})
    assert _rows(found) == [conventions[4].pk]


@pytest.mark.parametrize("sort", ["reference", "-reference", "title", "status", "-standing"])
def test_the_table_sorts(admin_client: Client, operator_a: Partner, sort: str) -> None:
    conventions = _conventions(operator_a, 6)
    response = admin_client.get(URL, {"sort": sort})
    assert response.status_code == 200
    rows = _rows(response)
    assert sorted(rows) == sorted(c.pk for c in conventions)
    if sort == "-reference":
        by_pk = {c.pk: c.reference for c in conventions}
        assert [by_pk[pk] for pk in rows] == sorted(by_pk.values(), reverse=True)


def test_partner_b_lists_filters_and_sorts_its_own_conventions_only(
    partner_b_client: Client, operator_a: Partner, operator_b: Partner
) -> None:
    mine_a = _conventions(operator_a, 4)
    mine_b = populate(operator_b, region_code="MA-01")
    rollup_full_recompute(reference_date=REFERENCE)
    for params in ({}, {"sort": "-standing"}, {"status": "active"}, {"standing": "late"}):
        response = partner_b_client.get(URL, params)
        assert set(_rows(response)) <= {mine_b.pk}
        page = response.content.decode()
        assert all(c.reference not in page for c in mine_a)
    searched = partner_b_client.get(URL, {"q": mine_a[0].reference})
    assert _rows(searched) == []
    assert searched.context["table"].paginator.count == 0
    assert partner_b_client.get(URL).context["summary"]["conventions_count"] == 1


def test_the_table_runs_the_same_queries_whatever_the_number_of_conventions(
    admin_client: Client, operator_a: Partner
) -> None:
    def queries() -> int:
        admin_client.get(URL)  # the figures computed and cached
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(URL, {"sort": "-standing"}).status_code == 200
        return len(captured)

    _conventions(operator_a, 3)
    few = queries()
    _conventions(operator_a, 30)
    assert queries() == few
