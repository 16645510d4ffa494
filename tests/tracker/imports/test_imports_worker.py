"""Imports through Redis and a real Celery worker: validation and commit run in the
worker, the page's status endpoint reports them, nothing depends on the request."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import S3_STORAGE
from tests.support.factories import CohortFactory
from tests.support.imports import csv_bytes, row
from tests.support.worker import wait_for
from tracker.imports.services import import_confirm, import_upload
from tracker.models import ChangeLog, Enrollment, ImportBatch, RollupRun

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shared_private_media(settings):
    """The worker stores and reads files where the project's default settings say, so
    the test process must use the same folder (not the per-test temporary one), or, with
    FILE_STORAGE=s3, the same bucket and prefix: then the worker shares no disk with the
    test process and reads the upload from the object store, as on another host."""
    if S3_STORAGE:
        from config.settings import DEFAULT_FILE_STORAGE_CONFIG

        settings.STORAGES = {**settings.STORAGES, "default": DEFAULT_FILE_STORAGE_CONFIG}
        yield None
        for batch in ImportBatch.objects.all():
            if batch.file:
                batch.file.storage.delete(f"{batch.file.name}.staged")
                batch.file.delete(save=False)
        return
    location = settings.BASE_DIR / "var" / "private"
    settings.PRIVATE_MEDIA_ROOT = location
    settings.MEDIA_ROOT = location
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
    }
    yield location
    # Only this test's files: the folder is shared with the developer's own runs.
    for batch in ImportBatch.objects.all():
        if batch.file:
            Path(batch.file.path + ".staged").unlink(missing_ok=True)
            batch.file.delete(save=False)


def test_import_validates_and_commits_in_the_worker(
    celery_worker_process, shared_private_media, partner_a_user, operator_a
) -> None:
    cohort = CohortFactory.create(operator=operator_a)
    content = csv_bytes([row(cohort.code, f"BK{100000 + i}") for i in range(300)])
    batch = import_upload(user=partner_a_user, uploaded_file=SimpleUploadedFile("w.csv", content))
    assert wait_for(
        lambda: ImportBatch.objects.get(id=batch.id).status == ImportBatch.Status.VALIDATED,
        timeout=60,
    ), ImportBatch.objects.get(id=batch.id).failure_reason
    client = Client()
    client.force_login(partner_a_user)
    status = client.get(reverse("import_status", args=[batch.id])).json()
    assert status["status"] == "validated"
    assert status["running"] is False
    batch.refresh_from_db()
    import_confirm(user=partner_a_user, batch=batch)
    assert wait_for(
        lambda: ImportBatch.objects.get(id=batch.id).status == ImportBatch.Status.COMMITTED,
        timeout=60,
    ), ImportBatch.objects.get(id=batch.id).failure_reason
    assert Enrollment.objects.filter(cohort=cohort).count() == 300
    assert ChangeLog.objects.filter(source="import", entity="enrollment").count() == 300
    # The commit queued the rollup of the imported cohort: let the worker finish it, so
    # that the end-of-test flush never races a rollup still writing (a deadlock).
    assert wait_for(
        lambda: RollupRun.objects.filter(kind="scope", scope__cohorts=[cohort.id]).exists(),
        timeout=60,
    ), "the rollup queued by the import never ran"
