"""The stages of a bulk import: upload -> validate (task) -> preview -> confirm ->
commit (task, one transaction) -> rollups queued on commit; or cancel.

Views and tasks call these functions only. Validation and commit stream the stored file
in chunks of ``IMPORT_CHUNK_ROWS`` rows, run the same rules (tracker.imports.validation)
and a few queries per chunk, so memory stays bounded whatever the file's size."""

from __future__ import annotations

import gc
import hashlib
import logging
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import user_can_import, user_may_act_on_import
from tracker.figures.rollup_queue import rollup_after_commit
from tracker.imports.commit import write_plan
from tracker.imports.error_messages import message_key
from tracker.imports.formats import FileRefusedError, RowSource, inspect_upload, open_rows
from tracker.imports.progress import LiveProgress
from tracker.imports.validation import (
    FileState,
    ImportContext,
    RowError,
    RowRecord,
    parse_row,
    plan_chunk,
    reason_code,
)
from tracker.models import (
    Cohort,
    Enrollment,
    ImportBatch,
    ImportRowError,
    Placement,
    Trainee,
    TraineeContact,
)
from tracker.storage import local_copy, local_output
from tracker.task_queue import queue_task

logger = logging.getLogger(__name__)

# After a commit creating at least this many rows, refresh the planner's statistics.
ANALYZE_AFTER_ROWS = 10_000


class ImportConflictError(Exception):
    """The import cannot proceed now; ``str()`` is the message for the user."""


# --- Upload ------------------------------------------------------------------------


