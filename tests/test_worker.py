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


def test_each_queue_records_its_own_heartbeat(celery_worker_process) -> None:
    from django.conf import settings

    token = uuid.uuid4().hex
    for queue in settings.CELERY_TASK_QUEUE_NAMES:
        heartbeat.apply_async(args=[token], queue=queue)

    def every_queue_answered() -> bool:
        recorded = set(WorkerHeartbeat.objects.filter(token=token).values_list("queue", flat=True))
        return recorded == set(settings.CELERY_TASK_QUEUE_NAMES)

    assert wait_for(every_queue_answered), list(WorkerHeartbeat.objects.values("queue", "token"))
