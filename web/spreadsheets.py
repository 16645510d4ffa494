"""The one writer of every CSV and XLSX cell the product produces (exports, annotated
import files, import templates, generated samples): formula-safe by construction.

A spreadsheet opening a cell that starts with ``=``, ``+``, ``-``, ``@`` (or their
full-width forms ＝＋－＠, which Excel accepts too), a tab or a carriage return may run
it as a formula (CSV/formula injection, OWASP). The two formats are neutralised
differently:

- XLSX: text is written as a string cell (``data_type`` "s", an inline string), which
  Excel and LibreOffice never evaluate; the value is kept exactly, with no apostrophe
  (so ``+212612345678`` shows as it is, as a text cell).
- CSV: a file has no types, so text that a spreadsheet would read as a formula gets a
  leading apostrophe. A plain number written with a sign (``-12.50``, ``+212612345678``,
  an E.164 phone) is left alone: a spreadsheet reads it as a number, never as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

FORMULA_TRIGGERS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
# Control characters a spreadsheet strips or reads as the start of a new cell / formula.
CONTROL_TRIGGERS = ("\t", "\r", "\n")
# Spaces a spreadsheet skips before reading a formula.
LEADING_SPACES = " \u00a0\u3000"
# A signed number, nothing else (an E.164 phone is one): never a formula.
SIGNED_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")  # ASCII digits only


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula."""
    if text.startswith(CONTROL_TRIGGERS):
        return True
    stripped = text.lstrip(LEADING_SPACES)
    if not stripped.startswith(FORMULA_TRIGGERS):
        return False
    return SIGNED_NUMBER.fullmatch(stripped) is None


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: formula-like text with a leading apostrophe, the rest
    (numbers, dates, plain text) as it is."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def csv_cell_value(text: str) -> str:
    """The value of a CSV cell as ``csv_cell`` wrote it: the apostrophe before
    formula-like text removed (a file we wrote, corrected and sent back)."""
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through ``csv_cell``."""

    def __init__(self, handle: Any, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in values])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.writerow(values)


def _xlsx_text(value: str) -> str:
    """Text an XLSX file can hold: no XML-illegal control characters (a hostile upload
    may carry them; openpyxl would refuse the whole file), at most 32,767 characters."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]


def xlsx_cell(sheet: Any, value: Any, **style: Any) -> Any:
    """An openpyxl cell for ``sheet`` (write-only or not): numbers, dates and booleans
    typed, every text a string cell (never a formula, whatever it starts with). ``style``:
    font, fill, number_format... set on the cell."""
    from openpyxl.cell import Cell

    cell = Cell(sheet, row=1, column=1)  # placed by append
    value = xlsx_value(value)
    if isinstance(value, str):
        # Cell.value would turn a text starting with "=" into a formula: the type is set
        # by hand instead. openpyxl writes it as an inline string.
        cell._value = value
        cell.data_type = "s"
    else:
        cell.value = value
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def xlsx_value(value: Any) -> Any:
    """Numbers, dates, booleans and None as they are; anything else as clean text."""
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date | dt.time):
        return value
    return _xlsx_text(str(value))


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for ``sheet.append``. Only text that openpyxl would take for a formula (it
    starts with "=") needs a cell of its own; every other value is appended as it is
    (openpyxl writes text as a string cell), which keeps 100,000-row exports fast."""
    from openpyxl.cell import Cell

    row: list[Any] = []
    for value in values:
        if isinstance(value, Cell):
            row.append(value)
            continue
        value = xlsx_value(value)
        if isinstance(value, str) and (value.startswith(("=", "#"))):
            row.append(xlsx_cell(sheet, value))  # "#N/A"... would be an error cell
        else:
            row.append(value)
    return row
