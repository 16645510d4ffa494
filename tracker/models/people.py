"""Trainees (persons), their enrollments in cohorts, and the hires that follow.

Names, CIN, phone, e-mail and birth date are personal data under law 09-08: only admins,
the convention's managers and the operating partner may see them (accounts.policy). A
person is one national identity (Trainee) shared by the operators that train them; what
each operator records beyond it is that operator's own (TraineeContact).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.models.cohorts import Cohort


class Trainee(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", _("Femme")
        MALE = "M", _("Homme")

    class EducationLevel(models.TextChoices):
        BELOW_BAC = "below_bac", _("Niveau inférieur au bac")
        BAC = "bac", _("Baccalauréat")
        BAC2 = "bac2", _("Bac+2")
        BAC3 = "bac3", _("Bac+3 (licence)")
        BAC5 = "bac5", _("Bac+5 (master, ingénieur)")
        DOCTORATE = "doctorate", _("Doctorat")

    # Normalised upper-case with no spaces by tracker.services (see normalize_cin).
    cin = models.CharField(_("CIN"), max_length=12, unique=True)
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    first_name_ar = models.CharField(_("prénom (arabe)"), max_length=100, blank=True)
    last_name_ar = models.CharField(_("nom (arabe)"), max_length=100, blank=True)
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date de naissance"))
    # Contact details are not here: each operator keeps its own (TraineeContact).
    # Optimistic locking, as for enrollments and hires. The database default covers rows
    # written by raw SQL (the benchmark's COPY).
    version = models.PositiveIntegerField(default=1, db_default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("stagiaire")
        verbose_name_plural = _("stagiaires")
        # The API's incremental sync (``updated_since``).
        indexes = [models.Index(fields=["updated_at"], name="trainee_updated_at")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def contact_for(self, operator_id: int | None) -> TraineeContact | None:
        """What this operator recorded about the person (prefetched ``contacts`` are
        read without a query)."""
        if operator_id is None:
            return None
        return next((c for c in self.contacts.all() if c.operator_id == operator_id), None)


class TraineeContact(models.Model):
    """What one operator recorded about a person beyond identity: phone, e-mail, region
    of residence, education level. Each training operator is its own data controller
    (law 09-08): it reads and edits only its own record of the person; admins and the
    convention's managers read every operator's, labelled by operator
    (accounts.policy)."""

    trainee = models.ForeignKey(
        Trainee, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("stagiaire")
    )
    operator = models.ForeignKey(
        "conventions.Partner",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opérateur"),
    )
    phone = models.CharField(_("téléphone"), max_length=16, blank=True)  # E.164
    email = models.EmailField(_("e-mail"), blank=True)
    residence_region = models.ForeignKey(
        "conventions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("région de résidence"),
    )
    education_level = models.CharField(
        _("niveau d'études"), max_length=12, choices=Trainee.EducationLevel.choices, blank=True
    )
    # The national record's Arabic names are optional and compared only when both sides
    # have them: an operator sees them once it supplied them itself (at creation, at
    # linking, in a correction), never because another operator recorded them.
    arabic_names_known = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["trainee", "operator"]
        verbose_name = _("coordonnées du stagiaire")
        verbose_name_plural = _("coordonnées des stagiaires")
        constraints = [
            models.UniqueConstraint(fields=["trainee", "operator"], name="trainee_contact_unique")
        ]

    def __str__(self) -> str:
        return f"{self.trainee_id} / {self.operator_id}"


CONTACT_FIELDS = ("phone", "email", "residence_region", "education_level")


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Inscrit")
        GRADUATED = "graduated", _("Diplômé")
        DROPPED_OUT = "dropped_out", _("Abandon")
        FAILED = "failed", _("Échec")

    # No single-column indexes on the two keys: enrollment_unique (trainee, cohort) and
    # enrollment_cohort_status (cohort, status) lead with them and serve every lookup by
    # either (one index less to maintain per row written; see docs/imports.md).
    trainee = models.ForeignKey(
        Trainee,
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("stagiaire"),
        db_index=False,
    )
    cohort = models.ForeignKey(
        "tracker.Cohort",
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("cohorte"),
        db_index=False,
    )
    # Always the cohort's operator (a cohort's enrollments never change cohort; a cohort
    # changing operator moves them: tracker.services.cohorts.cohort_update). Stored so a
    # partner's list is one index range, (operator, enrolled_on DESC, id), rather than a
    # join through 1M enrollments. Never an input: save() derives it for a single row,
    # every bulk path writes it from the cohort.
    operator = models.ForeignKey(
        "conventions.Partner",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # led by the (operator, enrolled_on, id) index
        verbose_name=_("opérateur"),
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.ENROLLED
    )
    enrolled_on = models.DateField(_("date d'inscription"))
    exited_on = models.DateField(_("date de sortie"), null=True, blank=True)
    graduated_on = models.DateField(_("date de diplomation"), null=True, blank=True)
    certificate_ref = models.CharField(_("référence du certificat"), max_length=60, blank=True)
    # Optimistic locking: a save carrying an older version is a conflict, never an overwrite.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-enrolled_on", "id"]
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            models.UniqueConstraint(fields=["trainee", "cohort"], name="enrollment_unique"),
            models.CheckConstraint(
                condition=models.Q(status="graduated", graduated_on__isnull=False)
                | ~models.Q(status="graduated"),
                name="enrollment_graduated_has_date",
            ),
        ]
        # The (date DESC, id) indexes also serve ascending orders (scanned backwards) and
        # date ranges (the year filters, the figures): no single-column date index.
        indexes = [
            models.Index(fields=["cohort", "status"], name="enrollment_cohort_status"),
            # The API's incremental sync (``updated_since``).
            models.Index(fields=["updated_at"], name="enrollment_updated_at"),
            # The list's default order and sorts, with the key: index-only deep pages.
            models.Index(fields=["-enrolled_on", "id"], name="enrollment_enrolled_on_id"),
            models.Index(fields=["-graduated_on", "id"], name="enrollment_graduated_on_id"),
            # A partner's scope in the list's default order.
            models.Index(
                fields=["operator", "-enrolled_on", "id"], name="enrollment_operator_enrolled"
            ),
            # A partner's scope sorted by graduation: without it PostgreSQL walks the
            # national graduation index and keeps one row in three hundred.
            models.Index(
                fields=["operator", "-graduated_on", "id"], name="enrollment_operator_graduated"
            ),
            # The status filter in the list's default order: graduates are the older
            # enrollments, so the date index alone walks every recent one first.
            models.Index(
                fields=["status", "-enrolled_on", "id"], name="enrollment_status_enrolled"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee_id} @ {self.cohort_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.operator_id is None and self.cohort_id is not None:
            self.operator_id = _cohort_operator_id(self)
        super().save(*args, **kwargs)


class Placement(models.Model):
    """A hire that follows (or precedes) graduation."""

    class ContractType(models.TextChoices):
        CDI = "cdi", _("CDI")
        CDD = "cdd", _("CDD")
        ANAPEC = "anapec", _("Contrat d'insertion ANAPEC")
        FREELANCE = "freelance", _("Freelance")
        OTHER = "other", _("Autre")

    # Served by placement_enrollment_hired (enrollment, hired_on): no index of its own.
    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("inscription"),
        db_index=False,
    )
    # Always the enrollment's cohort's operator (see Enrollment.operator).
    operator = models.ForeignKey(
        "conventions.Partner",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # led by the (operator, hired_on, id) index
        verbose_name=_("opérateur"),
    )
    # Either a partner of kind employer, or a named employer with its ICE.
    employer = models.ForeignKey(
        "conventions.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hires",
        verbose_name=_("employeur"),
    )
    employer_name = models.CharField(_("nom de l'employeur"), max_length=200, blank=True)
    employer_ice = models.CharField(_("ICE de l'employeur"), max_length=15, blank=True)
    hired_on = models.DateField(_("date d'embauche"))
    contract_type = models.CharField(
        _("type de contrat"), max_length=10, choices=ContractType.choices
    )
    job_title = models.CharField(_("intitulé du poste"), max_length=150)
    filiere = models.ForeignKey(
        "conventions.Filiere", on_delete=models.PROTECT, verbose_name=_("filière")
    )
    zone = models.ForeignKey(
        "conventions.Zone", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("zone")
    )
    region = models.ForeignKey(
        "conventions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("région"),
    )
    gross_monthly_salary_mad = models.DecimalField(
        _("salaire brut mensuel (MAD)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    ended_on = models.DateField(_("date de fin"), null=True, blank=True)
    cnss_verified_on = models.DateField(_("vérifié CNSS le"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-hired_on", "id"]
        verbose_name = _("embauche")
        verbose_name_plural = _("embauches")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employer__isnull=False) | ~models.Q(employer_name=""),
                name="placement_has_employer",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("hired_on")),
                name="placement_ends_after_hire",
            ),
            # A hire is identified by its enrollment, hire date and employer (a partner,
            # or a named employer by its ICE): a sync sent twice never duplicates it.
            models.UniqueConstraint(
                fields=["enrollment", "hired_on", "employer"],
                condition=models.Q(employer__isnull=False),
                name="placement_unique_partner_hire",
            ),
            models.UniqueConstraint(
                fields=["enrollment", "hired_on", "employer_ice"],
                condition=models.Q(employer__isnull=True),
                name="placement_unique_named_hire",
            ),
        ]
        indexes = [
            models.Index(fields=["enrollment", "hired_on"], name="placement_enrollment_hired"),
            models.Index(fields=["-hired_on", "id"], name="placement_hired_on_id"),
            # A partner's scope in the list's default order.
            models.Index(fields=["operator", "-hired_on", "id"], name="placement_operator_hired"),
            # The API's incremental sync (``updated_since``).
            models.Index(fields=["updated_at"], name="placement_updated_at"),
        ]

    def __str__(self) -> str:
        return f"{self.job_title} ({self.hired_on})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.operator_id is None and self.enrollment_id is not None:
            enrollment = self.enrollment
            self.operator_id = enrollment.operator_id or _cohort_operator_id(enrollment)
        super().save(*args, **kwargs)

    @property
    def employer_display(self) -> str:
        return self.employer.name if self.employer_id and self.employer else self.employer_name


def _cohort_operator_id(enrollment: Enrollment) -> int:
    """The operator of the enrollment's cohort: from the cohort in hand if loaded, else
    one query."""
    if Enrollment.cohort.is_cached(enrollment):
        return enrollment.cohort.operator_id
    return Cohort.objects.values_list("operator_id", flat=True).get(pk=enrollment.cohort_id)
