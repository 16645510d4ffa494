"""Celery tasks of the tracking app: thin, named, ids only, idempotent.

Tasks call services; services never import this module back: they queue a task by
its name (tracker.task_queue), so the two never form an import loop."""

from __future__ import annotations

import datetime as dt
import socket

from celery import shared_task

from tracker.services.idempotency import idempotency_purge as purge
from tracker.services.lagging_alerts import lagging_alerts_send
from tracker.services.operators import operator_consistency_repair
from tracker.services.system import heartbeat_record
from tracker.verification.state import verification_rebuild, verification_sweep


@shared_task(name="tracker.heartbeat", bind=True)
def heartbeat(self, token: str = "") -> None:
    """Records that a worker consumed this queue (beat sends one to every queue; admins
    and /readyz see the last one of each)."""
    queue = (self.request.delivery_info or {}).get("routing_key") or ""
    heartbeat_record(worker=socket.gethostname(), queue=queue, token=token)


@shared_task(name="tracker.operator_consistency")
def operator_consistency() -> None:
    """Finds and repairs enrollments and hires whose stored operator is not their
    cohort's (nightly, by beat, before the full rollup; it should find nothing)."""
    operator_consistency_repair()


@shared_task(name="tracker.lagging_alerts")
def lagging_alerts() -> None:
    """E-mails each convention's managers the lagging conventions, once per period."""
    lagging_alerts_send()


@shared_task(name="tracker.idempotency_purge")
def idempotency_purge() -> int:
    """Forgets the API's Idempotency-Keys past their 24 hours (hourly, by beat)."""
    return purge()


@shared_task(name="tracker.figures_verification_rebuild")
def verification_rebuild_task() -> None:
    """Rebuilds the match of hires against declarations (queued on commit)."""
    verification_rebuild()


@shared_task(name="tracker.figures_verification_sweep")
def verification_sweep_task(older_than_seconds: float = 60.0) -> None:
    """Rebuilds the match when hires changed or a marker outlived its task (beat)."""
    verification_sweep(older_than=dt.timedelta(seconds=older_than_seconds))
