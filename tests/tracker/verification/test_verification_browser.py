"""The CNSS journey in a real Chromium: an admin uploads the answer file, reads the bad
row in the preview, uploads the corrected file, confirms; the dashboard then shows
declared beside verified, the gap's rows explain themselves, the incentive report says
it estimates; the partner sees its own hires' status, no salary."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.browser import login
from tests.support.factories import (
    CohortFactory,
    EnrollmentFactory,
    PlacementFactory,
    TraineeFactory,
)
from tests.support.verification import answer_csv
from tracker.models import Declaration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ICE = "001111111000011"


def test_admin_imports_declarations_and_reads_declared_beside_verified(
    page, admin_user, partner_a_user, operator_a, tmp_path
) -> None:
    cohort = CohortFactory.create(operator=operator_a)
    for cin in ("VB100001", "VB100002"):
        PlacementFactory.create(
            enrollment=EnrollmentFactory.create(
                trainee=TraineeFactory.create(cin=cin), cohort=cohort
            ),
            hired_on=dt.date(2026, 1, 12),
            employer_ice=ICE,
        )
    bad = tmp_path / "cnss_bad.csv"
    bad.write_bytes(
        answer_csv(f"VB100001;{ICE};;2026-01;26;9876.54", f"VB100001;{ICE};;2026-1x;26;9876.54")
    )
    good = tmp_path / "cnss.csv"
    good.write_bytes(answer_csv(f"VB100001;{ICE};;2026-01;26;9876.54"))

    login(page, "admin")
    page.goto(f"{page.base_url}/dashboard/")
    page.click("[data-testid=summary-details]")
    page.click("[data-testid=declarations-link]")
    page.set_input_files("#id_file", str(bad))
    page.click("[data-testid=upload-submit]")
    assert page.locator("[data-testid=import-status]").get_attribute("data-status") == "invalid"
    error = page.locator("[data-testid=row-errors] tbody tr").first.inner_text()
    assert "3" in error
    assert "2026-1x" in error
    assert Declaration.objects.count() == 0

    page.click("[data-testid=cancel]")
    page.goto(f"{page.base_url}/verification/declarations/")
    page.set_input_files("#id_file", str(good))
    page.click("[data-testid=upload-submit]")
    assert page.locator("[data-testid=count-create]").inner_text() == "1"
    page.click("[data-testid=confirm]")
    assert page.locator("[data-testid=import-status]").get_attribute("data-status") == "committed"

    page.goto(f"{page.base_url}/dashboard/")
    summary = page.locator("[data-testid=verified-summary]")
    assert summary.locator("[data-testid=summary-declared]").inner_text() == "2"
    assert summary.locator("[data-testid=summary-verified]").inner_text() == "1"
    summary.locator("[data-testid=summary-gap]").click()
    rows = page.locator("[data-testid=rows] tbody tr")
    assert rows.count() == 1
    assert "VB100002" in rows.first.inner_text()
    assert "Aucune déclaration de cet employeur" in rows.first.inner_text()

    page.goto(f"{page.base_url}/verification/incentives/?year=2026")
    assert (
        "pas des décisions de paiement"
        in page.locator("[data-testid=estimate-notice]").inner_text()
    )

    page.context.clear_cookies()
    login(page, "partner.a")
    page.goto(f"{page.base_url}/dashboard/")
    page.click("[data-testid=summary-details]")
    table = page.locator("[data-testid=verified-table]").inner_text()
    assert "9876" not in table
    assert page.locator("[data-testid=verified-total] td").nth(1).inner_text() == "1"
    assert page.locator("[data-testid=declarations-link]").count() == 0
