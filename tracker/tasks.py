"""Celery tasks of the tracking app: thin, named, ids only, idempotent."""

from __future__ import annotations

import datetime as dt
import socket

from celery import shared_task

from tracker.services.system import heartbeat_record


@shared_task(name="tracker.heartbeat", bind=True)
def heartbeat(self, token: str = "") -> None:
    """Records that a worker consumed this queue (beat sends one to every queue; admins
    and /readyz see the last one of each)."""
    queue = (self.request.delivery_info or {}).get("routing_key") or ""
    heartbeat_record(worker=socket.gethostname(), queue=queue, token=token)


@shared_task(name="tracker.rollup_scope")
def rollup_scope(
    cohort_ids: list[int], previous: list[list[object]] | None = None, requested_at: str = ""
) -> None:
    """Recomputes the figures of these cohorts and of the scopes they belong to (or have
    just left). Queued on commit by tracker.services.rollup_queue."""
    from tracker.services.rollups import rollup_scope_recompute

    rollup_scope_recompute(
        cohort_ids=cohort_ids,
        previous=[(str(d), int(m)) for d, m in (previous or [])],  # type: ignore[call-overload]
        requested_at=dt.datetime.fromisoformat(requested_at) if requested_at else None,
    )


@shared_task(name="tracker.rollup_sweep")
def rollup_sweep(older_than_seconds: float | None = None) -> None:
    """Recomputes the changes the log still holds after a minute (the age beat sends,
    settings.ROLLUP_SWEEP_AGE_SECONDS): those whose fast-path task the broker lost
    (beat, every minute; tracker.services.rollup_queue)."""
    from tracker.services.rollups import rollup_sweep_run

    rollup_sweep_run(
        older_than=None if older_than_seconds is None else dt.timedelta(seconds=older_than_seconds)
    )


@shared_task(name="tracker.rollup_full")
def rollup_full(reference_date: str = "") -> None:
    """Rebuilds every figure and logs the drift it corrected (nightly, by beat)."""
    from tracker.services.rollups import rollup_full_recompute

    rollup_full_recompute(
        reference_date=dt.date.fromisoformat(reference_date) if reference_date else None
    )


@shared_task(name="tracker.operator_consistency")
def operator_consistency() -> None:
    """Finds and repairs enrollments and hires whose stored operator is not their
    cohort's (nightly, by beat, before the full rollup; it should find nothing)."""
    from tracker.services.operators import operator_consistency_repair

    operator_consistency_repair()


@shared_task(name="tracker.lagging_alerts")
def lagging_alerts() -> None:
    """E-mails each convention's managers the lagging conventions, once per period."""
    from tracker.services.lagging_alerts import lagging_alerts_send

    lagging_alerts_send()


@shared_task(name="tracker.import_validate")
def import_validate_task(batch_id: int) -> None:
    """Validates every row of an uploaded import file (tracker.services.imports), then
    tells the uploader how it ended."""
    from accounts.services.notifications import notify_import_outcome
    from tracker.services.imports import import_validate

    notify_import_outcome(batch=import_validate(batch_id=batch_id))


@shared_task(name="tracker.import_commit")
def import_commit_task(batch_id: int) -> None:
    """Writes a confirmed import in one transaction (tracker.services.imports), then
    tells the uploader how it ended."""
    from accounts.services.notifications import notify_import_outcome
    from tracker.services.imports import import_commit

    notify_import_outcome(batch=import_commit(batch_id=batch_id))


@shared_task(name="tracker.password_reset_email")
def password_reset_email_task(user_id: int, domain: str, use_https: bool) -> None:
    """Sends one password-reset e-mail (queued by the reset page)."""
    from tracker.services.users import user_password_reset_email_send

    user_password_reset_email_send(user_id=user_id, domain=domain, use_https=use_https)


@shared_task(name="tracker.idempotency_purge")
def idempotency_purge() -> int:
    """Forgets the API's Idempotency-Keys past their 24 hours (hourly, by beat)."""
    from tracker.services.idempotency import idempotency_purge as purge

    return purge()
