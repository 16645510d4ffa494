"""Server-side SVG charts: the geometry is computed here, the templates
(templates/figures/charts/) draw it. No script, no inline style (the CSP forbids both),
no asset from the internet: colours come from classes in static/css/figures.css."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from web import formatting

WIDTH = 640
HEIGHT = 240
MARGIN_LEFT = 64
MARGIN_BOTTOM = 28
MARGIN_TOP = 12
MARGIN_RIGHT = 12


def _nice_ceiling(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10.0 * power


def short_number(value: float) -> str:
    """148500 -> 148,5 k (fr), 148.5 k (en), 148,5 ألف (ar); 40000000000 -> 40 Md."""
    return formatting.compact(value).bare


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_label: str
    url: str = ""


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class ColumnChart:
    """Columns (actual figures) per year and a line (the target or trajectory)."""

    width: int
    height: int
    bars: list[Bar]
    line: list[Point]
    ticks: list[Tick]
    baseline: float
    year_labels: list[Point]
    left: int

    @property
    def line_points(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.line)

    @property
    def has_links(self) -> bool:
        """Columns that open their rows make the chart a group of links, not an image
        (an image's content is hidden from assistive technologies)."""
        return any(bar.url for bar in self.bars)


def column_chart(
    *,
    years: list[int],
    actual: Mapping[int, Decimal | int | None],
    target: Mapping[int, Decimal | int | None],
    urls: dict[int, str] | None = None,
) -> ColumnChart:
    urls = urls or {}
    values = [float(v) for v in (*actual.values(), *target.values()) if v is not None]
    top = _nice_ceiling(max(values, default=0))
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    slot = plot_width / max(len(years), 1)
    baseline = HEIGHT - MARGIN_BOTTOM

    def y_of(value: float) -> float:
        return baseline - plot_height * value / top

    bars, line = [], []
    for index, year in enumerate(years):
        center = MARGIN_LEFT + slot * (index + 0.5)
        value = actual.get(year)
        if value is not None:
            y = y_of(float(value))
            bars.append(
                Bar(
                    x=center - slot * 0.3,
                    y=y,
                    width=slot * 0.6,
                    height=baseline - y,
                    label=str(year),
                    value_label=short_number(float(value)),
                    url=urls.get(year, ""),
                )
            )
        goal = target.get(year)
        if goal is not None:
            line.append(Point(center, y_of(float(goal)), short_number(float(goal))))
    ticks = [
        Tick(y_of(top * share), short_number(top * share)) for share in (0, 0.25, 0.5, 0.75, 1)
    ]
    year_labels = [
        Point(MARGIN_LEFT + slot * (index + 0.5), baseline + 18, str(year))
        for index, year in enumerate(years)
    ]
    return ColumnChart(WIDTH, HEIGHT, bars, line, ticks, baseline, year_labels, MARGIN_LEFT)


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per member (e.g. the 12 regions), each a link."""

    width: int
    height: int
    bars: list[Bar]
    label_width: int


def bar_chart(
    items: Sequence[tuple[str, int | Decimal, str]],
    *,
    label_width: int = 220,
    percent: bool = False,
) -> BarChart:
    """``items``: (label, value, url) in display order; ``percent``: the values are
    percentages (labelled 12,5 %)."""
    row = 22
    top = _nice_ceiling(float(max((value for _label, value, _url in items), default=0)))
    value_label = formatting.percent if percent else formatting.number
    plot_width = WIDTH - label_width - 60
    bars = [
        Bar(
            x=label_width,
            y=index * row + 4,
            width=plot_width * float(value) / top if top else 0,
            height=row - 6,
            label=label,
            value_label=value_label(value).bare,
            url=url,
        )
        for index, (label, value, url) in enumerate(items)
    ]
    return BarChart(WIDTH, row * len(items) + 8, bars, label_width)
