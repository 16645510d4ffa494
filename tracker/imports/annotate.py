"""The original file back, with an "Erreurs" column (in the reader's language) added on
every row that has errors, so the partner corrects it in place and uploads it again.
Streams the original file and the stored errors (ordered by row) side by side: constant
memory."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from tracker.exports import escape_formula
from tracker.imports.columns import column_label, error_column_header
from tracker.imports.formats import Inspection, cell_text, inspect_upload
from tracker.models import ImportBatch, ImportRowError
from tracker.storage import local_copy


def _errors_by_row(batch: ImportBatch) -> Iterator[tuple[int, str]]:
    rows = (
        ImportRowError.objects.filter(batch=batch)
        .order_by("row_number", "id")
        .values_list("row_number", "column", "message")
        .iterator(chunk_size=2000)
    )
    for number, group in groupby(rows, key=lambda row: row[0]):
        yield (
            number,
            " | ".join(f"{column_label(column)} : {message}" for _n, column, message in group),
        )


class _Merger:
    def __init__(self, batch: ImportBatch) -> None:
        self.errors = _errors_by_row(batch)
        self.pending = next(self.errors, None)

    def for_row(self, number: int) -> str:
        while self.pending is not None and self.pending[0] < number:
            self.pending = next(self.errors, None)
        if self.pending is not None and self.pending[0] == number:
            return self.pending[1]
        return ""


def annotated_file(batch: ImportBatch) -> tuple[IO[bytes], str, str]:
    """(file object, download name, content type)."""
    with local_copy(batch.file.storage, batch.file.name) as path:
        return _annotated(batch, path)


def _annotated(batch: ImportBatch, path: Path) -> tuple[IO[bytes], str, str]:
    inspection = inspect_upload(path, name=batch.file_name)
    stem = Path(batch.file_name).stem
    if inspection.file_format == "xlsx":
        return (
            _xlsx(batch, path),
            f"{stem}-{_('erreurs')}.xlsx",
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    return _csv(batch, path, inspection), f"{stem}-{_('erreurs')}.csv", "text/csv; charset=utf-8"


def _csv(batch: ImportBatch, path: Path, inspection: Inspection) -> IO[bytes]:
    merger = _Merger(batch)
    output = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    text = io.TextIOWrapper(output, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text, delimiter=inspection.delimiter)
    header_done = False
    width = 0
    with path.open(encoding=inspection.encoding, errors="replace", newline="") as source:
        for number, cells in enumerate(csv.reader(source, delimiter=inspection.delimiter), 1):
            if not header_done and any(cells):
                writer.writerow([*cells, error_column_header()])
                width = len(cells)
                header_done = True
                continue
            message = merger.for_row(number)
            if message:
                cells = cells + [""] * (width - len(cells))
                writer.writerow([*cells, message])
            else:
                writer.writerow(cells)
    text.flush()
    text.detach()
    output.seek(0)
    return output


def _xlsx(batch: ImportBatch, path: Path) -> IO[bytes]:
    import openpyxl
    from openpyxl.styles import Font

    from tracker.imports.formats import _data_sheet

    merger = _Merger(batch)
    source = openpyxl.load_workbook(path, read_only=True, data_only=True)
    target = openpyxl.Workbook(write_only=True)
    sheet = target.create_sheet(_data_sheet(source).title)
    header_done = False
    width = 0
    red = Font(color="C00000", bold=True)
    for number, values in enumerate(_data_sheet(source).iter_rows(values_only=True), start=1):
        cells = [escape_formula(value) if isinstance(value, str) else value for value in values]
        if not header_done and any(cell_text(value) for value in values):
            sheet.append([*cells, error_column_header()])
            width = len(cells)
            header_done = True
            continue
        message = merger.for_row(number)
        if message:
            cells = cells + [None] * (width - len(cells))
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(sheet, value=message)
            cell.font = red
            sheet.append([*cells, cell])
        else:
            sheet.append(cells)
    source.close()
    output = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse
    target.save(output)
    output.seek(0)
    return output
