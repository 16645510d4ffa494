"""Every CSV and XLSX the product generates is formula-safe (web/spreadsheets.py).

The generators are enumerated: every list view with an export (found by walking the
URLconf), the annotated import file, the import templates and the sample files. A module
that starts writing spreadsheets on its own fails ``test_every_spreadsheet_writer_is_known``
until it goes through the helper and is fed the payloads here."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.support.imports import HEADERS, csv_bytes, enrolled_row, upload, xlsx_bytes
from tracker.imports.samples import write_sample_csv
from tracker.models import ImportBatch
from web.lists import ScopedListView
from web.spreadsheets import csv_cell, is_formula_like

PAYLOADS = [
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "＝1+1",
    "＋cmd|x",
    "－2+3",
    "＠SUM(1)",
]
TRIGGERS = ("=", "+", "-", "@", "＝", "＋", "－", "＠", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
ROOT = Path(__file__).resolve().parents[2]
# Every module that writes a CSV or an XLSX file; each goes through web.spreadsheets.
KNOWN_WRITERS = {
    "web/spreadsheets.py",
    "web/exports.py",
    "tracker/imports/annotate.py",
    "tracker/imports/template_files.py",
    "tracker/imports/samples.py",
    # CNSS declarations: the sample answer file, the demo's and the benchmark's
    "tracker/imports/declarations/services.py",
    "tracker/demo/declarations.py",
    "bench/declarations.py",
}


def assert_csv_safe(text: str, delimiter: str = ";") -> None:
    for cells in csv.reader(io.StringIO(text), delimiter=delimiter):
        for cell in cells:
            head = cell.lstrip(" \u00a0\u3000")
            if cell.startswith(TRIGGERS) or head.startswith(TRIGGERS):
                assert PLAIN_NUMBER.fullmatch(head), f"formula-like cell written as is: {cell!r}"


def assert_xlsx_safe(content: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), f"a formula in {name}"
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def _content(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _list_views() -> Iterator[tuple[str, type[ScopedListView]]]:
    def walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, Any]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name, getattr(pattern.callback, "view_class", None)

    for name, view_class in walk(get_resolver().url_patterns):
        if isinstance(view_class, type) and issubclass(view_class, ScopedListView):
            yield name, view_class


@pytest.mark.parametrize("payload", PAYLOADS)
def test_csv_cell_neutralises_every_payload(payload: str) -> None:
    assert is_formula_like(payload)
    assert csv_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", ["+212612345678", "-12.50", "0612345678", "Atlas = école"])
def test_csv_cell_leaves_numbers_and_phones_without_an_apostrophe(value: str) -> None:
    assert csv_cell(value) == value


def test_every_spreadsheet_writer_is_known() -> None:
    writers = set()
    for folder in ("config", "web", "accounts", "tracker", "conventions", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if any(call in text for call in ("csv.writer(", "Workbook(", "SafeCsvWriter(")):
                writers.add(str(path.relative_to(ROOT)))
    assert writers == KNOWN_WRITERS


@pytest.mark.django_db
def test_every_list_export_is_formula_safe(people, admin_client) -> None:
    payload = iter(PAYLOADS * 3)
    for key in ("a", "b"):
        trainee = getattr(people, f"trainee_{key}")
        trainee.first_name, trainee.last_name = next(payload), next(payload)
        trainee.save()
        cohort = getattr(people, f"cohort_{key}")
        cohort.metier, cohort.city = next(payload), next(payload)
        cohort.save()
        convention = getattr(people, f"convention_{key}")
        convention.title = next(payload)
        convention.save()
        employer = getattr(people, f"employer_{key}")
        employer.name = next(payload)
        employer.save()
        placement = getattr(people, f"placement_{key}")
        placement.job_title = next(payload)
        placement.save()
    views = dict(_list_views())
    assert {"cohort_list", "enrollment_list", "placement_list", "import_list"} <= set(views)
    assert len(views) >= 6  # conventions and partners too
    for name, view_class in views.items():
        if not view_class.export_columns:
            continue
        for export in ("csv", "xlsx"):
            response = admin_client.get(reverse(name), {"export": export})
            assert response.status_code == 200, (name, export)
            content = _content(response)
            if export == "csv":
                text = content.decode("utf-8-sig")
                assert_csv_safe(text)
            else:
                assert_xlsx_safe(content)
    # The payloads did reach the files (as text, neutralised).
    exported = _content(admin_client.get(reverse("enrollment_list"), {"export": "csv"}))
    assert "'=HYPERLINK" in exported.decode("utf-8-sig")


def _payload_rows(code: str) -> list[dict[str, str]]:
    rows = []
    for index, payload in enumerate(PAYLOADS):
        rows.append(
            enrolled_row(
                code,
                payload if index % 2 else f"BK{100000 + index}",
                Nom=payload,
                Prénom=payload,
                Statut=payload if index % 3 == 0 else "Inscrit",
                Remarque=payload,
            )
        )
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_annotated_file_is_formula_safe(file_format, people, partner_a_user, partner_a_client):
    rows = _payload_rows(people.cohort_a.code)
    headers = [*HEADERS, "Remarque", "=1+1"]
    if file_format == "csv":
        batch = upload(partner_a_user, csv_bytes(rows, headers=headers), "payloads.csv")
    else:
        batch = upload(partner_a_user, xlsx_bytes(rows, headers=headers), "payloads.xlsx")
    assert batch.status == ImportBatch.Status.INVALID, batch.failure_reason
    content = _content(partner_a_client.get(reverse("import_annotated", args=[batch.pk])))
    if file_format == "csv":
        text = content.decode("utf-8-sig")
        assert_csv_safe(text)
        assert "'@SUM(1+1)" in text
    else:
        assert_xlsx_safe(content)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        values = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
        assert "@SUM(1+1)" in values  # kept as it was, as text


@pytest.mark.django_db
def test_import_templates_are_formula_safe(people, partner_a_client) -> None:
    cohort = people.cohort_a
    cohort.metier, cohort.city = PAYLOADS[0], PAYLOADS[1]
    cohort.save()
    for export in ("csv", "xlsx"):
        response = partner_a_client.get(reverse("import_template"), {"format": export})
        assert response.status_code == 200
        if export == "csv":
            assert_csv_safe(response.content.decode("utf-8-sig"))
        else:
            assert_xlsx_safe(response.content)
            sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Cohortes"]
            assert PAYLOADS[0] in [row[1] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_sample_files_are_formula_safe(people, tmp_path) -> None:
    cohort = people.cohort_a
    cohort.code = PAYLOADS[0]
    path = write_sample_csv(tmp_path / "sample.csv", [cohort], 5)
    assert_csv_safe(path.read_text(encoding="utf-8-sig"))


@pytest.mark.django_db
def test_an_annotated_csv_sent_back_reads_its_escaped_values_as_they_were(
    people, partner_a_user, partner_a_client
) -> None:
    from tests.support.imports import import_file
    from tracker.models import TraineeContact

    code = people.cohort_a.code
    rows = [
        enrolled_row(code, "BK100001", Téléphone="+212 6 12 34 56 78"),
        enrolled_row(code, "XX"),  # an error: the file comes back annotated
    ]
    batch = upload(partner_a_user, csv_bytes(rows), "aller.csv")
    annotated = _content(partner_a_client.get(reverse("import_annotated", args=[batch.pk])))
    text = annotated.decode("utf-8-sig")
    assert "'+212 6 12 34 56 78" in text  # escaped on the way out
    corrected = text.replace(";XX;", ";BK100002;")  # its Erreurs column left in
    import_file(partner_a_user, corrected.encode("utf-8-sig"), "retour.csv")
    contact = TraineeContact.objects.get(trainee__cin="BK100001", operator=people.cohort_a.operator)
    assert contact.phone == "+212612345678"
