from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeLog(models.Model):
    """Every change to an enrollment or a hire: who, when, through what, what changed.

    ``changes`` maps a field name to ``[old, new]`` (JSON-serialisable values)."""

    class Entity(models.TextChoices):
        ENROLLMENT = "enrollment", _("inscription")
        PLACEMENT = "placement", _("embauche")
        TRAINEE = "trainee", _("stagiaire")

    class Source(models.TextChoices):
        FORM = "form", _("formulaire")
        IMPORT = "import", _("import")
        API = "api", _("API")
        ADMIN = "admin", _("administration")
        SYSTEM = "system", _("système")

    entity = models.CharField(max_length=12, choices=Entity.choices)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=20)  # created, updated, graduated, ...
    changes = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["entity", "object_id"], name="changelog_object")]

    def __str__(self) -> str:
        return f"{self.entity} {self.object_id} {self.action} ({self.at})"
