"""Spreadsheets as people fill them: the template's code columns are text cells, and
phones a spreadsheet turned into numbers are read as the Moroccan numbers they are."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from tests.support.factories import CohortFactory
from tests.support.imports import enrolled_row, import_file, xlsx_bytes
from tracker.imports.columns import COLUMNS
from tracker.imports.template_files import TEXT_COLUMNS
from tracker.models import TraineeContact

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_template_code_columns_are_text_formatted(partner_a_user, partner_a_client, language):
    partner_a_user.language = language
    partner_a_user.save(update_fields=["language"])
    response = partner_a_client.get(reverse("import_template"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    letters = {
        column.key: sheet.cell(row=1, column=index).column_letter
        for index, column in enumerate(COLUMNS, start=1)
    }
    for key in ("cin", "phone", "employer_ice", "cohort", "certificate_ref"):
        assert key in TEXT_COLUMNS
        assert sheet.column_dimensions[letters[key]].number_format == "@", key
    assert sheet.column_dimensions[letters["salary"]].number_format != "@"


@pytest.mark.parametrize(
    "typed", [212612345678, 612345678, "212612345678", "612345678", "+212612345678"]
)
def test_phones_a_spreadsheet_turned_into_numbers_are_read_as_moroccan(
    partner_a_user, operator_a, typed
) -> None:
    cohort = CohortFactory.create(operator=operator_a, code="CAS-ITO-2026-01")
    row: dict[str, Any] = enrolled_row(cohort.code, "BK100001")
    row["Téléphone"] = typed  # a number cell, as Excel keeps it
    import_file(partner_a_user, xlsx_bytes([row]), "numeros.xlsx")
    contact = TraineeContact.objects.get(trainee__cin="BK100001", operator=operator_a)
    assert contact.phone == "+212612345678"
