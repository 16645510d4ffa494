# ruff: noqa: S608 - statements are built from table names and integer constants; every
# value (dates, ids, contract types) travels as a query parameter.
"""The rollup SQL: set-based, GROUP BY all the way.

Cohort rows are computed from the source rows (enrollments, trainees, placements) in one
INSERT ... SELECT of two grouped parts glued with UNION ALL and grouped again by (cohort,
sex, quarter): one pass over enrollments x trainees x first stable hires, each row seen on
its three date axes (enrollment, graduation, first stable hire), and one pass over the
stable placements (retention, by hire date). Every other dimension is then a GROUP BY over the
cohort rows joined to the cohort's current region, zone, filière, convention and operator,
and the national rows a GROUP BY over the region rows (regions partition the nation).

The definitions implemented (DESIGN.md, "The figures, defined"):
- enrolled: enrollments by enrollment date; women_enrolled: those of female trainees.
- graduates: enrollments with status graduated, by graduation date.
- jobs_created: enrollments with at least one placement on a stable contract
  (settings.STABLE_CONTRACT_TYPES), once per enrollment, at the first such hire date;
  jobs_pre_graduation: those whose first stable hire precedes the graduation date, or
  whose enrollment is not graduated.
- placement_6m_eligible: graduates with graduation date + 6 months <= reference date,
  by graduation date; placement_6m_placed: those whose first stable hire is no later than
  graduation date + 6 months (a hire may precede graduation).
- retention_12m_eligible: stable placements with hire date + 12 months <= reference date,
  by hire date; retention_12m_retained: those with no end date or an end date on or after
  hire date + 12 months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q

from tracker.figures.dialect import add_months_sql, quarter_sql, quarter_start_sql, year_sql
from tracker.models import Cohort, Enrollment, Placement, Rollup, Trainee
from tracker.models.rollups import MEASURES

ROLLUP = Rollup._meta.db_table
COHORT = Cohort._meta.db_table
ENROLLMENT = Enrollment._meta.db_table
TRAINEE = Trainee._meta.db_table
PLACEMENT = Placement._meta.db_table

# Dimension -> the cohort column that decides which member a cohort row rolls up into.
COHORT_COLUMN = {
    "region": "region_id",
    "zone": "zone_id",
    "filiere": "filiere_id",
    "convention": "convention_id",
    "operator": "operator_id",
}

INSERT_COLUMNS = (
    "dimension, member_id, cohort_id, sex, year, quarter, "
    + ", ".join(MEASURES)
    + ", reference_date, computed_at"
)
SUMS = ", ".join(f"SUM({measure})" for measure in MEASURES)


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _stable_types() -> list[str]:
    return list(settings.STABLE_CONTRACT_TYPES)


def _first_stable_hire_sql(stable: Sequence[str], cohort_ids: Sequence[int] | None) -> str:
    """enrollment_id -> the hire date of its first placement on a stable contract (of the
    enrollments of these cohorts only, for a scoped recompute)."""
    only = ""
    if cohort_ids is not None:
        only = (
            f" AND enrollment_id IN (SELECT id FROM {ENROLLMENT}"
            f" WHERE cohort_id IN ({_placeholders(cohort_ids)}))"
        )
    return (
        f"SELECT enrollment_id, MIN(hired_on) AS first_hired_on FROM {PLACEMENT} "
        f"WHERE contract_type IN ({_placeholders(stable)}){only} GROUP BY enrollment_id"
    )


def insert_cohort_rows(
    *, reference_date: dt.date, computed_at: dt.datetime, cohort_ids: Sequence[int] | None
) -> int:
    """Computes the cohort rows of ``cohort_ids`` (all cohorts when None) from the source
    rows and inserts them. The caller has deleted the old ones in the same transaction."""
    vendor = connection.vendor
    stable = _stable_types()
    ref = connection.ops.adapt_datefield_value(reference_date)
    now = connection.ops.adapt_datetimefield_value(computed_at)

    def only_cohorts(column: str) -> tuple[str, list[Any]]:
        if cohort_ids is None:
            return "", []
        return f" AND {column} IN ({_placeholders(cohort_ids)})", list(cohort_ids)

    # The parts group by the first day of the quarter; year and quarter are read from it
    # once the rows are grouped.
    def period(column: str) -> str:
        return quarter_start_sql(vendor, column)

    def named_period(column: str) -> str:
        return f"{quarter_start_sql(vendor, column)} AS quarter_start"

    hire_plus_12 = add_months_sql(vendor, "p.hired_on", 12)
    zeros = dict.fromkeys(MEASURES, "0")

    def select(values: dict[str, str]) -> str:
        return ", ".join(f"{values.get(m, zeros[m])} AS {m}" for m in MEASURES)

    params: list[Any] = []

    where, extra = only_cohorts("en.cohort_id")
    # One pass over enrollments x trainees x first stable hires: each row is seen on
    # three date axes (k = 1 enrollment, 2 graduation, 3 first stable hire) and all the
    # enrollment figures are grouped at once.
    grad_plus_6 = add_months_sql(vendor, "b.graduated_on", 6)
    eligible_6m = f"b.k = 2 AND {grad_plus_6} <= %s"
    base = (
        "SELECT en.cohort_id, t.sex, en.status, en.graduated_on, fh.first_hired_on, axis.k,"
        " CASE axis.k WHEN 1 THEN en.enrolled_on"
        " WHEN 2 THEN (CASE WHEN en.status = 'graduated' THEN en.graduated_on END)"
        " ELSE fh.first_hired_on END AS day"
        f" FROM {ENROLLMENT} en JOIN {TRAINEE} t ON t.id = en.trainee_id"
        f" LEFT JOIN ({_first_stable_hire_sql(stable, cohort_ids)}) fh"
        " ON fh.enrollment_id = en.id"
        " CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) axis"
        f" WHERE 1 = 1{where}"
    )
    enrollments = (
        f"SELECT b.cohort_id, b.sex, {named_period('b.day')}, "
        + select(
            {
                "enrolled": "SUM(CASE WHEN b.k = 1 THEN 1 ELSE 0 END)",
                "women_enrolled": "SUM(CASE WHEN b.k = 1 AND b.sex = 'F' THEN 1 ELSE 0 END)",
                "graduates": "SUM(CASE WHEN b.k = 2 THEN 1 ELSE 0 END)",
                "jobs_created": "SUM(CASE WHEN b.k = 3 THEN 1 ELSE 0 END)",
                "jobs_pre_graduation": (
                    "SUM(CASE WHEN b.k = 3 AND (b.status <> 'graduated'"
                    " OR b.first_hired_on < b.graduated_on) THEN 1 ELSE 0 END)"
                ),
                "placement_6m_eligible": f"SUM(CASE WHEN {eligible_6m} THEN 1 ELSE 0 END)",
                "placement_6m_placed": (
                    f"SUM(CASE WHEN {eligible_6m} AND b.first_hired_on <= {grad_plus_6}"
                    " THEN 1 ELSE 0 END)"
                ),
            }
        )
        + f" FROM ({base}) b WHERE b.day IS NOT NULL"
        + f" GROUP BY b.cohort_id, b.sex, {period('b.day')}"
    )
    params += [ref, ref, *stable, *extra, *extra]

    eligible_12m = f"{hire_plus_12} <= %s"
    retention = (
        f"SELECT en.cohort_id, t.sex, {named_period('p.hired_on')}, "
        + select(
            {
                "retention_12m_eligible": f"SUM(CASE WHEN {eligible_12m} THEN 1 ELSE 0 END)",
                "retention_12m_retained": (
                    f"SUM(CASE WHEN {eligible_12m} AND (p.ended_on IS NULL"
                    f" OR p.ended_on >= {hire_plus_12}) THEN 1 ELSE 0 END)"
                ),
            }
        )
        + f" FROM {PLACEMENT} p JOIN {ENROLLMENT} en ON en.id = p.enrollment_id"
        + f" JOIN {TRAINEE} t ON t.id = en.trainee_id"
        + f" WHERE p.contract_type IN ({_placeholders(stable)}){where}"
        + f" GROUP BY en.cohort_id, t.sex, {period('p.hired_on')}"
        + f" HAVING SUM(CASE WHEN {eligible_12m} THEN 1 ELSE 0 END) > 0"
    )
    params += [ref, ref, *stable, *extra, ref]

    sql = (
        f"INSERT INTO {ROLLUP} ({INSERT_COLUMNS}) "
        f"SELECT 'cohort', e.cohort_id, e.cohort_id, e.sex, "
        f"{year_sql(vendor, 'e.quarter_start')}, {quarter_sql(vendor, 'e.quarter_start')}, "
        + ", ".join(f"SUM(e.{m})" for m in MEASURES)
        + ", %s, %s FROM ("
        + " UNION ALL ".join((enrollments, retention))
        + ") e GROUP BY e.cohort_id, e.sex, e.quarter_start"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ref, now, *params])
        return max(cursor.rowcount, 0)


def _only_periods(periods: Sequence[int] | None, alias: str = "") -> tuple[str, list[int]]:
    """A filter on periods given as year * 10 + quarter (None: every period)."""
    if periods is None:
        return "", []
    return f" AND ({alias}year * 10 + {alias}quarter) IN ({_placeholders(periods)})", list(periods)


def insert_dimension_rows(
    *,
    dimension: str,
    reference_date: dt.date,
    computed_at: dt.datetime,
    member_ids: Sequence[int] | None,
    periods: Sequence[int] | None = None,
) -> int:
    """Rolls the cohort rows up into ``dimension`` (all members when None), for these
    periods (year * 10 + quarter; all when None)."""
    column = COHORT_COLUMN[dimension]
    ref = connection.ops.adapt_datefield_value(reference_date)
    now = connection.ops.adapt_datetimefield_value(computed_at)
    where = f" AND c.{column} IS NOT NULL"
    params: list[Any] = [dimension, ref, now]
    if member_ids is not None:
        where += f" AND c.{column} IN ({_placeholders(member_ids)})"
        params += list(member_ids)
    period_filter, period_params = _only_periods(periods, "r.")
    where += period_filter
    params += period_params
    sql = (
        f"INSERT INTO {ROLLUP} ({INSERT_COLUMNS}) "
        f"SELECT %s, c.{column}, NULL, r.sex, r.year, r.quarter, "
        + ", ".join(f"SUM(r.{m})" for m in MEASURES)
        + f", %s, %s FROM {ROLLUP} r JOIN {COHORT} c ON c.id = r.member_id"
        + f" WHERE r.dimension = 'cohort'{where}"
        + f" GROUP BY c.{column}, r.sex, r.year, r.quarter"
    )
    # The parameters of the SELECT list come first in the statement.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def insert_national_rows(
    *, reference_date: dt.date, computed_at: dt.datetime, periods: Sequence[int] | None = None
) -> int:
    """The nation is the sum of its regions (every cohort has exactly one region)."""
    ref = connection.ops.adapt_datefield_value(reference_date)
    now = connection.ops.adapt_datetimefield_value(computed_at)
    period_filter, period_params = _only_periods(periods)
    sql = (
        f"INSERT INTO {ROLLUP} ({INSERT_COLUMNS}) "
        f"SELECT 'national', 0, NULL, sex, year, quarter, {SUMS}, %s, %s FROM {ROLLUP}"
        f" WHERE dimension = 'region'{period_filter} GROUP BY sex, year, quarter"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ref, now, *period_params])
        return max(cursor.rowcount, 0)


def refresh_statistics() -> None:
    """After a full rewrite, tell PostgreSQL's planner what the store now holds, so that
    scoped recomputes use the index instead of scanning every cohort row."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {ROLLUP}")


