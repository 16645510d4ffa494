from __future__ import annotations

from tracker.models import WorkerHeartbeat


def heartbeat_record(*, worker: str, token: str = "") -> WorkerHeartbeat:
    return WorkerHeartbeat.objects.create(worker=worker[:200], token=token[:64])
