"""The stages of a declarations import, as partners' imports (tracker.imports.services):
upload -> validate (task) -> preview -> confirm -> commit (task, one transaction) -> the
match rebuilt on commit; or cancel. Admins only (accounts.policy).

Validation streams the file chunk by chunk into a staging table (DeclarationStagedRow):
unknown CINs are looked up per chunk, then the file's duplicates and the counts (new,
changed, unchanged) are found by a few set-based queries. The commit copies the staging
table in set-based statements: re-importing the same file changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import can_import_declarations
from tracker.imports.declarations.layout import ANSWER_HEADER, match_answer_header
from tracker.imports.declarations.rows import ParsedRow, parse_row
from tracker.imports.formats import (
    FileRefusedError,
    cell_text,
    csv_records,
    detect_encoding,
    inspect_upload,
)
from tracker.imports.progress import LiveProgress
from tracker.models import DeclarationImport, DeclarationRowError, DeclarationStagedRow, Trainee
from tracker.models.declarations import Declaration, EmployerAffiliation
from tracker.storage import local_copy
from tracker.task_queue import queue_task
from tracker.verification.state import verification_mark_stale
from web.spreadsheets import SafeCsvWriter

logger = logging.getLogger(__name__)

# An answer file for the national dataset (7M rows) weighs about 350 MB.
MAX_FILE_BYTES = 2 * 1024**3
HEADER_SCAN_ROWS = 10


class DeclarationImportError(Exception):
    """The action cannot be done now; ``str()`` is the message for the admin."""


# --- Upload ------------------------------------------------------------------------


def declarations_upload(*, user: User, uploaded_file: File) -> DeclarationImport:
    """Stores the file and queues its validation (CSV, or an XLSX workbook)."""
    if not can_import_declarations(user):
        raise PermissionDenied
    name = Path(uploaded_file.name or "declarations.csv").name[:255]
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    batch = DeclarationImport(
        uploaded_by=user,
        file_name=name,
        file_sha256=digest.hexdigest(),
        file_size=uploaded_file.size or 0,
    )
    refusal = _refusal(name, batch.file_size)
    if refusal:
        batch.status = DeclarationImport.Status.FAILED
        batch.failure_reason = refusal
        batch.finished_at = timezone.now()
        batch.save()
        return batch
    batch.file.save(name, uploaded_file, save=False)
    batch.save()
    transaction.on_commit(lambda: queue_task("tracker.import_declarations_validate", batch.id))
    return batch


def _refusal(name: str, size: int) -> str:
    if not name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
        return _("Le fichier de déclarations doit être un CSV (.csv) ou un classeur (.xlsx).")
    if size == 0:
        return _("Le fichier est vide.")
    if size > MAX_FILE_BYTES:
        return _("Fichier trop volumineux : %(size)s Mo (au plus %(limit)s Mo).") % {
            "size": size // 2**20,
            "limit": MAX_FILE_BYTES // 2**20,
        }
    return ""


# --- Reading -----------------------------------------------------------------------


def _header_message() -> str:
    return _(
        "En-tête non reconnu : le fichier doit avoir les colonnes %(columns)s (ICE ou n° "
        "CNSS de l'employeur, au moins l'un des deux)."
    ) % {"columns": ", ".join(ANSWER_HEADER)}


def _rows(text: IO[str]) -> tuple[dict[str, int], Iterator[tuple[int, list[str]]]]:
    """The header's positions, then (row number, cells) of every non-empty data row."""
    sample = text.read(65536)
    text.seek(0)
    delimiter = max((";", ",", "\t"), key=lambda d: sample.split("\n", 1)[0].count(d))
    records = csv_records(text, delimiter)
    for _index, (_number, cells) in zip(range(HEADER_SCAN_ROWS), records, strict=False):
        positions = match_answer_header(cells)
        if positions is not None:
            return positions, (
                (number, cells) for number, cells in records if any(c.strip() for c in cells)
            )
    raise FileRefusedError(_header_message())


# --- Validation --------------------------------------------------------------------


_PROGRESS = LiveProgress("declarations-progress", committed=DeclarationImport.Status.COMMITTED)


