"""The comparison page: a slice's figures by one dimension (?by=region, filiere, ...),
as a sortable table and a bar chart, exported (?export=csv|xlsx) with the same figures.
Each member links to the dashboard filtered to it. A dimension or filter the user may not
use answers 404, as an unknown one."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from django.views.generic.base import ContextMixin, TemplateResponseMixin
from django_tables2 import RequestConfig

from accounts.models import User
from tracker.figures.charts import bar_chart
from tracker.figures.comparison import BY, comparison_rows, offered_dimensions
from tracker.figures.comparison_table import ComparisonTable, comparison_export_columns
from tracker.figures.dashboard_slice import dashboard_slice
from tracker.figures.links import figure_url
from tracker.figures.selectors import figures_after_day, rollup_freshness
from web.exports import EXPORT_FORMATS

CHART_BARS = 25  # the first rows of the table's order; the table has them all
# Chart measure -> (the figure its bars drill down to, whether it is a rate).
CHART_MEASURES = {
    "jobs_created": ("jobs_created", False),
    "enrolled": ("enrolled", False),
    "graduates": ("graduates", False),
    "placement_rate": ("placement_6m_placed", True),
}
CHART_LABELS = {
    "jobs_created": _("Emplois créés"),
    "enrolled": _("Inscrits"),
    "graduates": _("Lauréats"),
    "placement_rate": _("Insertion à 6 mois"),
}


class ComparisonView(TemplateResponseMixin, ContextMixin, View):
    template_name = "figures/comparison.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user: User = request.user  # type: ignore[assignment]
        by = request.GET.get("by") or "region"
        if by not in dict(offered_dimensions(user)):
            raise Http404
        part = dashboard_slice(request)
        today = timezone.localdate()
        after = figures_after_day(
            user=user, until=today, reference_date=rollup_freshness().reference_date
        )
        rows, with_targets = comparison_rows(user=user, part=part, by=by, today=today, after=after)
        dashboard = reverse("dashboard")
        member_urls = {
            row.member_id: f"{dashboard}?{part.query(**{by: row.member_id})}" for row in rows
        }

        def figure_link(figure: str, member: int) -> str:
            return figure_url(
                figure,
                dimension=by,
                member=member,
                sex=part.sex,
                year=part.year,
                quarter=part.quarter,
                until=today,
                cohort_filters=part.cohort_filters,
            )

        table = ComparisonTable(
            rows, with_targets=with_targets, member_urls=member_urls, figure_link=figure_link
        )
        RequestConfig(request, paginate={"per_page": 50}).configure(table)
        export_format = request.GET.get("export")
        if export_format:
            if export_format not in EXPORT_FORMATS:
                raise Http404
            ordered = [row.record for row in table.rows]  # the table's order, every page
            return EXPORT_FORMATS[export_format](
                ordered,
                comparison_export_columns(str(BY[by]), with_targets),
                filename=f"comparison-{by}",
            )
        shown = [row.record for row in table.paginated_rows][:CHART_BARS]
        measure = request.GET.get("chart") or "jobs_created"
        if measure not in CHART_MEASURES:
            raise Http404
        figure, is_rate = CHART_MEASURES[measure]
        chart = bar_chart(
            [
                (
                    row.label,
                    getattr(row, measure) or 0,
                    figure_link(figure, row.member_id),
                )
                for row in shown
            ],
            percent=is_rate,
        )
        context = self.get_context_data(
            table=table,
            chart=chart,
            by=by,
            by_label=BY[by],
            dimensions=offered_dimensions(user),
            part=part,
            part_query=part.query(),
            part_params=sorted(part.params().items()),
            with_targets=with_targets,
            chart_measure=measure,
            chart_measures=[(key, str(label)) for key, label in CHART_LABELS.items()],
        )
        return self.render_to_response(context)
