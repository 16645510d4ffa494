"""Figures, amounts, percentages and dates written the way each interface language
writes them. Every page, table, chart, e-mail and export goes through here (templates
through the filters in web/templatetags/formatting.py), so "148 500" is never
"148500" on one page and "148,500" on the next.

    French   148 500      9 500,50 MAD     26,22 Md MAD    12,5 %     26/11/2026
    English  148,500      MAD 9,500.50     MAD 26.22 bn    12.5%      26/11/2026
    Arabic   148.500      9.500,50 درهم    26,22 مليار درهم  12,5 %     26/11/2026

The separators come from web/formats/<language>/formats.py (FORMAT_MODULE_PATH), so
Django's own date and floatformat filters agree with these functions.

Inside Arabic text a figure must stay left to right and must not drag the punctuation
around it: in Arabic HTML the digits are wrapped in <bdi dir="ltr"> (the unit words stay
outside, in the sentence's direction); in plain text (e-mails) they are wrapped in the
Unicode isolates LRI ... PDI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.utils import dateformat, formats, numberformat, timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

LRI = "\u2066"  # left-to-right isolate (plain-text twin of <bdi dir="ltr">)
PDI = "\u2069"  # pop directional isolate
NNBSP = "\u202f"  # narrow no-break space
NBSP = "\u00a0"
EMPTY = "—"

# Compact forms of large numbers: (size, French, English, Arabic).
_SCALES = (
    (Decimal(10) ** 9, "Md", "bn", "مليار"),
    (Decimal(10) ** 6, "M", "m", "مليون"),
    (Decimal(10) ** 3, "k", "k", "ألف"),
)


def current_language() -> str:
    """ "fr", "ar" or "en": the active language, French when none or an unknown one."""
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Formatted:
    """A figure as digits (kept left to right) and the words around it."""

    digits: str
    before: str = ""
    after: str = ""
    isolate: bool = True  # False: text in the language's own direction (a long date)

    @property
    def text(self) -> str:
        """Plain text (e-mails); in a right-to-left language, the figure isolated."""
        isolate = self.isolate and translation.get_language_bidi()
        digits = f"{LRI}{self.digits}{PDI}" if isolate else self.digits
        return f"{self.before}{digits}{self.after}"

    @property
    def bare(self) -> str:
        """Plain text without isolates (exports, tests, attribute values)."""
        return f"{self.before}{self.digits}{self.after}"

    @property
    def html(self) -> SafeString:
        """Escaped HTML; in a right-to-left language the digits are isolated (a
        left-to-right page needs no isolation, and keeps its markup light)."""
        if not translation.get_language_bidi():
            return mark_safe(escape(self.bare))  # noqa: S308
        if self.isolate:
            digits = f'<bdi dir="ltr" class="fig">{escape(self.digits)}</bdi>'
        else:
            digits = f"<bdi>{escape(self.digits)}</bdi>"
        return mark_safe(f"{escape(self.before)}{digits}{escape(self.after)}")  # noqa: S308

    def __str__(self) -> str:
        return self.bare


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _digits(number: Decimal, decimals: int, language: str, *, trim: bool = False) -> str:
    """Rounded half up to ``decimals`` places; ``trim`` drops trailing zeros."""
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if trim:
        rounded = rounded.normalize() if rounded != rounded.to_integral() else rounded.quantize(1)
        decimals = max(0, -rounded.as_tuple().exponent)  # type: ignore[operator]
    if rounded == 0:
        rounded = abs(rounded)  # no "-0"
    return numberformat.format(
        rounded,
        formats.get_format("DECIMAL_SEPARATOR", language),
        decimal_pos=decimals,
        grouping=formats.get_format("NUMBER_GROUPING", language),
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR", language),
        force_grouping=True,
    )


def number(
    value: object, *, decimals: int = 0, trim: bool = False, language: str | None = None
) -> Formatted:
    """148500 -> 148 500 (fr), 148,500 (en), 148.500 (ar)."""
    language = language or current_language()
    amount = _decimal(value)
    if amount is None:
        return Formatted(EMPTY, isolate=False)
    return Formatted(_digits(amount, decimals, language, trim=trim))


def _with_currency(digits: str, scale: str, language: str) -> Formatted:
    if language == "en":
        return Formatted(digits, before="MAD" + NBSP, after=(NBSP + scale) if scale else "")
    if language == "ar":
        return Formatted(digits, after=" " + (f"{scale} درهم" if scale else "درهم"))
    return Formatted(digits, after=NBSP + (f"{scale}{NBSP}MAD" if scale else "MAD"))


def amount(value: object, *, decimals: int = 2, language: str | None = None) -> Formatted:
    """An amount in MAD, cents shown only when there are some:
    9500.5 -> 9 500,50 MAD (fr), MAD 9,500.50 (en), 9.500,50 درهم (ar)."""
    language = language or current_language()
    sum_ = _decimal(value)
    if sum_ is None:
        return Formatted(EMPTY, isolate=False)
    if sum_ == sum_.to_integral():
        decimals = 0
    return _with_currency(_digits(sum_, decimals, language), "", language)


def amount_compact(value: object, *, language: str | None = None) -> Formatted:
    """Budgets and export figures: 26 220 000 000 -> 26,22 Md MAD (fr), MAD 26.22 bn (en),
    26,22 مليار درهم (ar); millions likewise; below a million, the full amount."""
    language = language or current_language()
    sum_ = _decimal(value)
    if sum_ is None:
        return Formatted(EMPTY, isolate=False)
    for size, fr, en, ar in _SCALES[:2]:
        if abs(sum_) >= size:
            scale = {"fr": fr, "en": en, "ar": ar}[language]
            return _with_currency(_digits(sum_ / size, 2, language, trim=True), scale, language)
    return amount(sum_, language=language)


def compact(value: object, *, language: str | None = None) -> Formatted:
    """Axis labels: 148500 -> 148,5 k (fr), 148.5 k (en), 148,5 ألف (ar); 4e10 -> 40 Md."""
    language = language or current_language()
    figure = _decimal(value)
    if figure is None:
        return Formatted(EMPTY, isolate=False)
    for size, fr, en, ar in _SCALES:
        if abs(figure) >= size:
            scale = {"fr": fr, "en": en, "ar": ar}[language]
            return Formatted(_digits(figure / size, 1, language, trim=True), after=NBSP + scale)
    return Formatted(_digits(figure, 0, language))


def percent(value: object, *, decimals: int = 1, language: str | None = None) -> Formatted:
    """A percentage already multiplied by 100: 12.5 -> 12,5 % (fr, ar), 12.5% (en)."""
    language = language or current_language()
    share = _decimal(value)
    if share is None:
        return Formatted(EMPTY, isolate=False)
    sign = "%" if language == "en" else NNBSP + "%"
    return Formatted(_digits(share, decimals, language) + sign)


def date(value: dt.date | dt.datetime | None, *, style: str = "short") -> Formatted:
    """style "short" 26/11/2026; "long" 26 novembre 2026 / 26 November 2026 /
    26 نوفمبر 2026 (in the sentence's direction); "datetime" 26/11/2026 14:30 (local
    time)."""
    if value is None or value == "":
        return Formatted(EMPTY, isolate=False)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    key = {"short": "SHORT_DATE_FORMAT", "long": "DATE_FORMAT"}.get(style, "SHORT_DATETIME_FORMAT")
    text = dateformat.format(value, formats.get_format(key))
    return Formatted(text, isolate=style != "long")
