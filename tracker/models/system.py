from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """Written by the ``tracker.heartbeat`` task: proves a worker consumes a queue.

    Beat sends one heartbeat to every queue (settings.CELERY_BEAT_SCHEDULE), so a row per
    queue proves that some worker consumes that queue. Admins see the last beat on their
    home page and ``/readyz`` reports its age; a stale beat means tasks are not run."""

    worker = models.CharField(max_length=200)
    queue = models.CharField(max_length=50, blank=True, default="")
    token = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        get_latest_by = "at"
        indexes = [models.Index(fields=["queue", "at"], name="heartbeat_queue_at_idx")]

    def __str__(self) -> str:
        return f"{self.worker} [{self.queue}] @ {self.at}"


class BeatHeartbeat(models.Model):
    """Written by the beat process itself, from its scheduler's tick, while it holds the
    single-beat lock (config.beat): proves the periodic tasks are being sent. One row per
    beat process name, updated in place."""

    name = models.CharField(max_length=200, unique=True)
    at = models.DateTimeField()

    class Meta:
        get_latest_by = "at"

    def __str__(self) -> str:
        return f"{self.name} @ {self.at}"
