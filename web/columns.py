"""django-tables2 columns of numbers, amounts and dates, written the interface language's
way and rendered in Python (a template per cell is the main cost of a 25-row page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_tables2 as tables
from django.utils.formats import date_format

from web import formatting


class NumberColumn(tables.Column):
    """A count, written the interface language's way (148 500 / 148,500 / 148.500)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value: Any) -> str:
        return formatting.number(value).html


class AmountColumn(NumberColumn):
    """An amount in MAD (9 500,50 MAD / MAD 9,500.50 / 9.500,50 درهم)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", {"td": {"class": "num amount"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value: Any) -> str:
        return formatting.amount(value).html


class CompactAmountColumn(AmountColumn):
    """A large amount in MAD, compact (26,22 Md MAD / MAD 26.22 bn)."""

    def render(self, value: Any) -> str:
        return formatting.amount_compact(value).html


class ShortDateColumn(tables.Column):
    """A date in the locale's short format, formatted in Python: django-tables2's
    DateColumn renders a template per cell, the main cost of a 25-row page."""

    def render(self, value: dt.date) -> str:
        return date_format(value, "SHORT_DATE_FORMAT")
