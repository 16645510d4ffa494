"""Bulk enrollments and hires sent as JSON records (API ``POST /api/v1/batch/``), through
the import machinery: each record is one import row (keys = the import's column keys,
see tracker.imports.columns), parsed by ``parse_row``, checked against the database by
``plan_chunk`` and written by ``write_plan``, like a file.

All or nothing: any error, and nothing is written; every error names its record (index),
its field (column key) and the reason. Matching is the import's (trainee by CIN,
enrollment by CIN and cohort, hire by enrollment and hire date), so pushing the same
batch twice writes nothing the second time. Synchronous: at most
``API_BATCH_MAX_RECORDS`` records per request (a few thousand validate and write in a
few seconds); larger volumes go through the file import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import user_can_import
from tracker.figures.rollup_queue import rollup_after_commit
from tracker.imports.columns import COLUMNS, COLUMNS_BY_KEY
from tracker.imports.commit import write_plan
from tracker.imports.validation import (
    ChunkPlan,
    FileState,
    ImportContext,
    RowRecord,
    parse_row,
    plan_chunk,
    reason_code,
)
from tracker.models import Cohort, Enrollment, Placement
from tracker.services.placements import hire_key

KEY_BY_HEADER = {column.header: column.key for column in COLUMNS}


@dataclass(frozen=True)
class RecordError:
    """One refusal: the record (index), its field (column key), the words, and the
    stable code the single endpoints answer for the same refusal."""

    index: int
    field: str | None
    reason: str
    code: str = "invalid"


@dataclass(frozen=True)
class RecordOutcome:
    """What became of one record: its rows' ids (None in a dry run for a new row) and
    ``created``, ``updated`` or ``unchanged``."""

    index: int
    outcome: str
    trainee: int | None
    enrollment: int | None
    hire: int | None


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RecordError] = field(default_factory=list)
    committed: bool = False
    records: list[RecordOutcome] = field(default_factory=list)


class BatchTooLarge(Exception):  # noqa: N818 - answered 413 by the API
    """More records than API_BATCH_MAX_RECORDS."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(limit)


def _cell(value: Any) -> str | None:
    """A JSON value as the text of a cell, or None when it cannot be one."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return None


def _parse(
    index: int, record: Any, context: ImportContext
) -> tuple[RowRecord | None, list[RecordError]]:
    if not isinstance(record, dict):
        return None, [
            RecordError(index, None, _("Chaque enregistrement est un objet JSON."), "invalid_type")
        ]
    errors = [
        RecordError(index, str(key), _("Champ inconnu."), "unknown_field")
        for key in record
        if key not in COLUMNS_BY_KEY
    ]
    positions: dict[str, int] = {}
    cells: list[str] = []
    for key, value in record.items():
        if key not in COLUMNS_BY_KEY:
            continue
        text = _cell(value)
        if text is None:
            errors.append(RecordError(index, key, _("Valeur de type non accepté."), "invalid_type"))
            continue
        positions[key] = len(cells)
        cells.append(text)
    parsed, row_errors = parse_row(index, cells, positions, context)
    errors += [
        RecordError(row, KEY_BY_HEADER.get(header), message, reason_code(message))
        for row, header, message in row_errors
    ]
    return (parsed if not errors else None), errors


def records_import(*, user: User, records: list[Any], dry_run: bool = False) -> BatchResult:
    """Validates every record, then (no error, not a dry run) writes them all in one
    transaction. Raises PermissionDenied for who may not import (viewers, managers)."""
    if not user_can_import(user):
        raise PermissionDenied
    limit = settings.API_BATCH_MAX_RECORDS
    if not records:
        raise ValidationError({"records": _("Aucun enregistrement.")})
    if len(records) > limit:
        raise BatchTooLarge(limit)
    result = BatchResult()
    context = ImportContext.for_user(user)
    parsed: list[RowRecord] = []
    for index, record in enumerate(records):
        row, errors = _parse(index, record, context)
        result.errors += errors
        if row is not None:
            parsed.append(row)
    size = settings.IMPORT_CHUNK_ROWS
    chunks = [parsed[start : start + size] for start in range(0, len(parsed), size)]
    with transaction.atomic():
        # Locking the cohorts serialises this batch with imports into the same cohorts.
        cohort_ids = sorted({row.cohort_id for row in parsed})
        list(Cohort.objects.select_for_update().filter(id__in=cohort_ids).values("id"))
        state = FileState()
        plans: list[tuple[list[RowRecord], ChunkPlan]] = []
        for chunk in chunks:
            plan = plan_chunk(chunk, context, state)
            result.errors += [
                RecordError(row, KEY_BY_HEADER.get(header), message, reason_code(message))
                for row, header, message in plan.errors
            ]
            plans.append((chunk, plan))
            result.created += plan.to_create
            result.updated += plan.to_update
            result.unchanged += plan.unchanged
        result.errors.sort(key=lambda error: error.index)
        if result.errors:
            return result
        outcomes = {
            row: outcome for _chunk, plan in plans for row, outcome in plan.outcomes.items()
        }
        if dry_run:
            result.records = _outcomes(parsed, outcomes)
            return result
        touched: set[int] = set()
        for chunk, plan in plans:
            # As the import's commit: a chunk naming a person of an earlier chunk is
            # planned again once the earlier chunk is written.
            write_plan(
                plan_chunk(chunk, context, None) if plan.replan_at_commit else plan, user=user
            )
            touched |= plan.cohort_ids
        rollup_after_commit(cohort_ids=sorted(touched))
        result.committed = True
        result.records = _outcomes(parsed, outcomes)
    return result


def _outcomes(parsed: list[RowRecord], outcomes: dict[int, str]) -> list[RecordOutcome]:
    """Each record with the ids of what it wrote or matched: two queries for the batch
    (enrollments by CIN and cohort, then the hires of those enrollments)."""
    cins = {row.cin for row in parsed}
    enrollments = {
        (cin, cohort_id): (pk, trainee_id)
        for pk, trainee_id, cin, cohort_id in Enrollment.objects.filter(
            trainee__cin__in=cins, cohort_id__in={row.cohort_id for row in parsed}
        ).values_list("pk", "trainee_id", "trainee__cin", "cohort_id")
    }
    hires = {
        hire_key(
            enrollment_id=enrollment_id,
            hired_on=hired_on,
            employer_id=employer_id,
            employer_ice=employer_ice,
        ): pk
        for pk, enrollment_id, hired_on, employer_id, employer_ice in Placement.objects.filter(
            enrollment_id__in=[pk for pk, _trainee in enrollments.values()]
        ).values_list("pk", "enrollment_id", "hired_on", "employer_id", "employer_ice")
    }
    records = []
    for row in parsed:
        enrollment_id, trainee_id = enrollments.get((row.cin, row.cohort_id), (None, None))
        hire_id = None
        if row.hire and enrollment_id is not None:
            hire_id = hires.get(
                hire_key(
                    enrollment_id=enrollment_id,
                    hired_on=row.hire["hired_on"],
                    employer_id=row.hire["employer_id"],
                    employer_ice=row.hire["employer_ice"],
                )
            )
        records.append(
            RecordOutcome(
                index=row.row_number,
                outcome=outcomes.get(row.row_number, "unchanged"),
                trainee=trainee_id,
                enrollment=enrollment_id,
                hire=hire_id,
            )
        )
    return records
