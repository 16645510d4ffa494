"""Writing one chunk's plan: bulk inserts and updates, and a ChangeLog row (source
"import", field -> [old, new]) for every trainee, enrollment and hire created or
changed. Runs inside the commit's single transaction (tracker.services.imports).

On PostgreSQL the inserts go through COPY (psycopg 3), many times faster than INSERT
for large files, with ids drawn from the tables' sequences beforehand; elsewhere through
bulk_create, which returns them. No id is read back by natural key."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from tracker.imports.validation import (
    ENROLLMENT_FIELDS,
    PLACEMENT_FIELDS,
    TRAINEE_FIELDS,
    ChunkPlan,
)
from tracker.models import ChangeLog, Enrollment, Placement, Trainee, User

BULK_BATCH = 2000


def write_plan(plan: ChunkPlan, *, user: User) -> None:
    now = timezone.now()
    logs: list[dict[str, Any]] = []

    def log(entity: str, pk: int, action: str, changes: dict[str, list[Any]]) -> None:
        logs.append(
            {
                "entity": entity,
                "object_id": pk,
                "action": action,
                "changes": changes,
                "actor_id": user.id,
                "source": ChangeLog.Source.IMPORT,
                "at": now,
            }
        )

    stamps = {"created_at": now, "updated_at": now}
    # Trainees first: new enrollments need their ids.
    new_trainees = [{**values, **stamps} for values in plan.new_trainees.values()]
    trainee_ids = dict(zip(plan.new_trainees, insert_rows(Trainee, new_trainees), strict=True))
    _update(Trainee, plan.updated_trainees, now=now)
    for trainee, changes in plan.updated_trainees:
        log(ChangeLog.Entity.TRAINEE, trainee.id, "updated", changes)
    for values in new_trainees:
        log(
            ChangeLog.Entity.TRAINEE,
            trainee_ids[values["cin"]],
            "created",
            _created(values, TRAINEE_FIELDS),
        )
    missing = {cin for cin, _values in plan.new_enrollments} - trainee_ids.keys()
    if missing:  # enrollments of people already recorded
        trainee_ids.update(Trainee.objects.filter(cin__in=missing).values_list("cin", "id"))

    versioned = {**stamps, "version": 1, "updated_by_id": user.id}
    new_enrollments = []
    for cin, values in plan.new_enrollments:
        new_enrollments.append({**values, **versioned, "trainee_id": trainee_ids[cin]})
    new_enrollment_ids = insert_rows(Enrollment, new_enrollments)
    _update(Enrollment, plan.updated_enrollments, now=now, extra=("version", "updated_by"))
    for enrollment, changes in plan.updated_enrollments:
        log(ChangeLog.Entity.ENROLLMENT, enrollment.id, "updated", changes)
    enrollment_ids: dict[tuple[int, int], int] = {}
    for values, pk in zip(new_enrollments, new_enrollment_ids, strict=True):
        enrollment_ids[(values["trainee_id"], values["cohort_id"])] = pk
        log(
            ChangeLog.Entity.ENROLLMENT,
            pk,
            "created",
            _created(values, ("trainee_id", "cohort_id", *ENROLLMENT_FIELDS)),
        )

    new_placements = []
    for (cin, cohort_id), values in plan.new_placements:
        row = {**values, **versioned}
        if "enrollment_id" not in row:
            row["enrollment_id"] = enrollment_ids[(trainee_ids[cin], cohort_id)]
        new_placements.append(row)
    new_placement_ids = insert_rows(Placement, new_placements)
    _update(Placement, plan.updated_placements, now=now, extra=("version", "updated_by"))
    for placement, changes in plan.updated_placements:
        log(ChangeLog.Entity.PLACEMENT, placement.id, "updated", changes)
    for values, pk in zip(new_placements, new_placement_ids, strict=True):
        log(
            ChangeLog.Entity.PLACEMENT,
            pk,
            "created",
            _created(values, ("enrollment_id", *PLACEMENT_FIELDS)),
        )
    insert_rows(ChangeLog, logs, ids=False)


def _created(values: dict[str, Any], names: Iterable[str]) -> dict[str, list[Any]]:
    """Every value set at creation, as [null, new]. Dates and amounts stay Python
    objects here; insert_rows serialises them (once, with the whole document)."""
    return {
        name: [None, value]
        for name in names
        if (value := values.get(name)) is not None and value != ""
    }


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


def insert_rows(model: type[Model], rows: list[dict[str, Any]], *, ids: bool = True) -> list[int]:
    """Inserts rows given as attname -> value dicts (absent fields take their default)
    and returns their new ids, in order. On PostgreSQL the ids are drawn from the
    table's sequence first (one query), then written by COPY with the rows; elsewhere
    bulk_create returns them (INSERT ... RETURNING)."""
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    json_fields = [f.attname for f in fields if f.get_internal_type() == "JSONField"]
    if connection.vendor != "postgresql":
        for row in rows:
            for name in json_fields:
                if name in row:
                    row[name] = json.loads(json.dumps(row[name], default=str))
        created = model._default_manager.bulk_create(
            [model(**row) for row in rows], batch_size=BULK_BATCH
        )
        return [instance.pk for instance in created] if ids else []
    defaults = [(f.attname, f.get_default(), f.attname in json_fields) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    pk_column = model._meta.pk.column
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    new_ids: list[int] = []
    with connection.cursor() as cursor:
        if ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk_column, len(rows)],
            )
            new_ids = [pk for (pk,) in cursor.fetchall()]
            columns = f"{connection.ops.quote_name(pk_column)}, {columns}"
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for index, row in enumerate(rows):
                # JSON goes as text (dates and Decimals via str): COPY parses it as jsonb.
                values = [
                    json.dumps(row.get(name, default), default=str)
                    if is_json
                    else row.get(name, default)
                    for name, default, is_json in defaults
                ]
                if ids:
                    values.insert(0, new_ids[index])
                copy.write_row(values)
    return new_ids
