"""Writing one chunk's plan: inserts and updates, and a ChangeLog row (source
"import", field -> [old, new]) for every trainee, enrollment and hire created or
changed. Runs inside the commit's single transaction (tracker.imports.services).

On PostgreSQL the new rows are written set-based (see _write_plan_set_based): COPY
into temporary staging tables, then INSERT ... SELECT joining on the natural keys,
which writes the "created" change log in the same statement. Elsewhere bulk_create,
which returns the ids. Updates go through bulk_update on both."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from accounts.models import User
from tracker.imports.validation import (
    CONTACT_FIELDS,
    ENROLLMENT_FIELDS,
    PLACEMENT_FIELDS,
    TRAINEE_FIELDS,
    ChunkPlan,
    key_in,
)
from tracker.models import ChangeLog, Cohort, Enrollment, Placement, Trainee, TraineeContact

BULK_BATCH = 2000


def write_plan(plan: ChunkPlan, *, user: User) -> None:
    now = timezone.now()
    if connection.vendor == "postgresql":
        _write_plan_set_based(plan, user=user, now=now)
        return
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
    _update(Trainee, plan.updated_trainees, now=now, extra=("version",))
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
        trainee_ids.update(
            Trainee.objects.filter(key_in(Trainee, "cin", missing)).values_list("cin", "id")
        )

    versioned = {**stamps, "version": 1, "updated_by_id": user.id}
    # The operator stored on each row is its cohort's (one query for the chunk).
    cohort_ids = {values["cohort_id"] for _cin, values in plan.new_enrollments}
    cohort_ids.update(cohort_id for (_cin, cohort_id), _values in plan.new_placements)
    operators = dict(Cohort.objects.filter(id__in=cohort_ids).values_list("id", "operator_id"))
    new_enrollments = []
    for cin, values in plan.new_enrollments:
        new_enrollments.append(
            {
                **values,
                **versioned,
                "trainee_id": trainee_ids[cin],
                "operator_id": operators[values["cohort_id"]],
            }
        )
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
        row = {**values, **versioned, "operator_id": operators[cohort_id]}
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
    logs += _write_contacts(plan, user=user, now=now, trainee_ids=trainee_ids)
    insert_rows(ChangeLog, logs, ids=False)


def _write_contacts(
    plan: ChunkPlan, *, user: User, now: dt.datetime, trainee_ids: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """Each operator's record of its people (after the trainees: the new ones need their
    ids), and the history rows of those records and of the people linked to a new
    operator. Returns the history rows, for the caller's single insert."""
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

    if plan.new_contacts:
        ids = dict(trainee_ids or {})
        # The people whose id the caller does not hold (on PostgreSQL the new trainees
        # are inserted set-based): read back by CIN, one query.
        unknown = {
            cin
            for (cin, _operator), values in plan.new_contacts.items()
            if "trainee_id" not in values
        } - ids.keys()
        if unknown:
            ids.update(
                Trainee.objects.filter(key_in(Trainee, "cin", unknown)).values_list("cin", "id")
            )
        rows = [
            {
                "trainee_id": ids.get(cin),
                **values,
                "operator_id": operator_id,
                "created_at": now,
                "updated_at": now,
            }
            for (cin, operator_id), values in plan.new_contacts.items()
        ]
        for values, pk in zip(rows, insert_rows(TraineeContact, rows), strict=True):
            log(ChangeLog.Entity.CONTACT, pk, "created", _created(values, CONTACT_FIELDS))
    _update(TraineeContact, plan.updated_contacts, now=now)
    for contact, changes in plan.updated_contacts:
        log(ChangeLog.Entity.CONTACT, contact.id, "updated", changes)
    for trainee_id, operator_id in sorted(plan.linked):
        log(ChangeLog.Entity.TRAINEE, trainee_id, "linked", {"operator": [None, operator_id]})
    return logs


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


# --- PostgreSQL: set-based writes ---------------------------------------------------
#
# The chunk's new rows go by COPY into three temporary staging tables (only the
# columns the import supplies), then each table is filled by one INSERT ... SELECT
# that resolves the trainee and enrollment ids by joining on the natural keys, and
# writes the "created" change log of the rows it inserted in the same statement
# (a data-modifying CTE): no id travels back to Python, no JSON is built in Python.

