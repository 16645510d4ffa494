"""The history of enrollments and hires: who changed what, when, from what to what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Model, QuerySet

from accounts.models import User
from tracker.models import ChangeLog


def _jsonable(value: Any) -> Any:
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(instance: Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """The values of ``fields`` as JSON-friendly values (FKs by their label)."""
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def changelog_record(
    *,
    entity: str,
    object_id: int,
    action: str,
    changes: dict[str, list[Any]],
    actor: User | None,
    source: str = ChangeLog.Source.FORM,
) -> ChangeLog:
    return ChangeLog.objects.create(
        entity=entity,
        object_id=object_id,
        action=action,
        changes=changes,
        actor=actor,
        source=source,
    )


def changelog_for(*, entity: str, object_id: int) -> QuerySet[ChangeLog]:
    """The history of one object, newest first (callers have already scoped the object)."""
    return ChangeLog.objects.filter(entity=entity, object_id=object_id).select_related("actor")
