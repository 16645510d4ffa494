"""The rows of the dashboard's conventions table, written in Python: a hundred
conventions with five figures each, their targets and links are about 4,000 template
nodes, most of the dashboard's computing time. The HTML is the template's own
(tests/test_dashboard_rows.py renders both and compares them)."""

from __future__ import annotations

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from conventions.models import Convention
from tracker import formatting
from tracker.figures.links import figure_url
from tracker.figures.selectors import IndicatorProgress, Progress, Standing

LAGGING_CLASS = ' class="table-danger"'


def _figure(value: object, *, is_rate: bool, language: str) -> str:
    if is_rate:
        return formatting.percent(value, language=language).html
    return formatting.number(value, language=language).html


def _indicator_cell(
    convention: Convention, progress: Progress, item: IndicatorProgress, language: str
) -> str:
    url = figure_url(
        item.figure, dimension="convention", member=convention.pk, until=progress.until
    )
    cell = (
        f'<td class="num"><a href="{conditional_escape(url)}">'
        f"{_figure(item.value, is_rate=item.is_rate, language=language)}</a>"
    )
    if item.target_to_date is not None:
        target = _figure(item.target_to_date, is_rate=item.is_rate, language=language)
        cell += f'<br><span class="small text-body-secondary">/ {target}</span>'
    return cell + "</td>"


def _badge(css: str, text: str, extra: str = "") -> str:
    return f'<span class="badge {css}"{extra}>{conditional_escape(text)}</span>'


def standing_badges() -> dict[str, str]:
    """Standing -> its badge (tracker.figures.selectors.standing_of decides)."""
    return {
        Standing.LATE: _badge("text-bg-danger", gettext("En retard"), ' data-testid="lagging"'),
        Standing.ON_TRACK: _badge("text-bg-success", gettext("Dans les temps")),
        Standing.SUSPENDED: _badge(
            "text-bg-secondary", gettext("Suspendue"), ' data-testid="suspended"'
        ),
        Standing.NOT_JUDGED: _badge("text-bg-light border", gettext("Non évaluée")),
    }


def conventions_rows_html(conventions: list[tuple[Convention, Progress]]) -> SafeString:
    """The <tr> of each convention shown, lagging ones marked."""
    if not conventions:
        empty = conditional_escape(gettext("Aucune convention signée pour le moment."))
        return mark_safe(f'<tr><td colspan="8" class="text-body-secondary">{empty}</td></tr>')  # noqa: S308
    language = formatting.current_language()
    badges = standing_badges()
    rows = []
    for convention, progress in conventions:
        lagging = progress.lagging
        reference = conditional_escape(convention.reference)
        title = conditional_escape(convention.title)
        status = conditional_escape(convention.get_status_display())
        cells = "".join(
            _indicator_cell(convention, progress, item, language) for item in progress.indicators
        )
        rows.append(
            f'<tr id="convention-{convention.pk}" data-reference="{reference}"'
            f"{LAGGING_CLASS if lagging else ''}>"
            f'<th scope="row">{reference}<br><span class="small fw-normal">{title}</span></th>'
            f"<td>{status}</td>{cells}"
            f"<td>{badges[progress.standing]}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above
