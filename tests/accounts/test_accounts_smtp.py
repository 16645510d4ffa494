"""Notification and invitation e-mails through a real SMTP server (aiosmtpd): delivered
once, retried by the task after a temporary SMTP failure and still delivered once;
``EMAIL_URL`` switches any environment to SMTP."""

from __future__ import annotations

import os
import subprocess
import sys
from email.header import decode_header, make_header
from pathlib import Path

import pytest

from accounts.models import EmailOutbox, Invitation, Role
from accounts.services.invitations import invitation_create
from config.celery import app as celery_app
from conventions.services import TRANSITION_SERVICES
from tests.support import smtp as smtp_support
from tests.support.factories import signable_convention

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
smtp_server = smtp_support.smtp_server


@pytest.fixture
def _retries_run_inline():
    """Inline tasks propagate their exceptions in the suite (CELERY_TASK_EAGER_PROPAGATES),
    which stops at a task's first retry; a worker retries instead. Here the inline run
    retries as a worker does (at once, without the countdown)."""
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = previous


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_submission_email_arrives_once_through_smtp(
    smtp_server, admin_user, manager_user, operator_a, django_capture_on_commit_callbacks
) -> None:
    convention = signable_convention(manager=manager_user, operator=operator_a)
    with django_capture_on_commit_callbacks(execute=True):
        TRANSITION_SERVICES["submit"](actor=manager_user, convention=convention)
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == admin_user.email
    assert convention.reference in _subject(message)
    outbox = EmailOutbox.objects.get()
    assert (outbox.status, outbox.attempts) == (EmailOutbox.Status.SENT, 1)


@pytest.mark.usefixtures("_retries_run_inline")
def test_a_temporary_smtp_failure_is_retried_and_the_email_arrives_once(
    smtp_server, admin_user, manager_user, operator_a, django_capture_on_commit_callbacks
) -> None:
    smtp_server.fail_next = 1
    convention = signable_convention(manager=manager_user, operator=operator_a)
    with django_capture_on_commit_callbacks(execute=True):
        TRANSITION_SERVICES["submit"](actor=manager_user, convention=convention)
    assert smtp_server.refused == 1
    assert len(smtp_server.messages) == 1
    outbox = EmailOutbox.objects.get()
    assert outbox.status == EmailOutbox.Status.SENT
    assert outbox.attempts == 2  # the refused attempt, then the delivered one
    assert "451" in outbox.last_error
    # The task run again (a redelivered message) sends nothing more.
    from accounts.tasks import notification_email

    assert notification_email.delay(outbox.pk).get() is False
    assert len(smtp_server.messages) == 1


@pytest.mark.usefixtures("_retries_run_inline")
def test_invitation_email_survives_a_temporary_failure(
    smtp_server, admin_user, operator_a, django_capture_on_commit_callbacks
) -> None:
    smtp_server.fail_next = 1
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            actor=admin_user,
            email="new.editor@example.ma",
            role=Role.PARTNER_EDITOR,
            partner=operator_a,
            language="fr",
        )
    assert smtp_server.refused == 1
    assert len(smtp_server.messages) == 1
    assert "/invitation/" in smtp_server.messages[0].get_payload(decode=True).decode()
    assert Invitation.objects.get().email_sent_at is not None


def test_email_url_selects_smtp_outside_production() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMAIL_URL": "smtp://relay.example.ma:2525",
    }
    env.pop("DJANGO_ENV", None)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["django.core.mail.backends.smtp.EmailBackend", "relay.example.ma", "2525"]
    env.pop("EMAIL_URL")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == "django.core.mail.backends.console.EmailBackend"
