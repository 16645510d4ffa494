"""Faults, for real (PostgreSQL, Redis, real worker and beat processes): whatever the broker
loses or a killed worker leaves half-done, the figures equal a recount of the rows within
two minutes, thanks to the change log (tracker.models.RollupChange) and its sweep.

The sweep's interval and age are shortened through the environment of beat and the
workers (ROLLUP_SWEEP_INTERVAL_SECONDS, ROLLUP_SWEEP_AGE_SECONDS): seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from collections import Counter
from contextlib import contextmanager
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from conventions.models import Region
from tests.support.factories import CohortFactory, EnrollmentFactory, TraineeFactory
from tests.support.rollups import recount, stored
from tests.support.worker import wait_for
from tests.tracker.test_placements import hire
from tracker.figures.rollups import rollup_full_recompute
from tracker.figures.rollups.locks import ROLLUP_LOCK_KEY
from tracker.figures.tasks import rollup_scope
from tracker.imports.api_batch import records_import
from tracker.models import Enrollment, Placement, RollupChange
from tracker.services.cohorts import cohort_update
from tracker.services.enrollments import enrollment_graduate
from tracker.services.placements import placement_create

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LOST_QUEUE = "figures-lost-in-test"  # no worker ever reads it
FAULT_QUEUE = "figures-fault-test"
SWEEP_ENV = {"ROLLUP_SWEEP_INTERVAL_SECONDS": "1", "ROLLUP_SWEEP_AGE_SECONDS": "2"}
# The default queue, and the one issue 21 routes the tracker.rollup_* tasks to.
QUEUES = ",".join(settings.CELERY_TASK_QUEUE_NAMES)  # every queue: imports too


@contextmanager
def fast_path_sent_to(queue: str):
    """The task each write queues on commit goes to ``queue`` instead."""

    def send(**kwargs):
        return rollup_scope.apply_async(kwargs=kwargs, queue=queue)

    with mock.patch.object(rollup_scope, "delay", send):
        yield


def _figures_right() -> bool:
    return not RollupChange.objects.exists() and stored() == recount(
        reference_date=timezone.localdate()
    )


def _rollup_lock_held_elsewhere() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s"
            " AND granted AND pid <> pg_backend_pid()",
            [ROLLUP_LOCK_KEY],
        )
        return cursor.fetchone()[0] > 0


def _paused_after_writing_corrections() -> bool:
    """A rollup transaction that has written its corrections and its change-log deletions
    and waits, uncommitted (the ROLLUP_FAULT_PAUSE_SECONDS hook)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND state = 'idle in transaction'"
            """ AND query LIKE 'DELETE FROM "tracker_rollupchange"%%'"""
        )
        return cursor.fetchone()[0] > 0


def _hires(people, user, count: int) -> None:
    for index in range(count):
        placement_create(
            enrollment=people.enrollment_a,
            # one hire per day: a hire is unique per enrollment, date and employer
            data=hire(hired_on=dt.date(2026, 5, 1) + dt.timedelta(days=index)),
            actor=user,
        )


def test_broker_emptied_with_changes_queued_figures_right_within_two_minutes(
    restartable_worker, people, partner_a_user, admin_user, settings
) -> None:
    settings.ROLLUP_SWEEP_AGE_SECONDS = 2
    rollup_full_recompute()
    with fast_path_sent_to(LOST_QUEUE):
        _hires(people, partner_a_user, 10)
        for region in Region.objects.order_by("code")[:2]:  # cohort moves: scopes left too
            cohort_update(cohort=people.cohort_a, actor=admin_user, region=region)
    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    assert broker.llen(LOST_QUEUE) == 12
    broker.flushdb()  # our Redis db only (the one in REDIS_URL): the messages are lost
    assert not _figures_right()

    time.sleep(2.5)  # older than the sweep's age: the pages say the changes wait
    client = Client()
    client.force_login(admin_user)
    page = client.get("/dashboard/").content.decode()
    assert "modifications pas encore comptées, depuis" in page

    started = time.monotonic()
    restartable_worker(name="sweeper", queues=QUEUES, extra_env=SWEEP_ENV)
    restartable_worker.beat(extra_env=SWEEP_ENV)
    assert wait_for(_figures_right, timeout=120, interval=0.5), "not recounted in 2 minutes"
    assert time.monotonic() - started < 120
    assert "pas encore comptée" not in client.get("/dashboard/").content.decode()


