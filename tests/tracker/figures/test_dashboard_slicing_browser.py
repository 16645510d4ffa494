"""Browser journey (real Chromium): a programme manager filters the dashboard to one
region and filière, clicks a region on the map, saves the view, opens the drill-down
behind a figure, exports it, and the exported row count equals the figure."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from accounts.models import Role
from conventions.models import Filiere, Region
from tests.support.browser import login
from tests.support.factories import (
    CohortFactory,
    EnrollmentFactory,
    PlacementFactory,
    TraineeFactory,
    UserFactory,
    filiere,
    region,
)
from tracker.figures.rollups import rollup_full_recompute
from tracker.models import SavedView

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _hires(cohort, count: int, sex: str = "F") -> None:
    for index in range(count):
        enrollment = EnrollmentFactory.create(
            cohort=cohort, trainee=TraineeFactory.create(sex=sex), enrolled_on=dt.date(2026, 1, 5)
        )
        PlacementFactory.create(enrollment=enrollment, hired_on=dt.date(2026, 6, 1 + index))


def test_a_manager_slices_maps_saves_drills_down_and_exports(page) -> None:
    UserFactory.create(username="manager", role=Role.MANAGER)
    ito, crm = filiere("ITO"), filiere("CRM")
    _hires(CohortFactory.create(region=region("MA-06"), filiere=ito), 2)
    _hires(CohortFactory.create(region=region("MA-09"), filiere=ito), 3)
    _hires(CohortFactory.create(region=region("MA-09"), filiere=crm), 4)  # another filière
    rollup_full_recompute()
    casablanca, souss = Region.objects.get(code="MA-06"), Region.objects.get(code="MA-09")

    login(page, "manager")
    page.goto(f"{page.base_url}/dashboard/")
    page.wait_for_selector("[data-testid=slice-filters]")
    page.select_option("#id_region", str(casablanca.pk))
    page.select_option("#id_filiere", str(Filiere.objects.get(code="ITO").pk))
    page.locator("[data-testid=apply-filters]").click()
    page.wait_for_selector("[data-testid=active-slice]")
    assert f"region={casablanca.pk}" in page.url
    assert page.locator("[data-testid=jobs-region-MA-06]").inner_text().strip() == "2"
    assert page.locator("[data-testid=jobs-region-MA-09]").inner_text().strip() == "0"

    # The map: Souss-Massa's tile filters the dashboard to it, the filière kept.
    page.locator("[data-testid=map-MA-09]").click()
    page.wait_for_url(f"**region={souss.pk}**")
    assert "filiere=" in page.url
    active = page.locator("[data-testid=active-slice]").inner_text()
    assert souss.name in active
    assert "ITO" in active
    figure = page.locator("[data-testid=jobs-region-MA-09]")
    shown = figure.inner_text().strip()
    assert shown == "3"  # ITO only: the CRM hires are not counted

    # Saved under a name, found again on the dashboard and the home page.
    page.locator("[data-testid=saved-views] summary").click()
    page.fill("#saved-view-name", "Souss ITO")
    page.locator("[data-testid=save-view-button]").click()
    page.wait_for_selector("text=Vue « Souss ITO » enregistrée.")
    view = SavedView.objects.get(name="Souss ITO")
    assert f"region={souss.pk}" in view.query
    page.goto(f"{page.base_url}/")
    page.locator(f"[data-testid=saved-view-{view.pk}]").click()
    page.wait_for_selector("[data-testid=active-slice]")
    assert f"region={souss.pk}" in page.url

    # The drill-down behind the figure carries the slice; its export holds its rows.
    page.locator("[data-testid=jobs-region-MA-09]").click()
    page.wait_for_selector("[data-testid=figure-title]")
    assert page.locator("[data-testid=row-count]").inner_text().strip() == shown
    filters = page.locator("[data-testid=active-filters]").inner_text()
    assert "Filière" in filters
    with page.expect_download() as download:
        page.locator("[data-testid=export-csv]").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))
    assert len(rows) - 1 == int(shown)
