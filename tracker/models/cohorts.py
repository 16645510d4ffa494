from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Cohort(models.Model):
    """A group of trainees trained together under a convention by one operator."""

    class Modality(models.TextChoices):
        BOOTCAMP = "bootcamp", _("Bootcamp")
        QUALIFYING = "qualifying", _("Formation qualifiante")
        DEGREE = "degree", _("Formation diplômante")
        IN_COMPANY = "in_company", _("Formation en entreprise")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planifiée")
        IN_TRAINING = "in_training", _("En formation")
        COMPLETED = "completed", _("Terminée")
        CANCELLED = "cancelled", _("Annulée")

    code = models.CharField(_("code"), max_length=40, unique=True)
    convention = models.ForeignKey(
        "conventions.Convention",
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("convention"),
    )
    # Must be a training-operator party of the convention (checked by the cohort services).
    operator = models.ForeignKey(
        "conventions.Partner",
        on_delete=models.PROTECT,
        related_name="operated_cohorts",
        verbose_name=_("opérateur"),
    )
    filiere = models.ForeignKey(
        "conventions.Filiere", on_delete=models.PROTECT, verbose_name=_("filière")
    )
    metier = models.CharField(_("métier"), max_length=120)
    region = models.ForeignKey(
        "conventions.Region", on_delete=models.PROTECT, verbose_name=_("région")
    )
    zone = models.ForeignKey(
        "conventions.Zone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("zone"),
    )
    city = models.CharField(_("ville"), max_length=100)
    modality = models.CharField(_("modalité"), max_length=12, choices=Modality.choices)
    hours = models.PositiveIntegerField(_("volume horaire"), validators=[MinValueValidator(1)])
    planned_seats = models.PositiveIntegerField(
        _("places prévues"), validators=[MinValueValidator(1)]
    )
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "code"]
        verbose_name = _("cohorte")
        verbose_name_plural = _("cohortes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_after_start",
            )
        ]
        # The cohort list sorts on the start date.
        indexes = [
            models.Index(fields=["starts_on"], name="cohort_starts_on"),
            # The API's incremental sync (``updated_since``).
            models.Index(fields=["updated_at"], name="cohort_updated_at"),
        ]

    def __str__(self) -> str:
        return self.code
