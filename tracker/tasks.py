"""Celery tasks of the tracking app: thin, named, ids only, idempotent."""

from __future__ import annotations

import socket

from celery import shared_task

from tracker.services.system import heartbeat_record


@shared_task(name="tracker.heartbeat")
def heartbeat(token: str = "") -> None:
    """Records that a worker consumed the queue (admins see the last beat)."""
    heartbeat_record(worker=socket.gethostname(), token=token)


@shared_task(name="tracker.import_validate")
def import_validate_task(batch_id: int) -> None:
    """Validates every row of an uploaded import file (tracker.services.imports)."""
    from tracker.services.imports import import_validate

    import_validate(batch_id=batch_id)


@shared_task(name="tracker.import_commit")
def import_commit_task(batch_id: int) -> None:
    """Writes a confirmed import in one transaction (tracker.services.imports)."""
    from tracker.services.imports import import_commit

    import_commit(batch_id=batch_id)
