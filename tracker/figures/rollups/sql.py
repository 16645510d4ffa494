# ruff: noqa: S608 - statements are built from table names and integer constants; every
# value (dates, ids, contract types) travels as a query parameter.
"""The rollup SQL: set-based, GROUP BY all the way, and only the changed cells written.

Every recompute goes through three steps, each one statement or a few:

1. *stage*: the new figures of the scope are computed into a temporary table
   (``rollup_stage``). The cohort rows come from one pass over enrollments x trainees x
   stable hires (``cohort_rows_select``): each joined row is seen on up to four date axes
   (enrollment, graduation, first stable hire, 12-month retention of each stable hire)
   and every figure is a ``COUNT(*) FILTER (...)`` of the same GROUP BY (cohort, sex,
   quarter). The other dimensions are then grouped from the staged cohort rows and the
   cohorts' current region, zone, filière, convention and operator; the nation from the
   staged regions (regions partition the nation).
2. *diff*: the staged cells are compared with the stored cells of the same scope, in one
   join, into ``rollup_diff``: the cells that are new, gone or changed, with their old and
   new figures. For a full recompute this is also the drift it reports.
3. *apply*: the differing cells only are deleted, updated or inserted (through the unique
   cell index). A nightly reconciliation over unchanged data writes nothing.

A scoped recompute stages the touched cohorts from the source rows, and the cells of
every scope they belong to as the stored cell with those cohorts' old rows swapped for
their new ones (``stage_scope_cells``): its cost follows the size of the change, not the
size of the region or filière. When a cohort has left a scope or is gone, the members
concerned are regrouped from all their cohort rows instead (``stage_members``).

The definitions implemented (DESIGN.md, "The figures, defined"):
- enrolled: enrollments by enrollment date; women_enrolled: those of female trainees.
- graduates: enrollments with status graduated, by graduation date.
- jobs_created: enrollments with at least one placement on a stable contract
  (settings.STABLE_CONTRACT_TYPES), once per enrollment, at the first such hire date
  (the lowest id breaks a tie); jobs_pre_graduation: those whose first stable hire
  precedes the graduation date, or whose enrollment is not graduated.
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

from tracker.figures.dialect import (
    add_months,
    add_months_sql,
    quarter_sql,
    quarter_start_sql,
    year_sql,
)
from tracker.models import Cohort, Enrollment, Placement, Rollup, Trainee
from tracker.models.rollups import MEASURES

ROLLUP = Rollup._meta.db_table
COHORT = Cohort._meta.db_table
ENROLLMENT = Enrollment._meta.db_table
TRAINEE = Trainee._meta.db_table
PLACEMENT = Placement._meta.db_table
STAGE = "rollup_stage"
NO_COHORT = "CAST(NULL AS BIGINT)"  # typed: PostgreSQL would read a bare NULL as text
DIFF = "rollup_diff"

# Dimension -> the cohort column that decides which member a cohort row rolls up into.
COHORT_COLUMN = {
    "region": "region_id",
    "zone": "zone_id",
    "filiere": "filiere_id",
    "convention": "convention_id",
    "operator": "operator_id",
}

CELL = ("dimension", "member_id", "sex", "year", "quarter")
ROW_COLUMNS = ("dimension", "member_id", "cohort_id", "sex", "year", "quarter", *MEASURES)
COLUMNS = ", ".join(ROW_COLUMNS)


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _stable_types() -> list[str]:
    return list(settings.STABLE_CONTRACT_TYPES)


def _execute(sql: str, params: Sequence[Any] = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return max(cursor.rowcount, 0)


def _same_cell(left: str, right: str) -> str:
    return " AND ".join(f"{left}.{column} = {right}.{column}" for column in CELL)


def last_day_with_window_closed(reference_date: dt.date, months: int) -> dt.date:
    """The latest day ``d`` with ``d + months <= reference_date`` (calendar months,
    clamped like PostgreSQL): "the window has closed" becomes one date comparison per row.
    ``d -> d + months`` never decreases, so the days that qualify are all those up to it."""
    day = add_months(reference_date, -months)
    while add_months(day + dt.timedelta(days=1), months) <= reference_date:
        day += dt.timedelta(days=1)
    while add_months(day, months) > reference_date:
        day -= dt.timedelta(days=1)
    return day


# --- 1. Stage ---------------------------------------------------------------------


def temporary_tables_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(f"DROP TABLE IF EXISTS {DIFF}")


def cohort_rows_select(
    *, reference_date: dt.date, cohort_ids: Sequence[int] | None
) -> tuple[str, list[Any]]:
    """SELECT cohort_id, sex, year, quarter, <measures>: the cohort rows of these cohorts
    (all when None), computed from the source rows in one GROUP BY."""
    vendor = connection.vendor
    stable = _stable_types()
    placement_window_closed = last_day_with_window_closed(reference_date, 6)
    retention_window_closed = last_day_with_window_closed(reference_date, 12)
    only_enrollments, only_placements, ids = "", "", []
    if cohort_ids is not None and not cohort_ids:
        only_enrollments, only_placements = " WHERE 1 = 0", " AND 1 = 0"
    elif cohort_ids is not None:
        ids = list(cohort_ids)
        only_enrollments = f" WHERE en.cohort_id IN ({_placeholders(ids)})"
        only_placements = (
            f" AND enrollment_id IN (SELECT id FROM {ENROLLMENT}"
            f" WHERE cohort_id IN ({_placeholders(ids)}))"
        )
    # Each enrollment joined to its stable hires (or to nothing), ranked by hire date: the
    # enrollment figures count on its first row (rank 1 or no hire), the job on rank 1,
    # retention on every stable hire.
    stable_hires = (
        "SELECT enrollment_id, hired_on, ended_on, ROW_NUMBER() OVER"
        " (PARTITION BY enrollment_id ORDER BY hired_on, id) AS hire_rank"
        f" FROM {PLACEMENT} WHERE contract_type IN ({_placeholders(stable)}){only_placements}"
    )
    first_row = "(j.hire_rank IS NULL OR j.hire_rank = 1)"
    day = (
        f"CASE a.k WHEN 1 THEN (CASE WHEN {first_row} THEN j.enrolled_on END)"
        f" WHEN 2 THEN (CASE WHEN {first_row} AND j.status = 'graduated'"
        " THEN j.graduated_on END)"
        " WHEN 3 THEN (CASE WHEN j.hire_rank = 1 THEN j.hired_on END)"
        " ELSE (CASE WHEN j.hired_on <= %s THEN j.hired_on END) END"
    )
    joined = (
        "SELECT en.cohort_id, t.sex, en.status, en.enrolled_on, en.graduated_on,"
        " sp.hired_on, sp.ended_on, sp.hire_rank"
        f" FROM {ENROLLMENT} en JOIN {TRAINEE} t ON t.id = en.trainee_id"
        f" LEFT JOIN ({stable_hires}) sp ON sp.enrollment_id = en.id{only_enrollments}"
    )
    axes = "SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4"
    rows = (
        f"SELECT j.cohort_id, j.sex, j.status, j.graduated_on, j.hired_on, j.ended_on, a.k,"
        f" {day} AS day FROM ({joined}) j CROSS JOIN ({axes}) a"
    )

    def count(condition: str) -> str:
        return f"COUNT(*) FILTER (WHERE {condition})"

    placement_eligible = "b.k = 2 AND b.graduated_on <= %s"
    counts = {
        "enrolled": count("b.k = 1"),
        "women_enrolled": count("b.k = 1 AND b.sex = 'F'"),
        "graduates": count("b.k = 2"),
        "jobs_created": count("b.k = 3"),
        "jobs_pre_graduation": count(
            "b.k = 3 AND (b.status <> 'graduated' OR b.hired_on < b.graduated_on)"
        ),
        "placement_6m_eligible": count(placement_eligible),
        "placement_6m_placed": count(
            f"{placement_eligible} AND b.hired_on <= {add_months_sql(vendor, 'b.graduated_on', 6)}"
        ),
        "retention_12m_eligible": count("b.k = 4"),
        "retention_12m_retained": count(
            "b.k = 4 AND (b.ended_on IS NULL OR b.ended_on >= "
            f"{add_months_sql(vendor, 'b.hired_on', 12)})"
        ),
    }
    grouped = (
        f"SELECT b.cohort_id, b.sex, {quarter_start_sql(vendor, 'b.day')} AS quarter_start, "
        + ", ".join(f"{counts[m]} AS {m}" for m in MEASURES)
        + f" FROM ({rows}) b WHERE b.day IS NOT NULL"
        + f" GROUP BY b.cohort_id, b.sex, {quarter_start_sql(vendor, 'b.day')}"
    )
    select = (
        f"SELECT g.cohort_id, g.sex, {year_sql(vendor, 'g.quarter_start')} AS year,"
        f" {quarter_sql(vendor, 'g.quarter_start')} AS quarter, "
        + ", ".join(f"g.{m}" for m in MEASURES)
        + f" FROM ({grouped}) g"
    )
    adapt = connection.ops.adapt_datefield_value
    # In the order the placeholders appear: the counts, the day of the retention axis,
    # the stable contract types and the cohorts of the hires, the cohorts of the
    # enrollments.
    params: list[Any] = [
        adapt(placement_window_closed),
        adapt(placement_window_closed),
        adapt(retention_window_closed),
        *stable,
        *ids,
        *ids,
    ]
    return select, params


def stage_cohort_rows(*, reference_date: dt.date, cohort_ids: Sequence[int] | None) -> int:
    """Creates the staging table (this connection only) with the cohort rows of these
    cohorts (all when None), computed from the source rows.

    CREATE TABLE ... AS rather than INSERT ... SELECT: PostgreSQL may then run the
    GROUP BY with parallel workers."""
    select, params = cohort_rows_select(reference_date=reference_date, cohort_ids=cohort_ids)
    postgres = connection.vendor == "postgresql"
    if postgres:
        # Join in the order written (enrollments, trainees, hires, then the date axes):
        # the planner otherwise probes the hires four times per enrollment.
        _execute("SET LOCAL join_collapse_limit = 1")
    measures = ", ".join(f"CAST(s.{m} AS INTEGER) AS {m}" for m in MEASURES)
    _execute(f"DROP TABLE IF EXISTS {STAGE}")
    written = _execute(
        f"CREATE TEMPORARY TABLE {STAGE} AS SELECT CAST('cohort' AS VARCHAR(12)) AS dimension,"
        " CAST(s.cohort_id AS BIGINT) AS member_id, CAST(s.cohort_id AS BIGINT) AS cohort_id,"
        " CAST(s.sex AS VARCHAR(1)) AS sex, CAST(s.year AS INTEGER) AS year,"
        f" CAST(s.quarter AS INTEGER) AS quarter, {measures} FROM ({select}) s",
        params,
    )
    if postgres:
        _execute("SET LOCAL join_collapse_limit = DEFAULT")
        if cohort_ids is None:
            # The later statements join the staged rows: give the planner their statistics.
            _execute(f"ANALYZE {STAGE}")
    return written


def stage_dimension_rows() -> int:
    """Stages every member of every dimension, and the nation, from the staged cohort
    rows (a full recompute)."""
    sums = ", ".join(f"SUM(s.{m})" for m in MEASURES)
    if connection.vendor == "postgresql":
        return _stage_dimension_rows_grouping_sets(sums)
    parts = [
        f"SELECT '{dimension}', c.{column}, {NO_COHORT}, s.sex, s.year, s.quarter, {sums}"
        f" FROM {STAGE} s JOIN {COHORT} c ON c.id = s.member_id"
        f" WHERE s.dimension = 'cohort' AND c.{column} IS NOT NULL"
        f" GROUP BY c.{column}, s.sex, s.year, s.quarter"
        for dimension, column in COHORT_COLUMN.items()
    ]
    written = _execute(f"INSERT INTO {STAGE} ({COLUMNS}) " + " UNION ALL ".join(parts))
    return written + _stage_national()


def _stage_dimension_rows_grouping_sets(sums: str) -> int:
    """PostgreSQL: every dimension and the nation in one pass over the staged cohort rows
    (GROUPING SETS; GROUPING() tells which set a row belongs to)."""
    columns = [f"c.{column}" for column in COHORT_COLUMN.values()]
    grouping = f"GROUPING({', '.join(columns)})"
    bits = len(columns)
    which = {  # the set grouped by column i has every bit set but bit (bits - 1 - i)
        dimension: (2**bits - 1) ^ (1 << (bits - 1 - i))
        for i, dimension in enumerate(COHORT_COLUMN)
    }
    dimension = (
        f"CASE {grouping} "
        + " ".join(f"WHEN {mask} THEN '{name}'" for name, mask in which.items())
        + " ELSE 'national' END"
    )
    member = f"COALESCE({', '.join(columns)}, 0)"
    sets = ", ".join(f"({column}, s.sex, s.year, s.quarter)" for column in columns)
    zone_mask = which["zone"]
    return _execute(
        f"INSERT INTO {STAGE} ({COLUMNS}) SELECT {dimension}, {member}, {NO_COHORT},"
        f" s.sex, s.year, s.quarter, {sums} FROM {STAGE} s JOIN {COHORT} c ON c.id = s.member_id"
        f" WHERE s.dimension = 'cohort'"
        f" GROUP BY GROUPING SETS ({sets}, (s.sex, s.year, s.quarter))"
        # Cohorts outside any zone make a group of their own in the zone set: not a member.
        f" HAVING NOT ({grouping} = {zone_mask} AND c.zone_id IS NULL)"
    )


def _stage_national() -> int:
    sums = ", ".join(f"SUM({m})" for m in MEASURES)
    return _execute(
        f"INSERT INTO {STAGE} ({COLUMNS}) SELECT 'national', 0, {NO_COHORT}, sex, year, quarter,"
        f" {sums} FROM {STAGE} WHERE dimension = 'region' GROUP BY sex, year, quarter"
    )


def stage_scope_cells(*, cohort_ids: Sequence[int]) -> int:
    """Stages the cells of every scope these cohorts belong to (their current region,
    zone, filière, convention, operator, and the nation) whose figures their change
    moves: the stored cell, minus the cohorts' stored rows, plus their staged rows.

    Requires that none of these cohorts has left a scope since its rows were stored (the
    caller regroups such members with ``stage_members``)."""
    ids = list(cohort_ids)
    values = ", ".join(f"s.{m}" for m in MEASURES)
    negated = ", ".join(f"-r.{m}" for m in MEASURES)
    change = (
        f"SELECT s.member_id AS cohort, s.sex, s.year, s.quarter, {values}"
        f" FROM {STAGE} s WHERE s.dimension = 'cohort'"
        f" UNION ALL SELECT r.member_id, r.sex, r.year, r.quarter, {negated}"
        f" FROM {ROLLUP} r WHERE r.dimension = 'cohort' AND r.member_id IN ({_placeholders(ids)})"
    )
    members = [
        *(
            f"SELECT '{d}' AS dimension, c.id AS cohort, c.{col} AS member_id FROM {COHORT} c"
            f" WHERE c.id IN ({_placeholders(ids)}) AND c.{col} IS NOT NULL"
            for d, col in COHORT_COLUMN.items()
        ),
        f"SELECT 'national', c.id, 0 FROM {COHORT} c WHERE c.id IN ({_placeholders(ids)})",
    ]
    params: list[Any] = ids + ids * (len(COHORT_COLUMN) + 1)
    sums = ", ".join(f"SUM(x.{m}) AS {m}" for m in MEASURES)
    delta = (
        f"SELECT m.dimension, m.member_id, x.sex, x.year, x.quarter, {sums}"
        f" FROM ({change}) x JOIN ({' UNION ALL '.join(members)}) m ON m.cohort = x.cohort"
        " GROUP BY m.dimension, m.member_id, x.sex, x.year, x.quarter"
        " HAVING " + " OR ".join(f"SUM(x.{m}) <> 0" for m in MEASURES)
    )
    new_values = ", ".join(f"COALESCE(r.{m}, 0) + d.{m}" for m in MEASURES)
    return _execute(
        f"INSERT INTO {STAGE} ({COLUMNS}) SELECT d.dimension, d.member_id, {NO_COHORT}, d.sex,"
        f" d.year, d.quarter, {new_values} FROM ({delta}) d"
        f" LEFT JOIN {ROLLUP} r ON {_same_cell('r', 'd')}",
        params,
    )


def stage_members(*, members: dict[str, Sequence[int]], cohort_ids: Sequence[int]) -> int:
    """Stages every cell of these members (dimension -> ids; "national" -> [0]) regrouped
    from all their cohort rows: the stored ones, with these cohorts' replaced by the
    staged ones."""
    ids = list(cohort_ids)
    columns = ", ".join(f"{m}" for m in MEASURES)
    cohort_rows = (
        f"SELECT member_id, sex, year, quarter, {columns} FROM {STAGE}"
        " WHERE dimension = 'cohort'"
        f" UNION ALL SELECT member_id, sex, year, quarter, {columns} FROM {ROLLUP}"
        " WHERE dimension = 'cohort'"
        + (f" AND member_id NOT IN ({_placeholders(ids)})" if ids else "")
    )
    sums = ", ".join(f"SUM(x.{m})" for m in MEASURES)
    written = 0
    for dimension, member_ids in members.items():
        wanted = sorted(set(member_ids))
        if not wanted:
            continue
        if dimension == "national":
            select = (
                f"SELECT 'national', 0, {NO_COHORT}, x.sex, x.year, x.quarter, {sums}"
                f" FROM ({cohort_rows}) x GROUP BY x.sex, x.year, x.quarter"
            )
            params: list[Any] = list(ids)
        else:
            column = COHORT_COLUMN[dimension]
            select = (
                f"SELECT '{dimension}', c.{column}, {NO_COHORT}, x.sex, x.year, x.quarter, {sums}"
                f" FROM ({cohort_rows}) x JOIN {COHORT} c ON c.id = x.member_id"
                f" WHERE c.{column} IN ({_placeholders(wanted)})"
                f" GROUP BY c.{column}, x.sex, x.year, x.quarter"
            )
            params = [*ids, *wanted]
        written += _execute(f"INSERT INTO {STAGE} ({COLUMNS}) {select}", params)
    return written


# --- 2. Diff ----------------------------------------------------------------------

OLD = ", ".join(f"o.{m} AS old_{m}" for m in MEASURES)
NEW = ", ".join(f"n.{m} AS new_{m}" for m in MEASURES)
NO_NEW = ", ".join(f"NULL AS new_{m}" for m in MEASURES)
NO_OLD = ", ".join(f"NULL AS old_{m}" for m in MEASURES)
ALL_ZERO = " AND ".join(f"n.{m} = 0" for m in MEASURES)
DIFFERS = " OR ".join(f"o.{m} <> n.{m}" for m in MEASURES)


STORED = f"id, {COLUMNS}"
EVERY_STORED_ROW = f"SELECT {STORED} FROM {ROLLUP}"


def diff_create(*, stored_rows: str, params: Sequence[Any] = ()) -> int:
    """Compares the staged cells with the stored rows ``stored_rows`` selects (columns
    ``STORED``) into ``rollup_diff``; returns how many cells differ.

    A staged cell whose figures are all zero is no cell: stored, it goes; a stored cell
    of the scope that is not staged goes too."""
    cells = ", ".join(f"COALESCE(o.{c}, n.{c}) AS {c}" for c in CELL)
    has_new = f"CASE WHEN n.dimension IS NULL OR ({ALL_ZERO}) THEN 0 ELSE 1 END"
    if connection.vendor == "postgresql":
        # One hash join, both ways.
        select = (
            f"SELECT {cells}, COALESCE(o.cohort_id, n.cohort_id) AS cohort_id,"
            f" o.id AS old_id, {OLD}, {has_new} AS has_new, {NEW}"
            f" FROM ({stored_rows}) o FULL JOIN {STAGE} n ON {_same_cell('o', 'n')}"
            f" WHERE (o.id IS NULL AND NOT ({ALL_ZERO})) OR (o.id IS NOT NULL"
            f" AND (n.dimension IS NULL OR {DIFFERS}))"
        )
        params = list(params)
    else:
        cell = ", ".join(f"o.{c}" for c in CELL)
        new_cell = ", ".join(f"n.{c}" for c in CELL)
        select = (
            f"SELECT {cell}, o.cohort_id, o.id AS old_id, {OLD}, {has_new} AS has_new, {NEW}"
            f" FROM ({stored_rows}) o LEFT JOIN {STAGE} n ON {_same_cell('o', 'n')}"
            f" WHERE n.dimension IS NULL OR {DIFFERS}"
            f" UNION ALL SELECT {new_cell}, n.cohort_id, NULL, {NO_OLD}, 1, {NEW}"
            f" FROM {STAGE} n WHERE NOT ({ALL_ZERO}) AND NOT EXISTS"
            f" (SELECT 1 FROM ({stored_rows}) o WHERE {_same_cell('o', 'n')})"
        )
        params = [*params, *params]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {DIFF}")
        cursor.execute(f"CREATE TEMPORARY TABLE {DIFF} AS {select}", params)
        cursor.execute(f"SELECT COUNT(*) FROM {DIFF}")
        return int(cursor.fetchone()[0])


def stored_rows_of_scope(*, cohort_ids: Sequence[int]) -> tuple[str, list[Any]]:
    """The stored rows a scope stage replaces: the cohorts' rows and the stored cells of
    the staged scope cells (through the unique cell index)."""
    ids = list(cohort_ids)
    parts = [
        f"SELECT r.{STORED.replace(', ', ', r.')} FROM {ROLLUP} r"
        f" JOIN (SELECT DISTINCT {', '.join(CELL)} FROM {STAGE} WHERE dimension <> 'cohort') n"
        f" ON {_same_cell('r', 'n')}"
    ]
    if ids:
        parts.append(
            f"SELECT {STORED} FROM {ROLLUP}"
            f" WHERE dimension = 'cohort' AND member_id IN ({_placeholders(ids)})"
        )
    return " UNION ALL ".join(parts), ids


def stored_rows_of_members(
    *, cohort_ids: Sequence[int], members: dict[str, Sequence[int]]
) -> tuple[str, list[Any]]:
    """The stored rows of these cohorts and of every cell of these members."""
    groups: list[tuple[str, list[int]]] = [("cohort", list(cohort_ids))]
    groups += [(d, sorted(set(ids))) for d, ids in sorted(members.items())]
    parts, params = [], []
    for dimension, ids in groups:
        if ids:
            parts.append(
                f"SELECT {STORED} FROM {ROLLUP}"
                f" WHERE dimension = %s AND member_id IN ({_placeholders(ids)})"
            )
            params += [dimension, *ids]
    return " UNION ALL ".join(parts) or f"SELECT {STORED} FROM {ROLLUP} WHERE 1 = 0", params


def diff_examples(*, limit: int) -> list[tuple[Any, ...]]:
    """Up to ``limit`` differing cells: (dimension, member, sex, year, quarter, old
    measures or None, new measures or None)."""
    olds = ", ".join(f"old_{m}" for m in MEASURES)
    news = ", ".join(f"new_{m}" for m in MEASURES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(CELL)}, old_id, has_new, {olds}, {news} FROM {DIFF}"
            f" ORDER BY {', '.join(CELL)} LIMIT %s",
            [limit],
        )
        rows = cursor.fetchall()
    count = len(MEASURES)
    return [
        (
            *row[:5],
            None if row[5] is None else list(row[7 : 7 + count]),
            list(row[7 + count :]) if row[6] else None,
        )
        for row in rows
    ]


# --- 3. Apply ---------------------------------------------------------------------


def diff_apply() -> int:
    """Writes the differing cells to the store: deletes, updates, inserts."""
    written = _execute(
        f"DELETE FROM {ROLLUP} WHERE id IN"
        f" (SELECT old_id FROM {DIFF} WHERE old_id IS NOT NULL AND has_new = 0)"
    )
    assignments = ", ".join(f"{m} = d.new_{m}" for m in MEASURES)
    written += _execute(
        f"UPDATE {ROLLUP} SET {assignments} FROM {DIFF} d"
        f" WHERE d.old_id = {ROLLUP}.id AND d.has_new = 1"
    )
    news = ", ".join(f"new_{m}" for m in MEASURES)
    written += _execute(
        f"INSERT INTO {ROLLUP} ({COLUMNS}) SELECT {', '.join(CELL[:2])}, cohort_id,"
        f" {', '.join(CELL[2:])}, {news} FROM {DIFF} WHERE old_id IS NULL"
    )
    return written


def refresh_statistics() -> None:
    """After a large rewrite, tell PostgreSQL's planner what the store now holds, so that
    scoped recomputes use the index instead of scanning every cohort row."""
    if connection.vendor == "postgresql":
        _execute(f"ANALYZE {ROLLUP}")


def stored_rows_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {ROLLUP}")
        return int(cursor.fetchone()[0])
