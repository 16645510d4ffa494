"""Existing rows that break a rule of tracker.rules (or of the commitments' rule in
conventions.services.terms): rows written before the rule existed, or by a path that
bypassed it. Listed by ``manage.py check_data``, never changed here: each one is a fact
someone must correct at its source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from conventions.models import Commitment
from tracker import rules
from tracker.models import Enrollment, Placement


@dataclass(frozen=True)
class DataCheck:
    name: str
    label: str | Promise
    rows: Callable[[dt.date], QuerySet]


def _salary_out_of_bounds(today: dt.date) -> QuerySet:
    low, high = rules.salary_bounds()
    return Placement.objects.filter(
        Q(gross_monthly_salary_mad__lt=low) | Q(gross_monthly_salary_mad__gt=high)
    )


def _commitments_outside_period(today: dt.date) -> QuerySet:
    # An amendment's set is judged against the end date it set, else the convention's.
    ends = Q(amendment__new_ends_on__isnull=False) & Q(
        year__gt=ExtractYear("amendment__new_ends_on")
    )
    return Commitment.objects.filter(
        Q(year__lt=ExtractYear("convention__starts_on"))
        | ends
        | (
            (Q(amendment__isnull=True) | Q(amendment__new_ends_on__isnull=True))
            & Q(year__gt=ExtractYear("convention__ends_on"))
        )
    )


CHECKS: tuple[DataCheck, ...] = (
    DataCheck(
        "graduated_in_future",
        _("Inscriptions diplômées à une date future"),
        lambda today: Enrollment.objects.filter(graduated_on__gt=today),
    ),
    DataCheck(
        "exited_in_future",
        _("Inscriptions sorties à une date future"),
        lambda today: Enrollment.objects.filter(exited_on__gt=today),
    ),
    DataCheck(
        "enrolled_after_cohort_end",
        _("Inscriptions datées après la fin de leur cohorte"),
        lambda today: Enrollment.objects.filter(enrolled_on__gt=F("cohort__ends_on")),
    ),
    DataCheck(
        "hired_in_future",
        _("Embauches à une date future"),
        lambda today: Placement.objects.filter(hired_on__gt=today),
    ),
    DataCheck(
        "salary_out_of_bounds",
        _("Embauches au salaire sous le SMIG ou au-dessus du plafond"),
        _salary_out_of_bounds,
    ),
    DataCheck(
        "commitment_outside_period",
        _("Engagements hors de la période de leur convention"),
        _commitments_outside_period,
    ),
)


def data_check_results(*, today: dt.date | None = None) -> list[tuple[DataCheck, QuerySet]]:
    """Each check with the rows that break it (read-only)."""
    today = today or timezone.localdate()
    return [(check, check.rows(today).order_by("pk")) for check in CHECKS]
