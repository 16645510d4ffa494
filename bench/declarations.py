"""The CNSS declarations benchmark (`manage.py bench_declarations`): a declarations file
generated for the database's hires (national: 300,000 hires x 24 months, about 7 million
rows; ``--scale`` takes a share of it), imported through the real stages, then matched;
the match's time beside a hand-written SQL join of the same rows, measured in the same
run. Everything happens in one transaction rolled back at the end: the database is left
as it was."""

from __future__ import annotations

import os
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import connection, transaction

from accounts.models import Role, User
from tracker.imports.declarations.layout import ANSWER_HEADER
from tracker.imports.declarations.services import (
    declarations_commit,
    declarations_confirm,
    declarations_upload,
    declarations_validate,
)
from tracker.models import HireVerification, Placement
from tracker.models.declarations import month_index
from tracker.verification.matching import hires_sql
from tracker.verification.state import verification_rebuild
from web.spreadsheets import SafeCsvWriter

NATIONAL_HIRES = 300_000
MONTHS = 24


class RollbackRequestedError(Exception):
    """Raised to leave the benchmark's transaction without writing anything."""


def _hires(limit: int) -> Iterator[tuple[str, str, int]]:
    """(CIN, employer ICE, hire month index) of up to ``limit`` hires, by person."""
    rows = (
        Placement.objects.order_by("enrollment__trainee_id", "id")
        .values_list("enrollment__trainee__cin", "employer__ice", "employer_ice", "hired_on")
        .iterator(chunk_size=5000)
    )
    for count, (cin, partner_ice, ice, hired_on) in enumerate(rows):
        if count >= limit:
            return
        yield cin, partner_ice or ice, month_index(hired_on.year, hired_on.month)


def write_file(path: Path, hires: int) -> int:
    """Writes the answer file: each hire declared by its employer for MONTHS months from
    its hire month, one month in 20 skipped; returns the number of rows."""
    written = 0
    seen: set[tuple[int, str]] = set()
    last_cin = ""
    with path.open("w", newline="") as handle:
        writer = SafeCsvWriter(handle, delimiter=";")
        writer.writerow(ANSWER_HEADER)
        for n, (cin, ice, first) in enumerate(_hires(hires)):
            if cin != last_cin:
                seen, last_cin = set(), cin
            if not ice:
                continue
            for month in range(first, first + MONTHS):
                if (n + month) % 20 == 0 or (month, ice) in seen:
                    continue
                seen.add((month, ice))
                year, number = divmod(month, 12)
                salary = 6000 + (n * 37 + month) % 6000
                writer.writerow([cin, ice, "", f"{year}-{number + 1:02d}", 26, f"{salary}.00"])
                written += 1
    return written


def hand_written_join() -> int:
    """The verified rule as one plain join, for comparison: hires whose person is
    declared under the hire's employer ICE in the hire month or the next (the hires read
    by the match's own subquery, so both see the same months)."""
    sql = f"""SELECT COUNT(DISTINCT h.placement_id) FROM ({hires_sql()}) h
        JOIN tracker_declaration d ON d.trainee_id = h.trainee_id AND d.employer_ice = h.ice
        WHERE d.month_index BETWEEN h.m AND h.m + 1"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [])
        return int(cursor.fetchone()[0])


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(*, scale: float) -> dict[str, Any]:
    hires = max(1, round(NATIONAL_HIRES * scale))
    figures: dict[str, Any] = {"scale": scale, "hires_asked": hires, "vendor": connection.vendor}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "declarations_bench.csv"
        started = time.perf_counter()
        figures["rows"] = write_file(path, hires)
        figures["generate_s"] = time.perf_counter() - started
        figures["hires"] = min(hires, Placement.objects.count())
        figures["file_mb"] = os.path.getsize(path) / 2**20
        figures["rss_before_mb"] = _rss_mb()
        try:
            with transaction.atomic():
                _measure(path, figures)
                raise RollbackRequestedError
        except RollbackRequestedError:
            pass
    figures["peak_rss_mb"] = _rss_mb()
    return figures


def _measure(path: Path, figures: dict[str, Any]) -> None:
    admin = User.objects.create(username="bench.declarations", role=Role.ADMIN)
    with path.open("rb") as handle:
        started = time.perf_counter()
        batch = declarations_upload(user=admin, uploaded_file=File(handle, name=path.name))
    batch = declarations_validate(batch_id=batch.id)
    figures["validation_s"] = time.perf_counter() - started
    if batch.status != batch.Status.VALIDATED:
        raise RuntimeError(f"bench file refused: {batch.failure_reason or batch.status}")
    started = time.perf_counter()
    declarations_confirm(user=admin, batch=batch)
    batch = declarations_commit(batch_id=batch.id)
    figures["commit_s"] = time.perf_counter() - started
    batch.file.delete(save=False)
    started = time.perf_counter()
    verification_rebuild()
    figures["match_s"] = time.perf_counter() - started
    started = time.perf_counter()
    figures["join_verified"] = hand_written_join()
    figures["join_s"] = time.perf_counter() - started

    figures["match_verified"] = HireVerification.objects.filter(verified=True).count()
