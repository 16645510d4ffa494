"""The one entry point through which every write asks for fresh figures.

Services that change cohorts, enrollments or hires (forms, import, API, admin) call
``rollup_after_commit`` inside their transaction; the rollup of the affected scopes is
queued once the transaction commits (tracker.figures.rollups).

Durable: each call also writes the cohorts (and left scopes) it adds to the change log
(tracker.models.RollupChange) in the caller's transaction, each once per transaction.
The task sent on commit is the fast path; if the broker loses it, the sweep
(``tracker.rollup_sweep``, every minute) recomputes what the log still holds after a
minute (tracker.figures.rollups.rollup_sweep_run).

De-duplication, in two places:
- within a transaction, every call adds to one pending scope, sent once on commit (an
  import of 1,000 rows queues one task, not 1,000);
- across transactions, the task skips a request that a run started after it has already
  covered (tracker.figures.rollups.rollup_scope_recompute): the same scope enqueued
  twice at once computes once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from tracker.models import RollupChange
from tracker.task_queue import queue_task


@dataclass
class _PendingScope:
    cohort_ids: set[int] = field(default_factory=set)
    previous: set[tuple[str, int]] = field(default_factory=set)

    def add(self, cohort_ids: set[int], previous: set[tuple[str, int]]) -> None:
        """Adds to the scope sent on commit, and writes what is new to the change log
        (one INSERT for a call that adds something, none for one that adds nothing:
        the thousand calls of an import touching five cohorts write five rows)."""
        new_cohorts = cohort_ids - self.cohort_ids
        new_previous = previous - self.previous
        if not new_cohorts and not new_previous:
            return
        now = timezone.now()
        RollupChange.objects.bulk_create(
            [RollupChange(cohort_id=c, created_at=now) for c in sorted(new_cohorts)]
            + [
                RollupChange(previous_dimension=d, previous_member=m, created_at=now)
                for d, m in sorted(new_previous)
            ]
        )
        self.cohort_ids |= new_cohorts
        self.previous |= new_previous


_local = threading.local()


def _send() -> None:
    pending: _PendingScope | None = getattr(_local, "pending", None)
    _local.pending = None
    if pending is None or not (pending.cohort_ids or pending.previous):
        return
    # Sent after the commit (we run as an on_commit callback, which is what Celery's
    # delay_on_commit does); the request time is taken now, after the commit, so a run
    # that starts later has seen these rows.
    queue_task(
        "tracker.rollup_scope",
        cohort_ids=sorted(pending.cohort_ids),
        previous=sorted([d, m] for d, m in pending.previous),
        requested_at=timezone.now().isoformat(),
    )


def _send_registered() -> bool:
    """Is our send still waiting for this transaction's commit? (A rolled-back
    transaction drops its callbacks, and its pending scope with them.)"""
    connection = connections[DEFAULT_DB_ALIAS]
    return any(entry[1] is _send for entry in connection.run_on_commit)


def rollup_after_commit(
    *, cohort_ids: Iterable[int], previous: Iterable[tuple[str, int]] = ()
) -> None:
    """Queue the recomputation of the figures that depend on these cohorts.

    ``previous`` names scopes a cohort has just left, e.g. ``("region", old_region_id)``
    when a cohort moves to another region, so the old scope is recomputed too.
    """
    pending: _PendingScope | None = getattr(_local, "pending", None)
    connection = connections[DEFAULT_DB_ALIAS]
    in_transaction = connection.in_atomic_block
    cohorts = {int(c) for c in cohort_ids}
    left = {(str(d), int(m)) for d, m in previous}
    if pending is None or not (in_transaction and _send_registered()):
        pending = _PendingScope()
        _local.pending = pending
        pending.add(cohorts, left)
        transaction.on_commit(_send)  # outside a transaction: runs at once
        return
    pending.add(cohorts, left)
