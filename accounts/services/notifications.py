"""Notifications: created in the transaction of the event they tell about, each with an
outbox row when its recipient gets e-mails of that kind; the outbox row is queued for
the e-mail task once the transaction commits (a rolled-back event notifies no one).

The e-mail task sends an outbox row once: it locks the row, skips it when already sent,
sends, and marks it sent in the same transaction; an SMTP failure raises, so the task is
retried, and the sweep re-queues rows a lost broker message left pending."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import EmailOutbox, Notification, NotificationKind, NotificationPreference
from accounts.services.notification_texts import notification_detail, notification_title
from conventions.models import Convention, ConventionTransition
from tracker.models import ImportBatch, Role, User

K = NotificationKind

# Transition name -> notification kind (other transitions notify no one).
TRANSITION_KINDS = {
    "submit": K.CONVENTION_SUBMITTED,
    "return_to_draft": K.CONVENTION_RETURNED,
    "sign": K.CONVENTION_APPROVED,
    "activate": K.CONVENTION_ACTIVATED,
    "suspend": K.CONVENTION_SUSPENDED,
    "terminate": K.CONVENTION_TERMINATED,
}


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
    from accounts.tasks import notification_email

    notification_email.delay(outbox_id)


# --- Events ---------------------------------------------------------------------------


def _admins() -> QuerySet[User]:
    return User.objects.filter(role=Role.ADMIN, is_active=True)


def _submitter(convention: Convention) -> User | None:
    last_submit = (
        ConventionTransition.objects.filter(
            convention=convention, to_status=Convention.Status.SUBMITTED
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    return last_submit.actor if last_submit else None


def _party_users(convention: Convention) -> QuerySet[User]:
    return User.objects.filter(
        partner__in=convention.parties.values("partner"), is_active=True
    ).distinct()


def notify_convention_transition(
    *, name: str, actor: User, convention: Convention, comment: str
) -> list[Notification]:
    """Called by the workflow inside the transition's transaction."""
    kind = TRANSITION_KINDS.get(name)
    if kind is None:
        return []
    managers = list(convention.managers.filter(is_active=True))
    if kind == K.CONVENTION_SUBMITTED:
        recipients: list[User] = list(_admins())
        link = reverse("conventions:review_convention", args=[convention.pk])
    else:
        link = reverse("conventions:convention_detail", args=[convention.pk])
        if kind in (K.CONVENTION_RETURNED, K.CONVENTION_APPROVED):
            submitter = _submitter(convention)
            recipients = [*([submitter] if submitter else []), *managers]
        else:
            recipients = [*managers, *_party_users(convention)]
    params = {"reference": convention.reference, "comment": comment}
    return notifications_create(
        recipients=recipients, kind=kind, link=link, params=params, actor=actor
    )


def notify_import_outcome(*, batch: ImportBatch) -> list[Notification]:
    """Tells the uploader that a validation or a commit ended: once per batch and
    outcome, however often the task is delivered."""
    status = batch.status
    if status == ImportBatch.Status.FAILED:
        kind = K.IMPORT_FAILED
    elif status in (
        ImportBatch.Status.VALIDATED,
        ImportBatch.Status.INVALID,
        ImportBatch.Status.COMMITTED,
    ):
        kind = K.IMPORT_FINISHED
    else:
        return []
    params = {
        "batch": batch.pk,
        "file": batch.file_name,
        "status": status,
        "reason": batch.failure_reason,
    }
    with transaction.atomic():
        told = Notification.objects.filter(
            recipient_id=batch.uploaded_by_id,
            kind=kind,
            params__batch=batch.pk,
            params__status=status,
        )
        if told.exists():
            return []
        return notifications_create(
            recipients=[batch.uploaded_by],
            kind=kind,
            link=reverse("import_detail", args=[batch.pk]),
            params=params,
        )


def notify_lagging(*, manager: User, convention: Convention) -> list[Notification]:
    """The weekly lagging alert, in the list too (its e-mail is the weekly digest)."""
    return notifications_create(
        recipients=[manager],
        kind=K.LAGGING_ALERT,
        link=reverse("conventions:convention_detail", args=[convention.pk]),
        params={"reference": convention.reference},
        email=False,
    )


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
