from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.figures.rollups import rollup_full_recompute, rollup_scope_recompute


class Command(BaseCommand):
    help = (
        "Recomputes the rollup store from the source rows (everything, or the given "
        "cohorts) and reports the drift it corrected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reference-date",
            help="Date the 6- and 12-month windows are measured against (default: today).",
        )
        parser.add_argument(
            "--cohort",
            type=int,
            action="append",
            dest="cohorts",
            help="Recompute only these cohorts and their scopes (repeatable).",
        )

    def handle(
        self, *args: Any, reference_date: str | None, cohorts: list[int] | None, **options: Any
    ) -> None:
        if cohorts:
            if reference_date:
                raise CommandError("--reference-date applies to a full recompute only.")
            result = rollup_scope_recompute(cohort_ids=cohorts)
            self.stdout.write(f"Cohorts {cohorts}: {result.rows_written} rows written.")
            return
        try:
            day = dt.date.fromisoformat(reference_date) if reference_date else None
        except ValueError as error:
            raise CommandError(
                f"--reference-date: expected YYYY-MM-DD, got {reference_date!r}."
            ) from error
        result = rollup_full_recompute(reference_date=day)
        self.stdout.write(
            f"{result.rows_written} rows written, {result.drift_count} cells corrected."
        )
        for cell, (old, new) in list(result.drift.items())[:20]:
            self.stdout.write(f"  {cell}: {old} -> {new}")
