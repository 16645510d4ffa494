"""Notifications: one row per recipient and event, shown in the product (the bell and
the list) and, unless the recipient turned that kind off, e-mailed through a durable
outbox row that the e-mail task sends once.

The text is not stored: it is written from ``kind`` and ``params`` in the reader's
language, whenever and wherever it is read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    CONVENTION_SUBMITTED = "convention_submitted", _("Convention soumise à la revue")
    CONVENTION_RETURNED = "convention_returned", _("Convention renvoyée en brouillon")
    CONVENTION_APPROVED = "convention_approved", _("Convention approuvée")
    CONVENTION_ACTIVATED = "convention_activated", _("Convention activée")
    CONVENTION_SUSPENDED = "convention_suspended", _("Convention suspendue")
    CONVENTION_TERMINATED = "convention_terminated", _("Convention résiliée")
    IMPORT_FINISHED = "import_finished", _("Import terminé")
    IMPORT_FAILED = "import_failed", _("Import en échec")
    LAGGING_ALERT = "lagging_alert", _("Convention en retard")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("destinataire"),
    )
    kind = models.CharField(_("type"), max_length=30, choices=NotificationKind.choices)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    # The object's page, as a path (e-mails prefix it with settings.SITE_URL).
    link = models.CharField(_("lien"), max_length=300, blank=True)
    # The values the text is written with (reference, comment, file name...).
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """A kind whose e-mails the user turned off (no row: e-mails on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.email}"


class EmailOutbox(models.Model):
    """An e-mail due for a notification: written in the event's transaction, sent once
    by accounts.notification_email (which marks it sent under a row lock)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("à envoyer")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec")

    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, related_name="email"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_idx")]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.status}"
