"""The declarations benchmark runs at a small scale, imports what it generated through
the real stages, agrees with a plain join, and leaves the database as it was."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import User
from bench.declarations import run
from tests.support.factories import EnrollmentFactory, PlacementFactory
from tracker.models import Declaration, DeclarationImport, HireVerification

pytestmark = pytest.mark.django_db


def test_bench_imports_matches_and_rolls_back() -> None:
    for day in (1, 15, 28):
        PlacementFactory.create(
            enrollment=EnrollmentFactory.create(), hired_on=dt.date(2025, 3, day)
        )
    figures = run(scale=3 / 300_000)
    assert figures["hires"] == 3
    assert figures["rows"] > 60  # 3 hires x 24 months, one month in 20 skipped
    assert figures["match_verified"] == figures["join_verified"] == 3
    assert figures["validation_s"] > 0
    assert figures["match_s"] > 0
    assert not Declaration.objects.exists()
    assert not DeclarationImport.objects.exists()
    assert not HireVerification.objects.exists()
    assert not User.objects.filter(username="bench.declarations").exists()
