"""Celery tasks of the accounts app: thin, named, ids only (the invitation's token is the
one exception: it exists nowhere else), idempotent. The e-mail ones are routed to the
"email" queue by name."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.conf import settings

from accounts.services.invitations import invitation_email_send
from accounts.services.notifications import (
    notification_email_failed,
    notification_email_send,
    outbox_sweep,
)
from accounts.services.users import user_password_reset_email_send

# SMTP failures and network errors are retried; max_retries then marks the row failed.
RETRIED = (smtplib.SMTPException, OSError)
MAX_RETRIES = 5


def _countdown(retries: int) -> float:
    return float(settings.NOTIFICATION_EMAIL_RETRY_SECONDS) * 2**retries


@shared_task(name="tracker.password_reset_email")
def password_reset_email_task(user_id: int, domain: str, use_https: bool) -> None:
    """Sends one password-reset e-mail (queued by the reset page)."""
    user_password_reset_email_send(user_id=user_id, domain=domain, use_https=use_https)


@shared_task(name="accounts.notification_email", bind=True, max_retries=MAX_RETRIES)
def notification_email(self, outbox_id: int) -> bool:
    """Sends one notification's e-mail (once; retried on SMTP failure)."""
    try:
        return notification_email_send(outbox_id=outbox_id)
    except RETRIED as error:
        final = self.request.retries >= MAX_RETRIES
        notification_email_failed(outbox_id=outbox_id, error=repr(error), final=final)
        if final:
            raise
        raise self.retry(exc=error, countdown=_countdown(self.request.retries)) from error


@shared_task(name="accounts.invitation_email", bind=True, max_retries=MAX_RETRIES)
def invitation_email(self, invitation_id: int, token: str) -> bool:
    """Sends one invitation e-mail (once; retried on SMTP failure)."""
    try:
        return invitation_email_send(invitation_id=invitation_id, token=token)
    except RETRIED as error:
        if self.request.retries >= MAX_RETRIES:
            raise
        raise self.retry(exc=error, countdown=_countdown(self.request.retries)) from error


@shared_task(name="accounts.notification_email_sweep")
def notification_email_sweep() -> int:
    """Re-queues the e-mails a lost broker message left pending (by beat)."""
    return outbox_sweep()
