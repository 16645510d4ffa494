"""Browser journey: the admin opens the dashboard, follows a region's jobs-created
figure to the hires behind it, and the count matches, on the page and in its export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from accounts.models import Role
from tests.support.browser import login
from tests.support.factories import (
    CohortFactory,
    EnrollmentFactory,
    PlacementFactory,
    UserFactory,
    region,
)
from tracker.figures.rollups import rollup_full_recompute

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_follows_a_region_jobs_figure_to_the_hires_behind_it(page) -> None:
    UserFactory.create(username="admin", role=Role.ADMIN)
    tangier = CohortFactory.create(region=region("MA-01"))
    casablanca = CohortFactory.create(region=region("MA-06"))
    for index in range(3):
        PlacementFactory.create(
            enrollment=EnrollmentFactory.create(cohort=tangier),
            hired_on=dt.date(2026, 7, 1 + index),
        )
    PlacementFactory.create(enrollment=EnrollmentFactory.create(cohort=casablanca))
    # A second, later stable hire of the same person is not a second job.
    first = EnrollmentFactory.create(cohort=tangier)
    PlacementFactory.create(enrollment=first, hired_on=dt.date(2026, 8, 1))
    PlacementFactory.create(enrollment=first, hired_on=dt.date(2026, 9, 1))
    rollup_full_recompute()

    login(page, "admin")
    page.get_by_role("link", name="Tableau de bord").first.click()
    page.wait_for_selector("[data-testid=dashboard-title]")
    figure = page.locator("[data-testid=jobs-region-MA-01]")
    shown = figure.inner_text().strip()
    assert shown == "4"
    figure.click()
    page.wait_for_selector("[data-testid=figure-title]")
    assert "Emplois créés" in page.locator("[data-testid=figure-title]").inner_text()
    assert page.locator("[data-testid=row-count]").inner_text().strip() == shown
    assert page.locator("[data-testid=figure-rows] tbody tr").count() == int(shown)
    # The export holds exactly the rows the figure counts (plus its header).
    with page.expect_download() as download:
        page.locator("[data-testid=export-csv]").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))
    assert len(rows) - 1 == int(shown)
