"""Figures and dates in the interface language (web.formatting), for templates.

    {% load formatting %}
    {{ count|number }}            148 500        (digits in <bdi dir="ltr">)
    {{ salary|amount }}           9 500,50 MAD
    {{ budget|amount_compact }}   26,22 Md MAD
    {{ rate|percent }}            12,5 %
    {{ day|day }}  {{ day|day_long }}  {{ moment|moment }}

In HTML the digits are isolated left to right with <bdi dir="ltr">; with autoescape off
(plain-text e-mails) they are isolated with the Unicode LRI/PDI characters instead."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import translation
from django.utils.html import conditional_escape, format_html

from web import formatting
from web.formatting import Formatted

register = template.Library()


def _out(value: Formatted, autoescape: bool) -> str:
    return value.html if autoescape else value.text


@register.filter(needs_autoescape=True)
def number(value: Any, decimals: int = 0, autoescape: bool = True) -> str:
    """``number:2`` always two decimals; ``number:-2`` up to two, none for a whole number
    (like floatformat)."""
    places = int(decimals)
    return _out(formatting.number(value, decimals=abs(places), trim=places < 0), autoescape)


@register.filter(needs_autoescape=True)
def amount(value: Any, autoescape: bool = True) -> str:
    return _out(formatting.amount(value), autoescape)


@register.filter(needs_autoescape=True)
def amount_compact(value: Any, autoescape: bool = True) -> str:
    return _out(formatting.amount_compact(value), autoescape)


@register.filter(needs_autoescape=True)
def percent(value: Any, decimals: int = 1, autoescape: bool = True) -> str:
    return _out(formatting.percent(value, decimals=int(decimals)), autoescape)


@register.filter(needs_autoescape=True)
def day(value: dt.date | None, autoescape: bool = True) -> str:
    return _out(formatting.date(value), autoescape)


@register.filter(needs_autoescape=True)
def day_long(value: dt.date | None, autoescape: bool = True) -> str:
    return _out(formatting.date(value, style="long"), autoescape)


@register.filter(needs_autoescape=True)
def moment(value: dt.datetime | None, autoescape: bool = True) -> str:
    return _out(formatting.date(value, style="datetime"), autoescape)


@register.filter
def isolate(value: Any) -> str:
    """User data (a job title, an employer) inside a translated Arabic sentence: isolated
    in its own direction, so "Analyste (junior)" keeps its brackets. Plain in LTR pages."""
    if translation.get_language_bidi():
        return format_html("<bdi>{}</bdi>", value)
    return conditional_escape(value)
