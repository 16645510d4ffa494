"""A partner's dashboard leads with what is its own (its conventions, its cohorts with
their standing, its figures, with the note that they cover its cohorts only), the
national sector after; staff's dashboard keeps the sector first."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from conventions.models import Partner
from tests.support.factories import CohortFactory
from tests.tracker.figures.test_dashboard import REFERENCE, populate
from tracker.figures.partner_cohorts import PARTNER_COHORTS_SHOWN
from tracker.figures.rollups import rollup_full_recompute
from tracker.figures.selectors import cohort_progress
from tracker.models import Cohort


@pytest.fixture
def two_partners_data(operator_a: Partner, operator_b: Partner):
    convention_a = populate(operator_a, region_code="MA-06", cohorts=2)
    convention_b = populate(operator_b, region_code="MA-01", cohorts=1, per_cohort=6)
    rollup_full_recompute(reference_date=REFERENCE)
    return convention_a, convention_b


def positions(content: str, *markers: str) -> list[int]:
    return [content.index(marker) for marker in markers]


def test_a_partner_reads_its_conventions_cohorts_and_figures_before_the_sector(
    partner_a_client: Client, two_partners_data
) -> None:
    content = partner_a_client.get(reverse("dashboard")).content.decode()
    note, conventions, cohorts, programme, sector = positions(
        content,
        'data-testid="own-scope-note"',
        'id="conventions"',
        'id="own-cohorts-title"',
        'id="programme-title"',
        'id="sector-title"',
    )
    assert note < conventions < cohorts < programme < sector
    # The note sits with the partner's own part, not above the national charts.
    own_part = content[content.index('data-testid="own-part"') : sector]
    assert "seules cohortes opérées par votre organisation" in own_part
    assert "seules cohortes" not in content[sector:]


def test_staff_dashboard_keeps_the_sector_first(admin_client: Client, two_partners_data) -> None:
    content = admin_client.get(reverse("dashboard")).content.decode()
    sector, programme, conventions = positions(
        content, 'id="sector-title"', 'id="programme-title"', 'id="conventions"'
    )
    assert sector < programme < conventions
    assert 'id="own-cohorts-title"' not in content
    assert "seules cohortes opérées" not in content


def test_the_partners_cohorts_link_to_their_pages_with_the_standing_of_the_cohort_page(
    partner_a_client: Client, partner_a_user: User, operator_a: Partner, two_partners_data
) -> None:
    convention_a, convention_b = two_partners_data
    response = partner_a_client.get(reverse("dashboard"))
    rows = response.context["own_cohorts"]
    assert {row.cohort.pk for row in rows} == set(
        Cohort.objects.filter(operator=operator_a).values_list("pk", flat=True)
    )
    content = response.content.decode()
    for row in rows:
        cohort = row.cohort
        assert f'href="{reverse("cohort_detail", kwargs={"pk": cohort.pk})}"' in content
        assert (
            partner_a_client.get(reverse("cohort_detail", kwargs={"pk": cohort.pk})).status_code
            == 200
        )
        # Recounted from the rows, and the same standing as the cohort's own page.
        assert row.progress.figures.enrolled == cohort.enrollments.count()
        assert row.progress.standing == cohort_progress(user=partner_a_user, cohort=cohort).standing
    for cohort in convention_b.cohorts.all():  # nothing of partner B's
        assert cohort.code not in content
    # Convention rows link to their pages.
    convention_url = reverse("conventions:convention_detail", kwargs={"pk": convention_a.pk})
    assert f'href="{convention_url}"' in content
    assert convention_b.reference not in content


def test_the_latest_cohorts_show_and_the_list_holds_the_rest(
    partner_a_client: Client, operator_a: Partner, two_partners_data
) -> None:
    convention_a, _b = two_partners_data
    for _ in range(PARTNER_COHORTS_SHOWN):
        CohortFactory.create(convention=convention_a, operator=operator_a)
    response = partner_a_client.get(reverse("dashboard"))
    shown = response.context["own_cohorts"]
    assert len(shown) == PARTNER_COHORTS_SHOWN
    starts = [row.cohort.starts_on for row in shown]
    assert starts == sorted(starts, reverse=True)
    assert response.context["more_cohorts"]
    assert f'href="{reverse("cohort_list")}"' in response.content.decode()
