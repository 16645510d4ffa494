"""Personal data (law 09-08): names, CIN, phone, e-mail and birth date are shown to
admins, the convention's managers and the operating partner; masked for everyone else,
on pages and in person-level exports."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.policy import MASK, PrivacyPolicy
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

# Trainee A's personal data, as stored by the ``people`` fixture's factories.
A_PERSONAL = ("AA111111", "Benali", "+212661111111", "fatima.benali@example.ma")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pages(people) -> list[str]:
    return [
        reverse("enrollment_list"),
        reverse("enrollment_detail", args=[people.enrollment_a.pk]),
        reverse("cohort_detail", args=[people.cohort_a.pk]),
        reverse("placement_list"),
        reverse("placement_detail", args=[people.placement_a.pk]),
    ]


def _export(client: Client, name: str) -> str:
    response = client.get(reverse(name), {"export": "csv"})
    return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "user_fixture", ["admin_user", "manager_user", "partner_a_user", "viewer_a_user"]
)
def test_entitled_roles_see_personal_data(request, people, user_fixture: str) -> None:
    client = _client(request.getfixturevalue(user_fixture))
    detail = client.get(reverse("enrollment_detail", args=[people.enrollment_a.pk]))
    for value in A_PERSONAL:
        assert value in detail.content.decode()
    listing = client.get(reverse("enrollment_list"), {"cohort": people.cohort_a.pk})
    assert "AA111111" in listing.content.decode()
    assert "Fatima Benali" in listing.content.decode()
    assert "AA111111;Benali;Fatima" in _export(client, "enrollment_list")
    assert "AA111111;Fatima Benali" in _export(client, "placement_list")


@pytest.mark.parametrize("who", ["other_manager", "unassigned_manager"])
def test_other_managers_see_masked_values(request, people, who: str) -> None:
    if who == "other_manager":
        user = request.getfixturevalue("other_manager_user")
    else:
        user = UserFactory.create(username="manager3", role=Role.MANAGER)
    client = _client(user)
    for url in _pages(people):
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for value in A_PERSONAL:
            assert value not in content, (url, value)
    for name in ("enrollment_list", "placement_list"):
        body = _export(client, name)
        for value in A_PERSONAL:
            assert value not in body
        assert MASK in body
    detail = client.get(reverse("enrollment_detail", args=[people.enrollment_a.pk]))
    assert 'data-testid="masked-notice"' in detail.content.decode()
    # Aggregates and non-personal columns remain readable.
    assert "COH-A" in client.get(reverse("enrollment_list")).content.decode()


def test_other_manager_sees_his_own_convention_in_clear(people, other_manager_user) -> None:
    client = _client(other_manager_user)
    detail = client.get(reverse("enrollment_detail", args=[people.enrollment_b.pk]))
    assert "BB222222" in detail.content.decode()


def test_policy_per_role(
    people,
    admin_user,
    manager_user,
    other_manager_user,
    partner_a_user,
    viewer_a_user,
    partner_b_user,
) -> None:
    expected = {
        admin_user: (True, True),
        manager_user: (True, False),
        other_manager_user: (False, True),
        partner_a_user: (True, False),
        viewer_a_user: (True, False),
        partner_b_user: (False, True),
    }
    for user, (sees_a, sees_b) in expected.items():
        policy = PrivacyPolicy.for_user(user)
        assert policy.can_see(people.cohort_a) is sees_a, user
        assert policy.can_see(people.cohort_b) is sees_b, user
        assert policy.value(people.cohort_a, "AA111111") == ("AA111111" if sees_a else MASK)


def test_inactive_user_sees_nothing(people, admin_user) -> None:
    admin_user.is_active = False
    assert not PrivacyPolicy.for_user(admin_user).can_see(people.cohort_a)


def test_privacy_page_shows_purpose_contact_and_cndp_number(client, settings) -> None:
    settings.CNDP_DECLARATION_NUMBER = "D-GC-123/2026"
    content = client.get(reverse("privacy")).content.decode()
    assert "D-GC-123/2026" in content
    assert "Finalité du traitement" in content
    assert settings.PRIVACY_CONTACT_EMAIL in content
