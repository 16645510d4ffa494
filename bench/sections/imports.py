"""Bulk import: validation, commit and end-to-end rows per second, peak memory.

Runs `manage.py bench_import --rollback` in a fresh process on the current database:
a realistic file (BENCH_IMPORT_ROWS rows, default 100,000) is imported into throwaway
cohorts inside one transaction that is rolled back at the end (the deferred foreign-key
checks are run and timed with the commit first; the stored files are deleted), so the
national dataset is left exactly as it was. A fresh process, so that its peak resident
memory is the import's own.

The memory budget is for a 1,000,000-row file: set BENCH_IMPORT_MEMORY_ROWS=1000000 to
measure it here as well (about 2 more minutes on a quiet machine, longer when loaded);
otherwise the 100,000-row peak is reported and the 1M figure is the one in
docs/imports.md, measured by `bench_import --rows 1000000 --no-compare`.

The import's budgets as ratios to limits measured in the same run (DESIGN.md), by the
same process and transaction (`bench_import --limits`, bench/import_limits.py):
ours >= 20x django-import-export on the same file (BENCH_IMPORT_COMPARE_ROWS rows,
default 10,000: django-import-export loads ~120 rows/s, the whole 100,000-row file would
take a quarter of an hour), and ours end to end within 3x of bare COPY of the rows our
import wrote into the same tables with their indexes and foreign-key checks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.measure import PROJECT_DIR, Report

END_TO_END_BUDGET = 10_000  # rows per second (DESIGN.md)
MEMORY_BUDGET_MB = 300  # for a 1,000,000-row CSV
IMPORT_EXPORT_RATIO_BUDGET = 20  # ours at least this many times django-import-export
COPY_RATIO_BUDGET = 3  # ours end to end within this many times bare COPY


def _bench_import(rows: int, *, compare_rows: int = 0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "figures.json"
        subprocess.run(
            [
                sys.executable,
                str(PROJECT_DIR / "manage.py"),
                "bench_import",
                "--rows",
                str(rows),
                "--rollback",
                "--json",
                str(output),
                *(["--limits", "--compare-rows", str(compare_rows)] if compare_rows else []),
            ],
            check=True,
            cwd=PROJECT_DIR,
            env=os.environ.copy(),
        )
        figures: dict[str, Any] = json.loads(output.read_text())
    return figures


def _cpu(figures: dict[str, Any]) -> str:
    """CPU seconds of the import process and of its PostgreSQL backend, end to end:
    what a quiet machine's wall clock would approach."""
    own = figures["cpu_validation"] + figures["cpu_commit"]
    if figures["db_cpu_validation"] is None or figures["db_cpu_commit"] is None:
        return f"{own:.1f} s"
    database = figures["db_cpu_validation"] + figures["db_cpu_commit"]
    return f"{own:.1f} s + PostgreSQL {database:.1f} s"


def run(report: Report) -> None:
    rows = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
    compare_rows = min(rows, int(os.environ.get("BENCH_IMPORT_COMPARE_ROWS", "10000")))
    figures = _bench_import(rows, compare_rows=compare_rows)
    load = os.getloadavg()[0]
    note = f"{rows:,} rows; load {load:.1f}"
    report.add(
        "import: validation (upload + every row checked)",
        rows / figures["validation"],
        "rows/s",
        note=note,
    )
    report.add(
        "import: commit (one transaction)",
        rows / figures["commit"],
        "rows/s",
        note=note,
    )
    report.add(
        "import: end to end (validation + commit)",
        rows / figures["total"],
        "rows/s",
        budget=END_TO_END_BUDGET,
        kind="min",
        note=f"{note}; CPU {_cpu(figures)}",
    )
    add_ratios(report, figures)
    memory_rows = int(os.environ.get("BENCH_IMPORT_MEMORY_ROWS", "0"))
    if memory_rows:
        peak = _bench_import(memory_rows)["peak_rss_mb"]
        report.add(
            "import: peak resident memory",
            peak,
            "MB",
            budget=MEMORY_BUDGET_MB,
            note=f"{memory_rows:,} rows",
        )
    else:
        report.add(
            "import: peak resident memory",
            figures["peak_rss_mb"],
            "MB",
            note=f"{rows:,} rows; the 1M-row figure: docs/imports.md",
        )


def add_ratios(report: Report, figures: dict[str, Any]) -> None:
    """The two ratio budgets, each next to the limit measured in the same run."""
    limits = figures["limits"]
    report.add(
        "import: django-import-export / ours, same file (end to end)",
        round(limits["import_export"] / limits["ours_on_compare"], 1),
        "x",
        IMPORT_EXPORT_RATIO_BUDGET,
        kind="min",
        note=(
            f"{limits['compare_rows']:,} rows: django-import-export "
            f"{limits['import_export']:.1f} s (trainees and enrollments only), ours "
            f"{limits['ours_on_compare']:.1f} s, same run"
        ),
    )
    if limits["copy"] is None:
        report.add(
            "import: ours end to end / bare COPY of the same rows",
            float("nan"),
            "x",
            note="not measured: PostgreSQL only (COPY is PostgreSQL's bulk path)",
        )
        return
    report.add(
        "import: ours end to end / bare COPY of the same rows",
        round(figures["total"] / limits["copy"], 1),
        "x",
        COPY_RATIO_BUDGET,
        note=(
            f"{figures['rows']:,} rows: ours {figures['total']:.1f} s / COPY FROM of the "
            f"{limits['copy_rows']:,} table rows it wrote, same tables, indexes and "
            f"foreign-key checks, {limits['copy']:.2f} s, same run"
        ),
    )
