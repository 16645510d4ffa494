"""Every generated file obeys the privacy policy: an import's preview and its annotated
file show personal values only to those accounts/policy.py lets see them."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from accounts.policy import MASK, PrivacyPolicy
from tests.support.imports import csv_bytes, enrolled_row, upload, xlsx_bytes
from tracker.models import ImportBatch

pytestmark = pytest.mark.django_db

CIN_OK, CIN_BAD = "BK100001", "XX"
PHONE = "06 12 34 56 78"
BAD_PHONE = "0612"


def _batch(people, partner_a_user, file_format: str) -> ImportBatch:
    code = people.cohort_a.code
    rows = [
        enrolled_row(code, CIN_OK, Téléphone=PHONE, Adresse="12 rue Secrète"),
        enrolled_row(code, CIN_BAD, Téléphone=BAD_PHONE),
    ]
    headers = [*csv_headers(), "Adresse"]
    if file_format == "csv":
        content, name = csv_bytes(rows, headers=headers), "atlas.csv"
    else:
        content, name = xlsx_bytes(rows, headers=headers), "atlas.xlsx"
    batch = upload(partner_a_user, content, name)
    assert batch.status == ImportBatch.Status.INVALID, batch.failure_reason
    return batch


def csv_headers() -> list[str]:
    from tests.support.imports import HEADERS

    return list(HEADERS)


def _annotated_lines(client: Client, batch: ImportBatch) -> list[list[str]]:
    response = client.get(reverse("import_annotated", args=[batch.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    if batch.file_format == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_manager_of_another_convention_gets_the_annotated_file_masked(
    file_format, people, partner_a_user, other_manager_user
) -> None:
    batch = _batch(people, partner_a_user, file_format)
    lines = _annotated_lines(_client(other_manager_user), batch)
    text = repr(lines)
    for secret in (CIN_OK, CIN_BAD, PHONE, BAD_PHONE, "Benali", "Salma", "12 rue Secrète"):
        assert secret not in text, secret
    header = lines[0]
    cin, cohort = header.index("CIN"), header.index("Code cohorte")
    assert lines[1][cin] == MASK
    assert lines[1][cohort] == people.cohort_a.code  # what is not personal stays readable
    assert lines[2][-1].startswith("CIN : " + MASK)  # the error is named, its value not


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_those_who_may_see_the_import_get_the_annotated_file_whole(
    file_format, people, partner_a_user, viewer_a_user, manager_user, admin_user
) -> None:
    batch = _batch(people, partner_a_user, file_format)
    for user in (partner_a_user, viewer_a_user, manager_user, admin_user):
        text = repr(_annotated_lines(_client(user), batch))
        assert CIN_OK in text, user.username
        assert "12 rue Secrète" in text
        assert "« XX »" in text  # the error quotes the value


def test_preview_masks_the_values_errors_quote_for_a_manager_of_another_convention(
    people, partner_a_user, other_manager_user, manager_user
) -> None:
    batch = _batch(people, partner_a_user, "csv")
    page = _client(other_manager_user).get(reverse("import_detail", args=[batch.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="import-errors"' in html
    assert "« XX »" not in html
    assert BAD_PHONE not in html
    assert (
        "« XX »"
        in _client(manager_user).get(reverse("import_detail", args=[batch.pk])).content.decode()
    )


def test_partner_b_learns_nothing_of_partner_a_import(
    people, partner_a_user, partner_b_client
) -> None:
    batch = _batch(people, partner_a_user, "csv")
    for name in ("import_detail", "import_status", "import_annotated"):
        assert partner_b_client.get(reverse(name, args=[batch.pk])).status_code == 404


def test_an_import_not_yet_validated_is_masked_for_managers(
    people, partner_a_user, manager_user
) -> None:
    batch = _batch(people, partner_a_user, "csv")
    batch.cohort_ids = []
    assert not PrivacyPolicy.for_user(manager_user).can_see_import(batch)
    assert PrivacyPolicy.for_user(partner_a_user).can_see_import(batch)
