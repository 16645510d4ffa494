"""The import's budgets as ratios (bench_import --limits, bench/sections/imports.py):
both limits measured in the same transaction as our import, the database left as it
was, and the ratios printed next to their budgets."""

from __future__ import annotations

import json
import math
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from bench.import_limits import IMPORTED_MODELS, bare_copy_seconds, table_marks
from bench.measure import Report
from bench.sections.imports import add_ratios
from tests.support.factories import EnrollmentFactory


def _table_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in IMPORTED_MODELS}


def test_bench_import_limits_measure_both_limits_and_leave_the_database_as_it_was(
    db, tmp_path: Path
) -> None:
    before = _table_counts()
    output, out = tmp_path / "figures.json", StringIO()
    call_command(
        "bench_import",
        *("--rows", "30", "--rollback", "--limits", "--compare-rows", "12"),
        *("--json", str(output)),
        stdout=out,
    )
    assert _table_counts() == before
    figures = json.loads(output.read_text())
    limits = figures["limits"]
    assert limits["compare_rows"] == 12
    assert limits["import_export"] > 0
    assert limits["ours_on_compare"] > 0
    assert "faster (same file)" in out.getvalue()
    if connection.vendor == "postgresql":
        enrollments, hires, change_log = figures["written"]
        # Every row our import wrote went back by COPY (plus its new trainees).
        assert limits["copy_rows"] > enrollments + hires + change_log
        assert limits["copy"] > 0
    else:
        assert limits["copy"] is None
        assert "PostgreSQL only (this database is sqlite)" in out.getvalue()


def test_bare_copy_writes_back_exactly_the_rows_written_after_the_marks(db) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    EnrollmentFactory.create_batch(2)
    marks = table_marks()
    new = EnrollmentFactory.create_batch(3)
    expected = sum(
        model._default_manager.filter(id__gt=marks[model]).count() for model in IMPORTED_MODELS
    )
    before = _table_counts()
    seconds, rows = bare_copy_seconds(marks)
    assert seconds > 0
    assert rows == expected >= 6  # 3 enrollments and their 3 trainees at least
    assert _table_counts() == before  # rolled back: the rows as they were
    assert {e.pk for e in new} <= set(
        EnrollmentFactory._meta.model._default_manager.values_list("pk", flat=True)
    )


def _figures(copy: float | None) -> dict:
    return {
        "rows": 1000,
        "total": 2.0,
        "limits": {
            "compare_rows": 500,
            "import_export": 30.0,
            "ours_on_compare": 1.2,
            "copy": copy,
            "copy_rows": 4600,
        },
    }


def test_import_ratios_are_printed_next_to_their_budgets() -> None:
    report = Report()
    add_ratios(report, _figures(copy=0.5))
    versus_import_export, versus_copy = report.results
    assert versus_import_export.value == pytest.approx(30.0 / 1.2, abs=0.05)
    assert (versus_import_export.budget, versus_import_export.kind) == (20, "min")
    assert versus_import_export.met is True
    assert versus_copy.value == pytest.approx(2.0 / 0.5)
    assert (versus_copy.budget, versus_copy.kind) == (3, "max")
    assert versus_copy.met is False
    assert "4,600 table rows" in versus_copy.note


def test_the_copy_ratio_says_it_is_postgresql_only_when_not_measured() -> None:
    report = Report()
    add_ratios(report, _figures(copy=None))
    versus_copy = report.results[1]
    assert math.isnan(versus_copy.value)
    assert versus_copy.met is None
    assert "PostgreSQL only" in versus_copy.note
