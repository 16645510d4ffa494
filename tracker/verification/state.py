"""When the match is rebuilt: durable like the rollups (tracker.services.rollup_queue).

A declarations commit writes a VerificationChange marker in its own transaction and
queues the rebuild on commit (the fast path). Hires and enrollments change through many
doors (forms, imports, API, admin): the sweep (``tracker.figures_verification_sweep``,
every minute, by beat) compares their watermark with the one the last rebuild saw, and
rebuilds when it moved or when a marker outlived its task — a lost message never leaves
the match stale for more than a sweep."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
from tracker.verification.matching import match_rebuild


def verification_mark_stale(*, reason: str) -> None:
    """Marks the match stale in the caller's transaction; the rebuild is queued on commit."""
    VerificationChange.objects.create(created_at=timezone.now(), reason=reason[:40])
    from tracker.tasks import verification_rebuild_task

    transaction.on_commit(verification_rebuild_task.delay)


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


def verification_is_stale(*, older_than: dt.timedelta = dt.timedelta(0)) -> bool:
    state = VerificationState.objects.order_by("id").first()
    if state is None or state.rebuilt_at is None:
        return True
    limit = timezone.now() - older_than
    if VerificationChange.objects.filter(created_at__lte=limit).exists():
        return True
    return bool(state.watermark != rows_watermark())


def verification_sweep(*, older_than: dt.timedelta) -> bool:
    """Rebuilds when the match is stale; True when it did."""
    if not verification_is_stale(older_than=older_than):
        return False
    verification_rebuild()
    return True
