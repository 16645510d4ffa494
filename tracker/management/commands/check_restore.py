"""Checks a database's data and prints a report to compare two copies of it.

Run on the original right after its dump, and on the copy restored from that dump
(docs/operations.md, "Restore"; `.ci/run` does it on every run): the two reports must be
equal. The report holds the row count of every table of the product (taken before the
checks, which add a run record of their own), the result of the data checks, the drift
a full recount of every figure found, and a digest of every figure cell.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Sum

from tracker.figures.rollups import rollup_full_recompute
from tracker.models import Dimension, Rollup
from tracker.models.rollups import MEASURES
from tracker.services.operators import operator_consistency_repair

PRODUCT_APPS = ("accounts", "tracker", "conventions", "auth", "axes")


def table_counts() -> dict[str, int]:
    return {
        model._meta.db_table: model._default_manager.count()
        for app in PRODUCT_APPS
        for model in apps.get_app_config(app).get_models()
    }


def figures_digest() -> str:
    """sha256 of every figure cell, in a fixed order (ids of members included: a restore
    keeps them)."""
    digest = hashlib.sha256()
    cells = Rollup.objects.order_by("dimension", "member_id", "sex", "year", "quarter")
    for row in cells.values_list("dimension", "member_id", "sex", "year", "quarter", *MEASURES):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def figure_invariant_errors() -> list[str]:
    """DESIGN.md's invariants: the national total equals the sum over regions and over
    conventions; in every cohort, graduates <= enrolled."""
    errors = []
    totals = {
        dimension: Rollup.objects.filter(dimension=dimension).aggregate(
            **{m: Sum(m) for m in MEASURES}
        )
        for dimension in (Dimension.NATIONAL, Dimension.REGION, Dimension.CONVENTION)
    }
    for dimension in (Dimension.REGION, Dimension.CONVENTION):
        if totals[dimension] != totals[Dimension.NATIONAL]:
            errors.append(f"national total != sum over {dimension}")
    cohorts = (
        Rollup.objects.filter(dimension=Dimension.COHORT)
        .values("member_id")
        .annotate(enrolled=Sum("enrolled"), graduates=Sum("graduates"))
    )
    errors += [
        f"cohort {c['member_id']}: {c['graduates']} graduates > {c['enrolled']} enrolled"
        for c in cohorts
        if c["graduates"] > c["enrolled"]
    ]
    return errors


class Command(BaseCommand):
    help = "Checks the data, recounts every figure and prints a report to compare copies."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="Also write the report (JSON) to this file.")

    def handle(self, *args: Any, output: str | None = None, **options: Any) -> None:
        # Counted before the checks, which add their own run records.
        tables = table_counts()
        operators_fixed = operator_consistency_repair()
        invariant_errors = figure_invariant_errors()
        recount = rollup_full_recompute()
        report: dict[str, object] = {
            "tables": tables,
            "operator_consistency_fixed": operators_fixed,
            "figure_invariant_errors": invariant_errors,
            "recount_drift_cells": recount.drift_count,
            "figures_sha256": figures_digest(),
        }
        text = json.dumps(report, indent=1, sort_keys=True)
        self.stdout.write(text)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        problems = sum(operators_fixed.values()) + len(invariant_errors)
        if problems or recount.drift_count:
            raise CommandError("the data checks or the recount found differences (above)")
