"""Serialising rollup writes.

Every scoped recompute rewrites the national rows, so two rollups touching the same
scope always overlap on the nation: one lock for all rollup writes is the honest
granularity. On PostgreSQL it is a transaction-level advisory lock, released by the
commit, the rollback or the death of the connection (a killed worker never leaves it
behind). SQLite already serialises writers on the database file: nothing to add.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection

# pg_advisory_xact_lock takes a 64-bit key; this one is "rollups" spelled in hex-ish.
ROLLUP_LOCK_KEY = 0x70_11_0F_5


def rollup_lock_acquire() -> None:
    """Blocks until this transaction holds the rollup lock (call inside atomic()), and
    tunes the transaction for a few large GROUP BYs: enough memory to aggregate in RAM
    rather than spill to disk, and no JIT (its compile time exceeds what it saves here)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK_KEY])
            cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.ROLLUP_WORK_MEM])
            cursor.execute("SET LOCAL jit = off")
