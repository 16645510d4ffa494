from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tracker.demo import DEMO_PASSWORD, SIZES, DemoContext, steps
from tracker.demo.partners import LOGINS


class Command(BaseCommand):
    help = "Creates the demo data and logins (idempotent, deterministic for a given seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=2030)

    def handle(self, *args: Any, size: str, seed: int, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo creates known passwords: never in production.")
        context = DemoContext(size=size, seed=seed, log=self.stdout.write)
        with transaction.atomic():
            for step in steps():
                step(context)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password for all: {DEMO_PASSWORD}):")
        )
        for username, (role, partner_key, _first, _last) in LOGINS.items():
            organisation = f" — {context.objects['partners'][partner_key]}" if partner_key else ""
            self.stdout.write(f"  {username:<10} {role.label}{organisation}")
