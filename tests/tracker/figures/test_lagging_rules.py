"""What "late" means (DESIGN.md): only signed and active conventions are judged, against
commitments pro-rated from their start to date; suspended ones are shown apart; nothing
planned in the future is late. One function decides (standing_of)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import User
from conventions.models import Convention, Indicator
from tests.support.factories import CohortFactory, CommitmentFactory, ConventionFactory
from tracker.figures.commitments import elapsed_share, targets_to_date
from tracker.figures.selectors import (
    Standing,
    cohort_progress,
    convention_progress,
    lagging_conventions,
)
from tracker.models import Cohort

pytestmark = pytest.mark.django_db


def test_a_commitment_is_pro_rated_from_the_convention_start() -> None:
    convention = ConventionFactory.create(
        starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2028, 12, 31)
    )
    CommitmentFactory.create(
        convention=convention, indicator=Indicator.ENROLLED, year=2026, target_value=184
    )
    # 1 July - 30 September: 92 of the 184 days the convention runs in 2026.
    targets = targets_to_date(conventions=[convention.pk], today=dt.date(2026, 9, 30))
    assert targets[convention.pk][Indicator.ENROLLED] == Decimal(92)
    before = targets_to_date(conventions=[convention.pk], today=dt.date(2026, 6, 30))
    assert before[convention.pk][Indicator.ENROLLED] == 0


def test_elapsed_share_counts_the_reference_day_and_stops_at_the_end() -> None:
    assert elapsed_share(2026, dt.date(2026, 1, 1)) == Decimal(1) / Decimal(365)
    assert elapsed_share(2026, dt.date(2026, 12, 31)) == 1
    assert elapsed_share(2027, dt.date(2026, 12, 31)) == 0
    ends = dt.date(2026, 3, 31)
    assert elapsed_share(2026, dt.date(2026, 6, 1), ends_on=ends) == 1


@pytest.mark.parametrize(
    ("status", "standing"),
    [
        (Convention.Status.ACTIVE, Standing.LATE),
        (Convention.Status.SIGNED, Standing.LATE),
        (Convention.Status.SUSPENDED, Standing.SUSPENDED),
        (Convention.Status.SUBMITTED, Standing.NOT_JUDGED),
        (Convention.Status.CLOSED, Standing.NOT_JUDGED),
        (Convention.Status.TERMINATED, Standing.NOT_JUDGED),
    ],
)
def test_only_signed_and_active_conventions_are_judged(
    admin_user: User, status: str, standing: Standing
) -> None:
    today = dt.date(2026, 12, 7)
    convention = ConventionFactory.create(status=status)
    CommitmentFactory.create(
        convention=convention, indicator=Indicator.ENROLLED, year=2026, target_value=100
    )
    progress = convention_progress(user=admin_user, convention=convention, today=today)
    assert progress.standing == standing
    assert progress.lagging == (standing == Standing.LATE)
    alerted = [c.pk for c, _p in lagging_conventions(today=today)]
    assert (convention.pk in alerted) == (standing == Standing.LATE)


def test_a_convention_starting_later_is_not_late(admin_user: User) -> None:
    today = dt.date(2026, 12, 7)
    convention = ConventionFactory.create(
        status=Convention.Status.SIGNED,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2029, 12, 31),
    )
    CommitmentFactory.create(
        convention=convention, indicator=Indicator.ENROLLED, year=2027, target_value=500
    )
    progress = convention_progress(user=admin_user, convention=convention, today=today)
    assert progress.standing == Standing.ON_TRACK
    assert not lagging_conventions(today=today)


def test_a_cohort_planned_to_start_later_is_not_late(admin_user: User) -> None:
    convention = ConventionFactory.create(status=Convention.Status.ACTIVE)
    cohort = CohortFactory.create(
        convention=convention,
        planned_seats=25,
        starts_on=dt.date(2027, 2, 1),
        ends_on=dt.date(2027, 7, 31),
        status=Cohort.Status.PLANNED,
    )
    before = cohort_progress(user=admin_user, cohort=cohort, today=dt.date(2026, 12, 7))
    assert before.standing == Standing.NOT_JUDGED  # not judged before it starts
    assert not any(item.lagging for item in before.indicators)
    started = cohort_progress(user=admin_user, cohort=cohort, today=dt.date(2027, 3, 1))
    assert started.standing == Standing.LATE  # 0 enrolled of 25 planned, once started
