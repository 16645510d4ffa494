"""Saved views of the dashboard: a user's filters (a slice, tracker.figures.slices) kept
under a name, and shared, if its owner says so, with the colleagues of its organisation:
the same partner organisation for a partner user, the ministry's staff for staff. Never
with another organisation (tracker.saved_views.selectors)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedView(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_views",
        verbose_name=_("propriétaire"),
    )
    name = models.CharField(_("nom"), max_length=100)
    # The slice's URL parameters (Slice.query()), checked against the owner's scope when
    # saved and against the reader's when opened.
    query = models.CharField(_("filtres"), max_length=1000, blank=True)
    shared = models.BooleanField(_("partagée avec mon organisation"), default=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("vue enregistrée")
        verbose_name_plural = _("vues enregistrées")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
