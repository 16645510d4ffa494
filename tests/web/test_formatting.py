"""Figures, amounts, percentages and dates as each interface language writes them
(web.formatting and {% load formatting %})."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from tracker.figures.charts import short_number
from web import formatting

NNBSP, NBSP, LRI, PDI = "\u202f", "\u00a0", "\u2066", "\u2069"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", f"148{NNBSP}500"), ("en", "148,500"), ("ar", "148.500")],
)
def test_counts_are_grouped_the_language_way(language, expected) -> None:
    assert formatting.number(148500, language=language).bare == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", f"26,22{NBSP}Md{NBSP}MAD"),
        ("en", f"MAD{NBSP}26.22{NBSP}bn"),
        ("ar", "26,22 مليار درهم"),
    ],
)
def test_large_budgets_are_compact(language, expected) -> None:
    assert formatting.amount_compact(Decimal("26220000000"), language=language).bare == expected


@pytest.mark.parametrize(
    ("language", "millions", "billions"),
    [
        ("fr", f"148,5{NBSP}M{NBSP}MAD", f"40{NBSP}Md{NBSP}MAD"),
        ("en", f"MAD{NBSP}148.5{NBSP}m", f"MAD{NBSP}40{NBSP}bn"),
        ("ar", "148,5 مليون درهم", "40 مليار درهم"),
    ],
)
def test_compact_amounts_drop_trailing_zeros(language, millions, billions) -> None:
    assert formatting.amount_compact(148_500_000, language=language).bare == millions
    assert formatting.amount_compact(40_000_000_000, language=language).bare == billions


@pytest.mark.parametrize(
    ("language", "salary", "round_sum"),
    [
        ("fr", f"9{NNBSP}500,50{NBSP}MAD", f"148{NNBSP}500{NBSP}MAD"),
        ("en", f"MAD{NBSP}9,500.50", f"MAD{NBSP}148,500"),
        ("ar", "9.500,50 درهم", "148.500 درهم"),
    ],
)
def test_amounts_show_cents_only_when_there_are_some(language, salary, round_sum) -> None:
    assert formatting.amount(Decimal("9500.5"), language=language).bare == salary
    assert formatting.amount(Decimal("148500.00"), language=language).bare == round_sum
    # Below a million the compact form is the full amount.
    assert formatting.amount_compact(148500, language=language).bare == round_sum


@pytest.mark.parametrize(
    ("language", "expected"), [("fr", f"12,5{NNBSP}%"), ("en", "12.5%"), ("ar", f"12,5{NNBSP}%")]
)
def test_percentages(language, expected) -> None:
    assert formatting.percent(Decimal("12.45"), language=language).bare == expected


def test_rounding_is_half_up_and_never_negative_zero() -> None:
    assert formatting.number(Decimal("2.5"), language="fr").bare == "3"
    assert formatting.number(Decimal("-0.2"), language="fr").bare == "0"
    assert formatting.number(Decimal("1234.567"), decimals=2, language="en").bare == "1,234.57"


def test_missing_values_show_a_dash() -> None:
    for function in (formatting.number, formatting.amount, formatting.percent):
        assert function(None).bare == "—"
    assert formatting.date(None).bare == "—"


@pytest.mark.parametrize(
    ("language", "long"),
    [("fr", "26 novembre 2026"), ("en", "26 November 2026"), ("ar", "26 نوفمبر 2026")],
)
def test_dates_day_first_and_long_dates_in_the_language(language, long) -> None:
    day = dt.date(2026, 11, 26)
    with translation.override(language):
        assert formatting.date(day).bare == "26/11/2026"
        assert formatting.date(day, style="long").bare == long
        moment = dt.datetime(2026, 11, 26, 13, 5, tzinfo=dt.UTC)
        assert formatting.date(moment, style="datetime").bare == "26/11/2026 14:05"  # Casablanca


def test_chart_labels_follow_the_language() -> None:
    with translation.override("fr"):
        assert short_number(148500) == f"148,5{NBSP}k"
        assert short_number(40e9) == f"40{NBSP}Md"
    with translation.override("en"):
        assert short_number(148500) == f"148.5{NBSP}k"
    with translation.override("ar"):
        assert short_number(148500) == f"148,5{NBSP}ألف"


def _render(source: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template("{% load formatting %}" + source).render(Context(context))


def test_arabic_html_isolates_the_digits_and_keeps_the_words_outside() -> None:
    html = _render("{{ v|amount_compact }}", "ar", v=26_220_000_000)
    assert html == '<bdi dir="ltr" class="fig">26,22</bdi> مليار درهم'
    assert _render("{{ v|percent }}", "ar", v=Decimal("53.8")) == (
        f'<bdi dir="ltr" class="fig">53,8{NNBSP}%</bdi>'
    )
    assert _render("{{ d|moment }}", "ar", d=dt.datetime(2026, 11, 26, 13, 5, tzinfo=dt.UTC)) == (
        '<bdi dir="ltr" class="fig">26/11/2026 14:05</bdi>'
    )


def test_left_to_right_html_carries_no_isolation_markup() -> None:
    assert _render("{{ v|number }}", "fr", v=148500) == f"148{NNBSP}500"
    assert _render("{{ v|number }}", "en", v=148500) == "148,500"
    assert _render("{{ v|amount }}", "en", v=Decimal("9500.50")) == f"MAD{NBSP}9,500.50"


def test_plain_text_arabic_isolates_with_unicode_controls() -> None:
    text = _render("{% autoescape off %}{{ v|number:1 }}{% endautoescape %}", "ar", v=12.5)
    assert text == f"{LRI}12,5{PDI}"
    assert _render("{% autoescape off %}{{ v|number:1 }}{% endautoescape %}", "fr", v=12.5) == (
        "12,5"
    )


def test_django_filters_agree_with_the_formats() -> None:
    assert _render('{{ v|floatformat:"2g" }}', "fr", v=Decimal("1234.5")) == f"1{NNBSP}234,50"
    assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', "en", d=dt.date(2026, 11, 26)) == (
        "26/11/2026"
    )


def test_history_rows_read_in_the_language() -> None:
    from tracker.models import ChangeLog

    entry = ChangeLog(
        entity=ChangeLog.Entity.ENROLLMENT,
        object_id=1,
        action="graduated",
        changes={"status": ["enrolled", "graduated"], "graduated_on": [None, "2026-06-30"]},
    )
    with translation.override("en"):
        assert entry.action_label == "graduation"
        (status_label, old, new), (_date_label, before, after) = entry.change_rows
        assert (old, new) == ("Enrolled", "Graduated")
        assert status_label != "status"
        assert (before, after) == (None, dt.date(2026, 6, 30))
    with translation.override("ar"):
        assert entry.action_label == "تخرج"