_STAGE_TRAINEE = ("cin", *TRAINEE_FIELDS)
_STAGE_ENROLLMENT = ("cin", "cohort_id", *ENROLLMENT_FIELDS)
_STAGE_PLACEMENT = ("cin", "cohort_id", "enrollment_id", *PLACEMENT_FIELDS)


def _write_plan_set_based(plan: ChunkPlan, *, user: User, now: dt.datetime) -> None:
    logs: list[dict[str, Any]] = []

    def log_updates(entity: str, pairs: Sequence[tuple[Any, dict[str, list[Any]]]]) -> None:
        for instance, changes in pairs:
            logs.append(
                {
                    "entity": entity,
                    "object_id": instance.id,
                    "action": "updated",
                    "changes": changes,
                    "actor_id": user.id,
                    "source": ChangeLog.Source.IMPORT,
                    "at": now,
                }
            )

    with connection.cursor() as cursor:
        _stage_tables(cursor)
        if plan.new_trainees:
            _copy(
                cursor, Trainee, "import_stage_trainee", _STAGE_TRAINEE, plan.new_trainees.values()
            )
        if plan.new_enrollments:
            _copy(
                cursor,
                Enrollment,
                "import_stage_enrollment",
                _STAGE_ENROLLMENT,
                ({"cin": cin, **values} for cin, values in plan.new_enrollments),
            )
        if plan.new_placements:
            _copy(
                cursor,
                Placement,
                "import_stage_placement",
                _STAGE_PLACEMENT,
                (
                    {"cin": cin, "cohort_id": cohort_id, **values}
                    for (cin, cohort_id), values in plan.new_placements
                ),
            )
        # Trainees first (the enrollments join them by CIN), then enrollments (the
        # placements join them by trainee and cohort), then placements.
        if plan.new_trainees:
            _insert_select(
                cursor,
                Trainee,
                entity=ChangeLog.Entity.TRAINEE,
                logged=TRAINEE_FIELDS,
                columns={name: f"s.{name}" for name in _STAGE_TRAINEE},
                source="import_stage_trainee s",
                user=user,
                now=now,
            )
        if plan.new_enrollments:
            _insert_select(
                cursor,
                Enrollment,
                entity=ChangeLog.Entity.ENROLLMENT,
                logged=("trainee_id", "cohort_id", *ENROLLMENT_FIELDS),
                columns={
                    "trainee_id": "t.id",
                    "cohort_id": "s.cohort_id",
                    "operator_id": "c.operator_id",
                    **{name: f"s.{name}" for name in ENROLLMENT_FIELDS},
                },
                source=(
                    "import_stage_enrollment s JOIN tracker_trainee t ON t.cin = s.cin"
                    " JOIN tracker_cohort c ON c.id = s.cohort_id"
                ),
                user=user,
                now=now,
            )
        if plan.new_placements:
            _insert_select(
                cursor,
                Placement,
                entity=ChangeLog.Entity.PLACEMENT,
                logged=("enrollment_id", *PLACEMENT_FIELDS),
                columns={
                    "enrollment_id": "pe.id",
                    "operator_id": "pe.operator_id",
                    **{name: f"s.{name}" for name in PLACEMENT_FIELDS},
                },
                # The hire's enrollment (named, or found by trainee and cohort), whose
                # operator it takes.
                source=(
                    "import_stage_placement s"
                    " LEFT JOIN tracker_trainee t ON s.enrollment_id IS NULL AND t.cin = s.cin"
                    " LEFT JOIN tracker_enrollment e"
                    " ON e.trainee_id = t.id AND e.cohort_id = s.cohort_id"
                    " LEFT JOIN tracker_enrollment pe ON pe.id = COALESCE(s.enrollment_id, e.id)"
                ),
                user=user,
                now=now,
            )
    # Updates (a corrected file: a few rows) keep the ORM path.
    _update(Trainee, plan.updated_trainees, now=now, extra=("version",))
    _update(Enrollment, plan.updated_enrollments, now=now, extra=("version", "updated_by"))
    _update(Placement, plan.updated_placements, now=now, extra=("version", "updated_by"))
    log_updates(ChangeLog.Entity.TRAINEE, plan.updated_trainees)
    log_updates(ChangeLog.Entity.ENROLLMENT, plan.updated_enrollments)
    log_updates(ChangeLog.Entity.PLACEMENT, plan.updated_placements)
    logs += _write_contacts(plan, user=user, now=now)
    insert_rows(ChangeLog, logs, ids=False)


