"""Import files in the user's language: the Arabic or English template comes back
filled and is read; errors and the annotated file speak the reader's language."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.support.factories import CohortFactory
from tests.support.imports import confirm, csv_bytes, enrolled_row, row, upload
from tracker.imports.columns import COLUMNS
from tracker.models import Enrollment, ImportBatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort_a(operator_a):
    return CohortFactory.create(operator=operator_a, code="CAS-ITO-2026-01")


def _speak(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def _translated(values: dict[str, str], language: str) -> dict[str, str]:
    """A row keyed by French headers, keyed by the headers of ``language`` instead."""
    with translation.override(language):
        return {gettext(header): value for header, value in values.items()}


def test_arabic_template_is_in_arabic_and_comes_back_filled(
    partner_a_user, partner_a_client, cohort_a
) -> None:
    _speak(partner_a_user, "ar")
    response = partner_a_client.get(reverse("import_template") + "?format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["التسجيلات", "التعليمات", "القيم", "الأفواج"]
    sheet = workbook.worksheets[0]
    assert sheet.sheet_view.rightToLeft
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["رمز الفوج", "CIN", "الاسم"]
    instructions = [r[0] for r in workbook["التعليمات"].iter_rows(values_only=True) if r[0]]
    assert "Import des inscriptions et des embauches" not in instructions
    values = {(r[0], r[1]) for r in workbook["القيم"].iter_rows(min_row=2, values_only=True)}
    assert ("الحالة", "متخرج") in values  # status "Diplômé", written in Arabic
    # Filled in Arabic (headers and coded values) and uploaded: read like the French one.
    graduate = _translated(row(cohort_a.code, "BK123456", Statut="متخرج"), "ar")
    sheet.append([graduate.get(h, "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = upload(partner_a_user, buffer.getvalue(), "نموذج.xlsx")
    assert batch.status == ImportBatch.Status.VALIDATED, list(batch.row_errors.values())
    assert batch.rows_to_create == 1


def test_english_csv_template_headers_are_read(partner_a_user, partner_a_client, cohort_a) -> None:
    _speak(partner_a_user, "en")
    response = partner_a_client.get(reverse("import_template") + "?format=csv")
    headers = response.content.decode("utf-8-sig").splitlines()[0].split(";")
    assert headers[:4] == ["Cohort code", "CIN", "Name", "First name"]
    with translation.override("en"):
        assert headers == [gettext(column.header) for column in COLUMNS]
    rows = [_translated(enrolled_row(cohort_a.code, "BK100001", Statut="Enrolled"), "en")]
    batch = upload(partner_a_user, csv_bytes(rows, headers=headers), "list.csv")
    assert batch.status == ImportBatch.Status.VALIDATED, list(batch.row_errors.values())
    batch = upload(partner_a_user, csv_bytes(rows, headers=headers), "list.csv")
    assert Enrollment.objects.count() == 0  # validated only: nothing written before confirm


def test_errors_are_shown_and_annotated_in_the_readers_language(
    partner_a_user, partner_a_client, cohort_a
) -> None:
    _speak(partner_a_user, "ar")
    rows = [
        enrolled_row(cohort_a.code, "BK100001"),
        enrolled_row(cohort_a.code, "BK100003", Sexe="X"),
    ]
    with translation.override("ar"):  # the request's language, as in the upload view
        batch = upload(partner_a_user, csv_bytes(rows), "liste.csv")
    assert batch.rows_in_error == 1
    page = partner_a_client.get(reverse("import_detail", args=[batch.pk])).content.decode()
    assert "<td>الجنس</td>" in page  # the column "Sexe", in Arabic
    response = partner_a_client.get(reverse("import_annotated", args=[batch.pk]))
    assert unquote(response["Content-Disposition"]).endswith("liste-الأخطاء.csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert lines[0][-1] == "الأخطاء"
    assert lines[2][-1].startswith("الجنس : ")


def test_validation_messages_follow_the_uploader_not_the_worker(partner_a_user, cohort_a) -> None:
    """The worker has no request: messages are written in the uploader's language."""
    _speak(partner_a_user, "en")
    rows = [enrolled_row(cohort_a.code, "BK100003", Sexe="X")]
    with translation.override("fr"):
        batch = upload(partner_a_user, csv_bytes(rows), "liste.csv")
    error = batch.row_errors.get()
    assert error.column == "Sexe"  # stored under the stable French header
    assert error.message == "Value “X” not recognised (see the Values sheet)."


def test_an_unexpected_commit_failure_is_told_in_the_uploaders_language(
    partner_a_user, cohort_a, monkeypatch
) -> None:
    _speak(partner_a_user, "en")
    batch = upload(partner_a_user, csv_bytes([enrolled_row(cohort_a.code, "BK100004")]))
    assert batch.status == ImportBatch.Status.VALIDATED

    def failing_write_plan(plan, *, user):
        raise RuntimeError("disk full")

    monkeypatch.setattr("tracker.imports.services.write_plan", failing_write_plan)
    with translation.override("fr"):  # the worker's own language
        batch = confirm(partner_a_user, batch)
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.failure_reason == "Unexpected error while saving: nothing was saved."
