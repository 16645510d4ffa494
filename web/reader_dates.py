"""Dates inside messages, written as the reader writes them (26/11/2026 in each
interface language, web.formatting), never ISO on a French page.

``reader_date`` is lazy: a ValidationError's parameters are put into its message when
the message is read, so the date takes the format of the language active then."""

from __future__ import annotations

import datetime as dt

from web.formatting import date as format_date


class ReaderDate:
    __slots__ = ("day",)

    def __init__(self, day: dt.date) -> None:
        self.day = day

    def __str__(self) -> str:
        return format_date(self.day).bare

    def __repr__(self) -> str:
        return f"ReaderDate({self.day.isoformat()})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReaderDate) and other.day == self.day

    def __hash__(self) -> int:
        return hash(self.day)


def reader_date(day: dt.date) -> ReaderDate:
    return ReaderDate(day)
