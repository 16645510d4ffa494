"""The dashboard's conventions table: every convention of the user's scope (drafts aside,
as the summary counts them), paginated, sortable and filterable like the other lists,
each row its figures to date against its commitments pro-rated to date, and where it
stands (tracker.figures.selectors.standing_of).

Where every convention stands is decided once per state of the data with the summary
(``ConventionsProgress.standings``, kept in the dashboard's cache): the standing filter
and sort read it, so the table and the summary always agree. The figures of the 25 rows
shown are read for those rows only: a constant number of queries whatever the scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from conventions.filters import FilterForm
from conventions.models import Convention
from tracker.figures.commitments import targets_to_date
from tracker.figures.links import figure_url
from tracker.figures.selectors import (
    STANDING_ORDER,
    AfterDay,
    Figures,
    IndicatorProgress,
    Progress,
    Standing,
    _indicator_labels,
    _progress,
    figures_by_member,
)
from tracker.models import Dimension
from web import formatting

BADGES = {
    Standing.LATE: ("text-bg-danger", "lagging"),
    Standing.ON_TRACK: ("text-bg-success", "on-track"),
    Standing.SUSPENDED: ("text-bg-secondary", "suspended"),
    Standing.NOT_JUDGED: ("text-bg-light border", "not-judged"),
}


def with_standing_rank(
    conventions: QuerySet[Convention], standings: dict[int, str]
) -> QuerySet[Convention]:
    """Annotates ``standing_rank`` (late 0, on track 1, suspended 2, not judged 3) from
    the standings decided with the summary, for the table's sort and filter."""
    by_standing: dict[str, list[int]] = {standing.value: [] for standing in Standing}
    for pk, standing in standings.items():
        by_standing[standing].append(pk)
    whens = [
        When(pk__in=pks, then=Value(STANDING_ORDER[Standing(standing)]))
        for standing, pks in by_standing.items()
        if pks
    ]
    return conventions.annotate(
        standing_rank=Case(
            *whens,
            default=Value(STANDING_ORDER[Standing.NOT_JUDGED]),
            output_field=IntegerField(),
        )
    )


class DashboardConventionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Référence ou intitulé"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("Statut"),
        choices=[c for c in Convention.Status.choices if c[0] != Convention.Status.DRAFT],
    )
    standing = django_filters.ChoiceFilter(
        label=_("Avancement"), choices=Standing.choices, method="filter_standing"
    )

    class Meta:
        model = Convention
        fields = ["q", "status", "standing"]
        form = FilterForm

    def filter_search(
        self, queryset: QuerySet[Convention], name: str, value: str
    ) -> QuerySet[Convention]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))

    def filter_standing(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if not value:
            return queryset
        # standing_rank: annotated by the view (with_standing_rank).
        return queryset.filter(standing_rank=STANDING_ORDER[Standing(value)])


class IndicatorColumn(tables.Column):
    """One commitment indicator: the figure to date, linked to the rows it counts, over
    its target to date."""

    def __init__(self, position: int, **kwargs: Any) -> None:
        self.position = position
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(accessor="pk", orderable=False, **kwargs)

    def render(self, record: Convention, table: DashboardConventionTable) -> SafeString:
        progress = table.progress.get(record.pk)
        if progress is None:
            return mark_safe("")
        item: IndicatorProgress = progress.indicators[self.position]
        url = figure_url(item.figure, dimension="convention", member=record.pk, until=table.today)
        cell = format_html('<a href="{}">{}</a>', url, _figure(item.value, item.is_rate))
        if item.target_to_date is not None:
            cell += format_html(
                '<br><span class="small text-body-secondary">/ {}</span>',
                _figure(item.target_to_date, item.is_rate),
            )
        return cell


def _figure(value: Any, is_rate: bool) -> SafeString:
    html = formatting.percent(value).html if is_rate else formatting.number(value).html
    return mark_safe(html)  # noqa: S308 - web.formatting escapes what it writes


class DashboardConventionTable(tables.Table):
    reference = tables.Column(
        verbose_name=_("Convention"),
        linkify=("conventions:convention_detail", {"pk": tables.A("pk")}),
    )
    title = tables.Column(verbose_name=_("Intitulé"))
    status = tables.Column(verbose_name=_("Statut"))
    enrolled = IndicatorColumn(0, verbose_name=_("Inscrits"))
    graduates = IndicatorColumn(1, verbose_name=_("Lauréats"))
    jobs_created = IndicatorColumn(2, verbose_name=_("Emplois créés"))
    placement_rate = IndicatorColumn(3, verbose_name=_("Insertion à 6 mois"))
    women_share = IndicatorColumn(4, verbose_name=_("Part des femmes"))
    standing = tables.Column(
        verbose_name=_("Avancement"),
        accessor="standing_rank",
        order_by=("standing_rank", "reference"),
    )

    class Meta:
        model = Convention
        fields = ["reference", "title", "status"]
        sequence = [
            "reference",
            "title",
            "status",
            "enrolled",
            "graduates",
            "jobs_created",
            "placement_rate",
            "women_share",
            "standing",
        ]
        order_by = ("standing", "reference")
        attrs = {
            "class": "table table-sm table-hover align-middle",
            "data-testid": "conventions-table",
        }
        row_attrs = {
            "id": lambda record: f"convention-{record.pk}",
            "data-reference": lambda record: record.reference,
            "class": lambda record, table: (
                "table-danger" if table.standings.get(record.pk) == Standing.LATE else ""
            ),
        }

    def __init__(
        self, *args: Any, standings: dict[int, str], today: dt.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.standings = standings
        self.today = today
        self.progress: dict[int, Progress] = {}

    def render_standing(self, record: Convention) -> SafeString:
        standing = Standing(self.standings.get(record.pk, Standing.NOT_JUDGED))
        css, testid = BADGES[standing]
        return format_html(
            '<span class="badge {}" data-testid="{}">{}</span>',
            css,
            testid,
            conditional_escape(standing.label),
        )


# The indicator columns follow conventions.models.Indicator's order.
_INDICATOR_COLUMNS = ("enrolled", "graduates", "jobs_created", "placement_rate", "women_share")


def page_progress(
    *,
    user: User,
    conventions: list[Convention],
    standings: dict[int, str],
    today: dt.date,
    after: AfterDay | None,
) -> dict[int, Progress]:
    """The progress of the conventions of one page: two queries (their figures to date,
    their targets to date), the standing as decided with the summary."""
    if not conventions:
        return {}
    pks = [convention.pk for convention in conventions]
    figures = figures_by_member(
        user=user, dimension=Dimension.CONVENTION, until=today, member_ids=pks, after=after
    )
    targets = targets_to_date(conventions=pks, today=today)
    labels = _indicator_labels()
    return {
        pk: _progress(
            figures.get(pk, Figures()),
            targets.get(pk, {}),
            today,
            labels,
            Standing(standings.get(pk, Standing.NOT_JUDGED)),
        )
        for pk in pks
    }
