"""The commitments grid: one page where a convention's targets (or an amendment's new
set) are typed as indicators x years. This module only reads the cells and computes
the totals; the writes and their checks are the services' (conventions.services.terms).

Rows are the indicators, columns the years of the period. Count indicators (trainees,
graduates, jobs) get a row total over the period; rates get none, since adding or
averaging yearly rates gives no meaningful figure. Columns get no total either: the
indicators of a year count different things and do not add up."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from conventions.models import Commitment, Indicator
from conventions.services import commitment_cell_key

RATE_INDICATORS = frozenset({Indicator.PLACEMENT_RATE_6M, Indicator.WOMEN_SHARE})


def cell_name(indicator: str, year: int) -> str:
    """The name of a cell's input in the POST data."""
    return f"c-{indicator}-{year}"


def parse_target(text: str) -> Decimal | None:
    """A typed target: blank is None; spaces (thousands) are ignored and a decimal comma
    is accepted, as French users type numbers. Raises ValueError when unreadable."""
    cleaned = "".join(text.split()).replace("\u202f", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


@dataclass
class GridCell:
    indicator: str
    year: int
    text: str = ""  # as typed (or as stored), shown back as is
    error: str = ""

    @property
    def name(self) -> str:
        return cell_name(self.indicator, self.year)


@dataclass
class GridRow:
    indicator: str
    label: str
    cells: list[GridCell]
    is_rate: bool

    @property
    def total(self) -> Decimal | None:
        """The period's total of a count indicator; None for a rate, or when a cell is
        unreadable (a total of what could be read would be wrong)."""
        if self.is_rate:
            return None
        total = Decimal(0)
        for cell in self.cells:
            try:
                total += parse_target(cell.text) or 0
            except ValueError:
                return None
        return total


@dataclass
class CommitmentGrid:
    years: list[int]
    rows: list[GridRow] = field(default_factory=list)
    general_errors: list[str] = field(default_factory=list)  # not about one cell

    @property
    def errors(self) -> list[str]:
        """Every error: the grid-wide ones, then each cell's in grid order."""
        return self.general_errors + [cell.error for cell in self.cells() if cell.error]

    @classmethod
    def build(
        cls,
        *,
        years: Iterable[int],
        initial: Iterable[Commitment] = (),
        data: Mapping[str, Any] | None = None,
    ) -> CommitmentGrid:
        """The grid filled from ``data`` (a POST) when given, else from the stored
        ``initial`` commitments."""
        year_list = sorted(set(years))
        stored = {(c.indicator, c.year): c.target_value for c in initial}
        grid = cls(years=year_list)
        for indicator, label in Indicator.choices:
            cells = []
            for year in year_list:
                if data is not None:
                    text = str(data.get(cell_name(indicator, year), "")).strip()
                else:
                    value = stored.get((indicator, year))
                    text = "" if value is None else _plain(value)
                cells.append(GridCell(indicator=indicator, year=year, text=text))
            grid.rows.append(
                GridRow(
                    indicator=indicator,
                    label=str(label),
                    cells=cells,
                    is_rate=indicator in RATE_INDICATORS,
                )
            )
        return grid

    def cells(self) -> Iterable[GridCell]:
        for row in self.rows:
            yield from row.cells

    def targets(self) -> dict[tuple[str, int], Decimal | None]:
        """Every readable cell's value (None for blank). An unreadable cell is left out
        and carries its error, so the readable ones can still be checked with it."""
        targets: dict[tuple[str, int], Decimal | None] = {}
        for cell in self.cells():
            try:
                targets[(cell.indicator, cell.year)] = parse_target(cell.text)
            except ValueError:
                cell.error = _("%(indicator)s, %(year)s : « %(value)s » n'est pas un nombre.") % {
                    "indicator": Indicator(cell.indicator).label,
                    "year": cell.year,
                    "value": cell.text,
                }
        return targets

    def add_service_error(self, error: ValidationError) -> None:
        """Spreads a service's refusal over the cells it names (``indicator:year``
        keys); anything else (status, role) is a grid-wide error."""
        keys = {commitment_cell_key(c.indicator, c.year): c for c in self.cells()}
        if not hasattr(error, "error_dict"):
            self.general_errors.extend(str(message) for message in error.messages)
            return
        for key, messages in error.message_dict.items():
            cell = keys.get(key)
            if cell is not None:
                cell.error = " ".join(messages)
            else:
                self.general_errors.extend(messages)


def _plain(value: Decimal) -> str:
    """A stored target as typed back: no trailing zeros, no grouping, the reader's
    decimal separator (``parse_target`` reads either separator back)."""
    return formats.number_format(Decimal(format(value.normalize(), "f")))


def period_years(starts_on_year: int, ends_on_year: int) -> list[int]:
    return list(range(starts_on_year, ends_on_year + 1))
