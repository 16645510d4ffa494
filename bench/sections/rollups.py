# ruff: noqa: S608 - the hand-written baselines interpolate table names and a date only.
"""Rollups at national scale (DESIGN.md budgets): the full recompute against one
hand-written GROUP BY over the same rows, and the scoped recompute after a 1,000-row
import.

- full rollup: ``rollup_full_recompute`` at the store's reference date, run several times
  once the store is filled (the nightly reconciliation: everything recomputed from the
  rows, compared, the cells that differ written). The first run on a database is
  reported too (it may fill the store or move the reference date).
- hand-written GROUP BY: one SELECT ... GROUP BY, written by hand here (not the rollup's
  SQL), over the same rows (enrollments x trainees x stable hires) computing the same
  nine counts per cohort, sex and quarter: the engine's limit for these figures. The
  ratio full / GROUP BY is budgeted at 2.
- for scale, the simplest GROUP BY of these rows (enrollments x trainees x first stable
  hire by cohort, sex and quarter of enrollment only) is reported without a budget.
- rollup after a 1,000-row import: 1,000 new trainees enrolled (a third graduated, some
  hired) in 20 cohorts of one operator, then ``rollup_scope_recompute`` of those cohorts;
  everything in a transaction rolled back afterwards, so the database is left as found.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bench.measure import Report, timed
from conventions.models import Filiere, Partner
from tracker.figures.rollups import rollup_full_recompute, rollup_scope_recompute
from tracker.models import Cohort, Enrollment, Placement, RollupState, Trainee

REPEAT = int(os.environ.get("BENCH_ROLLUP_REPEAT", "5"))
IMPORT_ROWS = 1_000
IMPORT_COHORTS = 20


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def _runs(function: Callable[[], Any], repeat: int = REPEAT) -> list[float]:
    return [timed(function)[0] for _ in range(repeat)]


def _summary(values: list[float]) -> str:
    return f"best {min(values) * 1000:,.0f} ms, median of {len(values)}, {_load()}"


def _reference_date() -> dt.date:
    state = RollupState.objects.order_by("id").first()
    return state.reference_date if state else timezone.localdate()


def _same_counts_group_by(reference_date: dt.date) -> str:
    """The nine figures per cohort, sex and quarter in one hand-written GROUP BY."""
    stable = ", ".join(f"'{t}'" for t in settings.STABLE_CONTRACT_TYPES)
    ref = reference_date.isoformat()
    return f"""
    SELECT x.cohort_id, x.sex, date_trunc('quarter', x.day::timestamp)::date,
      count(*) FILTER (WHERE x.axis = 'enrolled'),
      count(*) FILTER (WHERE x.axis = 'enrolled' AND x.sex = 'F'),
      count(*) FILTER (WHERE x.axis = 'graduated'),
      count(*) FILTER (WHERE x.axis = 'hired'),
      count(*) FILTER (WHERE x.axis = 'hired'
                       AND (x.status <> 'graduated' OR x.hired_on < x.graduated_on)),
      count(*) FILTER (WHERE x.axis = 'graduated'
                       AND x.graduated_on + interval '6 months' <= '{ref}'),
      count(*) FILTER (WHERE x.axis = 'graduated'
                       AND x.graduated_on + interval '6 months' <= '{ref}'
                       AND x.hired_on <= x.graduated_on + interval '6 months'),
      count(*) FILTER (WHERE x.axis = 'retention'),
      count(*) FILTER (WHERE x.axis = 'retention'
                       AND (x.ended_on IS NULL OR x.ended_on >= x.hired_on + interval '12 months'))
    FROM (
      SELECT e.cohort_id, t.sex, e.status, e.graduated_on, p.hired_on, p.ended_on, a.axis, a.day
      FROM tracker_enrollment e
      JOIN tracker_trainee t ON t.id = e.trainee_id
      LEFT JOIN (
        SELECT enrollment_id, hired_on, ended_on,
               row_number() OVER (PARTITION BY enrollment_id ORDER BY hired_on, id) = 1
               AS first
        FROM tracker_placement WHERE contract_type IN ({stable})
      ) p ON p.enrollment_id = e.id
      CROSS JOIN LATERAL (VALUES
        ('enrolled', CASE WHEN p.first IS NOT FALSE THEN e.enrolled_on END),
        ('graduated', CASE WHEN p.first IS NOT FALSE AND e.status = 'graduated'
                           THEN e.graduated_on END),
        ('hired', CASE WHEN p.first THEN p.hired_on END),
        ('retention', CASE WHEN p.hired_on + interval '12 months' <= '{ref}'
                           THEN p.hired_on END)
      ) a(axis, day)
      WHERE a.day IS NOT NULL
    ) x
    GROUP BY 1, 2, 3
    """


SIMPLEST_GROUP_BY = """
    SELECT e.cohort_id, t.sex, date_trunc('quarter', e.enrolled_on::timestamp)::date,
      count(*), count(*) FILTER (WHERE t.sex = 'F'),
      count(*) FILTER (WHERE e.status = 'graduated'), count(h.first_hired_on)
    FROM tracker_enrollment e
    JOIN tracker_trainee t ON t.id = e.trainee_id
    LEFT JOIN (SELECT enrollment_id, min(hired_on) AS first_hired_on FROM tracker_placement
               WHERE contract_type IN ({stable}) GROUP BY enrollment_id) h
      ON h.enrollment_id = e.id
    GROUP BY 1, 2, 3
