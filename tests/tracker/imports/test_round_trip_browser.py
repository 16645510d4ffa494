"""The round trip in a real Chromium: partner A downloads its cohort's update file from
the cohort's page, fills in ten graduations and a hire in the workbook, imports it: the
preview says 11 rows to update and the rest unchanged; confirmed, exactly those rows
change."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import User
from conventions.models import Partner
from tests.support.browser import login
from tests.support.round_trip import TRAINEES, edit_xlsx, partner_cohort
from tracker.models import Enrollment, Placement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_updates_a_cohort_from_one_spreadsheet(
    page, partner_a_user: User, operator_a: Partner, tmp_path
) -> None:
    world = partner_cohort(operator_a)
    in_training = list(Enrollment.objects.filter(cohort=world.cohort, status="enrolled"))
    graduates = in_training[:6]
    graduated = list(Enrollment.objects.filter(cohort=world.cohort, status="graduated"))
    corrected = graduated[:4]
    unhired = in_training[6]  # hired before graduating (pre-hiring is allowed)
    edits: dict[str, dict[str, object]] = {
        e.trainee.cin: {"status": "Diplômé", "graduated_on": dt.date(2026, 6, 30)}
        for e in graduates
    }
    edits |= {e.trainee.cin: {"graduated_on": "26/06/2026"} for e in corrected}
    edits[unhired.trainee.cin] = {
        "employer_name": "Fès Customer Care",
        "hired_on": "01/09/2026",
        "contract_type": "CDI",
        "job_title": "Conseiller client",
    }

    login(page, "partner.a")
    page.goto(f"{page.base_url}/cohorts/{world.cohort.pk}/")
    with page.expect_download() as download:
        page.click("[data-testid=cohort-update-file]")
    exported = tmp_path / "cohorte.xlsx"
    download.value.save_as(exported)
    edited = tmp_path / "cohorte-completee.xlsx"
    edited.write_bytes(edit_xlsx(exported.read_bytes(), edits))

    page.locator("[data-testid=main-nav]").get_by_text("Imports").click()
    page.click("[data-testid=new-import]")
    page.set_input_files("#id_file", str(edited))
    page.click("[data-testid=upload-submit]")
    assert page.locator("[data-testid=import-status]").get_attribute("data-status") == "validated"
    assert page.locator("[data-testid=count-create]").inner_text() == "0"
    assert page.locator("[data-testid=count-update]").inner_text() == "11"
    assert page.locator("[data-testid=count-unchanged]").inner_text() == str(TRAINEES - 11)
    page.click("[data-testid=confirm-import]")
    page.wait_for_selector("[data-testid=import-done]")

    for enrollment in graduates:
        enrollment.refresh_from_db()
        assert (enrollment.status, enrollment.graduated_on) == ("graduated", dt.date(2026, 6, 30))
    for enrollment in corrected:
        enrollment.refresh_from_db()
        assert enrollment.graduated_on == enrollment.exited_on == dt.date(2026, 6, 26)
    hire = Placement.objects.get(enrollment=unhired)
    assert (hire.employer_name, hire.contract_type) == ("Fès Customer Care", "cdi")