def test_a_worker_killed_while_writing_corrections_leaves_figures_a_recount_fixes(
    restartable_worker, people, partner_a_user
) -> None:
    rollup_full_recompute()
    before = stored()
    with fast_path_sent_to(FAULT_QUEUE):
        _hires(people, partner_a_user, 3)
    logged = set(RollupChange.objects.values_list("id", flat=True))
    assert logged

    doomed = restartable_worker(
        name="doomed-writer", queues=FAULT_QUEUE, extra_env={"ROLLUP_FAULT_PAUSE_SECONDS": "60"}
    )
    assert wait_for(_paused_after_writing_corrections, timeout=60), "never reached the pause"
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=20)
    assert wait_for(lambda: not _rollup_lock_held_elsewhere(), timeout=30)
    # Rolled back whole: the previous figures, and the change log still holds the changes.
    assert stored() == before
    assert set(RollupChange.objects.values_list("id", flat=True)) == logged

    restartable_worker(name="after-kill", queues=QUEUES, extra_env=SWEEP_ENV)
    restartable_worker.beat(extra_env=SWEEP_ENV)
    assert wait_for(_figures_right, timeout=120, interval=0.5), "not recounted in 2 minutes"
    assert stored() != before


WRITERS_SECONDS = 20


def _batch_record(cin: str) -> dict[str, str]:
    return {
        "cohort": "COH-A",
        "cin": cin,
        "last_name": "Nom",
        "first_name": "Prénom",
        "sex": "F",
        "birth_date": "2001-02-03",
        "phone": "0612345678",
        "status": "graduated",
        "enrolled_on": "2026-01-05",
        "graduated_on": "2026-06-30",
        "employer_name": "Atlas Services SA",
        "employer_ice": "001234567000089",
        "hired_on": "2026-07-15",
        "contract_type": "cdi",
        "job_title": "Conseiller",
        "salary": "6500.00",
    }


def test_two_workers_and_eight_concurrent_writers_lose_no_update(
    restartable_worker, people, partner_a_user, admin_user
) -> None:
    cohort = people.cohort_a
    to_graduate = [
        EnrollmentFactory.create(cohort=cohort, trainee=TraineeFactory.create()) for _ in range(40)
    ]
    to_hire = [
        EnrollmentFactory.create(
            cohort=cohort,
            trainee=TraineeFactory.create(),
            status=Enrollment.Status.GRADUATED,
            graduated_on=dt.date(2026, 6, 30),
        )
        for _ in range(40)
    ]
    movers = [
        CohortFactory.create(convention=people.convention_a, operator=cohort.operator)
        for _ in range(2)
    ]
    for mover in movers:
        EnrollmentFactory.create(cohort=mover, trainee=TraineeFactory.create())
    regions = list(Region.objects.order_by("code")[:2])
    rollup_full_recompute()
    placements_before = Placement.objects.count()
    enrollments_before = Enrollment.objects.count()

    for name in ("writers-1", "writers-2"):
        restartable_worker(name=name, queues=QUEUES, extra_env=SWEEP_ENV)
    restartable_worker.beat(extra_env=SWEEP_ENV)

    done: Counter[str] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()
    deadline = time.monotonic() + WRITERS_SECONDS

    def writer(kind: str, index: int) -> None:
        try:
            step = 0
            while time.monotonic() < deadline:
                step += 1
                if kind == "import":
                    cins = [f"ZC{index}{step:04d}{n}" for n in range(3)]
                    result = records_import(
                        user=partner_a_user, records=[_batch_record(c) for c in cins]
                    )
                    assert not result.errors, result.errors
                    counted = 3
                elif kind == "graduate":
                    mine = to_graduate[index::2]
                    if step > len(mine):
                        break
                    enrollment = Enrollment.objects.get(pk=mine[step - 1].pk)
                    enrollment_graduate(
                        enrollment=enrollment,
                        version=enrollment.version,
                        graduated_on=dt.date(2026, 6, 30),
                        actor=partner_a_user,
                    )
                    counted = 1
                elif kind == "hire":
                    mine = to_hire[index::2]
                    # a new (enrollment, day) each step: hires are unique per enrollment,
                    # date and employer
                    day = dt.date(2026, 7, 1) + dt.timedelta(days=step // len(mine))
                    placement_create(
                        enrollment=mine[step % len(mine)],
                        data=hire(hired_on=day, job_title=f"{index}-{step}"),
                        actor=partner_a_user,
                    )
                    counted = 1
                else:  # a cohort moving between two regions
                    cohort_update(cohort=movers[index], actor=admin_user, region=regions[step % 2])
                    counted = 1
                with lock:
                    done[kind] += counted
                time.sleep(0.05)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=writer, args=(kind, index))
        for kind in ("import", "graduate", "hire", "move")
        for index in (0, 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WRITERS_SECONDS + 60)
    assert not errors, errors
    assert all(done[kind] for kind in ("import", "graduate", "hire", "move")), done

    # No lost update: every write that returned is in the rows.
    assert Enrollment.objects.count() == enrollments_before + done["import"]
    assert Placement.objects.count() == placements_before + done["hire"] + done["import"]
    graduated = Enrollment.objects.filter(
        pk__in=[e.pk for e in to_graduate], status=Enrollment.Status.GRADUATED
    )
    assert graduated.count() == done["graduate"]
    # And the figures equal the recount once the queue and the sweep have caught up.
    assert wait_for(_figures_right, timeout=120, interval=0.5), "figures differ from recount"
