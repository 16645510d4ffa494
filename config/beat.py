"""The beat scheduler: one beat sends the schedule, however many are started.

A second beat (started by mistake, or a standby on another host) would send every
periodic task twice. ``SingleBeatScheduler`` sends the schedule only while it holds a
lock in Redis (the broker), renewed at every tick; a beat that does not hold it sends
nothing and tries again at its next tick, so a standby takes over within
``BEAT_LOCK_TTL_SECONDS`` when the active beat dies. The beat holding the lock also writes
its own heartbeat (``BeatHeartbeat``), which ``/readyz`` and the admin home page show.

Start beat with ``celery -A config beat`` (settings.CELERY_BEAT_SCHEDULER names this).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
from typing import Any, Protocol

from celery.beat import PersistentScheduler
from django.conf import settings
from django.db import close_old_connections

from tracker.services.system import beat_heartbeat_record

logger = logging.getLogger(__name__)

LOCK_NAME = "tracker:beat-lock"


class BeatLock(Protocol):
    def hold(self) -> bool:
        """Takes the lock or renews it; False when another beat holds it."""

    def release(self) -> None: ...


class RedisBeatLock:
    """A lock with an expiry: renewed at every tick, lost (to a standby) only when its
    holder stops ticking for longer than the expiry."""

    def __init__(self, url: str, *, ttl: float) -> None:
        import redis

        self._lock = redis.Redis.from_url(url).lock(LOCK_NAME, timeout=ttl, thread_local=False)

    def hold(self) -> bool:
        from redis.exceptions import LockError

        try:
            if self._lock.owned():
                self._lock.reacquire()
                return True
            return bool(self._lock.acquire(blocking=False))
        except LockError:
            return False

    def release(self) -> None:
        from redis.exceptions import LockError

        with contextlib.suppress(LockError):
            self._lock.release()


class UnsharedBeatLock:
    """No Redis (inline tasks, or another broker): nothing to share a lock through."""

    def hold(self) -> bool:
        return True

    def release(self) -> None:
        pass


def beat_lock() -> BeatLock:
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        return RedisBeatLock(url, ttl=settings.BEAT_LOCK_TTL_SECONDS)
    logger.warning("beat: the broker is not Redis, a second beat would not be stopped")
    return UnsharedBeatLock()


def beat_name() -> str:
    return f"beat@{socket.gethostname()}:{os.getpid()}"


class SingleBeatScheduler(PersistentScheduler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.lock: BeatLock = kwargs.pop("lock", None) or beat_lock()
        self.name = beat_name()
        self.holding = False
        self._last_heartbeat = 0.0
        super().__init__(*args, **kwargs)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        holding = self.lock.hold()
        if holding != self.holding:
            logger.info("%s %s the beat lock", self.name, "holds" if holding else "does not hold")
            self.holding = holding
        if not holding:
            # Another beat sends the schedule: check again well before its lock expires.
            return settings.BEAT_LOCK_TTL_SECONDS / 3
        self._heartbeat()
        return min(super().tick(*args, **kwargs), settings.BEAT_LOCK_TTL_SECONDS / 3)

    def _heartbeat(self) -> None:
        now = time.monotonic()
        if now - self._last_heartbeat < settings.BEAT_HEARTBEAT_SECONDS:
            return
        try:
            close_old_connections()  # beat has no request cycle to renew its connection
            beat_heartbeat_record(name=self.name)
            self._last_heartbeat = now
        except Exception:
            # A database blip must not stop the schedule; the stale heartbeat shows it.
            logger.exception("beat: could not record its heartbeat")

    def close(self) -> None:
        if self.holding:
            self.lock.release()
            self.holding = False
        super().close()
