"""Isolation of the slices: a partner's filters naming another partner's operator,
convention or cohort answer exactly as an id that does not exist (404), on the dashboard,
the comparison and the drill-downs, and show nothing of the other partner. Staff may
slice by any of them; a partner slices within its own scope only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conventions.models import Partner
from tests.tracker.figures.test_dashboard import REFERENCE, populate
from tracker.figures.links import figure_url
from tracker.figures.rollups import rollup_full_recompute

pytestmark = pytest.mark.django_db
MISSING = 987654321


@pytest.fixture
def two_partners(operator_a: Partner, operator_b: Partner) -> dict[str, Any]:
    convention_a = populate(operator_a, region_code="MA-06", cohorts=2)
    convention_b = populate(operator_b, region_code="MA-01", cohorts=1, per_cohort=6)
    rollup_full_recompute(reference_date=REFERENCE)
    return {
        "convention_a": convention_a,
        "cohort_a": convention_a.cohorts.first(),
        "convention_b": convention_b,
        "cohort_b": convention_b.cohorts.get(),
        "operator_b": operator_b,
    }


def _pages(query: str) -> list[str]:
    today = timezone.localdate()
    return [
        f"{reverse('dashboard')}?{query}",
        f"{reverse('figure_comparison')}?{query}",
        f"{reverse('figure_comparison')}?by=region&{query}",
        f"{figure_url('enrolled', until=today)}&{query}",
        f"{figure_url('jobs_created', until=today)}&{query}",
    ]


@pytest.mark.parametrize(
    ("parameter", "key"),
    [("convention", "convention_b"), ("cohort", "cohort_b"), ("operator", "operator_b")],
)
def test_another_partners_id_answers_like_a_missing_one(
    partner_a_client: Client, two_partners: dict[str, Any], parameter: str, key: str
) -> None:
    theirs = two_partners[key].pk
    for url_theirs, url_missing in zip(
        _pages(f"{parameter}={theirs}"), _pages(f"{parameter}={MISSING}"), strict=True
    ):
        response = partner_a_client.get(url_theirs)
        missing = partner_a_client.get(url_missing)
        assert response.status_code == missing.status_code == 404, url_theirs
        assert response.content == missing.content
        content = response.content.decode()
        assert two_partners["convention_b"].reference not in content
        assert two_partners["cohort_b"].code not in content
        assert two_partners["operator_b"].name not in content


def test_a_partner_may_not_slice_by_operator_even_its_own(
    partner_a_client: Client, operator_a: Partner, two_partners: dict[str, Any]
) -> None:
    own_operator = f"{reverse('dashboard')}?operator={operator_a.pk}"
    assert partner_a_client.get(own_operator).status_code == 404
    assert partner_a_client.get(f"{reverse('figure_comparison')}?by=operator").status_code == 404


def test_a_partner_slices_within_its_own_cohorts(
    partner_a_client: Client, two_partners: dict[str, Any]
) -> None:
    cohort = two_partners["cohort_a"]
    response = partner_a_client.get(f"{reverse('dashboard')}?cohort={cohort.pk}&sex=F")
    assert response.status_code == 200
    total = sum(row["figures"].enrolled for row in response.context["programme"])
    assert total == 2  # the 2 women of its 4 trainees
    # B's region, a filter every partner may use, shows none of B's rows.
    region_b = two_partners["cohort_b"].region_id
    response = partner_a_client.get(f"{reverse('dashboard')}?region={region_b}")
    assert response.status_code == 200
    assert all(not any(r["figures"].values.values()) for r in response.context["programme"])
    content = response.content.decode()
    assert two_partners["cohort_b"].code not in content
    assert two_partners["convention_b"].reference not in content
    comparison = partner_a_client.get(f"{reverse('figure_comparison')}?by=cohort")
    labels = [row.label for row in comparison.context["table"].data.data]
    assert all(two_partners["cohort_b"].code not in label for label in labels)
    assert any(two_partners["cohort_a"].code in label for label in labels)


def test_staff_slice_by_any_partners_operator_convention_and_cohort(
    admin_client: Client, two_partners: dict[str, Any]
) -> None:
    for parameter, key in (
        ("convention", "convention_b"),
        ("cohort", "cohort_b"),
        ("operator", "operator_b"),
    ):
        response = admin_client.get(f"{reverse('dashboard')}?{parameter}={two_partners[key].pk}")
        assert response.status_code == 200
        total = sum(row["figures"].enrolled for row in response.context["programme"])
        assert total == 6, parameter
