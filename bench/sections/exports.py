"""Streaming export of 100,000 rows: the admin's CSV export of the 2024 enrollments of
Casablanca-Settat (about 110,000 rows, every column, personal data unmasked), read
through the test client in a separate process. Figures: seconds until the 100,000th row
has been streamed (budget <= 10 s), and the growth of the process's resident memory
between the 10,000th row and the end of the stream (constant memory: budget <= 20 MB,
against the ~100 MB that 100,000 rows held at once would take)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import urlencode

from django.urls import reverse

from bench.measure import PROJECT_DIR, Report
from bench.users import ensure_bench_users
from conventions.models import Region

ROWS = 100_000
SECONDS_BUDGET = 10
GROWTH_BUDGET_MB = 20
# The export within this many times COPY ... TO STDOUT of the same rows (DESIGN.md).
COPY_RATIO_BUDGET = 3


def small_run() -> bool:
    """``bench --small``: the demo data has far fewer than 100,000 rows to export."""
    return os.environ.get("BENCH_SMALL") == "1"


def run(report: Report) -> None:
    users = ensure_bench_users()
    params = {"region": Region.objects.get(code="MA-06").pk, "year": 2024, "export": "csv"}
    url = f"{reverse('enrollment_list')}?{urlencode(params)}"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.export_probe",
            "--username",
            users.admin.username,
            "--url",
            url,
            "--rows",
            str(ROWS),
        ],
        cwd=PROJECT_DIR,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    if result["status"] != 200 or (result["seconds_to_target"] is None and not small_run()):
        raise RuntimeError(f"export did not stream {ROWS:,} rows: {result}")
    rss = result["rss_mb"]
    load = f"load {os.getloadavg()[0]:.1f}"
    report.add(
        "export CSV: whole export / COPY TO STDOUT of the same rows",
        round(result["seconds_total"] / result["copy_seconds"], 2),
        "x",
        COPY_RATIO_BUDGET,
        note=f"{result['seconds_total']:.1f} s / {result['copy_seconds']:.2f} s, same run",
    )
    report.add(
        f"export CSV: first {ROWS:,} rows streamed",
        # (a small run has fewer rows: the whole export then)
        result["seconds_to_target"] or result["seconds_total"],
        "s",
        SECONDS_BUDGET,
        note=(
            f"whole export {result['rows']:,} rows, {result['megabytes']:.0f} MB in "
            f"{result['seconds_total']:.1f} s, of which {result['cpu_seconds']:.1f} s CPU of "
            f"the streaming process; {load}"
        ),
    )
    report.add(
        "export CSV: resident memory growth from row 10,000 to the end",
        rss["end"] - rss.get("10k", rss["start"]),
        "MB",
        GROWTH_BUDGET_MB,
        note=(
            f"RSS {rss['start']:.0f} MB before, {rss.get('10k', float('nan')):.0f} at 10k rows, "
            f"{rss['end']:.0f} at the end; peak {result['peak_rss_mb']:.0f} MB"
        ),
    )
