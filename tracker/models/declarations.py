"""CNSS salary declarations and what is derived from them: verified hires, people found
by the CNSS, and the dated parameters of the PAE/PAF incentive schemes.

Declarations are personal data (law 09-08): one row per person, month and employer, as
the CNSS answers the ministry's request file. They are read by admins only
(accounts.policy); partners see the verification status of their own hires,
never a declared salary or employer.

The match tables (HireVerification, FoundByCnss) are rebuilt as a whole, set-based, by
tracker.verification.matching whenever declarations or hires change (VerificationChange,
swept by tracker.verification_sweep)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.models.imports import ImportBatch


def month_index(year: int, month: int) -> int:
    """A calendar month as one integer (year * 12 + month - 1): month arithmetic in SQL
    is then plain addition, the same on SQLite and PostgreSQL."""
    return year * 12 + month - 1


class DeclarationImport(models.Model):
    """One uploaded CNSS answer file, staged like partners' imports (ImportBatch): upload
    -> validate every row -> preview -> confirm -> commit in one transaction."""

    Status = ImportBatch.Status
    RUNNING = ImportBatch.RUNNING

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="declaration_imports",
        verbose_name=_("déposé par"),
    )
    file = models.FileField(_("fichier"), upload_to="declarations/%Y/%m/")
    file_name = models.CharField(_("nom du fichier"), max_length=255)
    file_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.UPLOADED
    )
    failure_reason = models.TextField(_("motif de l'échec"), blank=True)
    total_rows = models.PositiveIntegerField(_("lignes"), default=0)
    rows_to_create = models.PositiveIntegerField(_("à créer"), default=0)
    rows_to_update = models.PositiveIntegerField(_("à mettre à jour"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("inchangées"), default=0)
    rows_in_error = models.PositiveIntegerField(_("en erreur"), default=0)
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
        verbose_name = _("import de déclarations CNSS")
        verbose_name_plural = _("imports de déclarations CNSS")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING


class DeclarationRowError(models.Model):
    """One problem found in one row of a declarations file (row, column, reason)."""

    batch = models.ForeignKey(
        DeclarationImport, on_delete=models.CASCADE, related_name="row_errors"
    )
    row_number = models.PositiveIntegerField(_("ligne"))
    column = models.CharField(_("colonne"), max_length=80, blank=True)
    message = models.TextField(_("motif"))

    class Meta:
        ordering = ["row_number", "id"]

    def __str__(self) -> str:
        return f"{self.row_number} {self.column}: {self.message}"


class DeclarationStagedRow(models.Model):
    """A valid row of a declarations file between its validation and its commit: the
    staging table the commit copies from in a few set-based statements (and where the
    duplicates of a file are found by one GROUP BY, whatever its size)."""

    batch = models.ForeignKey(
        DeclarationImport, on_delete=models.CASCADE, related_name="staged_rows"
    )
    row_number = models.PositiveIntegerField()
    trainee = models.ForeignKey(
        "tracker.Trainee", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    month = models.DateField()
    month_index = models.PositiveIntegerField()
    employer_ice = models.CharField(max_length=15, blank=True)
    employer_cnss = models.CharField(max_length=20, blank=True)
    days_declared = models.PositiveSmallIntegerField()
    gross_salary_mad = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        indexes = [
            models.Index(fields=["batch", "trainee", "month_index"], name="declstaged_batch_key")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"


class Declaration(models.Model):
    """A person declared by an employer for a month: days and gross salary declared.
    The employer is named by its ICE, its CNSS affiliation number, or both."""

    trainee = models.ForeignKey(
        "tracker.Trainee",
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("personne"),
    )
    month = models.DateField(_("mois"))  # the first day of the declared month
    month_index = models.PositiveIntegerField(_("mois (indice)"))
    employer_ice = models.CharField(_("ICE de l'employeur"), max_length=15, blank=True)
    employer_cnss = models.CharField(_("n° d'affiliation CNSS"), max_length=20, blank=True)
    days_declared = models.PositiveSmallIntegerField(_("jours déclarés"))
    gross_salary_mad = models.DecimalField(
        _("salaire brut déclaré (MAD)"), max_digits=12, decimal_places=2
    )
    batch = models.ForeignKey(
        DeclarationImport,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("import"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("déclaration CNSS")
        verbose_name_plural = _("déclarations CNSS")
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "month_index", "employer_ice", "employer_cnss"],
                name="declaration_person_month_employer",
            ),
            models.CheckConstraint(
                condition=~models.Q(employer_ice="", employer_cnss=""),
                name="declaration_names_employer",
            ),
            models.CheckConstraint(
                condition=models.Q(gross_salary_mad__gte=0), name="declaration_salary_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["employer_ice", "month_index"], name="declaration_ice_month"),
            models.Index(fields=["employer_cnss", "month_index"], name="declaration_cnss_month"),
        ]

    def __str__(self) -> str:
        return f"{self.trainee_id} {self.month:%Y-%m} {self.employer_ice or self.employer_cnss}"


class EmployerAffiliation(models.Model):
    """An employer's CNSS affiliation number beside its ICE: learnt from declaration rows
    that carry both, or entered by an admin. Lets a hire recorded with an ICE match a
    declaration that names the employer by its CNSS number only."""

    ice = models.CharField(_("ICE"), max_length=15)
    cnss_number = models.CharField(_("n° d'affiliation CNSS"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("affiliation CNSS d'un employeur")
        verbose_name_plural = _("affiliations CNSS des employeurs")
        indexes = [models.Index(fields=["ice"], name="affiliation_ice")]

    def __str__(self) -> str:
        return f"{self.ice} / {self.cnss_number}"


class HireVerification(models.Model):
    """What the declarations say of one hire (rebuilt as a whole by the matching)."""

    placement = models.OneToOneField(
        "tracker.Placement",
        on_delete=models.CASCADE,
        related_name="verification",
        verbose_name=_("embauche"),
        db_constraint=False,
    )
    hire_month_index = models.PositiveIntegerField()
    verified = models.BooleanField(_("vérifiée"))
    # The window is "eligible" once the declarations cover its month.
    eligible_6m = models.BooleanField(default=False)
    retained_6m = models.BooleanField(_("en poste à 6 mois"), default=False)
    eligible_12m = models.BooleanField(default=False)
    retained_12m = models.BooleanField(_("en poste à 12 mois"), default=False)
    # Months declared by the hiring employer from the hire month on (PAE's duration).
    months_with_employer = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("vérification d'une embauche")
        verbose_name_plural = _("vérifications des embauches")

    def __str__(self) -> str:
        return f"{self.placement_id}: {self.verified}"


class GraduateOutcome(models.Model):
    """What the declarations say of one graduate: placement at 6 months as the dashboard
    counts it (graduates, by graduation date), from the declarations: declared by any
    employer from the graduation month to the 6th month after (rebuilt by the match)."""

    enrollment = models.OneToOneField(
        "tracker.Enrollment",
        on_delete=models.CASCADE,
        related_name="cnss_outcome",
        db_constraint=False,
    )
    graduation_month_index = models.PositiveIntegerField()
    eligible_6m = models.BooleanField(default=False)
    placed_6m = models.BooleanField(_("en emploi à 6 mois"), default=False)

    class Meta:
        verbose_name = _("devenir d'un lauréat selon la CNSS")
        verbose_name_plural = _("devenir des lauréats selon la CNSS")

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.placed_6m}"


class FoundByCnss(models.Model):
    """A graduate with no hire recorded, declared by a sector employer within 6 months of
    graduating: for the operator to complete (it sees that the person was found, never
    the employer nor the salary)."""

    enrollment = models.OneToOneField(
        "tracker.Enrollment",
        on_delete=models.CASCADE,
        related_name="found_by_cnss",
        db_constraint=False,
    )
    first_month_index = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("lauréat retrouvé par la CNSS")
        verbose_name_plural = _("lauréats retrouvés par la CNSS")

    def __str__(self) -> str:
        return f"{self.enrollment_id}"


class VerificationRollup(models.Model):
    """The verified figures of one cell, cohort x operator x sex x year x quarter:
    rebuilt with the match, in its transaction, by one INSERT ... SELECT ... GROUP BY
    (tracker.figures.verified.rollup), so that the dashboard sums a few stored cells under
    its slice instead of counting the match rows. Hires fall in the quarter of their hire
    date (jobs as the dashboard counts them: each enrollment's first stable hire),
    graduates in the quarter of their graduation. ``operator_id`` is the operator stored
    on the hire or the enrollment, the one a partner's scope is decided by."""

    # As on the rollup store: no constraint nor index (rewritten in bulk), the cohort's
    # deletion still cascades through Django.
    cohort = models.ForeignKey(
        "tracker.Cohort",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    operator_id = models.BigIntegerField()
    sex = models.CharField(max_length=1)
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    declared = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)
    eligible_6m = models.PositiveIntegerField(default=0)
    retained_6m = models.PositiveIntegerField(default=0)
    eligible_12m = models.PositiveIntegerField(default=0)
    retained_12m = models.PositiveIntegerField(default=0)
    graduates_eligible_6m = models.PositiveIntegerField(default=0)
    graduates_placed_6m = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("chiffres vérifiés d'une cohorte")
        verbose_name_plural = _("chiffres vérifiés des cohortes")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "operator_id", "sex", "year", "quarter"],
                name="verification_rollup_cell",
            )
        ]
        indexes = [models.Index(fields=["operator_id"], name="verification_rollup_operator")]

    def __str__(self) -> str:
        return f"{self.cohort_id} {self.sex} {self.year}T{self.quarter}"


