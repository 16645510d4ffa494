"""An import's progress while its task runs: written to the cache (every process reads
it, no row lock on the batch), the stored value once the task has ended. Shared by the
partners' imports and the CNSS declarations import."""

from __future__ import annotations

from typing import Protocol

from django.core.cache import cache

TIMEOUT_SECONDS = 24 * 3600


class StagedBatch(Protocol):
    id: int
    status: str
    progress: int

    @property
    def is_running(self) -> bool: ...


class LiveProgress:
    def __init__(self, prefix: str, *, committed: str) -> None:
        self.prefix = prefix
        self.committed = committed

    def _key(self, batch_id: int) -> str:
        return f"{self.prefix}:{batch_id}"

    def report(self, batch_id: int, fraction: float) -> None:
        cache.set(self._key(batch_id), int(fraction * 100), timeout=TIMEOUT_SECONDS)

    def read(self, batch: StagedBatch) -> int:
        """0..100: live from the cache while a task runs, else the stored value."""
        if batch.is_running:
            live = cache.get(self._key(batch.id))
            if live is not None:
                return int(live)
        return 100 if batch.status == self.committed else batch.progress
