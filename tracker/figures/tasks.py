"""Celery tasks of the figures: the rollups, on commit (tracker.figures.rollup_queue), every
minute (the sweep) and nightly (the full rebuild)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from tracker.figures.rollups import rollup_full_recompute, rollup_scope_recompute, rollup_sweep_run


@shared_task(name="tracker.rollup_scope")
def rollup_scope(
    cohort_ids: list[int], previous: list[list[object]] | None = None, requested_at: str = ""
) -> None:
    """Recomputes the figures of these cohorts and of the scopes they belong to (or have
    just left). Queued on commit by tracker.figures.rollup_queue."""
    rollup_scope_recompute(
        cohort_ids=cohort_ids,
        previous=[(str(d), int(m)) for d, m in (previous or [])],  # type: ignore[call-overload]
        requested_at=dt.datetime.fromisoformat(requested_at) if requested_at else None,
    )


@shared_task(name="tracker.rollup_sweep")
def rollup_sweep(older_than_seconds: float | None = None) -> None:
    """Recomputes the changes the log still holds after a minute (the age beat sends,
    settings.ROLLUP_SWEEP_AGE_SECONDS): those whose fast-path task the broker lost
    (beat, every minute; tracker.figures.rollup_queue)."""
    rollup_sweep_run(
        older_than=None if older_than_seconds is None else dt.timedelta(seconds=older_than_seconds)
    )


@shared_task(name="tracker.rollup_full")
def rollup_full(reference_date: str = "") -> None:
    """Rebuilds every figure and logs the drift it corrected (nightly, by beat)."""
    rollup_full_recompute(
        reference_date=dt.date.fromisoformat(reference_date) if reference_date else None
    )
