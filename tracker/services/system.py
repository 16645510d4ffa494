from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tracker.models import BeatHeartbeat, WorkerHeartbeat

# Worker heartbeats older than this are deleted when a new one is written: the table
# stays a few thousand rows (one per queue every 5 minutes) and its reads stay cheap.
HEARTBEAT_KEPT = dt.timedelta(days=7)


def heartbeat_record(*, worker: str, queue: str = "", token: str = "") -> WorkerHeartbeat:
    beat = WorkerHeartbeat.objects.create(worker=worker[:200], queue=queue[:50], token=token[:64])
    WorkerHeartbeat.objects.filter(queue=beat.queue, at__lt=beat.at - HEARTBEAT_KEPT).delete()
    return beat


def beat_heartbeat_record(*, name: str) -> None:
    """The beat process says it is alive and sending the schedule (config.beat)."""
    BeatHeartbeat.objects.update_or_create(name=name[:200], defaults={"at": timezone.now()})