def delete_all_rows() -> None:
    rows = Rollup.objects.all()
    rows._raw_delete(rows.db)


def delete_rows(
    *, dimension: str, member_ids: Sequence[int] | None, periods: Sequence[int] | None = None
) -> None:
    rows = Rollup.objects.filter(dimension=dimension)
    if member_ids is not None:
        rows = rows.filter(member_id__in=list(member_ids))
    if periods is not None:
        in_periods = Q(pk__in=[])
        for period in periods:
            in_periods |= Q(year=period // 10, quarter=period % 10)
        rows = rows.filter(in_periods)
    rows._raw_delete(rows.db)  # a plain DELETE: no cascade to collect, no signals


# --- The full recompute's drift check ---------------------------------------------

SNAPSHOT = "rollup_snapshot"
CELL = "dimension, member_id, sex, year, quarter"
CELL_AND_MEASURES = f"{CELL}, {', '.join(MEASURES)}"


def snapshot_take() -> None:
    """Copies the stored rows to a temporary table (this connection only)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SNAPSHOT}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {SNAPSHOT} AS SELECT {CELL_AND_MEASURES} FROM {ROLLUP}"
        )


def snapshot_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SNAPSHOT}")


def drift_against_snapshot(
    *, limit: int
) -> tuple[int, list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(cells that differ, some old rows, some new rows): a cell differs when it is new,
    gone, or any of its figures changed."""
    columns = CELL_AND_MEASURES
    removed = f"SELECT {columns} FROM {SNAPSHOT} EXCEPT SELECT {columns} FROM {ROLLUP}"
    added = f"SELECT {columns} FROM {ROLLUP} EXCEPT SELECT {columns} FROM {SNAPSHOT}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT {CELL} FROM ({removed}) r"
            f" UNION SELECT {CELL} FROM ({added}) a) cells"
        )
        count = int(cursor.fetchone()[0])
        if not count:
            return 0, [], []
        cursor.execute(f"SELECT * FROM ({removed}) r ORDER BY {CELL} LIMIT %s", [limit])
        old_rows = cursor.fetchall()
        cursor.execute(f"SELECT * FROM ({added}) a ORDER BY {CELL} LIMIT %s", [limit])
        new_rows = cursor.fetchall()
    return count, old_rows, new_rows
