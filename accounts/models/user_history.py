"""The history of account administration: who did what to which account or
organisation, and when. Written by the accounts services only, never edited."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountEvent(models.Model):
    class Action(models.TextChoices):
        INVITED = "invited", _("Invitation envoyée")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation annulée")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation acceptée")
        ROLE_CHANGED = "role_changed", _("Rôle modifié")
        DEACTIVATED = "deactivated", _("Compte désactivé")
        REACTIVATED = "reactivated", _("Compte réactivé")
        PARTNER_CREATED = "partner_created", _("Organisation créée")
        PARTNER_UPDATED = "partner_updated", _("Organisation modifiée")

    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="account_events_done",
        verbose_name=_("auteur"),
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account_events",
        verbose_name=_("compte"),
    )
    # The organisation concerned: the account's, the invitation's, or the one edited.
    partner = models.ForeignKey(
        "conventions.Partner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account_events",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("adresse e-mail"), blank=True)
    # What changed, e.g. {"from": "partner_viewer", "to": "partner_editor"}.
    details = models.JSONField(_("détails"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("événement de compte")
        verbose_name_plural = _("historique des comptes")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
