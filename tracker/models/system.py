from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """Written by the ``tracker.heartbeat`` task: proves a worker consumes the queue.

    Admins see the last beat on their home page; a stale beat means tasks are not run."""

    worker = models.CharField(max_length=200)
    token = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        get_latest_by = "at"

    def __str__(self) -> str:
        return f"{self.worker} @ {self.at}"
