"""Writes the account-administration history (who, when, what)."""

from __future__ import annotations

from typing import Any

from accounts.models import AccountEvent
from conventions.models import Partner
from tracker.models import User


def account_event_record(
    *,
    actor: User | None,
    action: str,
    target_user: User | None = None,
    partner: Partner | None = None,
    email: str = "",
    details: dict[str, Any] | None = None,
) -> AccountEvent:
    return AccountEvent.objects.create(
        actor=actor,
        action=action,
        target_user=target_user,
        partner=partner if partner is not None else getattr(target_user, "partner", None),
        email=email or getattr(target_user, "email", "") or "",
        details=details or {},
    )
