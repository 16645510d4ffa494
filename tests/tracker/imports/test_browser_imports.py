"""The import journey in a real Chromium: template, a file with two errors, the annotated
file, the fixed file, confirmation, result."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.support.browser import login
from tests.support.factories import CohortFactory
from tests.support.imports import enrolled_row, row
from tracker.models import ChangeLog, Enrollment, ImportBatch, Placement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill(path, rows) -> None:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Inscriptions"]
    headers = [cell.value for cell in sheet[1]]
    for values in rows:
        sheet.append([values.get(header, "") for header in headers])
    workbook.save(path)


def test_partner_imports_a_file_fixes_two_errors_and_confirms(
    page, partner_a_user, operator_a, tmp_path
) -> None:
    cohort = CohortFactory.create(operator=operator_a, code="CAS-ITO-2026-01")
    login(page, "partner.a")
    page.locator("[data-testid=main-nav]").get_by_text("Imports").click()
    page.click("[data-testid=new-import]")
    page.select_option("#template-cohort", label=f"{cohort.code} — {cohort.metier}")
    with page.expect_download() as download_info:
        page.click("[data-testid=template-xlsx]")
    template = tmp_path / "modele.xlsx"
    download_info.value.save_as(template)

    good = [
        row(cohort.code, "BK100001"),
        enrolled_row(cohort.code, "BK100002"),
        enrolled_row(cohort.code, "BK100003"),
    ]
    with_errors = [
        good[0],
        enrolled_row(cohort.code, "BK100002", **{"Date d'inscription": "31/13/2026"}),
        enrolled_row(cohort.code, "123"),
    ]
    filled = tmp_path / "inscriptions.xlsx"
    filled.write_bytes(template.read_bytes())
    _fill(filled, with_errors)
    page.set_input_files("#id_file", str(filled))
    page.click("[data-testid=upload-submit]")
    assert page.locator("[data-testid=import-status]").get_attribute("data-status") == "invalid"
    assert page.locator("[data-testid=count-error]").inner_text() == "2"
    errors = page.locator("[data-testid=import-errors] tbody tr")
    assert errors.count() == 2
    assert "Date d'inscription" in errors.nth(0).inner_text()
    assert "CIN" in errors.nth(1).inner_text()
    assert Enrollment.objects.count() == 0

    with page.expect_download() as annotated_info:
        page.click("[data-testid=download-annotated]")
    annotated = tmp_path / "annote.xlsx"
    annotated_info.value.save_as(annotated)
    sheet = openpyxl.load_workbook(io.BytesIO(annotated.read_bytes())).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][-1] == "Erreurs"
    assert "31/13/2026" in lines[2][-1]
    assert "123" in lines[3][-1]

    fixed = tmp_path / "inscriptions-corrige.xlsx"
    fixed.write_bytes(template.read_bytes())
    _fill(fixed, good)
    page.click("[data-testid=new-import]")
    page.set_input_files("#id_file", str(fixed))
    page.click("[data-testid=upload-submit]")
    assert page.locator("[data-testid=import-status]").get_attribute("data-status") == "validated"
    assert page.locator("[data-testid=count-create]").inner_text() == "3"
    page.click("[data-testid=confirm-import]")
    page.wait_for_selector("[data-testid=import-done]")
    assert page.locator("[data-testid=count-create]").inner_text() == "3"

    assert Enrollment.objects.filter(cohort=cohort).count() == 3
    assert Placement.objects.filter(enrollment__cohort=cohort).count() == 1
    # Trainees, their operator's contact records, enrollments, the hire.
    assert ChangeLog.objects.filter(source="import").count() == 3 + 3 + 3 + 1
    page.locator("[data-testid=main-nav]").get_by_text("Imports").click()
    log = page.locator("[data-testid=import-log]").inner_text()
    assert "inscriptions-corrige.xlsx" in log
    assert "Importé" in log
    assert ImportBatch.objects.filter(status=ImportBatch.Status.COMMITTED).count() == 1

    # The cohort's page shows the imported rows in its figures (rollups queued on commit).
    page.goto(f"{page.base_url}/cohorts/{cohort.pk}/")
    assert page.locator("[data-testid=figure-enrolled]").inner_text() == "3"
    assert page.locator("[data-testid=figure-graduates]").inner_text() == "1"
    assert page.locator("[data-testid=figure-jobs]").inner_text() == "1"
    progress = page.locator("[data-testid=cohort-progress]")
    assert progress.locator("tr[data-indicator=enrolled] td.num").first.inner_text() == "3"
    assert progress.locator("tr[data-indicator=jobs_created] td.num").first.inner_text() == "1"