def import_upload(*, user: User, uploaded_file: File) -> ImportBatch:
    """Stores the file, refuses it at once when it is not a readable spreadsheet (the
    batch is then failed with the reason), otherwise queues its validation."""
    if not user_can_import(user):
        raise PermissionDenied
    name = Path(uploaded_file.name or "import").name[:255]
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    batch = ImportBatch(
        uploaded_by=user,
        partner_id=user.partner_id if user.is_partner else None,
        file_name=name,
        file_sha256=digest.hexdigest(),
        file_size=uploaded_file.size or 0,
        file_format="xlsx" if name.lower().endswith((".xlsx", ".xlsm")) else "csv",
    )
    if batch.file_size > settings.IMPORT_MAX_FILE_BYTES:
        # Checked before writing anything to disk.
        batch.status = ImportBatch.Status.FAILED
        batch.failure_reason = _(
            "Fichier trop volumineux : %(size)s Mo (au plus %(limit)s Mo)."
        ) % {"size": batch.file_size // 2**20, "limit": settings.IMPORT_MAX_FILE_BYTES // 2**20}
        batch.finished_at = timezone.now()
        batch.save()
        return batch
    batch.file.save(name, uploaded_file, save=False)
    try:
        with local_copy(batch.file.storage, batch.file.name) as path:
            inspection = inspect_upload(path, name=name, verify_archive=True)
        batch.file_format = inspection.file_format
    except Exception as error:
        # Whatever the file does to the readers, the upload ends as a failed batch with
        # its reason, and the stored file is removed: never a 500 with a file left behind.
        if not isinstance(error, FileRefusedError):
            logger.exception("Import upload %s: inspection failed", name)
        batch.status = ImportBatch.Status.FAILED
        batch.failure_reason = (
            str(error)
            if isinstance(error, FileRefusedError)
            else _("Fichier illisible : il ne peut pas être lu comme un tableur.")
        )
        batch.finished_at = timezone.now()
        batch.save()
        _discard_file(batch)
        return batch
    batch.save()
    transaction.on_commit(lambda: queue_task("tracker.import_validate", batch.id))
    return batch


# --- Validation --------------------------------------------------------------------


def _chunks(
    source: RowSource, context: ImportContext
) -> Iterator[tuple[list[RowRecord], list[RowError]]]:
    """Parses the rows chunk by chunk: (valid records, row errors)."""
    records: list[RowRecord] = []
    errors: list[RowError] = []
    max_rows, chunk_rows = settings.IMPORT_MAX_ROWS, settings.IMPORT_CHUNK_ROWS
    positions = source.positions
    for count, (number, cells) in enumerate(source.rows, start=1):
        if count > max_rows:
            raise FileRefusedError(
                _("Trop de lignes : au plus %(n)s par fichier.") % {"n": max_rows}
            )
        record, row_errors = parse_row(number, cells, positions, context)
        if record is not None:
            records.append(record)
        if row_errors:
            errors.extend(row_errors)
        if len(records) + len(errors) >= chunk_rows:
            yield records, errors
            records, errors = [], []
    if records or errors:
        yield records, errors


_PROGRESS = LiveProgress("import-progress", committed=ImportBatch.Status.COMMITTED)


def import_progress(*, batch: ImportBatch) -> int:
    """0..100: live from the cache while a task runs, else the stored value."""
    return _PROGRESS.read(batch)


@contextmanager
def _long_lived_objects_frozen() -> Iterator[None]:
    """While a task validates or writes a file, Python's cycle collector leaves alone the
    objects that were alive before (Django, the modules, the worker: gc.freeze). The
    file's chunks make the collector run full collections again and again, and each
    rescanned that whole heap: up to a fifth of the validation's CPU and a third of the
    commit's. The file's own objects are still collected as usual. The price: a little
    more memory at the peak of a large file (pausing the collector altogether cost the
    same), within the memory budget (docs/benchmarks.md). Undone on the way out
    (gc.unfreeze), exceptions included."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def import_validate(*, batch_id: int) -> ImportBatch:
    """Validates every row; the batch ends VALIDATED (nothing wrong), INVALID (row
    errors stored) or FAILED (the file itself could not be read). Writes nothing else."""
    batch = ImportBatch.objects.select_related("uploaded_by").get(id=batch_id)
    if batch.status not in (ImportBatch.Status.UPLOADED, ImportBatch.Status.VALIDATING):
        return batch  # already validated: a redelivered task does nothing
    ImportBatch.objects.filter(id=batch.id).update(status=ImportBatch.Status.VALIDATING)
    ImportRowError.objects.filter(batch=batch).delete()
    # The stored messages are read by the uploader.
    with _uploader_language(batch), _long_lived_objects_frozen():
        try:
            _validate(batch)
        except FileRefusedError as refusal:
            _fail_validation(batch, str(refusal))
        except Exception:
            logger.exception("Import %s: validation failed", batch.id)
            _fail_validation(
                batch, _("Erreur inattendue pendant la validation : rien n'a été enregistré.")
            )
    batch.refresh_from_db()
    return batch


def _fail_validation(batch: ImportBatch, reason: str) -> None:
    """A file that cannot be read to its end is failed as a whole: the errors stored for
    its first chunks, its staged plans and the file itself are removed (the log keeps the
    entry, its name, hash and reason)."""
    _fail(batch, reason)
    ImportRowError.objects.filter(batch=batch).delete()
    _discard_file(batch)


def stored_row_error(batch: ImportBatch, row: int, column: str, message: str) -> ImportRowError:
    """A row error as stored: its words (the uploader's language), and its message id,
    parameters and code, to show it in any reader's language."""
    message_id, params = message_key(message)
    return ImportRowError(
        batch=batch,
        row_number=row,
        column=column,
        message=message,
        message_id=message_id,
        params=params,
        code=reason_code(message),
    )


def _uploader_language(batch: ImportBatch) -> translation.override:
    """Messages stored on the batch are written in its uploader's language (the worker
    has no request to take it from)."""
    return translation.override(batch.uploaded_by.language or settings.LANGUAGE_CODE)


def _validate(batch: ImportBatch) -> None:
    # The upload and the staged plans live in the file storage (another host's web
    # server received the file; another worker may run the commit): worked on locally.
    with (
        local_copy(batch.file.storage, batch.file.name) as path,
        local_output(batch.file.storage, _staged_name(batch)) as staged_path,
    ):
        _validate_file(batch, path, staged_path)


def _validate_file(batch: ImportBatch, path: Path, staged_path: Path) -> None:
    inspection = inspect_upload(path, name=batch.file_name)
    context = ImportContext.for_user(batch.uploaded_by)
    state = FileState()
    counts = {"create": 0, "update": 0, "unchanged": 0, "rows_in_error": 0, "errors": 0}
    cohort_ids: set[int] = set()
    source = open_rows(path, inspection)
    staged = staged_path.open("wb")
    try:
        # Taken before the first lookup: the commit replays the staged plans only if
        # the database still has this watermark.
        pickle.dump(database_watermark(), staged, protocol=pickle.HIGHEST_PROTOCOL)
        for records, errors in _chunks(source, context):
            plan = plan_chunk(records, context, state)
            # The parsed rows and their plan are staged on disk, chunk by chunk.
            pickle.dump((_pack(records), plan), staged, protocol=pickle.HIGHEST_PROTOCOL)
            errors = errors + plan.errors
            counts["create"] += plan.to_create
            counts["update"] += plan.to_update
            counts["unchanged"] += plan.unchanged
            counts["rows_in_error"] += len({row for row, _column, _message in errors})
            counts["errors"] += len(errors)
            cohort_ids |= plan.cohort_ids
            ImportRowError.objects.bulk_create(
                [stored_row_error(batch, r, c, m) for r, c, m in errors], batch_size=2000
            )
            _PROGRESS.report(batch.id, source.fraction_done())
    finally:
        source.close()
        staged.close()
    total = counts["create"] + counts["update"] + counts["unchanged"] + counts["rows_in_error"]
    if total == 0:
        raise FileRefusedError(_("Le fichier ne contient aucune ligne de données sous l'en-tête."))
    ImportBatch.objects.filter(id=batch.id).update(
        status=ImportBatch.Status.INVALID if counts["errors"] else ImportBatch.Status.VALIDATED,
        total_rows=total,
        rows_to_create=counts["create"],
        rows_to_update=counts["update"],
        rows_unchanged=counts["unchanged"],
        rows_in_error=counts["rows_in_error"],
        error_count=counts["errors"],
        cohort_ids=sorted(cohort_ids),
        progress=100,
        validated_at=timezone.now(),
    )


def _fail(batch: ImportBatch, reason: str) -> None:
    ImportBatch.objects.filter(id=batch.id).update(
        status=ImportBatch.Status.FAILED, failure_reason=reason, finished_at=timezone.now()
    )


# --- Confirm, commit, cancel --------------------------------------------------------


def _check_owner(user: User, batch: ImportBatch) -> None:
    """Only the organisation that uploaded the file (or an admin) acts on it."""
    if not user_may_act_on_import(user, batch):
        raise PermissionDenied


def import_confirm(*, user: User, batch: ImportBatch) -> ImportBatch:
    """Confirms a validated import and queues its commit. Refused while another import
    into one of the same cohorts is being committed."""
    _check_owner(user, batch)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(id=batch.id)
        if batch.status != ImportBatch.Status.VALIDATED:
            raise ImportConflictError(_("Cet import n'est pas prêt à être confirmé."))
        # Locking the cohorts serialises concurrent confirmations on PostgreSQL.
        list(Cohort.objects.select_for_update().filter(id__in=batch.cohort_ids).values("id"))
        busy = ImportBatch.objects.filter(status=ImportBatch.Status.COMMITTING).exclude(id=batch.id)
        for other in busy.only("id", "cohort_ids"):
            if set(other.cohort_ids) & set(batch.cohort_ids):
                raise ImportConflictError(
                    _(
                        "Un autre import est en cours d'enregistrement pour une de ces "
                        "cohortes : réessayez quand il sera terminé."
                    )
                )
        batch.status = ImportBatch.Status.COMMITTING
        batch.confirmed_by = user
        batch.progress = 0
        batch.save(update_fields=["status", "confirmed_by", "progress"])
        _PROGRESS.report(batch.id, 0)
        batch_id = batch.id
        transaction.on_commit(lambda: queue_task("tracker.import_commit", batch_id))
    return batch


class ImportStaleError(Exception):
    """The database changed between validation and commit so that a row no longer
    passes; the commit is abandoned (nothing written) and the user re-imports."""


def import_commit(*, batch_id: int) -> ImportBatch:
    """Writes the whole file in ONE transaction, or nothing. Rows are re-checked against
    the database as it is now (another import may have committed since the preview)."""
    batch = ImportBatch.objects.select_related("uploaded_by").get(id=batch_id)
    if batch.status != ImportBatch.Status.COMMITTING:
        return batch  # committed already, or cancelled: a redelivered task does nothing
    # The stored messages, failures included, are read by the uploader.
    with _uploader_language(batch):
        try:
            with transaction.atomic(), _long_lived_objects_frozen():
                counts = _commit(batch)
        except ImportStaleError as stale:
            _fail(batch, str(stale))
        except FileRefusedError as refusal:
            _fail(batch, str(refusal))
        except Exception:
            logger.exception("Import %s: commit failed", batch.id)
            _fail(
                batch,
                _("Erreur inattendue pendant l'enregistrement : rien n'a été enregistré."),
            )
        else:
            batch.file.storage.delete(_staged_name(batch))
            if connection.vendor == "postgresql" and counts["create"] >= ANALYZE_AFTER_ROWS:
                # Fresh statistics for the next import's lookups (autovacuum comes later).
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE tracker_trainee, tracker_enrollment, tracker_placement")
    batch.refresh_from_db()
    return batch


def _commit(batch: ImportBatch) -> dict[str, int]:
    if connection.vendor == "postgresql":
        # The import is all-or-nothing and can be replayed from its stored file: do not
        # wait for the WAL flush of this one transaction (no risk of corruption).
        # No JIT: the writes' plans look expensive once sequential scans are off (below),
        # and PostgreSQL would JIT-compile each statement (for nothing).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute("SET LOCAL jit TO OFF")
    list(Cohort.objects.select_for_update().filter(id__in=batch.cohort_ids).values("id"))
    user = batch.uploaded_by
    context = ImportContext.for_user(user)
    counts = {"create": 0, "update": 0, "unchanged": 0}
    touched: set[int] = set()
    done = 0
    chunks = _staged_chunks(batch)
    # Unchanged database since the validation began (the cohorts are locked now):
    # the staged plans are still exactly what plan_chunk would compute, replay them.
    unchanged_since_validation = next(chunks) == database_watermark()
    if connection.vendor == "postgresql":
        # The tables grow inside this transaction faster than the planner's statistics
        # follow; every lookup from here on is by an indexed key, so never scan whole
        # tables. Set after the watermark, whose whole-table aggregates a sequential
        # scan serves best (forced through an index they took 1.7x as long).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan TO OFF")
    for packed, staged_plan in chunks:
        records = _unpack(packed)
        missing = {r.cohort_id for r in records} - {c.id for c in context.cohorts.values()}
        if missing:
            raise ImportStaleError(
                _("Une des cohortes du fichier n'est plus dans votre périmètre.")
            )
        if unchanged_since_validation and not staged_plan.replan_at_commit:
            plan = staged_plan
        else:
            # Every row passed the field rules at validation; the database checks run
            # again (another import may have committed since the preview).
            plan = plan_chunk(records, context, None)
        if plan.errors:
            row, column, message = plan.errors[0]
            raise ImportStaleError(
                _(
                    "Les données ont changé depuis la validation (ligne %(row)s, "
                    "%(column)s : %(message)s). Rien n'a été enregistré : déposez le "
                    "fichier à nouveau."
                )
                % {"row": row, "column": column, "message": message}
            )
        write_plan(plan, user=user)
        counts["create"] += plan.to_create
        counts["update"] += plan.to_update
        counts["unchanged"] += plan.unchanged
        touched |= plan.cohort_ids
        done += len(records)
        _PROGRESS.report(batch.id, done / max(batch.total_rows, 1))
    rollup_after_commit(cohort_ids=sorted(touched))
    now = timezone.now()
    ImportBatch.objects.filter(id=batch.id).update(
        status=ImportBatch.Status.COMMITTED,
        rows_to_create=counts["create"],
        rows_to_update=counts["update"],
        rows_unchanged=counts["unchanged"],
        progress=100,
        committed_at=now,
        finished_at=now,
    )
    return counts


def _pack(records: list[RowRecord]) -> list[tuple[Any, ...]]:
    """Records as plain tuples: pickled several times faster than the dataclass."""
    return [(r.row_number, r.cohort_id, r.cin, r.trainee, r.enrollment, r.hire) for r in records]


def _unpack(packed: list[tuple[Any, ...]]) -> list[RowRecord]:
    return [RowRecord(*values) for values in packed]


def _staged_name(batch: ImportBatch) -> str:
    return f"{batch.file.name}.staged"


def database_watermark() -> list[tuple[Any, ...]]:
    """(count, highest id, latest update) of every table a chunk's plan reads. Every
    write to them goes through save() (auto_now) or the import (which sets updated_at),
    so an insert, an update or a delete anywhere changes the watermark."""
    return [
        tuple(
            model._default_manager.order_by()
            .aggregate(n=Count("id"), top=Max("id"), at=Max("updated_at"))
            .values()
        )
        for model in (Trainee, TraineeContact, Enrollment, Placement, Cohort)
    ]


def _staged_chunks(batch: ImportBatch) -> Iterator[Any]:
    """The database watermark, then (rows, plan) chunk by chunk, as staged by the
    validation. The staging file is written by this service only, in the private file
    storage (never user-supplied)."""
    with (
        local_copy(batch.file.storage, _staged_name(batch)) as path,
        path.open("rb") as staged,
    ):
        while True:
            try:
                yield pickle.load(staged)  # noqa: S301 - our own staging file
            except EOFError:
                return


def import_cancel(*, user: User, batch: ImportBatch) -> ImportBatch:
    """Cancels an import before its commit: the stored file and its errors are deleted;
    the log keeps the entry (who, when, file name and hash)."""
    _check_owner(user, batch)
    cancellable = (
        ImportBatch.Status.VALIDATED,
        ImportBatch.Status.INVALID,
        ImportBatch.Status.FAILED,
        ImportBatch.Status.UPLOADED,
    )
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(id=batch.id)
        if batch.status not in cancellable:
            raise ImportConflictError(_("Cet import ne peut plus être annulé."))
        batch.status = ImportBatch.Status.CANCELLED
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "finished_at"])
        ImportRowError.objects.filter(batch=batch).delete()
    _discard_file(batch)
    return batch


def _discard_file(batch: ImportBatch) -> None:
    if batch.file:
        batch.file.storage.delete(_staged_name(batch))
        batch.file.delete(save=False)
        ImportBatch.objects.filter(id=batch.id).update(file="")
