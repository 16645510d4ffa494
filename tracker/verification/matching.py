"""The match of hires against CNSS declarations, set-based: two INSERT ... SELECT
statements rebuild HireVerification and FoundByCnss from the rows, on SQLite and
PostgreSQL alike (no row is looked at in Python).

Rules (docs/verification.md):
- a hire is *verified* when its person is declared by its employer (same ICE, or a CNSS
  affiliation number known for that ICE) in the month of the hire or the next;
- it is *retained* at 6 (12) months when the person is declared by any employer in the
  6th (12th) month after the hire month; the window counts only once the declarations
  cover that month (``eligible_6m``, ``eligible_12m``);
- a graduate with no hire recorded, declared by a sector employer (an employer partner,
  or the employer of any recorded hire) from the month of graduation to 6 months after,
  is *found by the CNSS*;
- a graduate is *placed at 6 months* when declared by any employer from the month of
  graduation to 6 months after (the dashboard's placement rate, from declarations).
Months are calendar months (tracker.models.declarations.month_index): a hire on the
31st is verified by a declaration of that month or the next."""

from __future__ import annotations

from django.db import connection

from conventions.models import Partner
from tracker.figures.verified.rollup import verification_rollup_rebuild
from tracker.models import (
    Declaration,
    EmployerAffiliation,
    Enrollment,
    FoundByCnss,
    GraduateOutcome,
    HireVerification,
    Placement,
)


def month_index_sql(column: str) -> str:
    """The month index of a date column, in the connection's dialect (for a statement
    run with parameters: SQLite's % signs are doubled)."""
    if connection.vendor == "postgresql":
        year, month = f"EXTRACT(YEAR FROM {column})", f"EXTRACT(MONTH FROM {column})"
    else:
        year, month = f"strftime('%%Y', {column})", f"strftime('%%m', {column})"
    return f"(CAST({year} AS INTEGER) * 12 + CAST({month} AS INTEGER) - 1)"


def _tables() -> dict[str, str]:
    return {
        "placement": Placement._meta.db_table,
        "enrollment": Enrollment._meta.db_table,
        "partner": Partner._meta.db_table,
        "declaration": Declaration._meta.db_table,
        "affiliation": EmployerAffiliation._meta.db_table,
        "verification": HireVerification._meta.db_table,
        "found": FoundByCnss._meta.db_table,
        "graduates": GraduateOutcome._meta.db_table,
    }


def hires_sql() -> str:
    """Each hire: its person, hire month and employer ICE (the employer partner's, else
    the one recorded on the hire)."""
    t = _tables()
    return f"""SELECT pl.id AS placement_id, e.trainee_id AS trainee_id,
        {month_index_sql("pl.hired_on")} AS m,
        COALESCE(NULLIF(pa.ice, ''), pl.employer_ice) AS ice
      FROM {t["placement"]} pl JOIN {t["enrollment"]} e ON e.id = pl.enrollment_id
      LEFT JOIN {t["partner"]} pa ON pa.id = pl.employer_id"""  # noqa: S608


def by_employer_sql(alias: str, hire: str) -> str:
    """Declarations of ``hire``'s person by ``hire``'s employer."""
    t = _tables()
    return f"""{alias}.trainee_id = {hire}.trainee_id AND {hire}.ice <> '' AND (
        {alias}.employer_ice = {hire}.ice OR {alias}.employer_cnss IN (
          SELECT a.cnss_number FROM {t["affiliation"]} a WHERE a.ice = {hire}.ice))"""  # noqa: S608


def verification_sql() -> str:
    t = _tables()
    d = t["declaration"]
    return f"""INSERT INTO {t["verification"]} (placement_id, hire_month_index, verified,
        eligible_6m, retained_6m, eligible_12m, retained_12m, months_with_employer)
      SELECT h.placement_id, h.m,
        EXISTS (SELECT 1 FROM {d} v WHERE {by_employer_sql("v", "h")}
                AND v.month_index IN (h.m, h.m + 1)),
        h.m + 6 <= %s,
        EXISTS (SELECT 1 FROM {d} r WHERE r.trainee_id = h.trainee_id AND r.month_index = h.m + 6),
        h.m + 12 <= %s,
        EXISTS (SELECT 1 FROM {d} r WHERE r.trainee_id = h.trainee_id AND r.month_index = h.m + 12),
        (SELECT COUNT(DISTINCT w.month_index) FROM {d} w WHERE {by_employer_sql("w", "h")}
         AND w.month_index >= h.m)
      FROM ({hires_sql()}) h"""  # noqa: S608


