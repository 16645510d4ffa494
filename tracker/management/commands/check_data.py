"""manage.py check_data: lists the existing rows that break a rule (tracker.data_checks).
Changes nothing. Exit status 1 when a row is found, so a cron or CI job can alert."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tracker.data_checks import data_check_results


class Command(BaseCommand):
    help = "Lists rows that break a validation rule (future dates, salaries, commitments)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=20, help="ids listed per rule (all are counted)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        found = 0
        for check, rows in data_check_results():
            count = rows.count()
            found += count
            ids = list(rows.values_list("pk", flat=True)[: options["limit"]])
            more = " ..." if count > len(ids) else ""
            self.stdout.write(
                f"{check.name}: {count} — {check.label}"
                + (f" (ids: {', '.join(map(str, ids))}{more})" if ids else "")
            )
        if found:
            self.stderr.write(f"{found} rows break a rule; nothing was changed.")
            sys.exit(1)
        self.stdout.write("No row breaks a rule.")
