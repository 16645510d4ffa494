"""Demo: compute the figures of whatever the earlier steps seeded (keep this step last),
so that the dashboard shows the demo's trends at once."""

from __future__ import annotations

from tracker.demo.context import DemoContext
from tracker.figures.rollups import rollup_full_recompute


def seed(context: DemoContext) -> None:
    result = rollup_full_recompute()
    context.log(f"figures: {result.rows_written} rollup rows computed")
