"""manage.py check_restore: the report compared between a database and its restored copy
(docs/operations.md; .ci/backup-restore runs it on a real dump and restore)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.support.factories import CohortFactory, EnrollmentFactory
from tracker.figures.rollups import rollup_full_recompute
from tracker.models import Rollup

pytestmark = pytest.mark.django_db


def _report(tmp_path, name: str = "report.json") -> dict:
    call_command("check_restore", output=str(tmp_path / name), stdout=io.StringIO())
    return json.loads((tmp_path / name).read_text())


def test_report_counts_every_table_and_finds_nothing_on_sound_data(tmp_path) -> None:
    cohort = CohortFactory.create()
    EnrollmentFactory.create_batch(3, cohort=cohort, enrolled_on=dt.date(2026, 2, 1))
    rollup_full_recompute()
    report = _report(tmp_path)
    assert report["tables"]["tracker_enrollment"] == 3
    assert report["tables"]["tracker_cohort"] == 1
    assert report["recount_drift_cells"] == 0
    assert report["figure_invariant_errors"] == []
    assert report["operator_consistency_fixed"] == {"enrollments": 0, "placements": 0}
    # Run again on the same data: the same report (what the restore comparison relies on),
    # the row counts taken before the check's own run record.
    again = _report(tmp_path, "again.json")
    assert again["figures_sha256"] == report["figures_sha256"]
    assert again["tables"]["tracker_enrollment"] == 3


def test_a_figure_that_differs_from_the_rows_fails_the_check(tmp_path) -> None:
    cohort = CohortFactory.create()
    EnrollmentFactory.create_batch(2, cohort=cohort, enrolled_on=dt.date(2026, 2, 1))
    rollup_full_recompute()
    Rollup.objects.filter(dimension="national").update(enrolled=99)
    with pytest.raises(CommandError, match="differences"):
        _report(tmp_path)
    report = json.loads((tmp_path / "report.json").read_text())
    assert "national total != sum over region" in report["figure_invariant_errors"]
    assert report["recount_drift_cells"] > 0
