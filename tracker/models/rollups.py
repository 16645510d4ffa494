"""The rollup store: precomputed figures, and the records of how they were computed.

One ``Rollup`` row holds the figures of one scope member (a region, a convention, a
cohort, ... or the nation), for one sex, one year and one quarter. Totals over sexes,
quarters or years are sums of rows: every stored figure is a count, and the rates are
stored as their numerator and denominator so that they add up too.

Rows are written by ``tracker.figures.rollups`` only, inside one transaction: the new
figures of a scope are computed from the rows, compared with the stored ones, and the
cells that differ are written; a rerun writes nothing, a task killed halfway leaves the
previous figures.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    """What a rollup row is broken down by. ``member_id`` is the id of the region, zone,
    filière, convention, operating partner (Partner) or cohort; 0 for the nation.
    The breakdown by sex is the ``sex`` column of every row."""

    NATIONAL = "national", _("National")
    REGION = "region", _("Région")
    ZONE = "zone", _("Zone")
    FILIERE = "filiere", _("Filière")
    CONVENTION = "convention", _("Convention")
    OPERATOR = "operator", _("Opérateur")
    COHORT = "cohort", _("Cohorte")


class Rollup(models.Model):
    dimension = models.CharField(_("dimension"), max_length=12, choices=Dimension.choices)
    member_id = models.BigIntegerField(_("membre"))
    # Set on cohort rows only, so that a partner's figures are read by joining its cohorts.
    # No database constraint nor index: the store is rewritten in bulk (an FK check per
    # inserted row would dominate the full recompute), rows are found through the unique
    # (dimension, member_id, ...) index, and Django still cascades a cohort's deletion.
    cohort = models.ForeignKey(
        "tracker.Cohort",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cohorte"),
        db_constraint=False,
        db_index=False,
    )
    sex = models.CharField(_("sexe"), max_length=1)
    year = models.PositiveSmallIntegerField(_("année"))
    quarter = models.PositiveSmallIntegerField(_("trimestre"))

    enrolled = models.PositiveIntegerField(_("inscrits"), default=0)
    women_enrolled = models.PositiveIntegerField(_("femmes inscrites"), default=0)
    graduates = models.PositiveIntegerField(_("lauréats"), default=0)
    jobs_created = models.PositiveIntegerField(_("emplois créés"), default=0)
    # Jobs whose first stable hire came before graduation (or without graduation): the
    # slack in the invariant "jobs created <= graduates + pre-graduation hires".
    jobs_pre_graduation = models.PositiveIntegerField(_("embauches avant diplôme"), default=0)
    placement_6m_eligible = models.PositiveIntegerField(
        _("lauréats depuis 6 mois (dénominateur)"), default=0
    )
    placement_6m_placed = models.PositiveIntegerField(_("insérés à 6 mois (numérateur)"), default=0)
    retention_12m_eligible = models.PositiveIntegerField(
        _("embauches depuis 12 mois (dénominateur)"), default=0
    )
    retention_12m_retained = models.PositiveIntegerField(
        _("en poste à 12 mois (numérateur)"), default=0
    )

    # The reference date of the 6- and 12-month windows, and when the store last changed,
    # are the store's (RollupState): a recompute rewrites only the cells whose figures
    # changed, so no per-row stamp would stay true.

    class Meta:
        verbose_name = _("agrégat")
        verbose_name_plural = _("agrégats")
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "member_id", "sex", "year", "quarter"],
                name="rollup_unique_cell",
            )
        ]
        # No other index: the unique one serves every read (by dimension, then member),
        # and each extra index slows the bulk rewrite.

    def __str__(self) -> str:
        return f"{self.dimension}:{self.member_id} {self.sex} {self.year}T{self.quarter}"


MEASURES: tuple[str, ...] = (
    "enrolled",
    "women_enrolled",
    "graduates",
    "jobs_created",
    "jobs_pre_graduation",
    "placement_6m_eligible",
    "placement_6m_placed",
    "retention_12m_eligible",
    "retention_12m_retained",
)


class RollupState(models.Model):
    """The store's single row of state: the reference date every row is computed against
    (advanced by the full recompute; scoped recomputes reuse it so that the national
    total always equals the sum of its parts) and when the last full recompute ran."""

    reference_date = models.DateField(_("date de référence"))
    last_full_at = models.DateTimeField(_("dernier recalcul complet"), null=True, blank=True)
    updated_at = models.DateTimeField(_("dernière mise à jour"), null=True, blank=True)

    class Meta:
        verbose_name = _("état des agrégats")
        verbose_name_plural = _("état des agrégats")

    def __str__(self) -> str:
        return f"reference {self.reference_date}, full {self.last_full_at}"


class RollupRun(models.Model):
    """One computation: what, when, and the drift a full recompute corrected."""

    class Kind(models.TextChoices):
        SCOPE = "scope", _("périmètre")
        FULL = "full", _("complet")

    kind = models.CharField(max_length=5, choices=Kind.choices)
    # Scoped runs: {"cohorts": [ids], "previous": [[dimension, id], ...]}.
    scope = models.JSONField(default=dict)
    # Written in the same transaction as the figures: a run row exists if and only if its
    # figures were committed. ``started_at`` is taken once the rollup lock is held.
    started_at = models.DateTimeField()
    # A request already covered by a run that started after it was made is skipped.
    skipped = models.BooleanField(default=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_written = models.PositiveIntegerField(default=0)
    # Full runs: the cells that differed from what was stored, {key: [old, new]}.
    drift = models.JSONField(default=dict)
    drift_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["started_at"], name="rollup_run_started_at")]
        verbose_name = _("calcul des agrégats")
        verbose_name_plural = _("calculs des agrégats")

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at}"


class RollupChange(models.Model):
    """The durable change log of the figures: a cohort whose rows a write changed (or a
    scope a cohort left), written in the same transaction as the write
    (tracker.figures.rollup_queue). The task queued on commit is the fast path; the
    sweep (``tracker.rollup_sweep``, every minute) recomputes what is still here after a
    minute, so a message the broker lost never leaves a figure wrong. A row is deleted by
    the recompute that covered it, in the recompute's own transaction."""

    # No foreign key: a deleted cohort's figures must still be recomputed.
    cohort_id = models.BigIntegerField(_("cohorte"), null=True, blank=True)
    # A scope a cohort has just left, e.g. ("region", old region id).
    previous_dimension = models.CharField(max_length=12, blank=True)
    previous_member = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("enregistré le"), default=timezone.now)

    class Meta:
        verbose_name = _("modification à compter")
        verbose_name_plural = _("modifications à compter")
        indexes = [models.Index(fields=["created_at"], name="rollup_change_created_at")]

    def __str__(self) -> str:
        return f"cohort {self.cohort_id} ({self.created_at})"


class LaggingAlert(models.Model):
    """A lagging-convention alert sent to one manager for one period: recorded so that
    the weekly task sends each alert once per period, never on every run."""

    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="lagging_alerts"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(_("période"), max_length=10)  # e.g. 2026-T4
    figures = models.JSONField(default=dict)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("alerte de retard")
        verbose_name_plural = _("alertes de retard")
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "recipient", "period"], name="lagging_alert_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.convention_id} -> {self.recipient_id} ({self.period})"


class TermsRevision(models.Model):
    """A counter raised in the same transaction as every change to what the dashboard
    reads besides the rollup store: conventions, their parties, commitments and
    amendments, the national figures and the reference data (tracker.figures.revisions).
    With the rollup state's last update it says whether a cached dashboard is still
    right (tracker.figures.dashboard_cache): a counter, not a timestamp, because
    concurrent transactions may commit out of the order of their clocks."""

    revision = models.PositiveBigIntegerField(_("révision"), default=0)

    class Meta:
        verbose_name = _("révision des conditions")
        verbose_name_plural = _("révisions des conditions")

    def __str__(self) -> str:
        return f"terms revision {self.revision}"
