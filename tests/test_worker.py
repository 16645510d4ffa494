"""The real transport: a task sent through Redis is run by a real Celery worker."""

from __future__ import annotations

import uuid

import pytest

from tests.worker_support import wait_for
from tracker.models import WorkerHeartbeat
from tracker.tasks import heartbeat

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_task_round_trip_through_redis_and_a_real_worker(celery_worker_process) -> None:
    token = uuid.uuid4().hex
    heartbeat.delay(token)
    assert wait_for(lambda: WorkerHeartbeat.objects.filter(token=token).exists()), (
        "the worker did not record the heartbeat"
    )
    beat = WorkerHeartbeat.objects.get(token=token)
    assert beat.worker
