"""Requests to correct a shared person's identity: an operator cannot change the identity
of a person another operator also trains (tracker.identity), so it asks the programme
team, with a comment; staff apply or decline it from their queue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentityCorrectionRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("en attente")
        APPLIED = "applied", _("appliquée")
        DECLINED = "declined", _("refusée")

    trainee = models.ForeignKey(
        "tracker.Trainee",
        on_delete=models.CASCADE,
        related_name="correction_requests",
        verbose_name=_("stagiaire"),
    )
    # The requester's organisation: its own request is all it ever sees of the queue.
    operator = models.ForeignKey(
        "conventions.Partner",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opérateur"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # field -> proposed value (ISO date for the birth date), only identity fields.
    proposed = models.JSONField(_("correction proposée"), default=dict)
    comment = models.TextField(_("commentaire"))
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    staff_comment = models.TextField(_("réponse de l'équipe"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("demande de correction d'identité")
        verbose_name_plural = _("demandes de correction d'identité")
        indexes = [models.Index(fields=["status", "created_at"], name="correction_status_created")]

    def __str__(self) -> str:
        return f"{self.trainee_id} ({self.status})"
