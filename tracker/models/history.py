from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

# What the history column "Action" shows for the codes the services record.
ACTION_LABELS = {
    "created": _("création"),
    "updated": _("modification"),
    "graduated": _("diplomation"),
    "dropped_out": _("abandon"),
    "failed": _("échec"),
    "linked": _("rattachement à un opérateur"),
    "correction_requested": _("demande de correction d'identité"),
    "identity_corrected": _("correction d'identité"),
    "reopened": _("réouverture"),
    "deleted": _("suppression"),
}
# Entries of ``changes`` that are not fields (the reason of a staff correction).
NOTE_LABELS = {"reason": _("motif")}


class ChangeLog(models.Model):
    """Every change to an enrollment or a hire: who, when, through what, what changed.

    ``changes`` maps a field name to ``[old, new]`` (JSON-serialisable values)."""

    class Entity(models.TextChoices):
        ENROLLMENT = "enrollment", _("inscription")
        PLACEMENT = "placement", _("embauche")
        TRAINEE = "trainee", _("stagiaire")
        # One operator's record of a person (its own history: the operator's only).
        CONTACT = "traineecontact", _("coordonnées")

    class Source(models.TextChoices):
        FORM = "form", _("formulaire")
        IMPORT = "import", _("import")
        API = "api", _("API")
        ADMIN = "admin", _("administration")
        SYSTEM = "system", _("système")

    entity = models.CharField(max_length=20, choices=Entity.choices)
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

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def change_rows(self) -> list[tuple[str, Any, Any]]:
        """(field label, old, new) in the reader's language: verbose names for field
        names, choice labels for stored codes, dates as dates."""
        model = apps.get_model("tracker", self.entity)
        rows = []
        for name, (old, new) in self.changes.items():
            if name == "operator":  # a person linked to a new operator: its name
                rows.append((capfirst(str(_("opérateur"))), old, _partner_name(new)))
                continue
            try:
                field = model._meta.get_field(name.removesuffix("_id"))
            except FieldDoesNotExist:
                rows.append((capfirst(str(NOTE_LABELS.get(name, name))), old, new))
                continue
            rows.append(
                (capfirst(str(field.verbose_name)), _display(field, old), _display(field, new))
            )
        return rows


def _partner_name(partner_id: Any) -> Any:
    partner = apps.get_model("conventions", "Partner").objects.filter(pk=partner_id).first()
    return partner.name if partner is not None else partner_id


def _display(field: Any, value: Any) -> Any:
    if value in (None, ""):
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


class Deletion(models.Model):
    """A row deleted (a tombstone): what an API client mirroring its data must delete too
    (``GET /api/v1/deletions/``). ``operator`` scopes it as the row was scoped."""

    entity = models.CharField(max_length=20, choices=ChangeLog.Entity.choices)
    object_id = models.BigIntegerField()
    operator = models.ForeignKey(
        "conventions.Partner", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    deleted_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["deleted_at", "id"]
        indexes = [
            models.Index(fields=["deleted_at", "id"], name="deletion_deleted_at"),
            models.Index(fields=["operator", "deleted_at"], name="deletion_operator"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.object_id} deleted ({self.deleted_at})"
