"""Writes on the rollup store: scoped and full recomputes.

Both rewrite whole scopes inside one transaction (delete the rows, insert them again from
the source rows), holding the rollup lock: a rerun gives the same rows, a run killed
halfway rolls back and leaves the previous figures, never half of them.

- ``rollup_scope_recompute``: the cohorts a change touched, plus every scope those cohorts
  belong to (region, zone, filière, convention, operator, nation) and the scopes they
  have just left (``previous``).
- ``rollup_full_recompute``: everything, advancing the reference date; compares the new
  rows with the old ones and returns (and logs) the cells it corrected.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tracker.models import Cohort, Dimension, Rollup, RollupRun, RollupState
from tracker.services.rollups import sql
from tracker.services.rollups.locks import rollup_lock_acquire

logger = logging.getLogger(__name__)

DIMENSIONS_FROM_COHORTS = tuple(sql.COHORT_COLUMN)  # region, zone, filiere, ...
# Past this many cohorts a scoped recompute costs more than a full one.
FULL_RECOMPUTE_ABOVE_COHORTS = 2000
# Keep a month of run records (the full recompute prunes older ones).
RUN_RECORDS_KEPT = dt.timedelta(days=31)


@dataclass
class RollupResult:
    run: RollupRun | None
    skipped: bool = False
    rows_written: int = 0
    # Full runs: how many cells differed, and up to DRIFT_EXAMPLES_KEPT of them.
    drift: dict[str, list[list[int] | None]] = field(default_factory=dict)
    drift_count: int = 0


def _today() -> dt.date:
    return timezone.localdate()


def _state_for_update(*, default_reference: dt.date) -> RollupState:
    state = RollupState.objects.select_for_update().order_by("id").first()
    if state is None:
        state = RollupState.objects.create(reference_date=default_reference)
    return state


def _fault_pause() -> None:
    """Fault injection for the worker tests (a worker killed mid-rollup): 0 otherwise."""
    pause = float(getattr(settings, "ROLLUP_FAULT_PAUSE_SECONDS", 0) or 0)
    if pause > 0:
        time.sleep(pause)


def _covered(
    *, requested_at: dt.datetime, cohort_ids: set[int], previous: set[tuple[str, int]]
) -> bool:
    """Did a run that started after this request (so saw its data) already cover it?"""
    margin = dt.timedelta(seconds=float(getattr(settings, "ROLLUP_DEDUP_CLOCK_MARGIN", 1.0)))
    later_runs = RollupRun.objects.filter(
        started_at__gte=requested_at + margin, skipped=False
    ).values_list("kind", "scope")
    for kind, scope in later_runs:
        if kind == RollupRun.Kind.FULL:
            return True
        covered_cohorts = set(scope.get("cohorts", []))
        covered_previous = {(d, int(m)) for d, m in scope.get("previous", [])}
        if cohort_ids <= covered_cohorts and previous <= covered_previous:
            return True
    return False


def _rewrite_dimensions(
    *,
    members: dict[str, set[int]] | None,
    reference_date: dt.date,
    computed_at: dt.datetime,
    periods: list[int] | None = None,
) -> int:
    """Rebuilds the dimension rows (all of them when ``members`` is None) and the nation
    from the cohort rows, for ``periods`` (year * 10 + quarter) or all of them."""
    written = 0
    for dimension in DIMENSIONS_FROM_COHORTS:
        ids = None if members is None else sorted(members.get(dimension, set()))
        if ids is not None and not ids:
            continue
        sql.delete_rows(dimension=dimension, member_ids=ids, periods=periods)
        written += sql.insert_dimension_rows(
            dimension=dimension,
            reference_date=reference_date,
            computed_at=computed_at,
            member_ids=ids,
            periods=periods,
        )
    sql.delete_rows(dimension="national", member_ids=None, periods=periods)
    written += sql.insert_national_rows(
        reference_date=reference_date, computed_at=computed_at, periods=periods
    )
    return written


def _cohort_periods(cohort_ids: list[int]) -> set[int]:
    rows = Rollup.objects.filter(dimension=Dimension.COHORT, member_id__in=cohort_ids)
    return {year * 10 + quarter for year, quarter in rows.values_list("year", "quarter").distinct()}


def rollup_scope_recompute(
    *,
    cohort_ids: Iterable[int],
    previous: Iterable[tuple[str, int]] = (),
    requested_at: dt.datetime | None = None,
) -> RollupResult:
    """Recomputes the figures of these cohorts and of every scope they belong to now or
    have just left. Skipped when a run that started after ``requested_at`` covered it."""
    cohort_set = {int(cohort_id) for cohort_id in cohort_ids}
    previous_set = {(str(dimension), int(member)) for dimension, member in previous}
    if len(cohort_set) > FULL_RECOMPUTE_ABOVE_COHORTS:
        return rollup_full_recompute()
    with transaction.atomic():
        rollup_lock_acquire()
        started_at = timezone.now()
        scope = {
            "cohorts": sorted(cohort_set),
            "previous": sorted([d, m] for d, m in previous_set),
        }
        if requested_at is not None and _covered(
            requested_at=requested_at, cohort_ids=cohort_set, previous=previous_set
        ):
            run = RollupRun.objects.create(
                kind=RollupRun.Kind.SCOPE,
                scope=scope,
                started_at=started_at,
                finished_at=timezone.now(),
                skipped=True,
            )
            return RollupResult(run=run, skipped=True)

        state = _state_for_update(default_reference=_today())
        reference_date = state.reference_date
        members: dict[str, set[int]] = {dimension: set() for dimension in DIMENSIONS_FROM_COHORTS}
        for dimension, member in previous_set:
            if dimension in members:
                members[dimension].add(member)
        columns = [sql.COHORT_COLUMN[d] for d in DIMENSIONS_FROM_COHORTS]
        existing = Cohort.objects.filter(id__in=cohort_set).values_list(*columns)
        for row in existing:
            for dimension, value in zip(DIMENSIONS_FROM_COHORTS, row, strict=True):
                if value is not None:
                    members[dimension].add(value)

        cohorts = sorted(cohort_set)
        # Only the periods these cohorts had or now have rows in can change for their
        # scopes; unless a cohort left a scope or is gone (its old rows are unknown).
        exact_periods = not previous_set and len(existing) == len(cohort_set)
        periods_before = _cohort_periods(cohorts)
        sql.delete_rows(dimension="cohort", member_ids=cohorts)
        _fault_pause()
        written = 0
        if cohorts:
            written += sql.insert_cohort_rows(
                reference_date=reference_date, computed_at=started_at, cohort_ids=cohorts
            )
        periods = sorted(periods_before | _cohort_periods(cohorts)) if exact_periods else None
        if periods is None or periods:
            written += _rewrite_dimensions(
                members=members,
                reference_date=reference_date,
                computed_at=started_at,
                periods=periods,
            )
        state.updated_at = started_at
        state.save(update_fields=["updated_at"])
        run = RollupRun.objects.create(
            kind=RollupRun.Kind.SCOPE,
            scope=scope,
            started_at=started_at,
            finished_at=timezone.now(),
            rows_written=written,
        )
    return RollupResult(run=run, rows_written=written)


DRIFT_EXAMPLES_KEPT = 200


def _cell_key(row: tuple[object, ...]) -> str:
    return f"{row[0]}:{row[1]}:{row[2]}:{row[3]}Q{row[4]}"


def _drift_since_snapshot() -> tuple[int, dict[str, list[list[int] | None]]]:
    """Compares the rows now stored with the snapshot, in SQL: the number of cells that
    differ, and up to DRIFT_EXAMPLES_KEPT of them as {cell: [old, new]}."""
    count, old_rows, new_rows = sql.drift_against_snapshot(limit=DRIFT_EXAMPLES_KEPT)
    examples: dict[str, list[list[int] | None]] = {}
    for row in old_rows:
        examples.setdefault(_cell_key(row), [None, None])[0] = [int(v) for v in row[5:]]
    for row in new_rows:
        examples.setdefault(_cell_key(row), [None, None])[1] = [int(v) for v in row[5:]]
    return count, examples


def rollup_full_recompute(*, reference_date: dt.date | None = None) -> RollupResult:
    """Rebuilds every row from the source rows against ``reference_date`` (today by
    default), and returns the cells that differed from what was stored (the drift)."""
    reference_date = reference_date or _today()
    with transaction.atomic():
        rollup_lock_acquire()
        started_at = timezone.now()
        state = _state_for_update(default_reference=reference_date)
        reference_changed = state.reference_date != reference_date
        first_fill = not Rollup.objects.exists()
        sql.snapshot_take()
        sql.delete_all_rows()
        _fault_pause()
        written = sql.insert_cohort_rows(
            reference_date=reference_date, computed_at=started_at, cohort_ids=None
        )
        written += _rewrite_dimensions(
            members=None, reference_date=reference_date, computed_at=started_at
        )
        drift_count, drift = _drift_since_snapshot()
        sql.snapshot_drop()
        sql.refresh_statistics()
        state.reference_date = reference_date
        state.last_full_at = started_at
        state.updated_at = started_at
        state.save()
        run = RollupRun.objects.create(
            kind=RollupRun.Kind.FULL,
            scope={"reference_date": reference_date.isoformat()},
            started_at=started_at,
            finished_at=timezone.now(),
            rows_written=written,
            drift=drift,
            drift_count=drift_count,
        )
        RollupRun.objects.filter(started_at__lt=started_at - RUN_RECORDS_KEPT).delete()
    if drift_count:
        # A new reference date moves the 6/12-month windows: that drift is expected.
        # So does the first fill of an empty store.
        level = logging.INFO if reference_changed or first_fill else logging.WARNING
        logger.log(
            level,
            "Full rollup recompute corrected %d cells (reference date %s%s), e.g. %s",
            drift_count,
            reference_date,
            ", changed" if reference_changed else "",
            list(drift.items())[:5],
        )
    return RollupResult(run=run, rows_written=written, drift=drift, drift_count=drift_count)
