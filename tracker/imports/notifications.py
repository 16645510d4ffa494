"""Tells an import's uploader how its validation or commit ended (in the product and,
unless turned off, by e-mail): called by the import tasks after the service, once per
batch and outcome however often a task is delivered."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from accounts.models import Notification, NotificationKind
from accounts.services.notifications import notifications_create
from tracker.models import ImportBatch

K = NotificationKind


def notify_import_outcome(*, batch: ImportBatch) -> list[Notification]:
    status = batch.status
    if status == ImportBatch.Status.FAILED:
        kind = K.IMPORT_FAILED
    elif status in (
        ImportBatch.Status.VALIDATED,
        ImportBatch.Status.INVALID,
        ImportBatch.Status.COMMITTED,
    ):
        kind = K.IMPORT_FINISHED
    else:
        return []
    params = {
        "batch": batch.pk,
        "file": batch.file_name,
        "status": status,
        "reason": batch.failure_reason,
    }
    with transaction.atomic():
        told = Notification.objects.filter(
            recipient_id=batch.uploaded_by_id,
            kind=kind,
            params__batch=batch.pk,
            params__status=status,
        )
        if told.exists():
            return []
        return notifications_create(
            recipients=[batch.uploaded_by],
            kind=kind,
            link=reverse("import_detail", args=[batch.pk]),
            params=params,
        )
