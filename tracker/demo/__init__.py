"""Demo data, seeded by ``python manage.py seed_demo``.

Each module adds one part of the demo (partners and logins, conventions, cohorts and
people, ...) through ``seed(context)``; STEPS runs them in order. Every step is
idempotent and deterministic for a given seed: run it twice, get the same data."""

from __future__ import annotations

from collections.abc import Callable

from tracker.demo import conventions, declarations, figures, partners, people
from tracker.demo.context import DEMO_PASSWORD, SIZES, DemoContext

__all__ = ["DEMO_PASSWORD", "SIZES", "DemoContext", "steps"]


def steps() -> list[Callable[[DemoContext], None]]:
    # figures last: it computes the rollups of everything seeded before it. The CNSS
    # declarations protect their people: cleared before the people are re-seeded.
    return [
        partners.seed,
        conventions.seed,
        declarations.clear,
        people.seed,
        declarations.seed,
        figures.seed,
    ]