def declarations_progress(*, batch: DeclarationImport) -> int:
    """0..100: live from the cache while a task runs, else the stored value."""
    return _PROGRESS.read(batch)


def declarations_validate(*, batch_id: int) -> DeclarationImport:
    """Validates every row; VALIDATED (nothing wrong), INVALID (row errors stored, the
    staging emptied) or FAILED (unreadable file). Writes no declaration."""
    batch = DeclarationImport.objects.select_related("uploaded_by").get(id=batch_id)
    if batch.status not in (DeclarationImport.Status.UPLOADED, DeclarationImport.Status.VALIDATING):
        return batch  # a redelivered task does nothing
    DeclarationImport.objects.filter(id=batch.id).update(status=DeclarationImport.Status.VALIDATING)
    DeclarationRowError.objects.filter(batch=batch).delete()
    DeclarationStagedRow.objects.filter(batch=batch).delete()
    with translation.override(batch.uploaded_by.language or settings.LANGUAGE_CODE):
        try:
            with local_copy(batch.file.storage, batch.file.name) as path:
                _validate_file(batch, path)
        except FileRefusedError as refusal:
            _fail(batch, str(refusal))
        except Exception:
            logger.exception("Declarations %s: validation failed", batch.id)
            _fail(batch, _("Erreur inattendue pendant la validation : rien n'a été enregistré."))
    batch.refresh_from_db()
    return batch


def _fail(batch: DeclarationImport, reason: str) -> None:
    DeclarationStagedRow.objects.filter(batch=batch).delete()
    DeclarationImport.objects.filter(id=batch.id).update(
        status=DeclarationImport.Status.FAILED, failure_reason=reason, finished_at=timezone.now()
    )


@dataclass
class _Source:
    """The data rows of an answer file after its header, and how far it has been read."""

    positions: dict[str, int]
    rows: Iterator[tuple[int, list[str]]]
    progress: Callable[[], float]
    close: Callable[[], None]


def _open_csv(path: Path) -> _Source:
    size = max(path.stat().st_size, 1)
    raw = path.open("rb")
    if b"\x00" in raw.read(65536):
        raw.close()
        raise FileRefusedError(_("Ce fichier n'est pas un fichier texte CSV."))
    raw.seek(0)
    text = io.TextIOWrapper(raw, encoding=detect_encoding(path), errors="replace", newline="")
    try:
        positions, rows = _rows(text)
    except FileRefusedError:
        text.close()
        raise
    return _Source(positions, rows, lambda: min(raw.tell() / size, 1.0), text.close)


def _open_xlsx(path: Path, name: str) -> _Source:
    """The first sheet of a workbook, streamed (openpyxl read-only, defusedxml); the
    archive is checked first as partners' workbooks are (tracker.imports.formats)."""
    import openpyxl

    inspect_upload(path, name=name, verify_archive=True)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:
        raise FileRefusedError(
            _("Classeur XLSX illisible ou piégé : il ne peut pas être lu.")
        ) from None
    total = max(sheet.max_row or 1, 1)
    state = {"row": 0}

    def records() -> Iterator[tuple[int, list[str]]]:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            state["row"] = number
            yield number, [cell_text(value) for value in values]

    iterator = records()
    for _index, (_number, cells) in zip(range(HEADER_SCAN_ROWS), iterator, strict=False):
        positions = match_answer_header(cells)
        if positions is not None:
            rows = ((n, c) for n, c in iterator if any(cell.strip() for cell in c))
            return _Source(positions, rows, lambda: min(state["row"] / total, 1.0), workbook.close)
    workbook.close()
    raise FileRefusedError(_header_message())


