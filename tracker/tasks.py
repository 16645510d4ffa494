"""Celery tasks of the tracking app: thin, named, ids only, idempotent."""

from __future__ import annotations

import socket

from celery import shared_task

from tracker.services.system import heartbeat_record


@shared_task(name="tracker.heartbeat")
def heartbeat(token: str = "") -> None:
    """Records that a worker consumed the queue (admins see the last beat)."""
    heartbeat_record(worker=socket.gethostname(), token=token)
