"""What ``/healthz`` and ``/readyz`` check, and the heartbeats the admin home shows.

Cheap on purpose (a load balancer asks every few seconds): three small queries (the
migrations table, the heartbeat tables) and one round trip to the cache and to the
broker. Nothing personal and no host names: ages in seconds and short error names.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Max, Q
from django.utils import timezone

from tracker.models import BeatHeartbeat, WorkerHeartbeat


@dataclass(frozen=True)
class Heartbeat:
    """The last sign of life of a background process: when, and whether it is recent."""

    at: dt.datetime | None
    age_seconds: int | None
    recent: bool


def _heartbeat(at: dt.datetime | None, now: dt.datetime) -> Heartbeat:
    if at is None:
        return Heartbeat(at=None, age_seconds=None, recent=False)
    age = max(0, int((now - at).total_seconds()))
    return Heartbeat(at=at, age_seconds=age, recent=age <= settings.HEARTBEAT_STALE_AFTER_SECONDS)


def background_heartbeats() -> dict[str, Any]:
    """The beat's heartbeat, the worker's (any queue) and each queue's (two queries)."""
    now = timezone.now()
    by_queue = dict(
        WorkerHeartbeat.objects.order_by()
        .values("queue")
        .annotate(last=Max("at"))
        .values_list("queue", "last")
    )
    beat_at = BeatHeartbeat.objects.aggregate(last=Max("at"))["last"]
    queues = {
        queue: _heartbeat(by_queue.get(queue), now) for queue in settings.CELERY_TASK_QUEUE_NAMES
    }
    return {
        "worker": _heartbeat(max(by_queue.values(), default=None), now),
        "beat": _heartbeat(beat_at, now),
        "queues": queues,
    }


@functools.cache
def _expected_migrations() -> frozenset[tuple[str, str]]:
    """The last migration of every app, read from disk once per process."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.leaf_nodes())


def _error(exc: BaseException) -> dict[str, Any]:
    return {"ok": False, "error": type(exc).__name__}


def check_database() -> dict[str, Any]:
    """Reachable and migrated: every app's last migration is recorded (one query)."""
    expected = _expected_migrations()
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        recorded = MigrationRecorder(connection).Migration.objects.filter(
            functools.reduce(
                lambda q, node: q | Q(app=node[0], name=node[1]), expected, Q(pk__in=[])
            )
        )
        missing = len(expected) - recorded.count()
    except Exception as exc:
        return _error(exc)
    return {"ok": missing == 0, "unapplied_migrations": missing}


def check_cache() -> dict[str, Any]:
    try:
        cache.set("readyz", "1", timeout=10)
        ok = cache.get("readyz") == "1"
    except Exception as exc:
        return _error(exc)
    return {"ok": ok}


def check_broker() -> dict[str, Any]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "inline"}
    app = current_app
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=settings.READYZ_TIMEOUT_SECONDS)
    except Exception as exc:
        return _error(exc)
    return {"ok": True}


def _heartbeat_json(heartbeat: Heartbeat) -> dict[str, Any]:
    return {"ok": heartbeat.recent, "age_seconds": heartbeat.age_seconds}


def check_background() -> dict[str, Any]:
    """Worker and beat heartbeats; inline mode has neither and needs neither."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"worker": {"ok": True, "mode": "inline"}, "beat": {"ok": True, "mode": "inline"}}
    try:
        heartbeats = background_heartbeats()
    except Exception as exc:
        return {"worker": _error(exc), "beat": _error(exc)}
    worker = _heartbeat_json(heartbeats["worker"])
    worker["queues"] = {
        queue: _heartbeat_json(beat) for queue, beat in heartbeats["queues"].items()
    }
    worker["ok"] = all(queue["ok"] for queue in worker["queues"].values())
    return {"worker": worker, "beat": _heartbeat_json(heartbeats["beat"])}


def readiness() -> tuple[bool, bool, dict[str, Any]]:
    """(serving, healthy, checks). ``serving``: what this web process needs to answer
    pages (database migrated, cache, broker); ``healthy``: that and the background
    processes. A silent worker makes the product degraded, not this process unfit: the
    load balancer keeps sending it requests, monitoring alerts on ``degraded``."""
    checks = {
        "database": check_database(),
        "cache": check_cache(),
        "broker": check_broker(),
        **check_background(),
    }
    serving = all(checks[name]["ok"] for name in ("database", "cache", "broker"))
    healthy = serving and checks["worker"]["ok"] and checks["beat"]["ok"]
    return serving, healthy, checks
