"""The dashboard's conventions table and the lagging alerts, recomputed from the rows:
on generated data, the number of conventions, the number lagging, the conventions shown
(lagging first, then by reference) and each one's figures, targets and flag equal a
recount over the enrollments, hires and current commitments; the alerts name exactly
the signed and active conventions among the lagging ones."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from conventions.models import Convention, Indicator, Partner
from conventions.selectors import current_commitments
from tests.support.factories import (
    CohortFactory,
    CommitmentFactory,
    ConventionFactory,
    EnrollmentFactory,
    PlacementFactory,
    TraineeFactory,
)
from tracker.figures.definitions import FIGURES, figure_rows
from tracker.figures.rollups import rollup_full_recompute
from tracker.figures.selectors import lagging_conventions
from tracker.models import Dimension

STATUSES = [
    Convention.Status.ACTIVE,
    Convention.Status.SIGNED,
    Convention.Status.CLOSED,
    Convention.Status.DRAFT,
    Convention.Status.SUSPENDED,
    Convention.Status.SUBMITTED,
    Convention.Status.TERMINATED,
]
JUDGED = (Convention.Status.SIGNED, Convention.Status.ACTIVE)
COUNTS = {
    Indicator.ENROLLED: "enrolled",
    Indicator.GRADUATES: "graduates",
    Indicator.JOBS_CREATED: "jobs_created",
}
RATES = {
    Indicator.PLACEMENT_RATE_6M: ("placement_6m_placed", "placement_6m_eligible"),
    Indicator.WOMEN_SHARE: ("women_enrolled", "enrolled"),
}


def _generate(seed: int, operator: Partner, today: dt.date) -> list[Convention]:
    rng = random.Random(seed)
    past = today.year - 1
    conventions = []
    for index in range(14):
        # Some start mid-year (targets pro-rated from the start), one in the future.
        starts_on = [
            dt.date(past - 1, 1, 1),
            dt.date(today.year, 7, 1),
            today + dt.timedelta(days=40),
        ][index % 3]
        convention = ConventionFactory.create(
            starts_on=starts_on, ends_on=dt.date(today.year + 2, 12, 31)
        )
        Convention.objects.filter(pk=convention.pk).update(status=STATUSES[index % len(STATUSES)])
        convention.refresh_from_db()
        conventions.append(convention)
        cohort = CohortFactory.create(convention=convention, operator=operator)
        for _ in range(rng.randint(0, 6)):
            graduated = rng.random() < 0.6
            enrollment = EnrollmentFactory.create(
                cohort=cohort,
                trainee=TraineeFactory.create(sex=rng.choice("FM")),
                enrolled_on=dt.date(past - 1, rng.randint(1, 12), 1),
                status="graduated" if graduated else "enrolled",
                graduated_on=dt.date(past, rng.randint(1, 12), 1) if graduated else None,
            )
            if graduated and rng.random() < 0.6:
                PlacementFactory.create(
                    enrollment=enrollment, hired_on=dt.date(past, rng.randint(1, 12), 15)
                )
        for indicator in Indicator:
            if rng.random() < 0.3:
                continue  # not every convention commits to every indicator
            for year in (past - 1, past, today.year, today.year + 1):
                if year < convention.starts_on.year:
                    continue  # refused: outside the convention's period
                if rng.random() < 0.7:
                    is_rate = indicator in RATES
                    value = rng.randint(10, 90) if is_rate else rng.randint(0, 4)
                    CommitmentFactory.create(
                        convention=convention,
                        indicator=indicator,
                        year=year,
                        target_value=Decimal(value),
                    )
    return conventions


def _share(year: int, today: dt.date, convention: Convention) -> Decimal:
    """The share of ``year`` elapsed to date, of the part of it the convention runs."""
    days = [
        dt.date(year, 1, 1) + dt.timedelta(days=n)
        for n in range((dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days)
    ]
    running = [d for d in days if convention.starts_on <= d <= convention.ends_on]
    if not running:
        return Decimal(0)
    return Decimal(sum(1 for d in running if d <= today)) / Decimal(len(running))


def _recount(user: User, convention: Convention, figure: str, today: dt.date) -> int:
    return figure_rows(
        FIGURES[figure],
        user=user,
        reference_date=today,
        dimension=Dimension.CONVENTION,
        member_id=convention.pk,
        until=today,
    ).count()


def _percent(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"))


def _expected(
    user: User, convention: Convention, today: dt.date, threshold: Decimal
) -> dict[str, tuple[Decimal | None, Decimal | None, bool]]:
    """indicator -> (value to date, target to date, lagging), from the rows."""
    commitments = list(current_commitments(convention))
    result = {}
    for indicator in Indicator:
        mine = [c for c in commitments if c.indicator == indicator]
        value: Decimal | None
        target: Decimal | None
        if indicator in COUNTS:
            value = Decimal(_recount(user, convention, COUNTS[indicator], today))
            target = sum(
                (c.target_value * _share(c.year, today, convention) for c in mine), Decimal(0)
            )
            target = target if mine else None
        else:
            numerator, denominator = RATES[indicator]
            value = _percent(
                _recount(user, convention, numerator, today),
                _recount(user, convention, denominator, today),
            )
            started = [
                c.target_value
                for c in mine
                if c.year <= today.year and convention.starts_on <= today
            ]
            target = sum(started, Decimal(0)) / len(started) if started else None
        ratio = None if value is None or not target else _percent(value, target)
        judged = convention.status in JUDGED
        result[indicator.value] = (
            value,
            target,
            judged and ratio is not None and ratio < threshold,
        )
    return result


@pytest.mark.parametrize(("seed", "threshold", "shown"), [(1, 0.8, 100), (2, 0.5, 4), (3, 1.0, 3)])
def test_the_lagging_count_and_list_equal_a_recount_from_the_rows(
    admin_client: Client,
    admin_user: User,
    operator_a: Partner,
    settings,
    seed: int,
    threshold: float,
    shown: int,
) -> None:
    settings.LAGGING_THRESHOLD = threshold
    today = timezone.localdate()
    conventions = _generate(seed, operator_a, today)
    rollup_full_recompute(reference_date=today)

    percent_threshold = Decimal(str(threshold * 100))
    expected = {
        convention.pk: _expected(admin_user, convention, today, percent_threshold)
        for convention in conventions
        if convention.status != Convention.Status.DRAFT
    }
    lagging = {pk for pk, items in expected.items() if any(flag for *_v, flag in items.values())}
    by_pk = {convention.pk: convention for convention in conventions}
    suspended = {pk for pk in expected if by_pk[pk].status == Convention.Status.SUSPENDED}
    judged = {pk for pk in expected if by_pk[pk].status in JUDGED}

    def rank(pk: int) -> int:
        if pk in lagging:
            return 0
        return 1 if pk in judged else 2 if pk in suspended else 3

    order = sorted(expected, key=lambda pk: (rank(pk), by_pk[pk].reference))

    response = admin_client.get(reverse("dashboard"), {"per_page": shown})
    context = response.context
    summary = context["summary"]
    assert summary["conventions_count"] == len(expected)
    assert context["table"].paginator.count == len(expected)  # the table's total
    assert summary["lagging_count"] == len(lagging)
    assert summary["judged_count"] == len(judged)
    assert summary["suspended_count"] == len(suspended)
    assert lagging <= judged  # a submitted, closed or terminated one is never late
    assert [c.pk for c, _p in context["conventions"]] == order[:shown]
    for convention, progress in context["conventions"]:
        assert progress.lagging == (convention.pk in lagging)
        for item in progress.indicators:
            value, target, flag = expected[convention.pk][item.indicator]
            where = (convention.reference, item.indicator)
            assert (item.value, item.lagging) == (value, flag), where
            if target is None:
                assert item.target_to_date is None, where
            else:  # pro-rated in SQL: to the database's decimal precision
                assert item.target_to_date is not None, where
                assert abs(item.target_to_date - target) < Decimal("0.000001"), where
    page = response.content.decode()
    for pk in lagging & set(order[:shown]):
        assert (
            f'id="convention-{pk}" data-reference="{by_pk[pk].reference}" class="table-danger'
            in page
        )

    # The alerts read the same definition: the signed and active ones among the lagging.
    alerted = [convention.pk for convention, _p in lagging_conventions(today=today)]
    assert alerted == sorted(
        (
            pk
            for pk in lagging
            if by_pk[pk].status in (Convention.Status.SIGNED, Convention.Status.ACTIVE)
        ),
        key=lambda pk: by_pk[pk].reference,
    )
