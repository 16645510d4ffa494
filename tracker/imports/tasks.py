"""Celery tasks of file imports: validate an upload, commit a confirmed file (queued by
tracker.imports.services, and for CNSS declarations files by
tracker.imports.declarations.services, through tracker.task_queue)."""

from __future__ import annotations

from celery import shared_task

from tracker.imports.declarations.services import declarations_commit, declarations_validate
from tracker.imports.notifications import notify_import_outcome
from tracker.imports.services import import_commit, import_validate


@shared_task(name="tracker.import_validate")
def import_validate_task(batch_id: int) -> None:
    """Validates every row of an uploaded import file (tracker.imports.services), then
    tells the uploader how it ended."""
    notify_import_outcome(batch=import_validate(batch_id=batch_id))


@shared_task(name="tracker.import_commit")
def import_commit_task(batch_id: int) -> None:
    """Writes a confirmed import in one transaction (tracker.imports.services), then
    tells the uploader how it ended."""
    notify_import_outcome(batch=import_commit(batch_id=batch_id))


@shared_task(name="tracker.import_declarations_validate")
def declarations_validate_task(batch_id: int) -> None:
    """Validates a CNSS declarations file (tracker.imports.declarations.services)."""
    declarations_validate(batch_id=batch_id)


@shared_task(name="tracker.import_declarations_commit")
def declarations_commit_task(batch_id: int) -> None:
    """Writes a confirmed declarations file in one transaction."""
    declarations_commit(batch_id=batch_id)
