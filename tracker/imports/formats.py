"""Reading the files partners produce, and refusing the others before parsing them.

``inspect_upload`` looks at the raw bytes only (magic numbers, the zip directory, the
prologue of each XML part) and refuses, with a message a partner understands, a PDF
renamed .xlsx, an oversized file, a zip bomb or an XML entity bomb. ``open_rows`` then
streams the rows of an accepted file: CSV in UTF-8 (with or without byte-order mark) or
Windows-1252, comma, semicolon or tab separated; XLSX through openpyxl in read-only mode
(which parses XML through defusedxml when it is installed, as it is here).

A damaged or hostile file never escapes as an exception of the parsing libraries: an
archive whose data or checksums are corrupt (zlib.error, BadZipFile "Bad CRC-32"), a CSV
quote opened and never closed, a giant cell, a workbook that breaks while it is read are
each refused (FileRefusedError) with the line and what is wrong."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from tracker.imports.columns import match_header
from web.spreadsheets import csv_cell_value

ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and .doc)
CSV_EXTENSIONS = {".csv", ".txt"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
DELIMITERS = (";", ",", "\t")
# Bytes read from each XML part to look for a DOCTYPE / ENTITY declaration (they can
# only appear in the prologue).
XML_PROLOGUE_BYTES = 4096
# A spreadsheet cell holds at most this many characters (Excel's own limit); a CSV field
# at most csv.field_size_limit() (131,072): longer is a damaged file or a quote never closed.
MAX_CELL_CHARS = 32_767
# Lines read while looking for the header are cut at this length (a file with no line
# break is one giant line).
HEADER_SCAN_LINE_CHARS = 1_000_000
# What reading a damaged zip or its XML may raise, besides our own refusals.
ARCHIVE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    NotImplementedError,
    RuntimeError,
)

logger = logging.getLogger(__name__)


class FileRefusedError(Exception):
    """The file cannot be imported; ``str()`` is the message shown to the user."""


@dataclass
class Inspection:
    file_format: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""


def _extension(name: str) -> str:
    return Path(name).suffix.lower()


def inspect_upload(path: Path, *, name: str, verify_archive: bool = False) -> Inspection:
    """Refuses the file (FileRefusedError) or says how to read it. Never parses the content.
    ``verify_archive`` (on upload) also decompresses every part of an XLSX once, checking
    its data and checksum, so a damaged archive is refused before any row is read."""
    size = path.stat().st_size
    if size > settings.IMPORT_MAX_FILE_BYTES:
        raise FileRefusedError(
            _("Fichier trop volumineux : %(size)s Mo (au plus %(limit)s Mo).")
            % {"size": size // 2**20, "limit": settings.IMPORT_MAX_FILE_BYTES // 2**20}
        )
    if size == 0:
        raise FileRefusedError(_("Le fichier est vide."))
    with path.open("rb") as handle:
        head = handle.read(8)
    extension = _extension(name)
    if extension not in CSV_EXTENSIONS | XLSX_EXTENSIONS:
        raise FileRefusedError(
            _("Format non pris en charge (%(ext)s) : déposez un fichier .xlsx ou .csv.")
            % {"ext": extension or "?"}
        )
    if head.startswith(PDF_MAGIC):
        raise FileRefusedError(
            _("Ce fichier est un PDF, pas un tableur : déposez un fichier .xlsx ou .csv.")
        )
    if head.startswith(OLE_MAGIC):
        raise FileRefusedError(
            _("Ancien format Excel (.xls) : enregistrez le fichier au format .xlsx ou .csv.")
        )
    if extension in XLSX_EXTENSIONS:
        if not head.startswith(ZIP_MAGIC):
            raise FileRefusedError(
                _("Ce fichier porte l'extension .xlsx mais n'est pas un classeur Excel.")
            )
        try:
            _check_zip(path)
            if verify_archive:
                _verify_zip(path)
        except ARCHIVE_ERRORS as error:
            raise FileRefusedError(damaged_archive_message(error)) from None
        return Inspection(file_format="xlsx")
    if head.startswith(ZIP_MAGIC):
        raise FileRefusedError(
            _("Ce fichier porte l'extension .csv mais est un fichier compressé (classeur ?).")
        )
    return _inspect_csv(path)


def _check_zip(path: Path) -> None:
    """Reads the zip directory only: declared sizes and ratios, then each XML part's
    prologue (bounded), before openpyxl opens anything."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise FileRefusedError(_("Classeur XLSX illisible (archive endommagée).")) from None
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if "xl/workbook.xml" not in names:
            raise FileRefusedError(_("Cette archive n'est pas un classeur Excel (.xlsx)."))
        total = sum(member.file_size for member in members)
        if total > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
            raise FileRefusedError(
                _(
                    "Classeur refusé : une fois décompressé il ferait %(size)s Mo "
                    "(au plus %(limit)s Mo). Fichier piégé (« bombe zip ») ou trop gros."
                )
                % {
                    "size": total // 2**20,
                    "limit": settings.IMPORT_MAX_UNCOMPRESSED_BYTES // 2**20,
                }
            )
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > 2**20 and ratio > settings.IMPORT_MAX_COMPRESSION_RATIO:
                raise FileRefusedError(
                    _(
                        "Classeur refusé : taux de compression anormal (%(ratio)s:1), "
                        "signe d'un fichier piégé (« bombe zip »)."
                    )
                    % {"ratio": int(ratio)}
                )
        for member in members:
            if not member.filename.endswith((".xml", ".rels")):
                continue
            with archive.open(member) as part:
                prologue = part.read(XML_PROLOGUE_BYTES)
            if b"<!DOCTYPE" in prologue or b"<!ENTITY" in prologue:
                raise FileRefusedError(
                    _(
                        "Classeur refusé : il déclare des entités XML (fichier piégé, "
                        "« bombe XML »). Enregistrez-le à nouveau depuis votre tableur."
                    )
                )


