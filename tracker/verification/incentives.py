"""Estimates of the PAE and PAF amounts that verified hires open, for budget planning.
ESTIMATES, NOT PAYMENT DECISIONS: every page and export says so.

Every parameter is read from IncentiveParameter (dated, entered by admins; the 2025
values are the defaults): the set in force on the hire date applies. Nothing is stored,
so a changed parameter re-dates every estimate at once and never touches a declaration.

- Annual gross taxable income of a hire: the gross salary its employer declared over the
  12 months from the hire month; with fewer months declared so far, their monthly
  average times 12 (a projection, flagged as such).
- PAE (per new stable job): rate x annual gross income, once, for a verified hire of an
  eligible contract type, hired within the scheme's window, attributed to its hire
  year; "reached" when the employer declared it for at least the minimum duration,
  "in progress" otherwise (the amount it would open).
- PAF (per new recruit, yearly): rate x the gross its employer declared in the report's
  year, for a verified hire of an eligible contract type hired within the window. The
  nationality rule is met by every trainee: the CIN is the Moroccan national identity
  card, so a CIN holder is Moroccan.
- A ceiling, when set, caps each amount (per job, per year)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tracker.models import Declaration, HireVerification, IncentiveParameter, Placement
from tracker.verification.matching import by_employer_sql, hires_sql

REPORT_YEARS = (2025, 2026)
CENT = Decimal("0.01")

GROUPS: dict[str, tuple[str | Promise, tuple[str, ...]]] = {
    "convention": (_("Convention"), ("enrollment__cohort__convention__reference",)),
    "employer": (
        _("Employeur"),
        ("employer__name", "employer_name", "employer__ice", "employer_ice"),
    ),
    "region": (_("Région"), ("enrollment__cohort__region__name_fr",)),
    "filiere": (_("Filière"), ("enrollment__cohort__filiere__code",)),
}


@dataclass
class EstimateRow:
    label: str
    verified_jobs: int = 0
    pae_reached_jobs: int = 0
    pae_reached_mad: Decimal = Decimal(0)
    pae_in_progress_jobs: int = 0
    pae_in_progress_mad: Decimal = Decimal(0)
    paf_recruits: int = 0
    paf_mad: Decimal = Decimal(0)


def parameter_in_force(
    parameters: list[IncentiveParameter], scheme: str, day: dt.date
) -> IncentiveParameter | None:
    for parameter in parameters:  # ordered by scheme, then latest first
        if parameter.scheme != scheme or parameter.valid_from > day:
            continue
        if parameter.valid_until is None or day < parameter.valid_until:
            return parameter
    return None


def _eligible(parameter: IncentiveParameter | None, hire: dict[str, Any]) -> bool:
    if parameter is None:
        return False
    if hire["hired_on"] < parameter.hires_from:
        return False
    if parameter.hires_until and hire["hired_on"] > parameter.hires_until:
        return False
    if parameter.moroccan_only and not hire["enrollment__trainee__cin"]:
        return False  # a CIN holder is Moroccan; a person without one is not counted
    return hire["contract_type"] in (parameter.eligible_contract_types or [])


def _capped(amount: Decimal, parameter: IncentiveParameter) -> Decimal:
    if parameter.ceiling_mad is not None:
        amount = min(amount, parameter.ceiling_mad)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def declared_gross(
    *, until_year: int
) -> tuple[dict[int, dict[int, Decimal]], dict[int, tuple[Decimal, int]]]:
    """Per verified hire: the gross its employer declared by calendar year (from the hire
    month on, up to ``until_year``), and (gross, months) over the 12 months from the hire
    month. One GROUP BY over the declarations."""
    d, v = Declaration._meta.db_table, HireVerification._meta.db_table
    sql = f"""SELECT h.placement_id, g.month_index / 12, g.month_index - h.m,
                 SUM(g.gross_salary_mad)
          FROM ({hires_sql()}) h
          JOIN {v} ver ON ver.placement_id = h.placement_id AND ver.verified = %s
          JOIN {d} g ON {by_employer_sql("g", "h")}
          WHERE g.month_index >= h.m AND h.m < %s
          GROUP BY h.placement_id, g.month_index / 12, g.month_index - h.m"""  # noqa: S608
    by_year: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    first_year: dict[int, tuple[Decimal, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [True, (until_year + 1) * 12])
        for placement_id, year, offset, gross in cursor.fetchall():
            gross = Decimal(str(gross))
            by_year[placement_id][int(year)] += gross
            if offset < 12:
                total, months = first_year.get(placement_id, (Decimal(0), 0))
                first_year[placement_id] = (total + gross, months + 1)
    return by_year, first_year


def incentive_estimates(*, year: int, group: str) -> list[EstimateRow]:
    """One row per member of ``group`` (convention, employer, region, filière)."""
    _label, fields = GROUPS[group]
    parameters = list(IncentiveParameter.objects.order_by("scheme", "-valid_from"))
    verified = HireVerification.objects.filter(
        verified=True, placement__hired_on__lte=dt.date(year, 12, 31)
    )
    hires = list(
        Placement.objects.filter(id__in=verified.values("placement_id")).values(
            "id",
            "hired_on",
            "contract_type",
            "enrollment__trainee__cin",
            "verification__months_with_employer",
            *fields,
        )
    )
    by_year, first_year = declared_gross(until_year=year)
    rows: dict[str, EstimateRow] = {}
    for hire in hires:
        key = " — ".join(str(hire[f]) for f in fields if hire[f]) or "—"
        if group == "employer":
            name = hire["employer__name"] or hire["employer_name"]
            key = f"{name} ({hire['employer__ice'] or hire['employer_ice'] or '—'})"
        row = rows.setdefault(key, EstimateRow(label=key))
        counted = False
        pae = parameter_in_force(parameters, IncentiveParameter.Scheme.PAE, hire["hired_on"])
        if hire["hired_on"].year == year and _eligible(pae, hire):
            assert pae is not None
            gross, months = first_year.get(hire["id"], (Decimal(0), 0))
            annual = gross if months >= 12 else (gross / months * 12 if months else Decimal(0))
            amount = _capped(annual * pae.rate, pae)
            counted = True
            if (hire["verification__months_with_employer"] or 0) >= pae.minimum_months:
                row.pae_reached_jobs += 1
                row.pae_reached_mad += amount
            else:
                row.pae_in_progress_jobs += 1
                row.pae_in_progress_mad += amount
        paf = parameter_in_force(parameters, IncentiveParameter.Scheme.PAF, hire["hired_on"])
        year_gross = by_year.get(hire["id"], {}).get(year, Decimal(0))
        if _eligible(paf, hire) and year_gross and paf is not None:
            months = hire["verification__months_with_employer"] or 0
            if months >= paf.minimum_months:
                row.paf_recruits += 1
                row.paf_mad += _capped(year_gross * paf.rate, paf)
                counted = True
        if counted:
            row.verified_jobs += 1
    return sorted((r for r in rows.values() if r.verified_jobs), key=lambda r: r.label)


def estimate_totals(rows: list[EstimateRow]) -> EstimateRow:
    total = EstimateRow(label=str(_("Total")))
    for row in rows:
        total.verified_jobs += row.verified_jobs
        total.pae_reached_jobs += row.pae_reached_jobs
        total.pae_reached_mad += row.pae_reached_mad
        total.pae_in_progress_jobs += row.pae_in_progress_jobs
        total.pae_in_progress_mad += row.pae_in_progress_mad
        total.paf_recruits += row.paf_recruits
        total.paf_mad += row.paf_mad
    return total
