"""The few SQL expressions that differ between SQLite and PostgreSQL.

The rollup SQL (tracker.figures.rollups) and the drill-down querysets
(tracker.figures.definitions) both build their date arithmetic from here, so the
figures and the rows they list are counted by the same expressions on both databases.

Months are calendar months, clamped to the end of the month like PostgreSQL intervals:
31 August + 6 months = 28 (or 29) February.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateField, Expression, Func
from django.db.models.sql.compiler import SQLCompiler


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the end of the month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def add_months_sql(vendor: str, column: str, months: int) -> str:
    months = int(months)  # interpolated into SQL: never anything but an integer
    if vendor == "postgresql":
        return f"CAST({column} + INTERVAL '{months} months' AS DATE)"
    # SQLite rolls 31 August + 6 months over into March; the end of the target month
    # (start of month + months + 1 - 1 day) clamps it back, as PostgreSQL does.
    return (
        f"MIN(DATE({column}, '+{months} months'), "
        f"DATE({column}, 'start of month', '+{months + 1} months', '-1 day'))"
    )


def year_sql(vendor: str, column: str) -> str:
    if vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"
    return f"CAST(STRFTIME('%%Y', {column}) AS INTEGER)"


def quarter_sql(vendor: str, column: str) -> str:
    if vendor == "postgresql":
        return f"CAST(EXTRACT(QUARTER FROM {column}) AS INTEGER)"
    return f"((CAST(STRFTIME('%%m', {column}) AS INTEGER) + 2) / 3)"


def quarter_start_sql(vendor: str, column: str) -> str:
    """The first day of the quarter of a date: a cheap grouping key (PostgreSQL's EXTRACT
    returns numeric, slow on millions of rows; year and quarter are taken afterwards, on
    the grouped rows)."""
    if vendor == "postgresql":
        return f"CAST(DATE_TRUNC('quarter', CAST({column} AS TIMESTAMP)) AS DATE)"
    return (
        f"DATE({column}, 'start of month', '-' || "
        f"((CAST(STRFTIME('%%m', {column}) AS INTEGER) - 1) %% 3) || ' months')"
    )


class AddMonths(Func):
    """ORM twin of ``add_months_sql`` for the drill-down querysets."""

    output_field = DateField()

    def __init__(self, expression: Any, months: int) -> None:
        self.months = int(months)
        super().__init__(expression)

    def _render(
        self, vendor: str, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        inner: Expression = self.get_source_expressions()[0]
        sql, params = compiler.compile(inner)
        rendered = add_months_sql(vendor, sql, self.months)
        if vendor != "postgresql":
            # The column appears twice in the SQLite form: its parameters too.
            params = [*params, *params]
        return rendered, list(params)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        return self._render("postgresql", compiler, connection)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        return self._render("sqlite", compiler, connection)
