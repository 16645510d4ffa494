"""The real transport: a task sent through Redis is run by a real Celery worker."""

from __future__ import annotations

import uuid

import pytest

from tests.support.worker import wait_for
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
        heartbeat.apply_async(args=(token,), queue=queue)

    def every_queue_answered() -> bool:
        recorded = set(WorkerHeartbeat.objects.filter(token=token).values_list("queue", flat=True))
        return recorded == set(settings.CELERY_TASK_QUEUE_NAMES)

    assert wait_for(every_queue_answered), list(WorkerHeartbeat.objects.values("queue", "token"))


def test_the_worker_logs_the_task_under_the_request_id_that_queued_it(
    celery_worker_process,
) -> None:
    from tests.support.worker import PROJECT_DIR
    from web.request_log import current_request_id

    request_id = f"req-{uuid.uuid4().hex[:12]}"
    token = current_request_id.set(request_id)
    try:
        heartbeat.delay(request_id)
    finally:
        current_request_id.reset(token)
    log = PROJECT_DIR / "test-artifacts" / "celery-test-worker.log"
    assert wait_for(lambda: f"request={request_id}" in log.read_text()), log.read_text()[-2000:]
    [line] = [line for line in log.read_text().splitlines() if f"request={request_id}" in line]
    assert "task tracker.heartbeat SUCCESS" in line
