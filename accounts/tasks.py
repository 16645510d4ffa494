"""Celery tasks of the accounts app: thin, named, ids only."""

from __future__ import annotations

from celery import shared_task

from accounts.services.users import user_password_reset_email_send


@shared_task(name="tracker.password_reset_email")
def password_reset_email_task(user_id: int, domain: str, use_https: bool) -> None:
    """Sends one password-reset e-mail (queued by the reset page)."""
    user_password_reset_email_send(user_id=user_id, domain=domain, use_https=use_https)
