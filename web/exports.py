"""CSV and XLSX exports of any list, streamed at constant memory.

A list view describes its columns once (``ExportColumn``: header and how to read the
value from a row); this module writes them through ``web.spreadsheets``, the one
formula-safe writer: a trainee named "=HYPERLINK(...)" stays text (an apostrophe in CSV,
a string cell in XLSX)."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Model, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise

from web.formatting import date as format_date
from web.spreadsheets import SafeCsvWriter, xlsx_cell, xlsx_row

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ExportColumn:
    header: str | Promise
    value: Callable[[Any], Any]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, bool | int | float | Decimal | dt.date):
        return value
    return str(value)


def export_rows(rows: Iterable[Any], columns: list[ExportColumn]) -> Iterator[list[Any]]:
    yield [str(column.header) for column in columns]
    for row in rows:
        yield [_cell(column.value(row)) for column in columns]


def _iterate(rows: QuerySet[Model] | Iterable[Any]) -> Iterable[Any]:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return rows


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer streaming."""

    def write(self, value: str) -> str:
        return value


def csv_response(
    rows: QuerySet[Model] | Iterable[Any], columns: list[ExportColumn], *, filename: str
) -> StreamingHttpResponse:
    writer = SafeCsvWriter(_Echo(), delimiter=";")
    # The rows are written after the view has returned: headers and labels are
    # translated into the language of the request, not whatever is active by then.
    language = translation.get_language()

    def lines() -> Iterator[str]:
        yield "\ufeff"  # byte-order mark: spreadsheet software then reads UTF-8
        with translation.override(language):
            for values in export_rows(_iterate(rows), columns):
                yield writer.writerow([reader_text(value) for value in values])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    rows: QuerySet[Model] | Iterable[Any], columns: list[ExportColumn], *, filename: str
) -> FileResponse:
    """openpyxl's write-only mode keeps memory flat; the file is spooled to disk."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31])
    for values in export_rows(_iterate(rows), columns):
        sheet.append(xlsx_row(sheet, [reader_cell(sheet, value) for value in values]))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def reader_text(value: Any) -> Any:
    """A CSV cell: dates as the reader writes them (26/11/2026; a moment with its local
    time), never ISO."""
    if isinstance(value, dt.datetime):
        return format_date(value, style="datetime").bare
    if isinstance(value, dt.date):
        return format_date(value).bare
    return value


def reader_cell(sheet: Any, value: Any) -> Any:
    """An XLSX cell: a date stays a date cell, shown day first (DD/MM/YYYY)."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return xlsx_cell(sheet, value, number_format="DD/MM/YYYY HH:MM")
    if isinstance(value, dt.date):
        return xlsx_cell(sheet, value, number_format="DD/MM/YYYY")
    return value


EXPORT_FORMATS = {"csv": csv_response, "xlsx": xlsx_response}
