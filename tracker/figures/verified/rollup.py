# ruff: noqa: S608 - statements are built from table names and dialect functions; the
# contract types travel as query parameters.
"""The verified figures' store (VerificationRollup): what the dashboard's "declared
beside verified" block sums, so that a page view never counts the match rows.

Rebuilt whole with the match (tracker.verification.matching.match_rebuild, same
transaction) by one INSERT ... SELECT ... GROUP BY over the match rows just written, on
SQLite and PostgreSQL alike. Each cell (cohort x operator x sex x year x quarter) holds
the counts tracker.figures.verified.figures.verified_totals takes from the rows:

- hires: jobs as the dashboard counts them (each enrollment's first stable hire, the
  lowest id breaking a tie: FIGURES["jobs_created"]), in the quarter of their hire date,
  by the operator stored on the hire;
- graduates whose 6 months the declarations cover, in the quarter of their graduation,
  by the operator stored on the enrollment (only they count: the others add nothing).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from tracker.figures.dialect import quarter_sql, year_sql
from tracker.models import (
    Enrollment,
    GraduateOutcome,
    HireVerification,
    Placement,
    Trainee,
    VerificationRollup,
)

ROLLUP = VerificationRollup._meta.db_table
KEY = ("cohort_id", "operator_id", "sex", "year", "quarter")
COUNTS = (
    "declared",
    "verified",
    "eligible_6m",
    "retained_6m",
    "eligible_12m",
    "retained_12m",
    "graduates_eligible_6m",
    "graduates_placed_6m",
)


def _flag(condition: str) -> str:
    """1 when ``condition`` holds, else 0 (booleans summed alike on both dialects)."""
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _hires_select(stable: str) -> str:
    """One row per job compared to the declarations, with its counts as 0/1."""
    vendor = connection.vendor
    placement, enrollment = Placement._meta.db_table, Enrollment._meta.db_table
    earlier = f"""SELECT 1 FROM {placement} p2 WHERE p2.enrollment_id = pl.enrollment_id
        AND p2.contract_type IN ({stable})
        AND (p2.hired_on < pl.hired_on OR (p2.hired_on = pl.hired_on AND p2.id < pl.id))"""
    return f"""SELECT e.cohort_id AS cohort_id, pl.operator_id AS operator_id, t.sex AS sex,
        {year_sql(vendor, "pl.hired_on")} AS year, {quarter_sql(vendor, "pl.hired_on")} AS quarter,
        1 AS declared, {_flag("v.verified")} AS verified,
        {_flag("v.eligible_6m")} AS eligible_6m,
        {_flag("v.eligible_6m AND v.retained_6m")} AS retained_6m,
        {_flag("v.eligible_12m")} AS eligible_12m,
        {_flag("v.eligible_12m AND v.retained_12m")} AS retained_12m,
        0 AS graduates_eligible_6m, 0 AS graduates_placed_6m
      FROM {HireVerification._meta.db_table} v
      JOIN {placement} pl ON pl.id = v.placement_id
      JOIN {enrollment} e ON e.id = pl.enrollment_id
      JOIN {Trainee._meta.db_table} t ON t.id = e.trainee_id
      WHERE pl.contract_type IN ({stable}) AND NOT EXISTS ({earlier})"""


def _graduates_select() -> str:
    """One row per graduate whose 6 months are covered, placed or not."""
    vendor = connection.vendor
    return f"""SELECT e.cohort_id, e.operator_id, t.sex,
        {year_sql(vendor, "e.graduated_on")}, {quarter_sql(vendor, "e.graduated_on")},
        0, 0, 0, 0, 0, 0, 1, {_flag("g.placed_6m")}
      FROM {GraduateOutcome._meta.db_table} g
      JOIN {Enrollment._meta.db_table} e ON e.id = g.enrollment_id
      JOIN {Trainee._meta.db_table} t ON t.id = e.trainee_id
      WHERE g.eligible_6m AND e.graduated_on IS NOT NULL"""


def rollup_insert_sql() -> tuple[str, list[str]]:
    """The statement that fills the store from the match rows, and its parameters."""
    types = list(settings.STABLE_CONTRACT_TYPES)
    stable = ", ".join(["%s"] * len(types))
    key = ", ".join(KEY)
    sums = ", ".join(f"SUM({name})" for name in COUNTS)
    sql = f"""INSERT INTO {ROLLUP} ({key}, {", ".join(COUNTS)})
      SELECT {key}, {sums}
      FROM ({_hires_select(stable)} UNION ALL {_graduates_select()}) cells
      GROUP BY {key}"""
    # The stable types appear twice in the hires' select (the job, the earlier job).
    return sql, [*types, *types]


def verification_rollup_rebuild() -> None:
    """Rewrites the store from the match rows (call inside the match's transaction,
    after the match tables were rewritten)."""
    sql, params = rollup_insert_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ROLLUP}")
        cursor.execute(sql, params)
