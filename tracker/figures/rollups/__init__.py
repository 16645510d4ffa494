"""Writes on the rollup store: scoped and full recomputes.

Both stage the new figures of their scope, compare them with the stored ones and write
the cells that differ (tracker.figures.rollups.sql), inside one transaction holding the
rollup lock: a rerun gives the same rows (and writes nothing), a run killed halfway rolls
back and leaves the previous figures, never half of them.

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
from django.db.models import Q
from django.utils import timezone

from tracker.figures.rollups import sql
from tracker.figures.rollups.locks import rollup_lock_acquire
from tracker.models import Cohort, RollupChange, RollupRun, RollupState

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
    """Fault injection for the worker tests (a worker killed mid-rollup): 0 otherwise.
    Called once the corrections are written, before the commit: the most a kill can
    interrupt (the figures, the run record and the change log's deletions roll back)."""
    pause = float(getattr(settings, "ROLLUP_FAULT_PAUSE_SECONDS", 0) or 0)
    if pause > 0:
        time.sleep(pause)


def _logged_changes(
    *, cohort_ids: set[int] | None, previous: Iterable[tuple[str, int]] = ()
) -> list[int]:
    """The change-log rows this run covers (all when ``cohort_ids`` is None), read before
    it stages anything: a row visible now was committed with its write, so the run sees
    that write. Deleted with the run's figures, in its transaction (_changes_done)."""
    rows = RollupChange.objects.all()
    if cohort_ids is not None:
        condition = Q(cohort_id__in=sorted(cohort_ids))
        for dimension, member in previous:
            condition |= Q(previous_dimension=dimension, previous_member=member)
        rows = rows.filter(condition)
    return list(rows.values_list("id", flat=True))


def _changes_done(ids: list[int]) -> None:
    if ids:
        RollupChange.objects.filter(id__in=ids).delete()


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


def rollup_scope_recompute(
    *,
    cohort_ids: Iterable[int],
    previous: Iterable[tuple[str, int]] = (),
    requested_at: dt.datetime | None = None,
) -> RollupResult:
    """Recomputes the figures of these cohorts and of every scope they belong to now or
    have just left. Skipped when a run that started after ``requested_at`` covered it.

    The cohorts' rows are recomputed from the source rows; the cells of their scopes are
    the stored cells with those cohorts' old rows swapped for the new ones, so the cost
    follows the change, not the size of the scopes. A cohort that left a scope (named in
    ``previous``) or is gone makes every member concerned regrouped from all its cohort
    rows instead."""
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
        logged = _logged_changes(cohort_ids=cohort_set, previous=previous_set)
        cohorts = sorted(cohort_set)
        columns = ["id", *(sql.COHORT_COLUMN[d] for d in DIMENSIONS_FROM_COHORTS)]
        existing = list(Cohort.objects.filter(id__in=cohorts).values_list(*columns))
        sql.stage_cohort_rows(reference_date=state.reference_date, cohort_ids=cohorts)
        members: dict[str, set[int]] | None = None
        if not previous_set and len(existing) == len(cohorts):
            if cohorts:
                sql.stage_scope_cells(cohort_ids=cohorts)
        else:
            # A cohort left a scope or is gone: where its old rows were counted is known
            # only as ``previous``; regroup every member concerned from its cohort rows.
            members = {dimension: set() for dimension in DIMENSIONS_FROM_COHORTS}
            members["national"] = {0}
            for dimension, member in previous_set:
                if dimension in members:
                    members[dimension].add(member)
            for row in existing:
                for dimension, value in zip(DIMENSIONS_FROM_COHORTS, row[1:], strict=True):
                    if value is not None:
                        members[dimension].add(value)
            sql.stage_members(
                members={d: sorted(ids) for d, ids in members.items()}, cohort_ids=cohorts
            )
        if members is None:
            stored, params = sql.stored_rows_of_scope(cohort_ids=cohorts)
        else:
            stored, params = sql.stored_rows_of_members(
                cohort_ids=cohorts, members={d: sorted(ids) for d, ids in members.items()}
            )
        sql.diff_create(stored_rows=stored, params=params)
        written = sql.diff_apply()
        sql.temporary_tables_drop()
        _changes_done(logged)
        _fault_pause()
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
# After a full recompute that rewrote more than this share of the store, refresh the
# planner's statistics (a first fill, a new contract-type setting...).
ANALYZE_ABOVE_SHARE = 0.2


def _cell_key(row: tuple[object, ...]) -> str:
    return f"{row[0]}:{row[1]}:{row[2]}:{row[3]}Q{row[4]}"


def rollup_full_recompute(*, reference_date: dt.date | None = None) -> RollupResult:
    """Rebuilds every cell from the source rows against ``reference_date`` (today by
    default), writes the cells that differ from what was stored, and returns them (the
    drift)."""
    reference_date = reference_date or _today()
    with transaction.atomic():
        rollup_lock_acquire()
        started_at = timezone.now()
        state = _state_for_update(default_reference=reference_date)
        reference_changed = state.reference_date != reference_date
        logged = _logged_changes(cohort_ids=None)
        stored_before = sql.stored_rows_count()
        sql.stage_cohort_rows(reference_date=reference_date, cohort_ids=None)
        sql.stage_dimension_rows()
        drift_count = sql.diff_create(stored_rows=sql.EVERY_STORED_ROW)
        drift: dict[str, list[list[int] | None]] = {
            _cell_key(row): [row[5], row[6]] for row in sql.diff_examples(limit=DRIFT_EXAMPLES_KEPT)
        }
        written = sql.diff_apply()
        sql.temporary_tables_drop()
        _changes_done(logged)
        _fault_pause()
        if written > ANALYZE_ABOVE_SHARE * max(stored_before, 1):
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
        level = logging.INFO if reference_changed or not stored_before else logging.WARNING
        logger.log(
            level,
            "Full rollup recompute corrected %d cells (reference date %s%s), e.g. %s",
            drift_count,
            reference_date,
            ", changed" if reference_changed else "",
            list(drift.items())[:5],
        )
    return RollupResult(run=run, rows_written=written, drift=drift, drift_count=drift_count)


def rollup_sweep_run(*, older_than: dt.timedelta | None = None) -> RollupResult | None:
    """Recomputes what the change log still holds after ``older_than`` (the sweep's age,
    settings.ROLLUP_SWEEP_AGE_SECONDS): changes whose fast-path task was lost, or has not
    run yet. None when there is nothing to do."""
    if older_than is None:
        older_than = dt.timedelta(seconds=settings.ROLLUP_SWEEP_AGE_SECONDS)
    rows = RollupChange.objects.filter(created_at__lte=timezone.now() - older_than).values_list(
        "cohort_id", "previous_dimension", "previous_member"
    )
    cohort_ids: set[int] = set()
    previous: set[tuple[str, int]] = set()
    for cohort_id, dimension, member in rows:
        if cohort_id is not None:
            cohort_ids.add(cohort_id)
        if dimension and member is not None:
            previous.add((dimension, member))
    if not cohort_ids and not previous:
        return None
    logger.info("Rollup sweep: %d cohorts, %d left scopes", len(cohort_ids), len(previous))
    return rollup_scope_recompute(cohort_ids=cohort_ids, previous=previous)
