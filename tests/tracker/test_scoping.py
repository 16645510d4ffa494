"""The scoping selectors: staff read nationally, partners only their own organisation."""

from __future__ import annotations

import pytest

from accounts.models import User
from conventions.models import Partner
from conventions.selectors import convention_list, partner_list
from tests.support.factories import (
    CohortFactory,
    ConventionFactory,
    ConventionPartyFactory,
    EnrollmentFactory,
    PartnerFactory,
    PlacementFactory,
)
from tracker.selectors import cohort_list, enrollment_list, placement_list, trainee_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_operators_data(operator_a: Partner, operator_b: Partner) -> dict[str, object]:
    convention_a = ConventionFactory()
    ConventionPartyFactory(convention=convention_a, partner=operator_a)
    convention_b = ConventionFactory()
    ConventionPartyFactory(convention=convention_b, partner=operator_b)
    cohort_a = CohortFactory(convention=convention_a, operator=operator_a)
    cohort_b = CohortFactory(convention=convention_b, operator=operator_b)
    placement_a = PlacementFactory(enrollment=EnrollmentFactory(cohort=cohort_a))
    placement_b = PlacementFactory(enrollment=EnrollmentFactory(cohort=cohort_b))
    return {
        "convention_a": convention_a,
        "convention_b": convention_b,
        "cohort_a": cohort_a,
        "cohort_b": cohort_b,
        "placement_a": placement_a,
        "placement_b": placement_b,
    }


def test_partner_selectors_return_only_their_own_rows(
    two_operators_data: dict,
    partner_a_user: User,
    partner_b_user: User,
) -> None:
    data = two_operators_data
    for user, own, other in [(partner_a_user, "a", "b"), (partner_b_user, "b", "a")]:
        assert list(convention_list(user=user)) == [data[f"convention_{own}"]]
        assert list(cohort_list(user=user)) == [data[f"cohort_{own}"]]
        assert list(placement_list(user=user)) == [data[f"placement_{own}"]]
        assert list(enrollment_list(user=user)) == [data[f"placement_{own}"].enrollment]
        assert list(trainee_list(user=user)) == [data[f"placement_{own}"].enrollment.trainee]
        assert data[f"cohort_{other}"] not in cohort_list(user=user)


def test_viewer_reads_the_same_scope_as_its_organisations_editor(
    two_operators_data: dict,
    partner_a_user: User,
    viewer_a_user: User,
) -> None:
    assert list(cohort_list(user=viewer_a_user)) == list(cohort_list(user=partner_a_user))


def test_staff_read_everything(
    two_operators_data: dict,
    admin_user: User,
    manager_user: User,
) -> None:
    for user in (admin_user, manager_user):
        assert cohort_list(user=user).count() == 2
        assert enrollment_list(user=user).count() == 2
        assert convention_list(user=user).count() == 2


def test_partner_sees_its_co_signatories_but_not_other_partners(
    two_operators_data: dict,
    operator_a: Partner,
    partner_a_user: User,
) -> None:
    employer = PartnerFactory(kind=Partner.Kind.EMPLOYER)
    ConventionPartyFactory(
        convention=two_operators_data["convention_a"], partner=employer, role="employer"
    )
    stranger = PartnerFactory()
    visible = set(partner_list(user=partner_a_user))
    assert visible == {operator_a, employer}
    assert stranger not in visible


def test_inactive_user_sees_nothing(two_operators_data: dict, manager_user: User) -> None:
    manager_user.is_active = False
    assert cohort_list(user=manager_user).count() == 0