def _stage_tables(cursor: Any) -> None:
    """Temporary staging tables (this transaction only), emptied for every chunk."""
    cursor.execute("SELECT to_regclass('pg_temp.import_stage_trainee') IS NOT NULL")
    if cursor.fetchone()[0]:
        cursor.execute(
            "TRUNCATE import_stage_trainee, import_stage_enrollment, import_stage_placement"
        )
        return
    for name, model, columns in (
        ("import_stage_trainee", Trainee, _STAGE_TRAINEE),
        ("import_stage_enrollment", Enrollment, _STAGE_ENROLLMENT),
        ("import_stage_placement", Placement, _STAGE_PLACEMENT),
    ):
        cursor.execute(
            # Identifiers from the models, no value from the file.
            f"CREATE TEMPORARY TABLE {name} ON COMMIT DROP AS SELECT "  # noqa: S608
            + ", ".join(_stage_column(model, column) for column in columns)
            + f" FROM {model._meta.db_table} WITH NO DATA"
        )


def _stage_column(model: type[Model], column: str) -> str:
    """A staging column typed as the model's (CIN and cohort from the related tables)."""
    if column == "cin":
        return "''::varchar(12) AS cin"
    if column == "cohort_id" and model is Placement:
        return "0::bigint AS cohort_id"
    return column


def _copy(
    cursor: Any,
    model: type[Model],
    table: str,
    columns: tuple[str, ...],
    rows: Iterable[dict[str, Any]],
) -> None:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    defaults = [(name, fields[name].get_default() if name in fields else None) for name in columns]
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        write_row = copy.write_row
        for row in rows:
            get = row.get
            write_row([get(name, default) for name, default in defaults])


def _insert_select(
    cursor: Any,
    model: type[Model],
    *,
    entity: str,
    logged: tuple[str, ...],
    columns: dict[str, str],
    source: str,
    user: User,
    now: dt.datetime,
) -> None:
    """INSERT ... SELECT of the staged rows (absent columns take the model's default),
    and a "created" ChangeLog row for each, every non-empty logged value as [null, new]."""
    expressions: list[str] = []
    names: list[str] = []
    params: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(connection.ops.quote_name(field.column))
        if field.attname in columns:
            expressions.append(columns[field.attname])
        elif field.attname in ("created_at", "updated_at"):
            expressions.append("%s")
            params.append(now)
        elif field.attname == "updated_by_id":
            expressions.append("%s")
            params.append(user.id)
        else:
            expressions.append("%s")
            params.append(field.get_default())
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    # The "created" document is written as JSON text and parsed once (::jsonb): half
    # the PostgreSQL time of jsonb_build_object of jsonb_build_array pairs then
    # jsonb_strip_nulls, for the same document (tests/tracker/imports/test_imports_setbased.py).
    # to_json quotes and escapes strings and writes dates as ISO strings, ids as
    # numbers; amounts go as strings, as everywhere in the change log.
    pieces = []
    for name in logged:
        kind = by_name[name].get_internal_type()
        value = f"to_json(ins.{name}::text)" if kind == "DecimalField" else f"to_json(ins.{name})"
        test = (
            f"ins.{name} <> ''"
            if kind in ("CharField", "EmailField")
            else f"ins.{name} IS NOT NULL"
        )
        # An empty value is an SQL NULL, which concat_ws leaves out.
        pieces.append(f"""CASE WHEN {test} THEN '"{name}":[null,' || {value}::text || ']' END""")
    table = model._meta.db_table
    sql = (
        # Identifiers from the models; every value is a parameter.
        f"WITH ins AS (INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
        f"SELECT {', '.join(expressions)} FROM {source} "
        f"RETURNING id, {', '.join(logged)}) "
        "INSERT INTO tracker_changelog (entity, object_id, action, changes, actor_id, source, at) "
        f"SELECT %s, ins.id, 'created', "
        f"('{{' || concat_ws(',', {', '.join(pieces)}) || '}}')::jsonb, %s, %s, %s FROM ins"
    )
    cursor.execute(sql, [*params, entity, user.id, ChangeLog.Source.IMPORT, now])