def sector_employers_sql() -> str:
    """The ICEs of the sector's employers as the tracker knows them."""
    t = _tables()
    return f"""SELECT ice FROM {t["partner"]} WHERE kind = 'employer' AND ice IS NOT NULL
        AND ice <> ''
      UNION SELECT employer_ice FROM {t["placement"]} WHERE employer_ice <> ''
      UNION SELECT pa.ice FROM {t["placement"]} pl JOIN {t["partner"]} pa
        ON pa.id = pl.employer_id WHERE pa.ice IS NOT NULL AND pa.ice <> ''"""  # noqa: S608


def found_by_cnss_sql() -> str:
    """Graduates with no hire recorded, declared by a sector employer within 6 months.
    The sector's employers (ICEs, and the CNSS numbers known for them) are joined as two
    small distinct sets: an ``IN (subquery) OR IN (subquery)`` would be re-run for each
    of millions of declarations when the planner cannot hash it."""
    t = _tables()
    graduated = month_index_sql("e.graduated_on")
    return f"""INSERT INTO {t["found"]} (enrollment_id, first_month_index)
      WITH sector AS ({sector_employers_sql()}),
        sector_cnss AS (SELECT DISTINCT a.cnss_number FROM {t["affiliation"]} a
                        JOIN sector s ON s.ice = a.ice)
      SELECT e.id, MIN(d.month_index)
      FROM {t["enrollment"]} e JOIN {t["declaration"]} d ON d.trainee_id = e.trainee_id
      LEFT JOIN sector s ON s.ice = d.employer_ice
      LEFT JOIN sector_cnss sc ON sc.cnss_number = d.employer_cnss
      WHERE e.status = %s AND e.graduated_on IS NOT NULL
        AND d.month_index BETWEEN {graduated} AND {graduated} + 6
        AND (s.ice IS NOT NULL OR sc.cnss_number IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM {t["placement"]} p
                        JOIN {t["enrollment"]} e2 ON e2.id = p.enrollment_id
                        WHERE e2.trainee_id = e.trainee_id)
      GROUP BY e.id"""  # noqa: S608


def graduate_outcome_sql() -> str:
    """Placement at 6 months from the declarations: each graduate, declared by any
    employer from the graduation month to the 6th month after (counted once the
    declarations cover that month)."""
    t = _tables()
    return f"""INSERT INTO {t["graduates"]} (enrollment_id, graduation_month_index,
        eligible_6m, placed_6m)
      SELECT g.id, g.m, g.m + 6 <= %s,
        EXISTS (SELECT 1 FROM {t["declaration"]} d WHERE d.trainee_id = g.trainee_id
                AND d.month_index BETWEEN g.m AND g.m + 6)
      FROM (SELECT id, trainee_id, {month_index_sql("graduated_on")} AS m
            FROM {t["enrollment"]} WHERE status = %s AND graduated_on IS NOT NULL) g"""  # noqa: S608


def declarations_cover_until() -> int:
    """The last month the declarations answer for (month index; 0 with none)."""
    last = Declaration.objects.order_by("-month_index").values_list("month_index", flat=True)
    return int(last.first() or 0)


def match_rebuild() -> int:
    """Rewrites the match tables, and the verified figures' store summed from them
    (tracker.figures.verified.rollup), from the rows (call inside a transaction); returns
    the month index the declarations cover until."""
    cover = declarations_cover_until()
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {t['verification']}")  # noqa: S608
        cursor.execute(f"DELETE FROM {t['found']}")  # noqa: S608
        cursor.execute(f"DELETE FROM {t['graduates']}")  # noqa: S608
        cursor.execute(verification_sql(), [cover, cover])
        cursor.execute(found_by_cnss_sql(), [Enrollment.Status.GRADUATED.value])
        cursor.execute(graduate_outcome_sql(), [cover, Enrollment.Status.GRADUATED.value])
    # The dashboard's store of verified figures, from the rows just written.
    verification_rollup_rebuild()
    return cover