def _validate_file(batch: DeclarationImport, path: Path) -> None:
    if batch.file_name.lower().endswith((".xlsx", ".xlsm")):
        source = _open_xlsx(path, batch.file_name)
    else:
        source = _open_csv(path)
    errors_in_rows: set[int] = set()
    total = 0
    try:
        chunk: list[tuple[int, list[str]]] = []
        for row in source.rows:
            total += 1
            chunk.append(row)
            if len(chunk) >= settings.IMPORT_CHUNK_ROWS:
                errors_in_rows |= _stage_chunk(batch, chunk, source.positions)
                chunk = []
                _PROGRESS.report(batch.id, 0.9 * source.progress())
        if chunk:
            errors_in_rows |= _stage_chunk(batch, chunk, source.positions)
    finally:
        source.close()
    errors_in_rows |= _duplicates(batch)
    staged = DeclarationStagedRow.objects.filter(batch=batch)
    if total == 0:
        raise FileRefusedError(_("Le fichier ne contient aucune ligne de données sous l'en-tête."))
    error_count = DeclarationRowError.objects.filter(batch=batch).count()
    counts = {"create": 0, "update": 0, "unchanged": 0}
    if error_count:
        staged.delete()  # nothing of an invalid file is kept but its errors
    else:
        counts = _compare_with_stored(batch)
    DeclarationImport.objects.filter(id=batch.id).update(
        status=DeclarationImport.Status.INVALID
        if error_count
        else DeclarationImport.Status.VALIDATED,
        total_rows=total,
        rows_to_create=counts["create"],
        rows_to_update=counts["update"],
        rows_unchanged=counts["unchanged"],
        rows_in_error=len(errors_in_rows),
        progress=100,
        validated_at=timezone.now(),
    )