class VerificationChange(models.Model):
    """A durable "the match is stale" marker, written in the transaction that changed a
    side of it; the rebuild removes the markers it covered, the sweep (every minute)
    rebuilds when a marker outlives its fast-path task."""

    created_at = models.DateTimeField(db_index=True)
    reason = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"{self.created_at} {self.reason}"


class VerificationState(models.Model):
    """The match tables' single row of state: when they were rebuilt, and the watermark
    of the hires and enrollments they were built from (a hire edited anywhere — form,
    import, API, admin — changes it, so the sweep notices without a hook in each)."""

    rebuilt_at = models.DateTimeField(null=True, blank=True)
    watermark = models.JSONField(default=list)
    covered_until_index = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.rebuilt_at}"


class IncentiveParameter(models.Model):
    """One dated set of parameters of an incentive scheme (PAE or PAF), entered by admins.
    The estimates use the set in force on the hire date; nothing is hard-coded."""

    class Scheme(models.TextChoices):
        PAE = "pae", _("PAE — prime à l'emploi")
        PAF = "paf", _("PAF — prime à la formation")

    scheme = models.CharField(_("dispositif"), max_length=3, choices=Scheme.choices)
    valid_from = models.DateField(_("en vigueur du"))
    valid_until = models.DateField(_("jusqu'au (exclu)"), null=True, blank=True)
    rate = models.DecimalField(
        _("taux (part du revenu brut imposable annuel)"), max_digits=6, decimal_places=4
    )
    minimum_months = models.PositiveSmallIntegerField(_("durée minimale dans l'emploi (mois)"))
    eligible_contract_types = models.JSONField(_("types de contrat éligibles"), default=list)
    moroccan_only = models.BooleanField(
        _("nationalité marocaine requise"),
        default=False,
        help_text=_("Un titulaire de CIN (carte nationale d'identité) est marocain."),
    )
    yearly = models.BooleanField(_("versée chaque année"), default=False)
    hires_from = models.DateField(_("embauches à partir du"))
    hires_until = models.DateField(_("embauches jusqu'au"), null=True, blank=True)
    ceiling_mad = models.DecimalField(
        _("plafond par emploi et par an (MAD)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    source = models.TextField(_("source"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheme", "-valid_from"]
        verbose_name = _("paramètre d'incitation")
        verbose_name_plural = _("paramètres d'incitation")

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.valid_from}"
