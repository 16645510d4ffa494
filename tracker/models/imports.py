"""Bulk imports of enrollments and hires: one ImportBatch per uploaded file.

The uploaded file itself is the staging area: it stays on disk (private media) from the
upload to the commit, and both the validation and the commit stream it in chunks, so a
file of a million rows never sits in memory. Row errors found by the validation are
stored as ImportRowError rows (row number, column, reason)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Déposé")
        VALIDATING = "validating", _("Validation en cours")
        VALIDATED = "validated", _("Prêt à confirmer")
        INVALID = "invalid", _("Erreurs à corriger")
        COMMITTING = "committing", _("Enregistrement en cours")
        COMMITTED = "committed", _("Importé")
        CANCELLED = "cancelled", _("Annulé")
        FAILED = "failed", _("Échec")

    # Statuses during which a task works on the batch (the page polls its progress).
    RUNNING = (Status.UPLOADED, Status.VALIDATING, Status.COMMITTING)

    class FileFormat(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="import_batches",
        verbose_name=_("déposé par"),
    )
    # The importing user's organisation (None for staff): scopes the import log.
    partner = models.ForeignKey(
        "conventions.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_batches",
        verbose_name=_("organisation"),
    )
    file = models.FileField(_("fichier"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("nom du fichier"), max_length=255)
    file_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    file_format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.UPLOADED
    )
    # Why the batch failed or was refused (a message for the user, never a traceback).
    failure_reason = models.TextField(_("motif de l'échec"), blank=True)
    total_rows = models.PositiveIntegerField(_("lignes"), default=0)
    rows_to_create = models.PositiveIntegerField(_("à créer"), default=0)
    rows_to_update = models.PositiveIntegerField(_("à mettre à jour"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("inchangées"), default=0)
    rows_in_error = models.PositiveIntegerField(_("en erreur"), default=0)
    error_count = models.PositiveIntegerField(_("erreurs"), default=0)
    # Cohorts the file touches (ids), known after validation: two imports into the same
    # cohort never commit at once.
    cohort_ids = models.JSONField(default=list, blank=True)
    # 0..100, updated by the running task (also mirrored in the cache for live polling).
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    validated_at = models.DateTimeField(_("validé le"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmé par"),
    )
    committed_at = models.DateTimeField(_("importé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["partner", "-created_at"], name="importbatch_partner")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING


class ImportRowError(models.Model):
    """One problem found in one row of an imported file."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField(_("ligne"))  # as the spreadsheet numbers it
    column = models.CharField(_("colonne"), max_length=80, blank=True)
    message = models.TextField(_("motif"))  # as worded for the uploader
    # What the message is made of, to show it in the reader's language
    # (tracker.imports.error_messages): its catalogue entry (French) and the values in it,
    # and the stable code the API answers for the same refusal.
    message_id = models.TextField(blank=True, default="")
    params = models.JSONField(blank=True, default=dict)
    code = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        ordering = ["row_number", "id"]
        indexes = [models.Index(fields=["batch", "row_number"], name="importrowerror_batch_row")]

    def __str__(self) -> str:
        return f"{self.row_number} {self.column}: {self.message}"
