"""Demo data, seeded by ``python manage.py seed_demo``.

Each module adds one part of the demo (partners and logins, conventions, cohorts and
people, ...) through ``seed(context)``; STEPS runs them in order. Every step is
idempotent and deterministic for a given seed: run it twice, get the same data."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEMO_PASSWORD = "offshoring2030"  # noqa: S105 - demo only: seed_demo refuses production

SIZES = {"small": 1, "medium": 10, "large": 60}


@dataclass
class DemoContext:
    size: str = "small"
    seed: int = 2030
    rng: random.Random = field(init=False)
    log: Callable[[str], Any] = print
    # Objects created by earlier steps, for later ones (partners by key, users...).
    objects: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @property
    def scale(self) -> int:
        return SIZES[self.size]


def steps() -> list[Callable[[DemoContext], None]]:
    from tracker.demo import conventions, declarations, figures, partners, people

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
