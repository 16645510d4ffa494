"""Conventions: the agreements the State signs, who is party to them, and the reference
data (regions, zones, filières, national figures) they are framed by.

Status is written by ``conventions.services`` only (the workflow); nothing else sets it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class LocalizedNameMixin:
    """Picks ``name_<language>`` for the active language, French when missing."""

    name_fr: str
    name_ar: str
    name_en: str

    @property
    def name(self) -> str:
        language = (translation.get_language() or "fr")[:2]
        return getattr(self, f"name_{language}", "") or self.name_fr

    def __str__(self) -> str:
        return self.name


# --- Reference data ---------------------------------------------------------------


class Region(LocalizedNameMixin, models.Model):
    """One of the 12 regions (ISO 3166-2:MA)."""

    code = models.CharField(_("code"), max_length=5, unique=True)
    name_fr = models.CharField(_("nom (français)"), max_length=100)
    name_ar = models.CharField(_("nom (arabe)"), max_length=100)
    name_en = models.CharField(_("nom (anglais)"), max_length=100)
    capital = models.CharField(_("chef-lieu"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("région")
        verbose_name_plural = _("régions")


class Zone(LocalizedNameMixin, models.Model):
    """A P2I offshoring zone."""

    class Tier(models.TextChoices):
        PRIMARY = "primary", _("principale (IR plafonné à 20 %)")
        SECONDARY = "secondary", _("secondaire (IR plafonné à 10 %)")

    code = models.CharField(_("code"), max_length=5, unique=True)
    name_fr = models.CharField(_("nom"), max_length=100)
    name_ar = models.CharField(_("nom (arabe)"), max_length=100, blank=True)
    name_en = models.CharField(_("nom (anglais)"), max_length=100, blank=True)
    city = models.CharField(_("ville"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="zones", verbose_name=_("région")
    )
    income_tax_cap_percent = models.PositiveSmallIntegerField(_("plafond IR (%)"))
    tier = models.CharField(_("catégorie"), max_length=10, choices=Tier.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("zone offshoring")
        verbose_name_plural = _("zones offshoring")


class Filiere(LocalizedNameMixin, models.Model):
    """An offshoring sector: ITO, CRM, BPO, ESO, KPO."""

    code = models.CharField(_("code"), max_length=5, unique=True)
    name_fr = models.CharField(_("nom (français)"), max_length=120)
    name_ar = models.CharField(_("nom (arabe)"), max_length=120)
    name_en = models.CharField(_("nom (anglais)"), max_length=120)
    example_metiers = models.TextField(_("exemples de métiers"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("filière")
        verbose_name_plural = _("filières")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class NationalFigure(models.Model):
    """An official sector figure for a year (actual) or a target (2030)."""

    class Indicator(models.TextChoices):
        SECTOR_JOBS = "sector_jobs", _("Emplois du secteur")
        SECTOR_EXPORTS_MAD = "sector_exports_mad", _("Exportations du secteur (MAD)")
        SECTOR_JOBS_CREATED_TWO_YEARS = (
            "sector_jobs_created_two_years",
            _("Emplois créés sur deux ans"),
        )
        SECTOR_EXPORTS_MAD_H1 = "sector_exports_mad_h1", _("Exportations du 1er semestre (MAD)")

    class Kind(models.TextChoices):
        ACTUAL = "actual", _("réalisé")
        TARGET = "target", _("objectif")

    indicator = models.CharField(_("indicateur"), max_length=40, choices=Indicator.choices)
    year = models.PositiveSmallIntegerField(_("année"))
    value = models.DecimalField(_("valeur"), max_digits=16, decimal_places=0)
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("chiffre national")
        verbose_name_plural = _("chiffres nationaux")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "kind"], name="national_figure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.year}: {self.value}"


# --- Partners ---------------------------------------------------------------------

ice_validator = RegexValidator(
    r"^\d{15}$", _("L'ICE doit compter exactement 15 chiffres."), code="invalid_ice"
)


class Partner(models.Model):
    """An organisation: state agency, training operator, university, employer, ..."""

    class Kind(models.TextChoices):
        STATE_AGENCY = "state_agency", _("Agence de l'État")
        TRAINING_OPERATOR = "training_operator", _("Opérateur de formation")
        UNIVERSITY = "university", _("Université")
        EMPLOYER = "employer", _("Employeur")
        REGIONAL_COUNCIL = "regional_council", _("Conseil régional")
        FUNDER = "funder", _("Bailleur de fonds")
        ASSOCIATION = "association", _("Association")

    name = models.CharField(_("nom"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    ice = models.CharField(
        _("ICE"),
        max_length=15,
        blank=True,
        null=True,
        unique=True,
        validators=[ice_validator],
        help_text=_("Identifiant commun de l'entreprise, 15 chiffres."),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="partners",
        verbose_name=_("région"),
        null=True,
        blank=True,
    )
    city = models.CharField(_("ville"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")

    def __str__(self) -> str:
        return self.name


# --- Conventions ------------------------------------------------------------------


class Convention(models.Model):
    class Kind(models.TextChoices):
        PROGRAMME_CONTRACT = "programme_contract", _("Contrat-programme")
        TRAINING = "training", _("Convention de formation")
        BOOTCAMP = "bootcamp", _("Bootcamp")
        EMPLOYMENT = "employment", _("Convention d'insertion")
        REGIONAL = "regional", _("Convention régionale")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("Soumise")
        SIGNED = "signed", _("Signée")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspendue")
        CLOSED = "closed", _("Clôturée")
        TERMINATED = "terminated", _("Résiliée")

    reference = models.CharField(_("référence"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("intitulé"), max_length=255)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    # Written by conventions.services only (the status workflow).
    status = models.CharField(
        _("statut"),
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        editable=False,
        db_index=True,
    )
    signed_on = models.DateField(_("date de signature"), null=True, blank=True)
    starts_on = models.DateField(_("date de début"))
    ends_on = models.DateField(_("date de fin"))
    budget_state_mad = models.DecimalField(
        _("part de l'État (MAD)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    budget_partner_mad = models.DecimalField(
        _("part des partenaires (MAD)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    regions = models.ManyToManyField(Region, blank=True, verbose_name=_("régions"))
    zones = models.ManyToManyField(Zone, blank=True, verbose_name=_("zones"))
    filieres = models.ManyToManyField(Filiere, blank=True, verbose_name=_("filières"))
    document = models.FileField(
        _("document signé"), upload_to="conventions/%Y/", blank=True, max_length=255
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_conventions",
        verbose_name=_("gestionnaires"),
    )
    partners: models.ManyToManyField[Partner, ConventionParty] = models.ManyToManyField(
        Partner, through="ConventionParty", related_name="conventions", verbose_name=_("parties")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("créée par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-reference"]
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        # The API's incremental sync (``updated_since``).
        indexes = [models.Index(fields=["updated_at"], name="convention_updated_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="convention_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_state_mad__gte=0, budget_partner_mad__gte=0),
                name="convention_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def budget_total_mad(self) -> Decimal:
        return self.budget_state_mad + self.budget_partner_mad


class ConventionReferenceCounter(models.Model):
    """Last reference number issued per year: references are never reused, even after a
    convention is deleted."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class ConventionParty(models.Model):
    class Role(models.TextChoices):
        STATE = "state", _("État")
        FUNDER = "funder", _("Bailleur")
        TRAINING_OPERATOR = "training_operator", _("Opérateur de formation")
        EMPLOYER = "employer", _("Employeur")
        IMPLEMENTER = "implementer", _("Maître d'œuvre")

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="parties", verbose_name=_("convention")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="parties", verbose_name=_("partenaire")
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["convention", "role", "partner__name"]
        verbose_name = _("partie")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "partner", "role"], name="convention_party_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.get_role_display()})"


