"""Bulk actions in a real Chromium: partner A drops out two ticked trainees, then
graduates the rest of a whole cohort at once; the first attempt, dated before one
trainee's enrollment, is refused with that trainee and the rule named, and writes
nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import User
from conventions.models import Partner
from tests.support.browser import login
from tests.support.factories import EnrollmentFactory
from tests.support.round_trip import partner_cohort
from tracker.models import ChangeLog, Enrollment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _statuses(cohort) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Enrollment.objects.filter(cohort=cohort).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def test_partner_bulk_graduates_a_whole_cohort_after_a_refusal(
    page, partner_a_user: User, operator_a: Partner
) -> None:
    world = partner_cohort(operator_a)
    late = EnrollmentFactory.create(
        cohort=world.cohort, enrolled_on=dt.date(2026, 6, 29), trainee__cin="LATE0001"
    )
    in_training = Enrollment.objects.filter(cohort=world.cohort, status="enrolled")
    first_two = list(in_training.order_by("id")[:2])
    login(page, "partner.a")
    page.goto(f"{page.base_url}/cohorts/{world.cohort.pk}/")
    page.click("[data-testid=cohort-bulk]")

    # Two ticked rows drop out.
    for enrollment in first_two:
        page.check(f"input[name=ids][value='{enrollment.pk}']")
    page.select_option("#id_action", "drop_out")
    page.fill("#id_on", "2026-03-01")
    page.click("[data-testid=bulk-selected]")
    assert "2 inscriptions" in page.locator("[data-testid=bulk-summary]").inner_text()
    page.click("[data-testid=bulk-confirm]")
    page.wait_for_selector("[data-testid=bulk-form]")
    assert "2 inscriptions mises à jour" in page.content()
    assert {e.status for e in Enrollment.objects.filter(pk__in=[e.pk for e in first_two])} == {
        "dropped_out"
    }

    # The whole cohort, dated before the late trainee's enrollment: refused, nothing written.
    remaining = in_training.count()
    before = (_statuses(world.cohort), ChangeLog.objects.count())
    page.select_option("#id_action", "graduate")
    page.fill("#id_on", "2026-06-20")
    page.click("[data-testid=bulk-all]")
    refusals = page.locator("[data-testid=bulk-refusals]").inner_text()
    assert "LATE0001" in refusals
    assert "précède la date d'inscription (29/06/2026)" in refusals
    assert page.locator("[data-testid=bulk-confirm]").count() == 0
    assert (_statuses(world.cohort), ChangeLog.objects.count()) == before

    # Back to the list, dated the cohort's last day: every trainee in training graduates.
    page.click("[data-testid=bulk-back]")
    page.select_option("#id_action", "graduate")
    page.fill("#id_on", "2026-06-30")
    page.click("[data-testid=bulk-all]")
    summary = page.locator("[data-testid=bulk-summary]").inner_text()
    assert f"{remaining} inscriptions, à la date du 30/06/2026" in summary
    page.click("[data-testid=bulk-confirm]")
    page.wait_for_selector("[data-testid=bulk-form]")
    assert f"{remaining} inscriptions mises à jour" in page.content()
    assert not in_training.exists()
    late.refresh_from_db()
    assert (late.status, late.graduated_on) == ("graduated", dt.date(2026, 6, 30))
    assert (
        ChangeLog.objects.filter(entity=ChangeLog.Entity.ENROLLMENT, action="graduated").count()
        == remaining
    )