"""


def _query(sql: str) -> Callable[[], int]:
    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql}) q")
            return int(cursor.fetchone()[0])

    return run


def _import_then_recompute() -> float:
    """1,000 enrollments created in 20 cohorts of one operator, then the scoped recompute
    of those cohorts; rolled back. Returns the recompute's time."""
    operator = Partner.objects.filter(operated_cohorts__isnull=False).order_by("-id").first()
    assert operator is not None, "the national dataset has no cohorts"
    cohorts = list(Cohort.objects.filter(operator=operator).order_by("-starts_on")[:IMPORT_COHORTS])
    filiere = Filiere.objects.order_by("id").first()
    today = timezone.localdate()
    elapsed = 0.0
    with transaction.atomic():
        stamp = time.time_ns() % 10**8
        trainees = Trainee.objects.bulk_create(
            Trainee(
                cin=f"BX{i:04d}{stamp % 10**6:06d}",
                first_name="Bench",
                last_name=f"Import {i}",
                sex="F" if i % 2 else "M",
                birth_date=dt.date(2000, 1, 1),
            )
            for i in range(IMPORT_ROWS)
        )
        enrollments = Enrollment.objects.bulk_create(
            Enrollment(
                trainee=trainee,
                cohort=cohorts[i % len(cohorts)],
                operator=operator,  # bulk_create: no save(), the stored operator is ours
                enrolled_on=today - dt.timedelta(days=200 + i % 30),
                status="graduated" if i % 3 == 0 else "enrolled",
                graduated_on=today - dt.timedelta(days=20 + i % 30) if i % 3 == 0 else None,
            )
            for i, trainee in enumerate(trainees)
        )
        Placement.objects.bulk_create(
            Placement(
                enrollment=enrollment,
                operator=operator,
                employer_name="Bench SARL",
                hired_on=today - dt.timedelta(days=10),
                contract_type="cdi",
                job_title="Conseiller",
                filiere=filiere,
            )
            for enrollment in enrollments[::6]
        )
        elapsed, _result = timed(
            lambda: rollup_scope_recompute(cohort_ids=[cohort.pk for cohort in cohorts])
        )
        transaction.set_rollback(True)
    return elapsed


def run(report: Report) -> None:
    assert connection.vendor == "postgresql", "the national benchmark runs on PostgreSQL"
    reference_date = _reference_date()

    first, result = timed(lambda: rollup_full_recompute(reference_date=reference_date))
    report.add(
        "rollups: first full recompute on this database",
        first * 1000,
        "ms",
        note=f"{result.rows_written:,} cells written, {_load()}",
    )
    full = _runs(lambda: rollup_full_recompute(reference_date=reference_date))
    full_median = statistics.median(full)
    report.add("rollups: full rollup", full_median * 1000, "ms", 1500, note=_summary(full))

    same_counts = _runs(_query(_same_counts_group_by(reference_date)))
    same_median = statistics.median(same_counts)
    report.add(
        "rollups: hand-written GROUP BY, same nine counts",
        same_median * 1000,
        "ms",
        note=_summary(same_counts),
    )
    report.add(
        "rollups: full rollup / hand-written GROUP BY",
        full_median / same_median,
        "x",
        2,
        note=f"best/best {min(full) / min(same_counts):.2f}",
    )
    stable = ", ".join(f"'{t}'" for t in settings.STABLE_CONTRACT_TYPES)
    simplest = _runs(_query(SIMPLEST_GROUP_BY.format(stable=stable)))
    report.add(
        "rollups: simplest GROUP BY (enrollment quarter only)",
        statistics.median(simplest) * 1000,
        "ms",
        note=f"{_summary(simplest)}; full / this {full_median / statistics.median(simplest):.1f}x",
    )

    scoped = [_import_then_recompute() for _ in range(REPEAT)]
    report.add(
        "rollups: rollup after a 1,000-row import",
        statistics.median(scoped) * 1000,
        "ms",
        100,
        note=_summary(scoped),
    )
