"""A convention's cohorts and their planned seats as one grid: a row per cohort, a
subtotal per starting year set against the convention's enrollment target for that year,
and the total. This module reads the typed cells and computes the totals; the write and
its rules are the service's (tracker.services.cohort_seats)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from tracker.models import Cohort


def seat_cell_name(cohort_id: int) -> str:
    """The name of a cohort's input in the POST data."""
    return f"seats-{cohort_id}"


def parse_seats(text: str) -> int:
    """A typed number of seats (spaces as thousands separators allowed); ValueError when
    it is not a whole number of at least 1."""
    cleaned = "".join(text.split()).replace("\u202f", "")
    if not cleaned.isdigit() or int(cleaned) < 1:
        raise ValueError(text)
    return int(cleaned)


@dataclass
class SeatRow:
    cohort: Cohort
    text: str  # as typed (or as stored), shown back as is
    error: str = ""

    @property
    def name(self) -> str:
        return seat_cell_name(self.cohort.pk)

    @property
    def seats(self) -> int | None:
        try:
            return parse_seats(self.text)
        except ValueError:
            return None


@dataclass
class YearTotal:
    year: int
    seats: int
    target: Decimal | None  # the convention's enrollment target of the year, if any

    @property
    def gap(self) -> Decimal | None:
        return None if self.target is None else Decimal(self.seats) - self.target


@dataclass
class SeatGrid:
    rows: list[SeatRow]
    targets: Mapping[int, Decimal] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        *,
        cohorts: Iterable[Cohort],
        targets: Mapping[int, Decimal],
        data: Mapping[str, Any] | None = None,
    ) -> SeatGrid:
        """The grid from the stored seats, or from a POST (every cell read and checked:
        all errors at once)."""
        rows = []
        for cohort in cohorts:
            if data is None:
                rows.append(SeatRow(cohort, str(cohort.planned_seats)))
                continue
            text = str(data.get(seat_cell_name(cohort.pk), "")).strip()
            row = SeatRow(cohort, text)
            if row.seats is None:
                row.error = _("« %(value)s » : un nombre entier de places, au moins 1.") % {
                    "value": text
                }
            rows.append(row)
        return cls(rows=rows, targets=targets)

    @property
    def errors(self) -> list[SeatRow]:
        return [row for row in self.rows if row.error]

    def seats(self) -> dict[int, int]:
        """Cohort id -> seats, for the readable cells."""
        return {row.cohort.pk: row.seats for row in self.rows if row.seats is not None}

    def add_service_error(self, errors: Mapping[int, list[str]]) -> None:
        by_id = {row.cohort.pk: row for row in self.rows}
        for cohort_id, messages in errors.items():
            by_id[cohort_id].error = " ".join(messages)

    def year_totals(self) -> list[YearTotal]:
        """Planned seats per starting year (readable cells only), with the year's target."""
        sums: dict[int, int] = {}
        for row in self.rows:
            sums.setdefault(row.cohort.starts_on.year, 0)
            sums[row.cohort.starts_on.year] += row.seats or 0
        return [YearTotal(year, sums[year], self.targets.get(year)) for year in sorted(sums)]

    @property
    def total(self) -> int:
        return sum(row.seats or 0 for row in self.rows)
