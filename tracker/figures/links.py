"""Links from a figure to the rows it counts (the drill-down pages)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from tracker.figures.definitions import ENROLLMENTS, FIGURES

_PATHS: dict[tuple[str, str, object, object], str] = {}


def _path(url_name: str) -> str:
    """reverse(url_name), once per script prefix and URLconf: a dashboard links several
    hundred figures to the same two pages, and reverse() is not free."""
    key = (url_name, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    path = _PATHS.get(key)
    if path is None:
        path = _PATHS[key] = reverse(url_name)
    return path


def figure_url(
    figure: str,
    *,
    dimension: str = "national",
    member: int | None = None,
    sex: str = "",
    year: int | None = None,
    quarter: int | None = None,
    until: dt.date | None = None,
    cohort_filters: dict[str, int] | None = None,
) -> str:
    """The drill-down page listing the enrollments or hires ``figure`` counts;
    ``cohort_filters``: a slice's filters on cohort attributes, carried along."""
    definition = FIGURES[figure]
    url_name = "figure_enrollments" if definition.rows == ENROLLMENTS else "figure_hires"
    params: dict[str, str] = {"figure": figure}
    if dimension != "national":
        params["dimension"] = dimension
        params["member"] = str(member)
    if sex:
        params["sex"] = sex
    if year is not None:
        params["year"] = str(year)
    if quarter is not None:
        params["quarter"] = str(quarter)
    if until is not None:
        params["until"] = until.isoformat()
    for attribute, value in (cohort_filters or {}).items():
        params[attribute] = str(value)
    return f"{_path(url_name)}?{urlencode(params)}"
