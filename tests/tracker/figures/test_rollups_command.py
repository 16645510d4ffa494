from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.support.factories import EnrollmentFactory
from tests.support.rollups import recount, stored
from tracker.models import Rollup, RollupState


@pytest.mark.django_db
def test_recompute_rollups_rebuilds_everything_and_reports_the_drift() -> None:
    EnrollmentFactory.create()
    out = StringIO()
    call_command("recompute_rollups", "--reference-date", "2026-11-01", stdout=out)
    assert stored() == recount(reference_date=dt.date(2026, 11, 1))
    assert RollupState.objects.get().reference_date == dt.date(2026, 11, 1)
    Rollup.objects.filter(dimension="national").update(enrolled=7)
    out = StringIO()
    call_command("recompute_rollups", "--reference-date", "2026-11-01", stdout=out)
    assert "1 cells corrected" in out.getvalue()
    assert stored() == recount(reference_date=dt.date(2026, 11, 1))


@pytest.mark.django_db
def test_recompute_rollups_of_some_cohorts_and_bad_dates() -> None:
    enrollment = EnrollmentFactory.create()
    out = StringIO()
    call_command("recompute_rollups", "--cohort", str(enrollment.cohort_id), stdout=out)
    assert Rollup.objects.filter(dimension="cohort", member_id=enrollment.cohort_id).exists()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("recompute_rollups", "--reference-date", "01/11/2026")


@pytest.mark.django_db
def test_recompute_works_with_sql_logging_on() -> None:
    """Under DEBUG Django logs every statement by interpolating its parameters: a literal
    percent sign in the rollup SQL must be escaped for that (a development-server crash)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    EnrollmentFactory.create()
    with CaptureQueriesContext(connection):
        call_command("recompute_rollups", "--reference-date", "2026-11-01", stdout=StringIO())
    assert stored() == recount(reference_date=dt.date(2026, 11, 1))
