"""The sector's official figures (entered by admins as NationalFigure rows) and the
linear trajectory from the first actual year to the 2030 target."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from conventions.models import NationalFigure


@dataclass(frozen=True)
class SectorSeries:
    indicator: str
    label: str
    years: list[int]
    actual: dict[int, Decimal]
    trajectory: dict[int, Decimal]
    target_year: int | None
    target: Decimal | None

    @property
    def latest_year(self) -> int | None:
        return max(self.actual, default=None)

    @property
    def latest_value(self) -> Decimal | None:
        year = self.latest_year
        return None if year is None else self.actual[year]

    @property
    def latest_gap(self) -> Decimal | None:
        """Latest actual minus the trajectory for that year (negative: behind)."""
        year = self.latest_year
        if year is None or year not in self.trajectory:
            return None
        return self.actual[year] - self.trajectory[year]


def sector_series(rows: list[NationalFigure], indicator: str) -> SectorSeries:
    label = str(NationalFigure.Indicator(indicator).label)
    actual = {r.year: r.value for r in rows if r.indicator == indicator and r.kind == "actual"}
    targets = {r.year: r.value for r in rows if r.indicator == indicator and r.kind == "target"}
    trajectory: dict[int, Decimal] = {}
    target_year = max(targets, default=None)
    target = targets.get(target_year) if target_year is not None else None
    if actual and target_year is not None and target is not None:
        start_year = min(actual)
        start = actual[start_year]
        span = target_year - start_year
        for year in range(start_year, target_year + 1):
            share = Decimal(year - start_year) / Decimal(span) if span else Decimal(1)
            trajectory[year] = (start + (target - start) * share).quantize(Decimal(1))
    years = sorted(set(actual) | set(trajectory))
    return SectorSeries(indicator, label, years, actual, trajectory, target_year, target)


def sector_figures() -> dict[str, SectorSeries]:
    """Jobs and exports, each against its trajectory to the 2030 target (one query)."""
    rows = list(
        NationalFigure.objects.filter(
            indicator__in=[
                NationalFigure.Indicator.SECTOR_JOBS,
                NationalFigure.Indicator.SECTOR_EXPORTS_MAD,
            ]
        )
    )
    return {
        "jobs": sector_series(rows, NationalFigure.Indicator.SECTOR_JOBS),
        "exports": sector_series(rows, NationalFigure.Indicator.SECTOR_EXPORTS_MAD),
    }
