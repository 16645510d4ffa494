"""Notifications: created in the transaction of the event they tell about, each with an
outbox row when its recipient gets e-mails of that kind; the outbox row is queued for
the e-mail task once the transaction commits (a rolled-back event notifies no one).

The events' own modules say who is told (conventions.services.notifications,
tracker.imports.notifications, tracker.services.lagging_alerts). The e-mail task sends an
outbox row once: it locks the row, skips it when already sent, sends, and marks it sent
in the same transaction; an SMTP failure raises, so the task is retried, and the sweep
re-queues rows a lost broker message left pending."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import (
    EmailOutbox,
    Notification,
    NotificationKind,
    NotificationPreference,
    Role,
    User,
)
from accounts.services.notification_texts import notification_detail, notification_title

K = NotificationKind


def email_wanted(*, user: User, kind: str) -> bool:
    return (
        bool(user.email)
        and not NotificationPreference.objects.filter(user=user, kind=kind, email=False).exists()
    )


def notifications_create(
    *,
    recipients: Iterable[User],
    kind: str,
    link: str,
    params: dict[str, Any],
    actor: User | None = None,
    email: bool = True,
) -> list[Notification]:
    """One notification per active recipient (the actor excepted), and its outbox row
    when e-mailed. Call inside the event's transaction."""
    created = []
    seen: set[int] = set()
    for user in recipients:
        if not user.is_active or user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        notification = Notification.objects.create(
            recipient=user, kind=kind, link=link, params=params, actor=actor
        )
        created.append(notification)
        if email and email_wanted(user=user, kind=kind):
            outbox = EmailOutbox.objects.create(notification=notification)
            transaction.on_commit(functools.partial(_enqueue, outbox.pk))
    return created


def _enqueue(outbox_id: int) -> None:
    # By name: the tasks module imports this one (accounts.apps registers it).
    current_app.tasks["accounts.notification_email"].delay(outbox_id)


def active_admins() -> QuerySet[User]:
    """The admins, who review submitted conventions."""
    return User.objects.filter(role=Role.ADMIN, is_active=True)


# --- Reading -------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification: Notification) -> None:
    if notification.recipient_id == user.pk and notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=timezone.now())


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at=None).update(
        read_at=timezone.now()
    )


def notification_preferences_set(*, user: User, emailed_kinds: Iterable[str]) -> None:
    """E-mails on for ``emailed_kinds``, off for every other kind."""
    wanted = set(emailed_kinds)
    with transaction.atomic():
        for kind in K.values:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"email": kind in wanted}
            )


def notification_emailed_kinds(*, user: User) -> set[str]:
    off = set(
        NotificationPreference.objects.filter(user=user, email=False).values_list("kind", flat=True)
    )
    return set(K.values) - off


# --- Sending --------------------------------------------------------------------------


def notification_email_send(*, outbox_id: int) -> bool:
    """Sends one outbox row's e-mail, at most once; returns whether it left now. An SMTP
    error propagates (the row stays pending, the task retries)."""
    with transaction.atomic():
        outbox = (
            EmailOutbox.objects.select_for_update()
            .select_related("notification__recipient")
            .filter(pk=outbox_id)
            .first()
        )
        if outbox is None or outbox.status == EmailOutbox.Status.SENT:
            return False
        notification = outbox.notification
        recipient = notification.recipient
        if not recipient.is_active or not recipient.email:
            outbox.status = EmailOutbox.Status.FAILED
            outbox.last_error = "recipient inactive or without address"
            outbox.save(update_fields=["status", "last_error"])
            return False
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            title = notification_title(notification)
            body = render_to_string(
                "accounts/email/notification.txt",
                {
                    "recipient": recipient,
                    "title": title,
                    "detail": notification_detail(notification),
                    "url": settings.SITE_URL.rstrip("/") + notification.link,
                    "preferences_url": settings.SITE_URL.rstrip("/")
                    + reverse("accounts:notification_preferences"),
                },
            )
            send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
        outbox.status = EmailOutbox.Status.SENT
        outbox.sent_at = timezone.now()
        outbox.attempts += 1
        outbox.save(update_fields=["status", "sent_at", "attempts"])
    return True


def notification_email_failed(*, outbox_id: int, error: str, final: bool) -> None:
    """Counts a failed attempt (its own transaction: the send's rolled back)."""
    EmailOutbox.objects.filter(pk=outbox_id).exclude(status=EmailOutbox.Status.SENT).update(
        attempts=F("attempts") + 1,
        last_error=error[:1000],
        **({"status": EmailOutbox.Status.FAILED} if final else {}),
    )


def outbox_sweep(*, older_than: dt.timedelta = dt.timedelta(minutes=10)) -> int:
    """Re-queues the pending rows older than ``older_than`` (a broker message lost)."""
    cutoff = timezone.now() - older_than
    ids = list(
        EmailOutbox.objects.filter(
            status=EmailOutbox.Status.PENDING, created_at__lt=cutoff
        ).values_list("pk", flat=True)[:500]
    )
    for outbox_id in ids:
        _enqueue(outbox_id)
    return len(ids)
