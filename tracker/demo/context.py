"""What every demo step receives: the size, the seeded random generator, and the objects
earlier steps created."""

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
