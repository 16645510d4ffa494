"""Import pages: who may import, who sees which import, templates, annotated files."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.support.factories import CohortFactory
from tests.support.imports import csv_bytes, enrolled_row, row, upload, xlsx_bytes
from tracker.imports.columns import COLUMNS
from tracker.models import Enrollment, ImportBatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort_a(operator_a):
    return CohortFactory.create(operator=operator_a, code="CAS-ITO-2026-01")


@pytest.fixture
def batch_a(partner_a_user, cohort_a) -> ImportBatch:
    rows = [enrolled_row(cohort_a.code, "BK100001"), enrolled_row(cohort_a.code, "XX")]
    return upload(partner_a_user, csv_bytes(rows), "liste-atlas.csv")


def test_viewer_cannot_import(viewer_a_client, cohort_a) -> None:
    assert viewer_a_client.get(reverse("import_new")).status_code == 403
    response = viewer_a_client.post(
        reverse("import_new"),
        {"file": SimpleUploadedFile("x.csv", csv_bytes([enrolled_row(cohort_a.code, "BK1")]))},
    )
    assert response.status_code == 403
    assert viewer_a_client.get(reverse("import_template")).status_code == 403
    assert not ImportBatch.objects.exists()
    # ... but sees the log of its organisation, with no import button.
    page = viewer_a_client.get(reverse("import_list"))
    assert page.status_code == 200
    assert b'data-testid="new-import"' not in page.content


def test_partner_uploads_through_the_page_and_sees_the_preview(
    partner_a_client, cohort_a, django_capture_on_commit_callbacks
) -> None:
    content = csv_bytes([enrolled_row(cohort_a.code, "BK100001")])
    with django_capture_on_commit_callbacks(execute=True):
        response = partner_a_client.post(
            reverse("import_new"), {"file": SimpleUploadedFile("liste.csv", content)}
        )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import_detail", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED
    page = partner_a_client.get(response["Location"])
    assert b'data-testid="confirm-import"' in page.content
    status = partner_a_client.get(reverse("import_status", args=[batch.pk])).json()
    assert status == {
        "status": "validated",
        "status_label": "Prêt à confirmer",
        "running": False,
        "progress": 100,
    }
    with django_capture_on_commit_callbacks(execute=True):
        partner_a_client.post(reverse("import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Enrollment.objects.filter(cohort=cohort_a).count() == 1


def test_refused_file_shows_its_reason(partner_a_client, cohort_a) -> None:
    response = partner_a_client.post(
        reverse("import_new"),
        {"file": SimpleUploadedFile("liste.xlsx", b"%PDF-1.4 not a spreadsheet")},
        follow=True,
    )
    assert "Ce fichier est un PDF" in response.content.decode()


def test_partner_b_gets_404_on_partner_a_imports(
    partner_b_client, batch_a, partner_a_client
) -> None:
    for name in ("import_detail", "import_status", "import_annotated"):
        assert partner_b_client.get(reverse(name, args=[batch_a.pk])).status_code == 404
    for name in ("import_confirm", "import_cancel"):
        assert partner_b_client.post(reverse(name, args=[batch_a.pk])).status_code == 404
    log = partner_b_client.get(reverse("import_list")).content.decode()
    assert "liste-atlas.csv" not in log
    assert "liste-atlas.csv" in partner_a_client.get(reverse("import_list")).content.decode()
    batch_a.refresh_from_db()
    assert batch_a.status == ImportBatch.Status.INVALID


def test_admin_sees_every_import(admin_client, batch_a) -> None:
    assert "liste-atlas.csv" in admin_client.get(reverse("import_list")).content.decode()
    assert admin_client.get(reverse("import_detail", args=[batch_a.pk])).status_code == 200


def test_partner_b_cannot_download_a_template_for_partner_a_cohort(
    partner_b_client, cohort_a
) -> None:
    url = reverse("import_template") + f"?cohort={cohort_a.pk}&format=xlsx"
    assert partner_b_client.get(url).status_code == 404
    workbook = openpyxl.load_workbook(
        io.BytesIO(partner_b_client.get(reverse("import_template") + "?format=xlsx").content)
    )
    assert [row[0] for row in workbook["Cohortes"].iter_rows(min_row=2, values_only=True)] == []


def test_xlsx_template_has_french_headers_instructions_values_and_cohorts(
    partner_a_client, cohort_a, operator_a
) -> None:
    CohortFactory.create(operator=operator_a, code="CAS-ITO-2026-02")
    response = partner_a_client.get(
        reverse("import_template") + f"?cohort={cohort_a.pk}&format=xlsx"
    )
    assert response.status_code == 200
    assert "CAS-ITO-2026-01" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Inscriptions", "Instructions", "Valeurs", "Cohortes"]
    headers = [cell.value for cell in workbook["Inscriptions"][1]]
    assert headers == [column.header for column in COLUMNS]
    values = {(r[0], r[1]) for r in workbook["Valeurs"].iter_rows(min_row=2, values_only=True)}
    assert ("Statut", "Diplômé") in values
    assert ("Type de contrat", "CDI") in values
    cohorts = [r[0] for r in workbook["Cohortes"].iter_rows(min_row=2, values_only=True)]
    assert cohorts == ["CAS-ITO-2026-01"]
    csv_response = partner_a_client.get(reverse("import_template") + "?format=csv")
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0].split(";") == [column.header for column in COLUMNS]


def test_filled_template_imports(partner_a_user, partner_a_client, cohort_a) -> None:
    response = partner_a_client.get(reverse("import_template") + "?format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Inscriptions"]
    headers = [cell.value for cell in sheet[1]]
    values = enrolled_row(cohort_a.code, "BK123456")
    sheet.append([values.get(h, "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = upload(partner_a_user, buffer.getvalue(), "modele.xlsx")
    assert batch.status == ImportBatch.Status.VALIDATED
    assert batch.rows_to_create == 1


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_annotated_file_adds_an_error_column(
    file_format, partner_a_user, partner_a_client, cohort_a
) -> None:
    rows = [
        enrolled_row(cohort_a.code, "BK100001"),
        enrolled_row(cohort_a.code, "BK100002", **{"Date d'inscription": "32/01/2026"}),
        enrolled_row(cohort_a.code, "BK100003", Sexe="X"),
    ]
    if file_format == "csv":
        batch = upload(partner_a_user, csv_bytes(rows), "liste.csv")
    else:
        batch = upload(partner_a_user, xlsx_bytes(rows), "liste.xlsx")
    assert batch.rows_in_error == 2
    response = partner_a_client.get(reverse("import_annotated", args=[batch.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if file_format == "csv":
        lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        lines = [[c if c is not None else "" for c in r] for r in sheet.iter_rows(values_only=True)]
    assert lines[0][-1] == "Erreurs"
    assert len(lines) == 4
    assert lines[1][-1] in ("", lines[1][len(COLUMNS) - 1])  # no error on row 2
    assert "Date d'inscription" in lines[2][-1]
    assert "32/01/2026" in lines[2][-1]
    assert "Sexe" in lines[3][-1]
    assert lines[2][1] == "BK100002"  # the original cells are kept


def test_navigation_shows_imports_to_partners_and_admins(
    partner_a_client, viewer_a_client, manager_client, admin_client
) -> None:
    for client in (partner_a_client, viewer_a_client, admin_client):
        assert 'href="/imports/"' in client.get("/").content.decode()
    assert 'href="/imports/"' not in manager_client.get("/").content.decode()


def test_hire_in_the_same_row_is_imported(partner_a_user, cohort_a) -> None:
    from tests.support.imports import import_file

    batch = import_file(partner_a_user, csv_bytes([row(cohort_a.code, "BK555555")]))
    assert batch.status == ImportBatch.Status.COMMITTED
    enrollment = Enrollment.objects.get(trainee__cin="BK555555")
    hire = enrollment.placements.get()
    assert hire.employer_name == "Casablanca Nearshore Services"
    assert hire.employer is None  # no employer partner with that ICE here
    assert hire.filiere_id == cohort_a.filiere_id
