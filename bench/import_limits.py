"""The limits the import's budgets are ratios to (DESIGN.md: import >= 20x
django-import-export, and within 3x of bare COPY), measured by ``bench_import
--rollback --limits`` in the same transaction as our import, on the same machine and
the same file:

- django-import-export loading the same file into the same tables, in a savepoint
  rolled back before our import (so both find the tables in the same state);
- bare ``COPY`` of the rows our import wrote: copied out with ``COPY ... TO STDOUT``,
  deleted, then timed back in with ``COPY ... FROM STDIN`` into the same tables with
  their indexes, foreign-key checks included (as ours: ``SET CONSTRAINTS ALL
  IMMEDIATE`` at the end), in a savepoint rolled back. PostgreSQL only: the limit is the
  engine's own bulk path, which SQLite has not.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Max, Model

from accounts.models import User
from tracker.models import ChangeLog, Enrollment, ImportBatch, Placement, Trainee, TraineeContact

T = TypeVar("T")

# The tables an import writes, parents first (the COPY back goes in this order, the
# deletes in the reverse one).
IMPORTED_MODELS: tuple[type[Model], ...] = (
    Trainee,
    TraineeContact,
    Enrollment,
    Placement,
    ChangeLog,
)


@dataclass
class Limits:
    compare_rows: int = 0  # rows of the file both imports read for the first ratio
    import_export: float | None = None  # seconds, django-import-export on that file
    ours_on_compare: float | None = None  # seconds, ours end to end on that file
    copy: float | None = None  # seconds, bare COPY of the rows ours wrote (PostgreSQL)
    copy_rows: int = 0  # table rows that COPY wrote (all tables)

    def describe(self, ours: Any) -> str:
        lines = []
        if self.import_export is not None and self.ours_on_compare:
            lines.append(
                f"limit django-import-export: {self.import_export:.1f} s for "
                f"{self.compare_rows:,} rows, ours {self.ours_on_compare:.1f} s: "
                f"ours {self.import_export / self.ours_on_compare:.1f}x faster (same file)"
            )
        if self.copy is None:
            lines.append(f"limit bare COPY: PostgreSQL only (this database is {connection.vendor})")
        else:
            lines.append(
                f"limit bare COPY: {self.copy:.2f} s for the {self.copy_rows:,} table rows "
                f"ours wrote; ours end to end {ours.total:.1f} s = {ours.total / self.copy:.1f}x"
            )
        return "\n".join(lines)


def rolled_back_savepoint(
    work: Callable[[], T], *, user: User | None = None, keep_files: list[Path] | None = None
) -> T:
    """Runs ``work`` in a savepoint rolled back afterwards; the files of the import
    batches ``user`` uploaded there are added to ``keep_files`` (to delete later: the
    rollback forgets the rows, not the files)."""
    with transaction.atomic():
        try:
            return work()
        finally:
            if user is not None and keep_files is not None:
                keep_files += stored_files(user)
            transaction.set_rollback(True)


def stored_files(user: User) -> list[Path]:
    return [
        Path(batch.file.path)
        for batch in ImportBatch.objects.filter(uploaded_by=user)
        if batch.file
    ]


def import_export_seconds(path: Path) -> float:
    from bench.comparison import import_export_load

    return import_export_load(path)["total"]


def table_marks() -> dict[type[Model], int]:
    """The highest id of each imported table: rows above it are the ones written next
    (ids come from sequences; the whole run is one transaction of its own)."""
    return {
        model: model._default_manager.aggregate(mark=Max("id"))["mark"] or 0
        for model in IMPORTED_MODELS
    }


def bare_copy_seconds(marks: dict[type[Model], int]) -> tuple[float, int]:
    """Seconds to COPY back the rows written above ``marks`` into the same tables (with
    their indexes and foreign-key checks), and how many table rows that is. Rolled back:
    the rows are as the import left them afterwards."""
    tables = [(model._meta.db_table, marks[model]) for model in IMPORTED_MODELS]
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        copied: list[tuple[str, bytes, int]] = []
        for table, mark in tables:
            # Table names are the models' own, never user input.
            query = f"COPY (SELECT * FROM {table} WHERE id > {int(mark)} ORDER BY id) TO STDOUT"  # noqa: S608
            with raw.copy(query) as copy:
                data = b"".join(bytes(block) for block in copy)
            copied.append((table, data, data.count(b"\n")))
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, mark in reversed(tables):
            cursor.execute(f"DELETE FROM {table} WHERE id > %s", [mark])  # noqa: S608
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deletes' checks, not timed
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as the import's transaction
        started = time.perf_counter()
        for table, data, _rows in copied:
            if data:
                with raw.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(data)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign-key checks, timed
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, sum(rows for _table, _data, rows in copied)
