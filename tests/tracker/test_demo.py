from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_logins_and_is_idempotent() -> None:
    call_command("seed_demo")
    first = {
        user.username: (user.role, user.partner_id) for user in User.objects.order_by("username")
    }
    call_command("seed_demo")
    second = {
        user.username: (user.role, user.partner_id) for user in User.objects.order_by("username")
    }
    assert first == second
    assert first["admin"][0] == Role.ADMIN
    assert first["manager"][0] == Role.MANAGER
    assert first["partner.a"][0] == Role.PARTNER_EDITOR
    assert first["viewer.a"] == (Role.PARTNER_VIEWER, first["partner.a"][1])
    assert first["partner.b"][1] != first["partner.a"][1]
    assert User.objects.get(username="partner.b").check_password("offshoring2030")


def test_seed_demo_refuses_production(settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(Exception, match="never in production"):
        call_command("seed_demo")
