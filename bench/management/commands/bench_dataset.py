from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.dataset import DatasetSize, generate, wipe


class Command(BaseCommand):
    help = (
        "Fills PostgreSQL with the national benchmark dataset (2,000 conventions, 20,000 "
        "cohorts, 1,000,000 enrollments, 300,000 hires by default). --wipe empties the "
        "tracked tables first: never on a database that holds real data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = DatasetSize()
        parser.add_argument("--wipe", action="store_true")
        parser.add_argument("--conventions", type=int, default=defaults.conventions)
        parser.add_argument("--cohorts", type=int, default=defaults.cohorts)
        parser.add_argument("--enrollments", type=int, default=defaults.enrollments)
        parser.add_argument("--placements", type=int, default=defaults.placements)
        parser.add_argument("--seed", type=int, default=2030)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["wipe"]:
            raise CommandError("Pass --wipe: the dataset replaces conventions, cohorts and people.")
        size = DatasetSize(
            conventions=options["conventions"],
            cohorts=options["cohorts"],
            enrollments=options["enrollments"],
            placements=options["placements"],
        )
        started = time.perf_counter()
        wipe()
        try:
            generate(size=size, seed=options["seed"], log=self.stdout.write)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Dataset ready in {time.perf_counter() - started:.1f} s: {size}")
        )
