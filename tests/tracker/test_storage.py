"""Files through the storage API: the local disk by default, a private bucket of an
S3-compatible store with FILE_STORAGE=s3 (.ci/run runs these tests against one)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import S3_STORAGE
from tests.support.factories import CohortFactory
from tests.support.imports import csv_bytes, enrolled_row
from tracker.imports.services import import_upload
from tracker.models import ImportBatch
from tracker.storage import local_copy, local_output

pytestmark = pytest.mark.django_db

only_on_s3 = pytest.mark.skipif(not S3_STORAGE, reason="FILE_STORAGE=s3 not set")


def test_a_local_storage_is_read_in_place_without_a_copy(tmp_path) -> None:
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("imports/a.csv", ContentFile(b"x;y\n"))
    with local_copy(storage, name) as path:
        assert path == tmp_path / name
    with local_output(storage, "imports/a.csv.staged") as path:
        path.write_bytes(b"plan")
    assert storage.open("imports/a.csv.staged").read() == b"plan"


def test_the_default_storage_reads_and_writes_through_a_local_copy() -> None:
    name = default_storage.save("imports/probe.csv", ContentFile(b"cin;cohorte\n"))
    with local_copy(default_storage, name) as path:
        assert path.read_bytes() == b"cin;cohorte\n"
    with local_output(default_storage, f"{name}.staged") as path:
        path.write_bytes(b"staged plan")
    with default_storage.open(f"{name}.staged") as staged:
        assert staged.read() == b"staged plan"
    # The same name written again replaces the file (a revalidated import).
    with local_output(default_storage, f"{name}.staged") as path:
        path.write_bytes(b"second plan")
    with default_storage.open(f"{name}.staged") as staged:
        assert staged.read() == b"second plan"


def _write_then_fail(name: str) -> None:
    with local_output(default_storage, name) as path:
        path.write_bytes(b"half")
        raise RuntimeError("validation crashed")


@only_on_s3
def test_on_the_object_store_a_failed_write_stores_nothing() -> None:
    name = "imports/never.csv.staged"
    with pytest.raises(RuntimeError):
        _write_then_fail(name)
    assert not default_storage.exists(name)


@only_on_s3
def test_on_the_object_store_an_upload_lives_in_the_bucket_not_on_disk(
    partner_a_user, operator_a, django_capture_on_commit_callbacks
) -> None:
    cohort = CohortFactory.create(operator=operator_a)
    content = csv_bytes([enrolled_row(cohort.code, "BK100001")])
    with django_capture_on_commit_callbacks(execute=True):  # the validation task
        batch = import_upload(
            user=partner_a_user, uploaded_file=SimpleUploadedFile("l.csv", content)
        )
    with pytest.raises(NotImplementedError):
        batch.file.path  # noqa: B018 - no local path: every host reads the bucket
    assert default_storage.exists(batch.file.name)
    assert default_storage.exists(f"{batch.file.name}.staged")
    assert ImportBatch.objects.get(id=batch.id).status == ImportBatch.Status.VALIDATED


@only_on_s3
def test_on_the_object_store_no_file_has_a_public_url() -> None:
    name = default_storage.save("conventions/doc.pdf", ContentFile(b"%PDF-1.4"))
    query = parse_qs(urlparse(default_storage.url(name)).query)
    # Only short-lived signed links exist, and the app never hands them out: downloads
    # are streamed by the views after their permission checks.
    assert "X-Amz-Signature" in query or "Signature" in query


def test_downloads_are_streamed_by_the_app_after_the_scope_check(
    partner_a_client, partner_b_client, partner_a_user, operator_a
) -> None:
    cohort = CohortFactory.create(operator=operator_a)
    content = csv_bytes([enrolled_row(cohort.code, "BK100001"), enrolled_row(cohort.code, "X")])
    batch = import_upload(
        user=partner_a_user, uploaded_file=SimpleUploadedFile("liste.csv", content)
    )
    url = reverse("import_annotated", args=[batch.pk])
    assert partner_b_client.get(url).status_code == 404
    response = partner_a_client.get(url)
    assert response.status_code == 200
    annotated = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "BK100001" in annotated
