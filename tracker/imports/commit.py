"""Writing one chunk's plan: bulk inserts and updates, and a ChangeLog row (source
"import", field -> [old, new]) for every trainee, enrollment and hire created or
changed. Runs inside the commit's single transaction (tracker.services.imports).

On PostgreSQL the inserts go through COPY (psycopg 3), many times faster than INSERT
for large files; elsewhere through bulk_create. Ids of the new rows are then read back
with one query per table, by their natural keys (CIN; trainee and cohort)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from tracker.imports.validation import (
    ENROLLMENT_FIELDS,
    PLACEMENT_FIELDS,
    TRAINEE_FIELDS,
    ChunkPlan,
    created,
)
from tracker.models import ChangeLog, Enrollment, Placement, Trainee, User

BULK_BATCH = 2000


def write_plan(plan: ChunkPlan, *, user: User) -> None:
    now = timezone.now()
    logs: list[ChangeLog] = []

    def log(entity: str, pk: int, action: str, changes: dict[str, list[Any]]) -> None:
        logs.append(
            ChangeLog(
                entity=entity,
                object_id=pk,
                action=action,
                changes=changes,
                actor=user,
                source=ChangeLog.Source.IMPORT,
                at=now,
            )
        )

    # Trainees first: new enrollments need their ids.
    new_trainees = list(plan.new_trainees.values())
    for trainee in new_trainees:
        trainee.created_at = trainee.updated_at = now
    insert(Trainee, new_trainees, id_key=lambda t: t.cin, lookup_field="cin")
    for trainee in new_trainees:
        log(ChangeLog.Entity.TRAINEE, trainee.id, "created", _values(trainee, TRAINEE_FIELDS))
    _update(Trainee, plan.updated_trainees, now=now)
    for trainee, changes in plan.updated_trainees:
        log(ChangeLog.Entity.TRAINEE, trainee.id, "updated", changes)

    trainee_ids = {t.cin: t.id for t in new_trainees}
    missing = {cin for cin, _ in plan.new_enrollments if cin not in trainee_ids}
    if missing:
        trainee_ids.update(Trainee.objects.filter(cin__in=missing).values_list("cin", "id"))
    new_enrollments = []
    for cin, enrollment in plan.new_enrollments:
        enrollment.trainee_id = trainee_ids[cin]
        enrollment.created_at = enrollment.updated_at = now
        new_enrollments.append(enrollment)
    insert(
        Enrollment,
        new_enrollments,
        id_key=lambda e: (e.trainee_id, e.cohort_id),
        lookup_field="trainee_id",
        extra_key="cohort_id",
    )
    for enrollment in new_enrollments:
        log(
            ChangeLog.Entity.ENROLLMENT,
            enrollment.id,
            "created",
            _values(enrollment, ("trainee_id", "cohort_id", *ENROLLMENT_FIELDS)),
        )
    _update(Enrollment, plan.updated_enrollments, now=now, extra=("version", "updated_by"))
    for enrollment, changes in plan.updated_enrollments:
        log(ChangeLog.Entity.ENROLLMENT, enrollment.id, "updated", changes)

    enrollment_ids = {(cin, e.cohort_id): e.id for (cin, e) in plan.new_enrollments}
    new_placements = []
    for key, placement in plan.new_placements:
        if placement.enrollment_id is None:
            placement.enrollment_id = enrollment_ids[key]
        placement.created_at = placement.updated_at = now
        new_placements.append(placement)
    insert(
        Placement,
        new_placements,
        id_key=lambda p: (p.enrollment_id, p.hired_on),
        lookup_field="enrollment_id",
        extra_key="hired_on",
    )
    for placement in new_placements:
        log(
            ChangeLog.Entity.PLACEMENT,
            placement.id,
            "created",
            _values(placement, ("enrollment_id", *PLACEMENT_FIELDS)),
        )
    _update(Placement, plan.updated_placements, now=now, extra=("version", "updated_by"))
    for placement, changes in plan.updated_placements:
        log(ChangeLog.Entity.PLACEMENT, placement.id, "updated", changes)
    insert(ChangeLog, logs, id_key=None)


def _values(instance: Model, names: Iterable[str]) -> dict[str, list[Any]]:
    return created({name: getattr(instance, name) for name in names})


def _update(
    model: type[Model],
    pairs: Sequence[tuple[Any, dict[str, list[Any]]]],
    *,
    now: dt.datetime,
    extra: tuple[str, ...] = (),
) -> None:
    if not pairs:
        return
    fields: set[str] = set()
    for instance, changes in pairs:
        instance.updated_at = now
        fields.update(changes)
    names = sorted(name.removesuffix("_id") for name in fields)
    model._default_manager.bulk_update(
        [instance for instance, _ in pairs],
        [*names, *extra, "updated_at"],
        batch_size=BULK_BATCH,
    )


# --- Inserts: COPY on PostgreSQL, bulk_create elsewhere ----------------------------


def insert(
    model: type[Model],
    objects: list[Any],
    *,
    id_key: Any,
    lookup_field: str = "",
    extra_key: str = "",
) -> None:
    """Inserts ``objects`` and sets their ids (unless ``id_key`` is None: nobody needs
    them, as for the change log)."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=BULK_BATCH)
        return
    _copy(model, objects)
    if id_key is None:
        return
    by_key = {id_key(obj): obj for obj in objects}
    lookup_values = {getattr(obj, lookup_field) for obj in objects}
    columns = ["id", lookup_field] + ([extra_key] if extra_key else [])
    rows = model._default_manager.filter(**{f"{lookup_field}__in": lookup_values}).values_list(
        *columns
    )
    for pk, *key in rows:
        obj = by_key.get(key[0] if not extra_key else tuple(key))
        if obj is not None:
            obj.id = pk


def _copy(model: type[Model], objects: list[Any]) -> None:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    buffer = io.StringIO()
    for obj in objects:
        buffer.write("\t".join(_copy_text(getattr(obj, f.attname)) for f in fields))
        buffer.write("\n")
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
            copy.write(buffer.getvalue())


def _copy_text(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, int | Decimal):
        return str(value)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
