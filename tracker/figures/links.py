"""Links from a figure to the rows it counts (the drill-down pages)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse

from tracker.figures.definitions import ENROLLMENTS, FIGURES


def figure_url(
    figure: str,
    *,
    dimension: str = "national",
    member: int | None = None,
    sex: str = "",
    year: int | None = None,
    quarter: int | None = None,
    until: dt.date | None = None,
) -> str:
    """The drill-down page listing the enrollments or hires ``figure`` counts."""
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
    return f"{reverse(url_name)}?{urlencode(params)}"
