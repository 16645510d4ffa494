"""Rollups on Redis with a real worker: de-duplicated, serialised, and correct after a
worker dies in the middle of one."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest
from django.db import connection

from tests.support.factories import CohortFactory, EnrollmentFactory
from tests.support.rollups import recount, stored
from tests.support.worker import wait_for
from tracker.figures.rollup_queue import rollup_after_commit
from tracker.figures.rollups import rollup_full_recompute
from tracker.figures.rollups.locks import ROLLUP_LOCK_KEY
from tracker.figures.tasks import rollup_scope
from tracker.models import RollupRun

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

REFERENCE = dt.date(2026, 11, 1)
FAULT_QUEUE = "rollup-fault-test"


def _rollup_lock_held_elsewhere() -> bool:
    # pg_locks spans the whole server: only this database's lock counts (CI runs other
    # suites side by side on the same server, whose rollups take the same key).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s"
            " AND granted AND pid <> pg_backend_pid()"
            # advisory locks are per database: another test database's rollup is not ours
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [ROLLUP_LOCK_KEY],
        )
        return cursor.fetchone()[0] > 0


def test_the_same_scope_enqueued_twice_at_once_computes_once(celery_worker_process) -> None:
    cohort = CohortFactory.create()
    EnrollmentFactory.create(cohort=cohort)
    rollup_full_recompute(reference_date=REFERENCE)
    EnrollmentFactory.create(cohort=cohort, enrolled_on=dt.date(2026, 2, 2))

    # Hold the rollup lock so that both requests are queued before either runs.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [ROLLUP_LOCK_KEY])
    try:
        rollup_after_commit(cohort_ids=[cohort.id])
        rollup_after_commit(cohort_ids=[cohort.id])
        assert wait_for(_rollup_lock_held_elsewhere, timeout=3) is False  # the worker waits
        time.sleep(1.5)  # past the clock margin: a run starting now covers both requests
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ROLLUP_LOCK_KEY])

    # Only this cohort's runs: a rollup queued by an earlier worker test (an import's)
    # may still be waiting in the shared queue and run now, with its own scope.
    this_cohorts_runs = RollupRun.objects.filter(kind="scope", scope__cohorts=[cohort.id])

    def both_handled() -> bool:
        return this_cohorts_runs.count() >= 2

    assert wait_for(both_handled, timeout=60), list(RollupRun.objects.values())
    runs = list(this_cohorts_runs.order_by("started_at"))
    assert [run.skipped for run in runs] == [False, True]
    assert stored() == recount(reference_date=REFERENCE)


def test_a_worker_killed_during_a_rollup_then_restarted_ends_with_correct_figures(
    restartable_worker,
) -> None:
    cohort = CohortFactory.create()
    EnrollmentFactory.create(cohort=cohort)
    rollup_full_recompute(reference_date=REFERENCE)
    before = stored()
    for day in range(1, 6):
        EnrollmentFactory.create(cohort=cohort, enrolled_on=dt.date(2026, 3, day))

    # A worker that pauses inside the rollup transaction, after deleting the old rows.
    fault_env = {"ROLLUP_FAULT_PAUSE_SECONDS": "60", "CELERY_VISIBILITY_TIMEOUT": "5"}
    doomed = restartable_worker(name="doomed", queues=FAULT_QUEUE, extra_env=fault_env)
    rollup_scope.apply_async(kwargs={"cohort_ids": [cohort.id]}, queue=FAULT_QUEUE)
    assert wait_for(_rollup_lock_held_elsewhere, timeout=30), "the rollup never started"
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=20)

    # Killed halfway: the transaction rolled back, the previous figures are intact.
    assert wait_for(lambda: not _rollup_lock_held_elsewhere(), timeout=30)
    assert stored() == before
    this_cohorts_runs = RollupRun.objects.filter(kind="scope", scope__cohorts=[cohort.id])
    assert not this_cohorts_runs.exists()

    # Restarted once the message's visibility timeout (5 s) is over, the worker gets the
    # unacknowledged task again (kombu restores it when the worker starts polling).
    time.sleep(6)
    restartable_worker(
        name="restarted", queues=FAULT_QUEUE, extra_env={"CELERY_VISIBILITY_TIMEOUT": "5"}
    )
    assert wait_for(lambda: this_cohorts_runs.filter(skipped=False).exists(), timeout=90), (
        "the task was not delivered again"
    )
    assert stored() == recount(reference_date=REFERENCE)
    assert stored() != before