class Indicator(models.TextChoices):
    """What a commitment targets; the same names as the rollup figures."""

    ENROLLED = "enrolled", _("Stagiaires inscrits")
    GRADUATES = "graduates", _("Lauréats")
    JOBS_CREATED = "jobs_created", _("Emplois créés")
    PLACEMENT_RATE_6M = "placement_rate_6m", _("Taux d'insertion à 6 mois (%)")
    WOMEN_SHARE = "women_share", _("Part des femmes (%)")


class Amendment(models.Model):
    """An avenant: changes the end date and/or replaces the commitments."""

    convention = models.ForeignKey(
        Convention,
        on_delete=models.CASCADE,
        related_name="amendments",
        verbose_name=_("convention"),
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    signed_on = models.DateField(_("date"))
    reason = models.TextField(_("motif"))
    document = models.FileField(
        _("document"), upload_to="amendments/%Y/", blank=True, max_length=255
    )
    new_ends_on = models.DateField(_("nouvelle date de fin"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["convention", "number"]
        verbose_name = _("avenant")
        verbose_name_plural = _("avenants")
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="amendment_unique")
        ]

    def __str__(self) -> str:
        return _("Avenant n° %(number)s") % {"number": self.number}


class Commitment(models.Model):
    """A target per indicator and year. Rows with ``amendment`` null are the original
    terms; an amendment that replaces commitments carries its own full set, and the
    current targets are those of the latest such amendment."""

    convention = models.ForeignKey(
        Convention,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name=_("convention"),
    )
    amendment = models.ForeignKey(
        Amendment,
        on_delete=models.CASCADE,
        related_name="commitments",
        null=True,
        blank=True,
        verbose_name=_("avenant"),
    )
    indicator = models.CharField(_("indicateur"), max_length=20, choices=Indicator.choices)
    year = models.PositiveSmallIntegerField(_("année"))
    target_value = models.DecimalField(
        _("cible"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["convention", "year", "indicator"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "amendment", "indicator", "year"],
                name="commitment_unique_per_amendment",
            ),
            models.UniqueConstraint(
                fields=["convention", "indicator", "year"],
                condition=models.Q(amendment__isnull=True),
                name="commitment_unique_original",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.year}: {self.target_value}"


class ConventionTransition(models.Model):
    """One move through the status workflow: who, when, from, to, why."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=Convention.Status.choices)
    to_status = models.CharField(max_length=12, choices=Convention.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["convention", "at", "id"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")

    def __str__(self) -> str:
        return f"{self.convention_id}: {self.from_status} -> {self.to_status}"
