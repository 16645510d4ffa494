"""Template tags of the figures: links to the rows behind a figure, and the progress
panels the convention and cohort pages show.

    {% load figures %}
    {% convention_progress_panel convention %}   {# on the convention page #}
    {% cohort_progress_panel cohort %}           {# on the cohort page #}
    <a href="{% figure_url 'jobs_created' dimension='region' member=region.id year=2026 %}">
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from conventions.models import Convention
from tracker.figures import links
from tracker.figures.selectors import cohort_progress, convention_progress, rollup_pending
from tracker.figures.slices import Slice
from tracker.models import Cohort
from web.templatetags import formatting as formatting_tags

register = template.Library()


@register.simple_tag
def figure_url(
    figure: str,
    dimension: str = "national",
    member: int | None = None,
    sex: str = "",
    year: int | None = None,
    quarter: int | None = None,
    until: dt.date | None = None,
    part: Slice | None = None,
) -> str:
    """``part``: the slice the figure is read under; its filters not given here (sex,
    quarter, cohort attributes) are carried to the drill-down."""
    if part is not None:
        sex = sex or part.sex
        year = part.year if year is None else year
        if quarter is None and year == part.year:
            quarter = part.quarter
    return links.figure_url(
        figure,
        dimension=dimension,
        member=member,
        sex=sex,
        year=year,
        quarter=quarter,
        until=until,
        cohort_filters=part.cohort_filters if part is not None else None,
    )


# The same filter as {% load formatting %}'s, for templates that load only this library.
register.filter("percent", formatting_tags.percent, needs_autoescape=True)


def _panel(context: dict[str, Any], progress: Any, dimension: str, member: int) -> dict[str, Any]:
    rows = [
        {
            "item": item,
            "url": links.figure_url(
                item.figure,
                dimension=dimension,
                member=member,
                until=progress.until,
            ),
        }
        for item in progress.indicators
    ]
    return {
        "progress": progress,
        "rows": rows,
        "dimension": dimension,
        "pending": rollup_pending(user=context["request"].user),
    }


@register.inclusion_tag("figures/includes/progress.html", takes_context=True)
def convention_progress_panel(context: dict[str, Any], convention: Convention) -> dict[str, Any]:
    """The convention's figures to date against its commitments pro-rated to date."""
    user = context["request"].user
    return _panel(
        context, convention_progress(user=user, convention=convention), "convention", convention.pk
    )


@register.inclusion_tag("figures/includes/progress.html", takes_context=True)
def cohort_progress_panel(context: dict[str, Any], cohort: Cohort) -> dict[str, Any]:
    """The cohort's figures to date against its planned seats and its convention's rate
    commitments."""
    user = context["request"].user
    return _panel(context, cohort_progress(user=user, cohort=cohort), "cohort", cohort.pk)