def damaged_archive_message(error: BaseException, part: str = "") -> str:
    """What is wrong with a damaged XLSX archive, in the partner's words."""
    detail = str(error)
    if "CRC" in detail:
        what = _("une partie ne correspond pas à sa somme de contrôle (fichier altéré ou tronqué)")
    elif isinstance(error, zlib.error):
        what = _("des données compressées sont corrompues")
    elif isinstance(error, zipfile.BadZipFile | EOFError):
        what = _("l'archive est tronquée ou sa structure est fausse")
    else:
        what = _("l'archive ne peut pas être lue")
    if part:
        return _(
            "Classeur XLSX endommagé (%(part)s) : %(what)s. Enregistrez-le à nouveau depuis "
            "votre tableur, puis déposez-le."
        ) % {"part": part, "what": what}
    return _(
        "Classeur XLSX endommagé : %(what)s. Enregistrez-le à nouveau depuis votre tableur, "
        "puis déposez-le."
    ) % {"what": what}


def _verify_zip(path: Path) -> None:
    """Decompresses every part once, in blocks (memory stays flat), to the size it
    declares (already bounded by _check_zip): corrupt data raises zlib.error, a false size
    or altered bytes BadZipFile (Bad CRC-32)."""
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            try:
                with archive.open(member) as part:
                    while part.read(2**20):
                        pass
            except ARCHIVE_ERRORS as error:
                raise FileRefusedError(damaged_archive_message(error, member.filename)) from None


def detect_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        if handle.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while block := handle.read(2**20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            # Not UTF-8: French-locale Excel on Windows writes Windows-1252.
            return "cp1252"
    return "utf-8"


def _inspect_csv(path: Path) -> Inspection:
    with path.open("rb") as handle:
        if b"\x00" in handle.read(65536):
            raise FileRefusedError(_("Ce fichier n'est pas un fichier texte CSV."))
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, errors="replace", newline="") as text:
        first_lines = [
            text.readline(HEADER_SCAN_LINE_CHARS) for _ in range(settings.IMPORT_HEADER_SCAN_ROWS)
        ]
    for delimiter in DELIMITERS:
        try:
            for cells in csv.reader(first_lines, delimiter=delimiter):
                if match_header(cells) is not None:
                    return Inspection(file_format="csv", encoding=encoding, delimiter=delimiter)
        except csv.Error:
            continue  # not this delimiter's CSV (or a broken head: the header is not there)
    raise FileRefusedError(no_header_message())


