"""The one entry point through which every write asks for fresh figures.

Services that change cohorts, enrollments or hires (forms, import, API, admin) call
``rollup_after_commit`` inside their transaction; the rollup of the affected scopes is
queued once the transaction commits (tracker.services.rollups)."""

from __future__ import annotations

from collections.abc import Iterable


def rollup_after_commit(
    *, cohort_ids: Iterable[int], previous: Iterable[tuple[str, int]] = ()
) -> None:
    """Queue the recomputation of the figures that depend on these cohorts.

    ``previous`` names scopes a cohort has just left, e.g. ``("region", old_region_id)``
    when a cohort moves to another region, so the old scope is recomputed too.
    """
    # The rollup store arrives with the dashboard work (issue 6); until then there is
    # nothing precomputed to refresh.
    del cohort_ids, previous
