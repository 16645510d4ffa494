"""Notification e-mails through Redis, a real Celery worker and a real SMTP server: the
server refuses the first attempt, the worker retries, and the e-mail arrives exactly
once. The message goes to a queue of this test's own: the session's worker (other worker
tests) consumes "email" too, with no SMTP server configured."""

from __future__ import annotations

import time

import pytest

from accounts.models import EmailOutbox, Notification, NotificationKind
from accounts.tasks import notification_email
from tests.support import smtp as smtp_support
from tests.support.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

smtp_server = smtp_support.smtp_server


def test_worker_retries_a_refused_email_and_delivers_it_once(
    restartable_worker, smtp_server, admin_user
) -> None:
    from django.conf import settings

    smtp_server.fail_next = 1
    restartable_worker(
        name="email-worker",
        queues="email-test",
        extra_env={
            "EMAIL_URL": f"smtp://{settings.EMAIL_HOST}:{settings.EMAIL_PORT}",
            "NOTIFICATION_EMAIL_RETRY_SECONDS": "1",
        },
    )
    notification = Notification.objects.create(
        recipient=admin_user,
        kind=NotificationKind.CONVENTION_SUBMITTED,
        link="/review/1/",
        params={"reference": "CONV-2026-0042"},
    )
    outbox = EmailOutbox.objects.create(notification=notification)
    notification_email.apply_async((outbox.pk,), queue="email-test")

    assert wait_for(lambda: len(smtp_server.messages) == 1, timeout=60)
    assert smtp_server.refused == 1
    assert wait_for(
        lambda: EmailOutbox.objects.filter(status=EmailOutbox.Status.SENT).exists(), timeout=30
    )
    time.sleep(3)  # time for a duplicate, were one to come
    assert len(smtp_server.messages) == 1
    outbox = EmailOutbox.objects.get()
    assert outbox.attempts == 2
    assert smtp_server.messages[0]["To"] == admin_user.email
