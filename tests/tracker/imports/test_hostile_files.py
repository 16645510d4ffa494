"""Damaged and hostile import files never crash: each is refused with a specific message
(which line, what is wrong), nothing is written, no file is left on disk, no 500."""

from __future__ import annotations

import io
import random
import string
import struct
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.support.factories import CohortFactory
from tests.support.imports import csv_bytes, enrolled_row, xlsx_bytes
from tracker.models import Enrollment, ImportBatch, ImportRowError, Trainee

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort_a(operator_a):
    return CohortFactory.create(operator=operator_a, code="CAS-ITO-2026-01")


def _rows(cohort, count: int) -> list[dict[str, str]]:
    return [enrolled_row(cohort.code, f"BK{100000 + index}") for index in range(count)]


def _post(client: Client, name: str, content: bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import_new"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.status_code  # never a 500
    return ImportBatch.objects.get()


def _assert_refused_cleanly(batch: ImportBatch, *fragments: str) -> None:
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    for fragment in fragments:
        assert fragment in batch.failure_reason, batch.failure_reason
    assert not batch.file
    assert not ImportRowError.objects.exists()
    assert not Enrollment.objects.exists()
    assert not Trainee.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    left = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    assert left == []  # neither the upload nor its staged plans


def _sheet_member(content: bytes) -> zipfile.ZipInfo:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.getinfo("xl/worksheets/sheet1.xml")


def test_xlsx_with_a_flipped_byte_is_refused(
    partner_a_client, cohort_a, django_capture_on_commit_callbacks
) -> None:
    content = bytearray(xlsx_bytes(_rows(cohort_a, 200)))
    member = _sheet_member(bytes(content))
    # Past the local header (30 bytes + name + extra), in the middle of the deflate data.
    name_length, extra_length = struct.unpack(
        "<HH", content[member.header_offset + 26 : member.header_offset + 30]
    )
    data_start = member.header_offset + 30 + name_length + extra_length
    content[data_start + member.compress_size // 2] ^= 0xFF
    batch = _post(
        partner_a_client, "flipped.xlsx", bytes(content), django_capture_on_commit_callbacks
    )
    _assert_refused_cleanly(batch, "endommagé", "xl/worksheets/sheet1.xml")


def test_zip_with_false_sizes_is_refused(
    partner_a_client, cohort_a, django_capture_on_commit_callbacks
) -> None:
    content = bytearray(xlsx_bytes(_rows(cohort_a, 50)))
    member = _sheet_member(bytes(content))
    # Declare, in the central directory, half the sheet's real size: Bad CRC-32.
    entry = next(
        offset
        for offset in range(len(content) - 4)
        if content[offset : offset + 4] == b"PK\x01\x02"
        and content[offset + 46 : offset + 46 + 24] == b"xl/worksheets/sheet1.xml"
    )
    struct.pack_into("<I", content, entry + 24, member.file_size // 2)
    with (
        zipfile.ZipFile(io.BytesIO(bytes(content))) as archive,
        pytest.raises(zipfile.BadZipFile, match="CRC"),
    ):
        archive.read("xl/worksheets/sheet1.xml")
    batch = _post(
        partner_a_client, "sizes.xlsx", bytes(content), django_capture_on_commit_callbacks
    )
    _assert_refused_cleanly(batch, "endommagé", "somme de contrôle")


def _with_stray_quote_on_line_11(content: bytes) -> bytes:
    lines = content.split(b"\r\n")
    assert b";Benali;" in lines[10]
    lines[10] = lines[10].replace(b";Benali;", b';"Benali;', 1)
    return b"\r\n".join(lines)


@pytest.mark.parametrize("rows", [1500, 20])
def test_csv_with_a_stray_quote_on_line_11_says_so(
    rows, partner_a_client, cohort_a, django_capture_on_commit_callbacks
) -> None:
    content = _with_stray_quote_on_line_11(csv_bytes(_rows(cohort_a, rows - 1)))
    batch = _post(partner_a_client, "quote.csv", content, django_capture_on_commit_callbacks)
    _assert_refused_cleanly(batch, "Ligne 11", "guillemet")


def test_csv_with_one_giant_cell_says_which_line(
    partner_a_client, cohort_a, django_capture_on_commit_callbacks
) -> None:
    rows = _rows(cohort_a, 10)
    rows[4]["Nom"] = "B" * (2 * 2**20)  # beyond any cell limit, no quote involved
    batch = _post(
        partner_a_client, "giant.csv", csv_bytes(rows), django_capture_on_commit_callbacks
    )
    _assert_refused_cleanly(batch, "Ligne 6", "cellule")


def test_a_damaged_file_page_shows_the_reason_not_an_error_page(
    partner_a_client, cohort_a, django_capture_on_commit_callbacks
) -> None:
    content = _with_stray_quote_on_line_11(csv_bytes(_rows(cohort_a, 30)))
    with django_capture_on_commit_callbacks(execute=True):
        response = partner_a_client.post(
            reverse("import_new"), {"file": SimpleUploadedFile("q.csv", content)}
        )
    response = partner_a_client.get(response["Location"])
    assert response.status_code == 200
    assert "Ligne 11" in response.content.decode()


def test_truncated_xlsx_is_refused(partner_a_client, cohort_a, django_capture_on_commit_callbacks):
    content = xlsx_bytes(_rows(cohort_a, 20))
    batch = _post(
        partner_a_client,
        "cut.xlsx",
        content[: len(content) // 2],
        django_capture_on_commit_callbacks,
    )
    _assert_refused_cleanly(batch, "XLSX")


def test_xlsx_with_one_giant_cell_says_which_row(
    partner_a_client, cohort_a, django_capture_on_commit_callbacks
) -> None:
    """openpyxl never writes a cell over Excel's limit: the cell is enlarged in the
    archive itself, as a hand-made or damaged file would carry it."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(_rows(cohort_a, 10))))
    buffer = io.BytesIO()
    with source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                giant = "".join(random.Random(6).choices(string.ascii_letters, k=200_000))
                data = data.replace(b"<t>Benali</t>", f"<t>{giant}</t>".encode(), 1)
            target.writestr(member, data)
    batch = _post(
        partner_a_client, "giant.xlsx", buffer.getvalue(), django_capture_on_commit_callbacks
    )
    _assert_refused_cleanly(batch, "Ligne 2", "200000")
