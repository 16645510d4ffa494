"""When the match is rebuilt: durable like the rollups (tracker.services.rollup_queue).

A declarations commit writes a VerificationChange marker in its own transaction and
queues the rebuild on commit (the fast path). Hires and enrollments change through many
doors (forms, imports, API, admin): the sweep (``tracker.figures_verification_sweep``,
every minute, by beat) rebuilds when a marker outlived its task (a lost message leaves
the match stale for a minute or two), and when the hires' and enrollments' watermark
moved since the last rebuild, at most every VERIFICATION_REBUILD_EVERY_SECONDS (10
minutes: a national rebuild reads every declaration)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from tracker.models import (
    EmployerAffiliation,
    Enrollment,
    Placement,
    VerificationChange,
    VerificationState,
)
from tracker.task_queue import queue_task
from tracker.verification.matching import match_rebuild


def verification_mark_stale(*, reason: str) -> None:
    """Marks the match stale in the caller's transaction; the rebuild is queued on commit."""
    VerificationChange.objects.create(created_at=timezone.now(), reason=reason[:40])
    transaction.on_commit(lambda: queue_task("tracker.figures_verification_rebuild"))


def rows_watermark() -> list[Any]:
    """(count, highest id, latest update) of the hires and enrollments, and the count of
    known affiliations: any insert, update or delete moves it."""
    marks: list[Any] = []
    for model in (Placement, Enrollment):
        values = model._default_manager.order_by().aggregate(
            n=Count("id"), top=Max("id"), at=Max("updated_at")
        )
        marks.append([values["n"], values["top"], str(values["at"])])
    marks.append([EmployerAffiliation.objects.count()])
    return marks


def verification_rebuild() -> VerificationState:
    """Rebuilds the match, and forgets the markers it covered. Serialised by the state
    row's lock; a rebuild that finds nothing newer than the last one still runs (cheap
    enough, and always right)."""
    with transaction.atomic():
        state = _locked_state()
        started = timezone.now()
        watermark = rows_watermark()
        cover = match_rebuild()
        VerificationChange.objects.filter(created_at__lte=started).delete()
        state.rebuilt_at = started
        state.watermark = watermark
        state.covered_until_index = cover
        state.save()
    return state


def _locked_state() -> VerificationState:
    state = VerificationState.objects.select_for_update().order_by("id").first()
    if state is None:
        VerificationState.objects.create()
        state = VerificationState.objects.select_for_update().order_by("id").first()
    assert state is not None
    return state


def _hires_moved_interval() -> dt.timedelta:
    """How often at most a moved watermark alone rebuilds the match: at national scale a
    rebuild reads every declaration, and partners edit hires all day long."""
    return dt.timedelta(seconds=settings.VERIFICATION_REBUILD_EVERY_SECONDS)


def verification_is_stale(*, older_than: dt.timedelta = dt.timedelta(0)) -> bool:
    """A marker older than ``older_than`` (its task was lost), or hires and enrollments
    changed since a rebuild older than VERIFICATION_REBUILD_EVERY_SECONDS (600 s)."""
    state = VerificationState.objects.order_by("id").first()
    if state is None or state.rebuilt_at is None:
        return True
    now = timezone.now()
    if VerificationChange.objects.filter(created_at__lte=now - older_than).exists():
        return True
    if state.rebuilt_at > now - _hires_moved_interval():
        return False
    return bool(state.watermark != rows_watermark())


def verification_sweep(*, older_than: dt.timedelta) -> bool:
    """Rebuilds when the match is stale; True when it did."""
    if not verification_is_stale(older_than=older_than):
        return False
    verification_rebuild()
    return True
