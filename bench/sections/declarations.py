"""CNSS declarations: import speed and peak memory for the national declarations file
(300,000 hires x 24 months, about 7 million rows), and the match's time beside a
hand-written SQL join of the same rows, measured in the same run.

Runs `manage.py bench_declarations --scale S` in a fresh process (its peak resident
memory is then the import's own), rolled back at the end. BENCH_DECLARATIONS_SCALE
(default 1: national) takes a share of it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.measure import PROJECT_DIR, Report

END_TO_END_BUDGET = 10_000  # rows per second, as partners' imports (DESIGN.md)


def run(report: Report) -> None:
    scale = float(os.environ.get("BENCH_DECLARATIONS_SCALE", "1"))
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "figures.json"
        subprocess.run(
            [
                sys.executable,
                str(PROJECT_DIR / "manage.py"),
                "bench_declarations",
                "--scale",
                str(scale),
                "--json",
                str(output),
            ],
            check=True,
            cwd=PROJECT_DIR,
            env=os.environ.copy(),
        )
        figures = json.loads(output.read_text())
    rows = figures["rows"]
    note = f"scale {scale:g}: {figures['hires']:,} hires, {rows:,} rows"
    report.add(
        "declarations: import end to end (validation + commit)",
        rows / (figures["validation_s"] + figures["commit_s"]),
        "rows/s",
        budget=END_TO_END_BUDGET,
        kind="min",
        note=note,
    )
    report.add("declarations: import peak resident memory", figures["peak_rss_mb"], "MB", note=note)
    report.add(
        "declarations: match / hand-written join of the same rows",
        figures["match_s"] / max(figures["join_s"], 1e-9),
        "x",
        note=(
            f"{note}; match {figures['match_s']:.2f} s (all match tables), join "
            f"{figures['join_s']:.2f} s (verified only), same run"
        ),
    )
