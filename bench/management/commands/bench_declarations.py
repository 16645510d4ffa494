"""The CNSS declarations benchmark (bench/declarations.py): import speed, peak memory,
and the match's time beside a hand-written SQL join, measured in the same run.

    python manage.py bench_declarations --scale 1        # national: 300,000 hires x 24
    python manage.py bench_declarations --scale 0.002    # a small check (demo data)

Runs in one transaction rolled back at the end: the database is left as it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bench.declarations import run


class Command(BaseCommand):
    help = "Benchmarks the CNSS declarations import and the match (rolled back)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="share of 300,000 hires")
        parser.add_argument(
            "--json", dest="json_path", type=Path, help="also write the figures to this file"
        )

    def handle(
        self, *args: Any, scale: float, json_path: Path | None = None, **options: Any
    ) -> None:
        figures = run(scale=scale)
        rows = figures["rows"]
        end_to_end = figures["validation_s"] + figures["commit_s"]
        lines = [
            f"scale {scale:g}: {figures['hires']:,} hires, {rows:,} declaration rows "
            f"({figures['file_mb']:.1f} MB), {figures['vendor']}",
            f"import validation: {figures['validation_s']:.2f} s "
            f"({rows / figures['validation_s']:,.0f} rows/s)",
            f"import commit:     {figures['commit_s']:.2f} s "
            f"({rows / figures['commit_s']:,.0f} rows/s)",
            f"import end to end: {end_to_end:.2f} s ({rows / end_to_end:,.0f} rows/s)",
            f"peak resident memory: {figures['peak_rss_mb']:.0f} MB "
            f"(before the import: {figures['rss_before_mb']:.0f} MB)",
            f"match (every match table rebuilt): {figures['match_s']:.3f} s; "
            "hand-written join of the "
            f"same rows (verified only): {figures['join_s']:.3f} s; ratio "
            f"{figures['match_s'] / max(figures['join_s'], 1e-9):.1f}x",
            f"verified hires: match {figures['match_verified']:,}, "
            f"join {figures['join_verified']:,}",
        ]
        for line in lines:
            self.stdout.write(line)
        if json_path:
            json_path.write_text(json.dumps(figures, indent=2))
