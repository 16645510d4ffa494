"""Writes the account-administration history (who, when, what)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accounts.models import AccountEvent, User

if TYPE_CHECKING:  # types only: conventions is above accounts
    from conventions.models import Partner


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