_STAGE_COLUMNS = (
    "batch_id, row_number, trainee_id, month, month_index, employer_ice, employer_cnss, "
    "days_declared, gross_salary_mad"
)
_STAGE_SQL = (
    f"INSERT INTO {DeclarationStagedRow._meta.db_table} ({_STAGE_COLUMNS}) "  # noqa: S608
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_STAGE_COPY = f"COPY {DeclarationStagedRow._meta.db_table} ({_STAGE_COLUMNS}) FROM STDIN"


def _stage_chunk(
    batch: DeclarationImport, chunk: list[tuple[int, list[str]]], positions: dict[str, int]
) -> set[int]:
    """Parses a chunk, stages its valid rows, stores its errors; the rows in error."""
    parsed: list[ParsedRow] = []
    errors: list[tuple[int, str, str]] = []
    for number, cells in chunk:
        row, row_errors = parse_row(number, cells, positions)
        errors.extend(row_errors)
        if row is not None:
            parsed.append(row)
    known = dict(
        Trainee.objects.filter(cin__in={row.cin for row in parsed}).values_list("cin", "id")
    )
    staged: list[tuple[int | str | dt.date | Decimal, ...]] = []
    for row in parsed:
        trainee_id = known.get(row.cin)
        if trainee_id is None:
            errors.append(
                (
                    row.row_number,
                    "cin",
                    _("CIN inconnu « %(cin)s » : aucune personne suivie ne porte ce CIN.")
                    % {"cin": row.cin},
                )
            )
            continue
        year, month = divmod(row.month_index, 12)
        staged.append(
            (
                batch.id,
                row.row_number,
                trainee_id,
                dt.date(year, month + 1, 1),
                row.month_index,
                row.employer_ice,
                row.employer_cnss,
                row.days_declared,
                row.gross_salary_mad,
            )
        )
    # Plain tuples through executemany: model instances and bulk_create cost 4/5 of
    # the validation's time for nothing (the staging table has no logic of its own).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: twice the rows per second of executemany's pipeline.
            with cursor.cursor.copy(_STAGE_COPY) as copy:
                for values in staged:
                    copy.write_row(values)
        else:
            cursor.executemany(_STAGE_SQL, staged)
    DeclarationRowError.objects.bulk_create(
        [DeclarationRowError(batch=batch, row_number=r, column=c, message=m) for r, c, m in errors],
        batch_size=2000,
    )
    return {row for row, _column, _message in errors}


KEY = ("trainee_id", "month_index", "employer_ice", "employer_cnss")


def _key_join(left: str, right: str) -> str:
    return " AND ".join(f"{left}.{column} = {right}.{column}" for column in KEY)


def _duplicates(batch: DeclarationImport) -> set[int]:
    """Every row repeating an earlier row's person, month and employer: one error each,
    naming the first row (one GROUP BY over the staged rows)."""
    staged = DeclarationStagedRow._meta.db_table
    key = ", ".join(KEY)
    sql = f"""
        SELECT s.row_number, f.first_row FROM {staged} s
        JOIN (SELECT {key}, MIN(row_number) AS first_row FROM {staged}
              WHERE batch_id = %s GROUP BY {key} HAVING COUNT(*) > 1) f
          ON {_key_join("s", "f")}
        WHERE s.batch_id = %s AND s.row_number > f.first_row
        ORDER BY s.row_number"""  # noqa: S608 - table and column names are ours
    with connection.cursor() as cursor:
        cursor.execute(sql, [batch.id, batch.id])
        duplicates = cursor.fetchall()
    DeclarationRowError.objects.bulk_create(
        [
            DeclarationRowError(
                batch=batch,
                row_number=row,
                column="mois",
                message=_(
                    "Déclaration en double : même personne, même mois et même employeur "
                    "qu'à la ligne %(first)s."
                )
                % {"first": first},
            )
            for row, first in duplicates
        ],
        batch_size=2000,
    )
    return {row for row, _first in duplicates}


def _compare_with_stored(batch: DeclarationImport) -> dict[str, int]:
    """How many staged rows are new, change a stored declaration, or repeat it."""
    staged, stored = DeclarationStagedRow._meta.db_table, Declaration._meta.db_table
    sql = f"""
        SELECT
          SUM(CASE WHEN d.id IS NULL THEN 1 ELSE 0 END),
          SUM(CASE WHEN d.id IS NOT NULL AND (d.days_declared <> s.days_declared
                   OR d.gross_salary_mad <> s.gross_salary_mad) THEN 1 ELSE 0 END)
        FROM {staged} s LEFT JOIN {stored} d ON {_key_join("d", "s")}
        WHERE s.batch_id = %s"""  # noqa: S608 - table and column names are ours
    with connection.cursor() as cursor:
        cursor.execute(sql, [batch.id])
        new, changed = (int(value or 0) for value in cursor.fetchone())
    total = DeclarationStagedRow.objects.filter(batch=batch).count()
    return {"create": new, "update": changed, "unchanged": total - new - changed}


# --- Confirm, commit, cancel --------------------------------------------------------


def declarations_confirm(*, user: User, batch: DeclarationImport) -> DeclarationImport:
    if not can_import_declarations(user):
        raise PermissionDenied
    with transaction.atomic():
        batch = DeclarationImport.objects.select_for_update().get(id=batch.id)
        if batch.status != DeclarationImport.Status.VALIDATED:
            raise DeclarationImportError(_("Cet import n'est pas prêt à être confirmé."))
        if DeclarationImport.objects.filter(status=DeclarationImport.Status.COMMITTING).exists():
            raise DeclarationImportError(
                _("Un autre import de déclarations est en cours : réessayez quand il sera terminé.")
            )
        batch.status = DeclarationImport.Status.COMMITTING
        batch.confirmed_by = user
        batch.progress = 0
        batch.save(update_fields=["status", "confirmed_by", "progress"])
        batch_id = batch.id
        transaction.on_commit(lambda: queue_task("tracker.import_declarations_commit", batch_id))
    return batch


def declarations_commit(*, batch_id: int) -> DeclarationImport:
    """Writes the whole file in ONE transaction, or nothing."""
    batch = DeclarationImport.objects.get(id=batch_id)
    if batch.status != DeclarationImport.Status.COMMITTING:
        return batch  # committed already, or cancelled
    try:
        with transaction.atomic():
            _commit(batch)
    except DeclarationImportError as stale:
        _fail(batch, str(stale))
    batch.refresh_from_db()
    return batch


def _commit(batch: DeclarationImport) -> None:
    staged_rows = DeclarationStagedRow.objects.filter(batch=batch)
    valid_rows = batch.total_rows - batch.rows_in_error
    # A person deleted since the preview took its staged rows with it: refuse rather
    # than import the file short of rows.
    if staged_rows.count() != valid_rows:
        raise DeclarationImportError(
            _(
                "Les personnes suivies ont changé depuis la validation : rien n'a été "
                "enregistré ; déposez le fichier à nouveau."
            )
        )
    staged, stored = DeclarationStagedRow._meta.db_table, Declaration._meta.db_table
    columns = "trainee_id, month, month_index, employer_ice, employer_cnss, days_declared, "
    columns += "gross_salary_mad"
    now = timezone.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The staged rows arrived by COPY since the last statistics: without them the
            # planner expects a few rows and probes row by row (minutes for 7M rows).
            cursor.execute(f"ANALYZE {staged}")
        # Changed declarations are replaced: removed here, inserted below.
        cursor.execute(
            f"""DELETE FROM {stored} WHERE EXISTS (
                  SELECT 1 FROM {staged} s WHERE s.batch_id = %s AND {_key_join("s", stored)}
                  AND (s.days_declared <> {stored}.days_declared
                       OR s.gross_salary_mad <> {stored}.gross_salary_mad))""",  # noqa: S608
            [batch.id],
        )
        _PROGRESS.report(batch.id, 0.3)
        cursor.execute(
            f"""INSERT INTO {stored} ({columns}, batch_id, updated_at)
                SELECT {columns}, %s, %s FROM {staged} s WHERE s.batch_id = %s
                ON CONFLICT ({", ".join(KEY)}) DO NOTHING""",  # noqa: S608
            [batch.id, now, batch.id],
        )
        _PROGRESS.report(batch.id, 0.8)
        # Employers named by both numbers teach the match the one from the other.
        affiliations = EmployerAffiliation._meta.db_table
        cursor.execute(
            f"""INSERT INTO {affiliations} (ice, cnss_number)
                SELECT MIN(employer_ice), employer_cnss FROM {staged} s
                WHERE s.batch_id = %s AND employer_ice <> '' AND employer_cnss <> ''
                AND NOT EXISTS (SELECT 1 FROM {affiliations} a
                                WHERE a.cnss_number = s.employer_cnss)
                GROUP BY employer_cnss""",  # noqa: S608
            [batch.id],
        )
    staged_rows.delete()
    verification_mark_stale(reason="declarations")
    DeclarationImport.objects.filter(id=batch.id).update(
        status=DeclarationImport.Status.COMMITTED,
        progress=100,
        committed_at=now,
        finished_at=now,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {stored}")


def declarations_cancel(*, user: User, batch: DeclarationImport) -> DeclarationImport:
    """Cancels before the commit: file, staging and errors removed; the log keeps the
    entry (who, when, file name and hash)."""
    if not can_import_declarations(user):
        raise PermissionDenied
    cancellable = (
        DeclarationImport.Status.VALIDATED,
        DeclarationImport.Status.INVALID,
        DeclarationImport.Status.FAILED,
        DeclarationImport.Status.UPLOADED,
    )
    with transaction.atomic():
        batch = DeclarationImport.objects.select_for_update().get(id=batch.id)
        if batch.status not in cancellable:
            raise DeclarationImportError(_("Cet import ne peut plus être annulé."))
        batch.status = DeclarationImport.Status.CANCELLED
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "finished_at"])
        DeclarationRowError.objects.filter(batch=batch).delete()
        DeclarationStagedRow.objects.filter(batch=batch).delete()
    if batch.file:
        batch.file.delete(save=False)
        DeclarationImport.objects.filter(id=batch.id).update(file="")
    return batch


def sample_answer_file() -> str:
    """The documented layout with three example rows (fictitious CIN and employers)."""
    out = io.StringIO()
    writer = SafeCsvWriter(out, delimiter=";", lineterminator="\n")
    writer.writerow(ANSWER_HEADER)
    writer.writerow(["AB123456", "001234567000089", "1234567", "2026-01", "26", "8500.00"])
    writer.writerow(["AB123456", "001234567000089", "", "2026-02", "26", "8500.00"])
    writer.writerow(["CD654321", "", "7654321", "2026-01", "13", "4250.50"])
    return out.getvalue()
