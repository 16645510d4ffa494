"""The national benchmark: every DESIGN.md performance budget measured on the national
dataset, each figure beside its budget.

    python manage.py bench_dataset --wipe          # once, on a scratch PostgreSQL database
    python manage.py bench --output var/bench-run.md
    python manage.py bench --only lists,exports    # some sections only

The sections are the modules named in ``bench.sections.SECTIONS``; each adds its figures
to one report, printed as a table at the end. A section module that does not exist yet
is skipped with a note. The command refuses SQLite and a database without the national
dataset: the budgets are stated for 1M enrollments on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import importlib
import os
import platform
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench.measure import Report
from bench.sections import SECTIONS

# The national dataset's size (bench/dataset.py); a database well under it is not the
# one the budgets speak of.
REQUIRED_ROWS = {"tracker_enrollment": 900_000, "tracker_placement": 250_000}


def machine_summary() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 2**20:.1f} GB RAM"
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return [
        f"machine: {os.cpu_count()} CPU ({cpu}){memory}; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}",
        f"database: PostgreSQL {server} ({connection.settings_dict['NAME']})",
    ]


VACUUMED_TABLES = (
    "tracker_trainee",
    "tracker_enrollment",
    "tracker_placement",
    "tracker_cohort",
    "tracker_rollup",
    "tracker_changelog",
    "conventions_convention",
    "conventions_commitment",
    "conventions_partner",
)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


class Command(BaseCommand):
    help = "Measures every performance budget of DESIGN.md on the national dataset."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only",
            default="",
            help=f"comma-separated sections to run (default: all of {', '.join(SECTIONS)})",
        )
        parser.add_argument("--output", type=Path, help="also write the report (Markdown) here")
        parser.add_argument(
            "--small",
            action="store_true",
            help="run on a database smaller than the national dataset, to check that the "
            "benchmark works (labelled as such; its figures say nothing of the budgets)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sections = self._sections(options["only"])
        self._check_database(small=options["small"])
        if options["small"]:
            os.environ["BENCH_SMALL"] = "1"  # sections (and their subprocesses) adapt
        # Measure as in production: with DEBUG on, Django would keep every query's text.
        settings.DEBUG = False
        report = Report()
        sessions = (
            "sessions in the Redis cache (REDIS_URL set, as in production)"
            if settings.REDIS_URL
            else "sessions in the database: REDIS_URL unset, one more query per page"
        )
        scale = (
            "SMALL-SCALE run (not the national dataset: checks the benchmark works)"
            if options["small"]
            else "national benchmark"
        )
        header = [
            f"{scale}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
            *machine_summary(),
            sessions,
            f"load average at start: {load_average()}",
        ]
        for line in header:
            self.stdout.write(line)
        vacuum_seconds = self._vacuum()
        header.append(
            f"VACUUM (ANALYZE) of the measured tables first: {vacuum_seconds:.0f} s "
            f"(autovacuum is {self._setting('autovacuum')} on this server)"
        )
        self.stdout.write(header[-1])
        started = time.perf_counter()
        notes = []
        for name in sections:
            try:
                module = importlib.import_module(f"bench.sections.{name}")
            except ModuleNotFoundError as error:
                if error.name != f"bench.sections.{name}":
                    raise
                note = f"section {name}: not on this branch yet, skipped"
                notes.append(note)
                self.stdout.write(self.style.WARNING(note))
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {name} (load {load_average()})"))
            section_started = time.perf_counter()
            module.run(report)
            self.stdout.write(f"   {name}: {time.perf_counter() - section_started:.0f} s")
        total = time.perf_counter() - started
        footer = [
            f"total: {total / 60:.1f} min; load average at end: {load_average()}",
            *notes,
        ]
        table = report.table()
        self.stdout.write("\n" + table + "\n")
        for line in footer:
            self.stdout.write(line)
        missed = [r.name for r in report.results if r.met is False]
        if missed:
            self.stdout.write(self.style.WARNING(f"{len(missed)} budget(s) not met"))
        if options["output"]:
            text = "\n".join([*(f"- {line}" for line in header + footer), "", table, ""])
            options["output"].write_text(text, encoding="utf-8")
            self.stdout.write(f"report written to {options['output']}")

    def _setting(self, name: str) -> str:
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            return str(cursor.fetchone()[0])

    def _vacuum(self) -> float:
        """What autovacuum keeps done on a production server: the visibility map (index-only
        scans) and the planner's statistics, after the data was written by COPY or by a
        migration. Measured without it, plans and timings would depend on when the
        database was last vacuumed by hand."""
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for table in VACUUMED_TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        return time.perf_counter() - started

    def _sections(self, only: str) -> list[str]:
        if not only:
            return list(SECTIONS)
        chosen = [name.strip() for name in only.split(",") if name.strip()]
        unknown = [name for name in chosen if name not in SECTIONS]
        if unknown:
            raise CommandError(
                f"Unknown section(s): {', '.join(unknown)}; choose among {', '.join(SECTIONS)}."
            )
        return [name for name in SECTIONS if name in chosen]

    def _check_database(self, *, small: bool) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                f"The benchmark runs on PostgreSQL only (this database is {connection.vendor}): "
                "set DATABASE_URL=postgres://... and generate the national dataset with "
                "`python manage.py bench_dataset --wipe` on a scratch database."
            )
        if small:
            return
        with connection.cursor() as cursor:
            for table, required in REQUIRED_ROWS.items():
                # The table names are this module's constants, never user input.
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
                rows = cursor.fetchone()[0]
                if rows < required:
                    raise CommandError(
                        f"{table} holds {rows:,} rows; the budgets are stated for the national "
                        f"dataset (at least {required:,}). Generate it on a scratch database "
                        "with `python manage.py bench_dataset --wipe`."
                    )
