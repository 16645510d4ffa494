"""The original file back, with an "Erreurs" column (in the reader's language) added on
every row that has errors, so the partner corrects it in place and uploads it again.
Streams the original file and the stored errors (ordered by row) side by side: constant
memory.

Who reads the values is the privacy policy's call (``PrivacyPolicy.can_see_import``):
anyone else gets the same file with every personal or unrecognised column masked, and
the errors about those columns without the values they quote. Every cell is written by
``web.spreadsheets`` (formula-safe)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from accounts.policy import MASK, PrivacyPolicy, is_personal_column
from tracker.imports.columns import (
    HEADER_LOOKUP,
    column_label,
    error_column_header,
    match_header,
    normalize_label,
)
from tracker.imports.error_messages import message_text
from tracker.imports.formats import Inspection, _data_sheet, cell_text, inspect_upload
from tracker.models import ImportBatch, ImportRowError
from tracker.storage import local_copy
from web.spreadsheets import SafeCsvWriter, xlsx_cell, xlsx_row


def error_text(column: str, message: str, *, visible: bool) -> str:
    """One stored error as a reader sees it: the message of an error about a personal
    column quotes the value, so it is masked unless the reader may see the import."""
    if not visible and is_personal_column(HEADER_LOOKUP.get(normalize_label(column))):
        message = MASK
    return message


def _errors_by_row(batch: ImportBatch, *, visible: bool) -> Iterator[tuple[int, str]]:
    rows = (
        ImportRowError.objects.filter(batch=batch)
        .order_by("row_number", "id")
        .values_list("row_number", "column", "message", "message_id", "params")
        .iterator(chunk_size=2000)
    )
    for number, group in groupby(rows, key=lambda row: row[0]):
        yield (
            number,
            " | ".join(
                f"{column_label(column)} : "
                + error_text(column, message_text(message_id, params, message), visible=visible)
                for _n, column, message, message_id, params in group
            ),
        )


class _Masker:
    """Masks the cells of the columns a reader may not see: the personal ones and any
    column the import does not recognise (it may hold anything). Until the header row is
    found, every non-empty cell is masked."""

    def __init__(self, *, visible: bool) -> None:
        self.visible = visible
        self.shown: set[int] | None = None

    def header(self, cells: list[str]) -> None:
        positions = match_header(cells) or {}
        self.shown = {index for key, index in positions.items() if not is_personal_column(key)}

    def row(self, values: list[Any]) -> list[Any]:
        if self.visible:
            return values
        shown = self.shown or set()
        return [
            value if index in shown or value in (None, "") else MASK
            for index, value in enumerate(values)
        ]


class _Merger:
    def __init__(self, batch: ImportBatch, *, visible: bool) -> None:
        self.errors = _errors_by_row(batch, visible=visible)
        self.pending = next(self.errors, None)

    def for_row(self, number: int) -> str:
        while self.pending is not None and self.pending[0] < number:
            self.pending = next(self.errors, None)
        if self.pending is not None and self.pending[0] == number:
            return self.pending[1]
        return ""


def annotated_file(batch: ImportBatch, *, policy: PrivacyPolicy) -> tuple[IO[bytes], str, str]:
    """(file object, download name, content type), masked as ``policy`` decides."""
    with local_copy(batch.file.storage, batch.file.name) as path:
        return _annotated(batch, path, policy=policy)


def _annotated(
    batch: ImportBatch, path: Path, *, policy: PrivacyPolicy
) -> tuple[IO[bytes], str, str]:
    inspection = inspect_upload(path, name=batch.file_name)
    stem = Path(batch.file_name).stem
    visible = policy.can_see_import(batch)
    if inspection.file_format == "xlsx":
        return (
            _xlsx(batch, path, visible=visible),
            f"{stem}-{_('erreurs')}.xlsx",
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    return (
        _csv(batch, path, inspection, visible=visible),
        f"{stem}-{_('erreurs')}.csv",
        "text/csv; charset=utf-8",
    )


def _csv(batch: ImportBatch, path: Path, inspection: Inspection, *, visible: bool) -> IO[bytes]:
    merger = _Merger(batch, visible=visible)
    masker = _Masker(visible=visible)
    output = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    text = io.TextIOWrapper(output, encoding="utf-8-sig", newline="", write_through=True)
    writer = SafeCsvWriter(text, delimiter=inspection.delimiter)
    header_done = False
    width = 0
    with path.open(encoding=inspection.encoding, errors="replace", newline="") as source:
        for number, cells in enumerate(csv.reader(source, delimiter=inspection.delimiter), 1):
            if not header_done and match_header(cells) is not None:
                masker.header(cells)
                writer.writerow([*cells, error_column_header()])
                width = len(cells)
                header_done = True
                continue
            cells = masker.row(cells)
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


def _xlsx(batch: ImportBatch, path: Path, *, visible: bool) -> IO[bytes]:
    import openpyxl
    from openpyxl.styles import Font

    merger = _Merger(batch, visible=visible)
    masker = _Masker(visible=visible)
    source = openpyxl.load_workbook(path, read_only=True, data_only=True)
    target = openpyxl.Workbook(write_only=True)
    sheet = target.create_sheet(_data_sheet(source).title)
    header_done = False
    width = 0
    red = Font(color="C00000", bold=True)
    for number, values in enumerate(_data_sheet(source).iter_rows(values_only=True), start=1):
        cells = list(values)
        if not header_done and match_header([cell_text(value) for value in values]) is not None:
            masker.header([cell_text(value) for value in values])
            sheet.append(xlsx_row(sheet, [*cells, error_column_header()]))
            width = len(cells)
            header_done = True
            continue
        cells = masker.row(cells)
        message = merger.for_row(number)
        if message:
            cells = cells + [None] * (width - len(cells))
            sheet.append(xlsx_row(sheet, [*cells, xlsx_cell(sheet, message, font=red)]))
        else:
            sheet.append(xlsx_row(sheet, cells))
    source.close()
    output = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse
    target.save(output)
    output.seek(0)
    return output
