"""Tasks routed to their queue by name, and beat single however many are started."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
from django.conf import settings

from config.beat import RedisBeatLock, SingleBeatScheduler
from config.celery import app as celery_app
from tracker.models import BeatHeartbeat


def _queue_of(task_name: str) -> str:
    return celery_app.amqp.router.route({}, task_name)["queue"].name


@pytest.mark.parametrize(
    ("task_name", "queue"),
    [
        ("tracker.import_validate", "imports"),
        ("tracker.import_commit", "imports"),
        ("tracker.rollup_scope", "figures"),
        ("tracker.rollup_full", "figures"),
        ("tracker.rollup_sweep", "figures"),  # by its name alone, like any future rollup task
        ("tracker.operator_consistency", "figures"),
        ("tracker.lagging_alerts", "email"),
        ("tracker.password_reset_email", "email"),
        ("tracker.heartbeat", "default"),
    ],
)
def test_tasks_are_routed_to_their_queue_by_name(task_name: str, queue: str) -> None:
    assert _queue_of(task_name) == queue


def test_every_registered_task_and_beat_entry_lands_on_a_known_queue() -> None:
    celery_app.loader.import_default_modules()
    names = [name for name in celery_app.tasks if name.startswith("tracker.")]
    assert "tracker.import_commit" in names
    for name in names:
        assert _queue_of(name) in settings.CELERY_TASK_QUEUE_NAMES, name
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert _queue_of(str(entry["task"])) in settings.CELERY_TASK_QUEUE_NAMES


def test_beat_sends_a_heartbeat_to_every_queue() -> None:
    queues = {
        entry["options"]["queue"]  # type: ignore[index]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "tracker.heartbeat"
    }
    assert queues == set(settings.CELERY_TASK_QUEUE_NAMES)


class _Lock:
    def __init__(self, held: bool) -> None:
        self.held = held
        self.released = False

    def hold(self) -> bool:
        return self.held

    def release(self) -> None:
        self.released = True


def _scheduler(tmp_path, lock) -> tuple[SingleBeatScheduler, list[str]]:
    scheduler = SingleBeatScheduler(
        app=celery_app, schedule_filename=str(tmp_path / f"beat-{uuid.uuid4().hex}"), lock=lock
    )
    sent: list[str] = []
    scheduler.apply_async = lambda entry, **kwargs: sent.append(entry.task)  # type: ignore[method-assign]
    # Every entry due now, as at a beat's first tick after its schedule file was lost.
    for entry in scheduler.schedule.values():
        entry.last_run_at = entry.default_now() - dt.timedelta(days=8)
    scheduler._heap = None  # type: ignore[attr-defined]
    return scheduler, sent


def _tick_until_idle(scheduler: SingleBeatScheduler) -> None:
    for _ in range(len(scheduler.schedule) + 2):
        scheduler.tick()


# Transactional: beat renews its connection (close_old_connections), which closes one
# found inside a test's transaction.
@pytest.mark.django_db(transaction=True)
def test_a_beat_holding_the_lock_sends_the_schedule_and_its_heartbeat(tmp_path) -> None:
    scheduler, sent = _scheduler(tmp_path, _Lock(held=True))
    _tick_until_idle(scheduler)
    assert "tracker.heartbeat" in sent
    assert "tracker.rollup_full" in sent
    assert BeatHeartbeat.objects.filter(name=scheduler.name).exists()
    scheduler.close()


@pytest.mark.django_db
def test_a_beat_without_the_lock_sends_nothing_and_writes_no_heartbeat(tmp_path) -> None:
    scheduler, sent = _scheduler(tmp_path, _Lock(held=False))
    _tick_until_idle(scheduler)
    assert sent == []
    assert not BeatHeartbeat.objects.exists()
    scheduler.close()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_second_beat_does_nothing_while_the_first_holds_the_redis_lock(tmp_path) -> None:
    url = os.environ["REDIS_URL"]
    first_lock = RedisBeatLock(url, ttl=30)
    second_lock = RedisBeatLock(url, ttl=30)
    first, first_sent = _scheduler(tmp_path, first_lock)
    second, second_sent = _scheduler(tmp_path, second_lock)
    try:
        _tick_until_idle(first)
        _tick_until_idle(second)
        assert first_sent
        assert second_sent == []
        # The first beat stops (its lock released): the standby takes over.
        first.close()
        _tick_until_idle(second)
        assert second_sent
    finally:
        first_lock.release()
        second_lock.release()
