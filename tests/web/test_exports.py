"""web/exports.py: formula escaping and the CSV / XLSX files it writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from web.exports import ExportColumn, csv_response, xlsx_response
from web.spreadsheets import csv_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+212612345678", "+212612345678"),  # a signed number, never a formula
        ("+212 6 12", "'+212 6 12"),
        ("-1+1", "'-1+1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Atlas = école", "Atlas = école"),
        ("", ""),
        (-5, -5),
        (Decimal("-1.5"), Decimal("-1.5")),
    ],
)
def test_csv_cell_escapes_formulas_only(value: object, expected: object) -> None:
    assert csv_cell(value) == expected


ROWS: list[dict[str, Any]] = [
    {
        "name": '=HYPERLINK("http://evil")',
        "amount": Decimal("-12.50"),
        "on": dt.date(2026, 3, 1),
        "n": None,
    },
    {"name": "Fès Shore", "amount": Decimal("1000"), "on": None, "n": 3},
]
COLUMNS = [
    ExportColumn(gettext_lazy("Nom"), lambda row: row["name"]),
    ExportColumn("Montant", lambda row: row["amount"]),
    ExportColumn("Date", lambda row: row["on"]),
    ExportColumn("N", lambda row: row["n"]),
]


def test_csv_is_utf8_with_bom_semicolons_and_escaped_formulas() -> None:
    response = csv_response(ROWS, COLUMNS, filename="essai")
    assert response["Content-Disposition"] == 'attachment; filename="essai.csv"'
    raw = response.getvalue()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Nom", "Montant", "Date", "N"],
        ['\'=HYPERLINK("http://evil")', "-12.50", "01/03/2026", ""],
        ["Fès Shore", "1000", "", "3"],
    ]


def test_xlsx_keeps_numbers_and_dates_typed_and_text_as_string_cells() -> None:
    response = xlsx_response(ROWS, COLUMNS, filename="essai")
    assert 'filename="essai.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Nom", "Montant", "Date", "N")
    assert rows[1][0] == '=HYPERLINK("http://evil")'  # a string cell: never evaluated
    assert rows[1][1] == -12.5
    assert rows[1][2] == dt.datetime(2026, 3, 1)  # noqa: DTZ001 - spreadsheet dates are naive
    assert rows[2] == ("Fès Shore", 1000, None, 3)
    assert sheet.cell(row=2, column=1).data_type == "s"


def test_csv_headers_are_in_the_language_of_the_request_even_when_streamed_later() -> None:
    with translation.override("ar"):
        response = csv_response(ROWS, COLUMNS, filename="essai")
    with translation.override("fr"):  # whatever is active when the server streams it
        raw = response.getvalue().decode("utf-8-sig")
    assert raw.splitlines()[0].split(";")[0] == "الاسم"


@pytest.mark.django_db
def test_list_export_headers_follow_the_users_language(manager_user, manager_client) -> None:
    manager_user.language = "en"
    manager_user.save(update_fields=["language"])
    with translation.override("fr"):  # the middleware's activation ends with the test
        response = manager_client.get(reverse("cohort_list"), {"export": "csv"})
        header = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Code;"), header
    assert "Cohorte" not in header
