"""The match of hires against CNSS declarations (tracker.verification.matching): on
generated data (hypothesis) the verified, retained and found-by-CNSS sets equal a direct
recount in Python; and the edge months, one by one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conventions.models import Partner
from tests.support.factories import (
    CohortFactory,
    EnrollmentFactory,
    PlacementFactory,
    TraineeFactory,
)
from tests.support.verification import declaration_batch, declare
from tracker.models import (
    Declaration,
    EmployerAffiliation,
    Enrollment,
    FoundByCnss,
    GraduateOutcome,
    HireVerification,
    Placement,
)
from tracker.models.declarations import month_index
from tracker.verification.state import verification_rebuild

pytestmark = pytest.mark.django_db

ICE_A, ICE_B, ICE_C, ICE_OUTSIDE = (
    "001111111000011",
    "002222222000022",
    "003333333000033",
    "009999999000099",
)
CNSS_A = "1111111"  # ICE_A's affiliation number: declarations may name A by it only
START = month_index(2025, 1)
MONTHS = 24


def _month(index: int) -> tuple[int, int]:
    year, month = divmod(index, 12)
    return year, month + 1


def _date(index: int, day: int) -> dt.date:
    year, month = _month(index)
    return dt.date(year, month, min(day, 28) if day < 31 else _last_day(year, month))


def _last_day(year: int, month: int) -> int:
    import calendar

    return calendar.monthrange(year, month)[1]


people = st.lists(
    st.fixed_dictionaries(
        {
            "graduated": st.none() | st.tuples(st.integers(0, MONTHS - 1), st.integers(1, 31)),
            "hires": st.lists(
                st.tuples(
                    st.integers(0, MONTHS - 1),
                    st.sampled_from([1, 15, 31]),
                    st.sampled_from([ICE_A, ICE_B, ICE_C]),
                ),
                max_size=2,
                unique_by=lambda h: (h[0], h[1], h[2]),
            ),
            "declared": st.lists(
                st.tuples(
                    st.integers(0, MONTHS - 1),
                    st.sampled_from(
                        [(ICE_A, ""), ("", CNSS_A), (ICE_B, ""), (ICE_OUTSIDE, ""), ("", "5555555")]
                    ),
                ),
                max_size=8,
                unique=True,
            ),
        }
    ),
    min_size=1,
    max_size=5,
)


def _recount() -> dict[str, Any]:
    """The rules read literally, over every row, in Python."""
    declarations = list(
        Declaration.objects.values("trainee_id", "month_index", "employer_ice", "employer_cnss")
    )
    cover = max((d["month_index"] for d in declarations), default=0)
    affiliations: dict[str, set[str]] = {}
    for ice, cnss in EmployerAffiliation.objects.values_list("ice", "cnss_number"):
        affiliations.setdefault(ice, set()).add(cnss)
    verified, retained_6, retained_12, eligible_6 = set(), set(), set(), set()
    hires = Placement.objects.select_related("enrollment", "employer")
    for hire in hires:
        person = hire.enrollment.trainee_id
        ice = (
            hire.employer.ice if hire.employer and hire.employer.ice else ""
        ) or hire.employer_ice
        m = hire.hired_on.year * 12 + hire.hired_on.month - 1
        own = [d for d in declarations if d["trainee_id"] == person]
        by_employer = [
            d
            for d in own
            if ice
            and (d["employer_ice"] == ice or d["employer_cnss"] in affiliations.get(ice, set()))
        ]
        if any(d["month_index"] in (m, m + 1) for d in by_employer):
            verified.add(hire.id)
        if any(d["month_index"] == m + 6 for d in own):
            retained_6.add(hire.id)
        if any(d["month_index"] == m + 12 for d in own):
            retained_12.add(hire.id)
        if m + 6 <= cover:
            eligible_6.add(hire.id)
    sector: set[str] = {
        ice
        for ice in Partner.objects.filter(kind="employer")
        .exclude(ice=None)
        .exclude(ice="")
        .values_list("ice", flat=True)
        if ice
    }
    sector |= {h.employer_ice for h in hires if h.employer_ice}
    sector |= {h.employer.ice for h in hires if h.employer and h.employer.ice}
    sector_cnss = {c for ice in sector for c in affiliations.get(ice, set())}
    hired_people = {h.enrollment.trainee_id for h in hires}
    found, placed_6m, graduates_eligible = set(), set(), set()
    for enrollment in Enrollment.objects.filter(status="graduated"):
        if enrollment.graduated_on is None:
            continue
        g = enrollment.graduated_on.year * 12 + enrollment.graduated_on.month - 1
        if g + 6 <= cover:
            graduates_eligible.add(enrollment.id)
            if any(
                d["trainee_id"] == enrollment.trainee_id and g <= d["month_index"] <= g + 6
                for d in declarations
            ):
                placed_6m.add(enrollment.id)
        if enrollment.trainee_id in hired_people:
            continue
        if any(
            d["trainee_id"] == enrollment.trainee_id
            and g <= d["month_index"] <= g + 6
            and (d["employer_ice"] in sector or d["employer_cnss"] in sector_cnss)
            for d in declarations
        ):
            found.add(enrollment.id)
    return {
        "verified": verified,
        "retained_6": retained_6,
        "retained_12": retained_12,
        "eligible_6": eligible_6,
        "found": found,
        "graduates_eligible": graduates_eligible,
        "placed_6m": placed_6m,
    }


def _stored() -> dict[str, Any]:
    rows = HireVerification.objects
    return {
        "verified": set(rows.filter(verified=True).values_list("placement_id", flat=True)),
        "retained_6": set(rows.filter(retained_6m=True).values_list("placement_id", flat=True)),
        "retained_12": set(rows.filter(retained_12m=True).values_list("placement_id", flat=True)),
        "eligible_6": set(rows.filter(eligible_6m=True).values_list("placement_id", flat=True)),
        "found": set(FoundByCnss.objects.values_list("enrollment_id", flat=True)),
        "graduates_eligible": set(
            GraduateOutcome.objects.filter(eligible_6m=True).values_list("enrollment_id", flat=True)
        ),
        "placed_6m": set(
            GraduateOutcome.objects.filter(eligible_6m=True, placed_6m=True).values_list(
                "enrollment_id", flat=True
            )
        ),
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(population=people)
def test_match_equals_a_direct_recount(population, admin_user) -> None:
    with transaction.atomic():
        cohort = CohortFactory.create()
        batch = declaration_batch(admin_user)
        EmployerAffiliation.objects.create(ice=ICE_A, cnss_number=CNSS_A)
        for person in population:
            trainee = TraineeFactory.create()
            graduated = person["graduated"]
            enrollment = EnrollmentFactory.create(
                trainee=trainee,
                cohort=cohort,
                enrolled_on=dt.date(2024, 9, 1),
                status="graduated" if graduated else "enrolled",
                graduated_on=_date(START + graduated[0], graduated[1]) if graduated else None,
                exited_on=_date(START + graduated[0], graduated[1]) if graduated else None,
            )
            for month, day, ice in person["hires"]:
                PlacementFactory.create(
                    enrollment=enrollment, hired_on=_date(START + month, day), employer_ice=ice
                )
            for month, (ice, cnss) in person["declared"]:
                year, number = _month(START + month)
                declare(batch, trainee, year, number, ice=ice, cnss=cnss)
        verification_rebuild()
        assert _stored() == _recount()
        transaction.set_rollback(True)


@pytest.fixture
def hire_world(admin_user) -> Any:
    trainee = TraineeFactory.create()
    enrollment = EnrollmentFactory.create(trainee=trainee)
    return trainee, enrollment, declaration_batch(admin_user)


def _verification(placement: Placement) -> HireVerification:
    verification_rebuild()
    return HireVerification.objects.get(placement=placement)


def test_hire_on_the_last_day_of_a_month_is_verified_by_the_next_month(hire_world) -> None:
    trainee, enrollment, batch = hire_world
    hire = PlacementFactory.create(
        enrollment=enrollment, hired_on=dt.date(2026, 1, 31), employer_ice=ICE_A
    )
    declare(batch, trainee, 2026, 2, ice=ICE_A)
    assert _verification(hire).verified


def test_declaration_two_months_after_the_hire_does_not_verify_it(hire_world) -> None:
    trainee, enrollment, batch = hire_world
    hire = PlacementFactory.create(
        enrollment=enrollment, hired_on=dt.date(2026, 1, 31), employer_ice=ICE_A
    )
    declare(batch, trainee, 2026, 3, ice=ICE_A)
    assert not _verification(hire).verified


def test_gap_month_at_six_months_is_not_retained_but_twelve_is(hire_world) -> None:
    trainee, enrollment, batch = hire_world
    hire = PlacementFactory.create(
        enrollment=enrollment, hired_on=dt.date(2025, 3, 10), employer_ice=ICE_A
    )
    for month in range(3, 13):
        if month != 9:  # the 6th month after March: a gap
            declare(batch, trainee, 2025, month, ice=ICE_A)
    declare(batch, trainee, 2026, 3, ice=ICE_A)
    verification = _verification(hire)
    assert verification.verified
    assert verification.eligible_6m
    assert not verification.retained_6m
    assert verification.eligible_12m
    assert verification.retained_12m


def test_employer_change_keeps_the_person_retained(hire_world) -> None:
    trainee, enrollment, batch = hire_world
    hire = PlacementFactory.create(
        enrollment=enrollment, hired_on=dt.date(2025, 1, 6), employer_ice=ICE_A
    )
    declare(batch, trainee, 2025, 1, ice=ICE_A)
    declare(batch, trainee, 2025, 7, ice=ICE_B)  # another employer by then
    verification = _verification(hire)
    assert verification.verified
    assert verification.retained_6m
    assert verification.months_with_employer == 1


def test_declared_by_another_employer_only_is_not_verified(hire_world) -> None:
    trainee, enrollment, batch = hire_world
    hire = PlacementFactory.create(
        enrollment=enrollment, hired_on=dt.date(2025, 1, 6), employer_ice=ICE_A
    )
    declare(batch, trainee, 2025, 1, ice=ICE_B)
    assert not _verification(hire).verified


def test_employer_named_by_its_cnss_number_verifies_through_its_affiliation(hire_world) -> None:
    trainee, enrollment, batch = hire_world
    EmployerAffiliation.objects.create(ice=ICE_A, cnss_number=CNSS_A)
    hire = PlacementFactory.create(
        enrollment=enrollment, hired_on=dt.date(2025, 1, 6), employer_ice=ICE_A
    )
    declare(batch, trainee, 2025, 2, cnss=CNSS_A)
    assert _verification(hire).verified


def test_window_not_yet_covered_is_not_eligible(hire_world) -> None:
    trainee, enrollment, batch = hire_world
    hire = PlacementFactory.create(
        enrollment=enrollment, hired_on=dt.date(2026, 1, 6), employer_ice=ICE_A
    )
    declare(batch, trainee, 2026, 1, ice=ICE_A)
    verification = _verification(hire)
    assert verification.verified
    assert not verification.eligible_6m


@pytest.fixture
def graduate(admin_user) -> Any:
    trainee = TraineeFactory.create()
    enrollment = EnrollmentFactory.create(
        trainee=trainee,
        status="graduated",
        graduated_on=dt.date(2025, 6, 30),
        exited_on=dt.date(2025, 6, 30),
    )
    # ICE_A is a sector employer: it employs someone the tracker follows.
    PlacementFactory.create(hired_on=dt.date(2025, 1, 6), employer_ice=ICE_A)
    return trainee, enrollment, declaration_batch(admin_user)


def _found() -> set[int]:
    verification_rebuild()
    return set(FoundByCnss.objects.values_list("enrollment_id", flat=True))


def test_graduate_declared_by_a_sector_employer_within_six_months_is_found(graduate) -> None:
    trainee, enrollment, batch = graduate
    declare(batch, trainee, 2025, 12, ice=ICE_A)  # 6th month after June
    assert _found() == {enrollment.id}
    assert FoundByCnss.objects.get().first_month_index == month_index(2025, 12)


def test_graduate_declared_in_the_seventh_month_is_not_found(graduate) -> None:
    trainee, _enrollment, batch = graduate
    declare(batch, trainee, 2026, 1, ice=ICE_A)
    assert _found() == set()


def test_graduate_declared_outside_the_sector_is_not_found(graduate) -> None:
    trainee, _enrollment, batch = graduate
    declare(batch, trainee, 2025, 8, ice=ICE_OUTSIDE)
    assert _found() == set()


def test_graduate_with_a_hire_recorded_is_not_listed_as_found(graduate) -> None:
    trainee, enrollment, batch = graduate
    PlacementFactory.create(enrollment=enrollment, hired_on=dt.date(2025, 8, 1), employer_ice=ICE_B)
    declare(batch, trainee, 2025, 8, ice=ICE_A)
    assert _found() == set()