def no_header_message() -> str:
    return _(
        "Aucune ligne d'en-tête reconnue dans les %(n)s premières lignes : le fichier doit "
        "reprendre les colonnes du modèle (au moins Code cohorte, CIN, Nom, Prénom, Sexe, "
        "Date de naissance, Statut, Date d'inscription)."
    ) % {"n": settings.IMPORT_HEADER_SCAN_ROWS}


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text the rules read (dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    return str(value)


@dataclass
class RowSource:
    """The data rows of a file, after its header: ``(row_number, cells)`` pairs where
    row_number is the one the spreadsheet shows. Empty rows are skipped."""

    positions: dict[str, int]  # column key -> cell index
    header: list[str]
    header_row_number: int
    rows: Iterator[tuple[int, list[str]]]
    _progress: Any = field(default=None, repr=False)
    _close: Any = field(default=None, repr=False)

    def fraction_done(self) -> float:
        return float(self._progress()) if self._progress else 0.0

    def close(self) -> None:
        if self._close:
            self._close()


def open_rows(path: Path, inspection: Inspection) -> RowSource:
    if inspection.file_format == "xlsx":
        return _open_xlsx(path)
    return _open_csv(path, inspection)


def _find_header(
    records: Iterator[tuple[int, list[str]]],
) -> tuple[int, list[str], dict[str, int]]:
    for _index, (number, cells) in zip(
        range(settings.IMPORT_HEADER_SCAN_ROWS), records, strict=False
    ):
        positions = match_header(cells)
        if positions is not None:
            return number, cells, positions
    raise FileRefusedError(no_header_message())


def _non_empty(records: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    for number, cells in records:
        if any(cell.strip() for cell in cells):
            yield number, cells


def unclosed_quote_message(line: int) -> str:
    return _(
        "Ligne %(line)s : un guillemet (\") ouvre une cellule qui n'est jamais refermée, et "
        "la suite du fichier serait lue comme une seule cellule. Retirez ce guillemet ou "
        "fermez-le, puis déposez le fichier à nouveau."
    ) % {"line": line}


def csv_records(text: IO[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(record number, cells), refusing what a stray quote makes of the rest of a file: a
    field over the size limit (a long file) or, in a short one, a cell that swallowed
    line breaks and separators (the following lines merged into it)."""
    reader = csv.reader(text, delimiter=delimiter)
    number = 0
    line = 1  # the physical line the next record starts on
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                if reader.line_num > line:  # the field ran over line breaks: a stray quote
                    raise FileRefusedError(unclosed_quote_message(line)) from None
                raise FileRefusedError(
                    giant_cell_message(line, csv.field_size_limit(), longer=True)
                ) from None
            raise FileRefusedError(
                _("Ligne %(line)s : CSV mal formé (%(detail)s).")
                % {"line": line, "detail": str(error)}
            ) from None
        number += 1
        for index, cell in enumerate(cells):
            if ("\n" in cell or "\r" in cell) and delimiter in cell:
                raise FileRefusedError(unclosed_quote_message(line))
            if len(cell) > MAX_CELL_CHARS:
                raise FileRefusedError(giant_cell_message(line, len(cell)))
            if cell.startswith("'"):
                # The apostrophe our CSV files put before formula-like text (an annotated
                # file sent back corrected): the value is what follows it.
                cells[index] = csv_cell_value(cell)
        line = reader.line_num + 1
        yield number, cells


def giant_cell_message(line: int, length: int, *, longer: bool = False) -> str:
    if longer:
        return _(
            "Ligne %(line)s : une cellule de plus de %(length)s caractères (au plus %(limit)s) "
            ": fichier endommagé ou mal exporté."
        ) % {"line": line, "length": length, "limit": MAX_CELL_CHARS}
    return _(
        "Ligne %(line)s : une cellule de %(length)s caractères (au plus %(limit)s) : fichier "
        "endommagé ou mal exporté."
    ) % {"line": line, "length": length, "limit": MAX_CELL_CHARS}


def _open_csv(path: Path, inspection: Inspection) -> RowSource:
    raw: IO[bytes] = path.open("rb")
    size = max(path.stat().st_size, 1)
    text = io.TextIOWrapper(raw, encoding=inspection.encoding, errors="replace", newline="")
    records = csv_records(text, inspection.delimiter)
    try:
        number, header, positions = _find_header(records)
    except FileRefusedError:
        text.close()
        raise
    return RowSource(
        positions=positions,
        header=header,
        header_row_number=number,
        rows=_non_empty(records),
        _progress=lambda: min(raw.tell() / size, 1.0),
        _close=text.close,
    )


def _open_xlsx(path: Path) -> RowSource:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = _data_sheet(workbook)
    except Exception as error:  # defusedxml, zip or XML errors: one clear message
        if isinstance(error, ARCHIVE_ERRORS):
            raise FileRefusedError(damaged_archive_message(error)) from None
        raise FileRefusedError(
            _("Classeur XLSX illisible ou piégé : il ne peut pas être lu.")
        ) from None
    total = max(sheet.max_row or 1, 1)
    state = {"row": 0}

    def records() -> Iterator[tuple[int, list[str]]]:
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        while True:
            try:
                number, values = next(rows)
            except StopIteration:
                return
            except Exception as error:  # the sheet's XML or its zip breaks mid-way
                logger.info("XLSX unreadable after row %s: %r", state["row"], error)
                reason = (
                    damaged_archive_message(error)
                    if isinstance(error, ARCHIVE_ERRORS)
                    else _("Classeur XLSX illisible : il ne peut pas être lu.")
                )
                raise FileRefusedError(
                    _("Après la ligne %(line)s : %(reason)s")
                    % {"line": state["row"], "reason": reason}
                ) from None
            state["row"] = number
            cells = [cell_text(value) for value in values]
            for cell in cells:
                if len(cell) > MAX_CELL_CHARS:
                    raise FileRefusedError(giant_cell_message(number, len(cell)))
            yield number, cells

    iterator = records()
    try:
        number, header, positions = _find_header(iterator)
    except FileRefusedError:
        workbook.close()
        raise
    return RowSource(
        positions=positions,
        header=header,
        header_row_number=number,
        rows=_non_empty(iterator),
        _progress=lambda: min(state["row"] / total, 1.0),
        _close=workbook.close,
    )


def _data_sheet(workbook: Any) -> Any:
    """The sheet that carries the rows: the one named like the template's (in any
    interface language), else the first one."""
    names = {"inscriptions", "données", "donnees", "enrolments", "enrollments", "التسجيلات"}
    for sheet in workbook.worksheets:
        if sheet.title.strip().casefold() in names:
            return sheet
    return workbook.worksheets[0]
