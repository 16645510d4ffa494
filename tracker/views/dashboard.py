"""The progress dashboard: the sector against its 2030 trajectory, the programme's
figures against the conventions' commitments, breakdowns by region, zone and filière,
and the conventions table. Same page for every role; a partner's figures are computed
over its own cohorts only (tracker.figures.selectors). A constant number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from conventions.models import Convention, Filiere, Indicator, Region, Zone
from conventions.selectors import convention_list
from tracker.figures.charts import bar_chart, column_chart
from tracker.figures.commitments import targets_by_year
from tracker.figures.dashboard_cache import FiguresState, cached, dashboard_cache_key
from tracker.figures.dashboard_rows import conventions_rows_html
from tracker.figures.links import figure_url
from tracker.figures.national import sector_figures
from tracker.figures.selectors import (
    Figures,
    conventions_progress_summary,
    figures_after_day,
    figures_by_member,
    figures_by_year,
    rollup_pending,
)
from tracker.models import Dimension, User

CONVENTIONS_SHOWN = 100


class DashboardView(TemplateView):
    template_name = "dashboard/dashboard.html"

    def _year(self) -> int | None:
        raw = self.request.GET.get("year", "")
        if not raw:
            return None
        if raw.isdigit() and 2000 <= int(raw) <= 2100:
            return int(raw)
        messages.warning(
            self.request,
            _("Année « %(value)s » invalide : toutes les années sont affichées.") % {"value": raw},
        )
        return None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user: User = self.request.user  # type: ignore[assignment]
        year = self._year()
        today = timezone.localdate()
        state = FiguresState.read()
        key = dashboard_cache_key(
            user=user, state=state, today=today, year=year, language=get_language()
        )
        figures = cached(
            key,
            lambda: self._figures(
                user=user, year=year, today=today, reference_date=state.freshness.reference_date
            ),
        )
        context.update(
            {
                "year": year,
                "years": figures["years"],
                "figures_html": figures["html"],  # a SafeString: rendered by our template
                "freshness": state.freshness,
                # Outside the cached part: it changes with the clock, not with the data.
                "pending": rollup_pending(user=user),
                "is_partner": user.is_partner,
            }
        )
        return context

    def _figures(
        self, *, user: User, year: int | None, today: dt.date, reference_date: dt.date
    ) -> dict[str, Any]:
        """The figures' part of the page, rendered (what the cache keeps), and the years
        the year selector offers. Every figure is to date: rows dated after today are not
        counted, whatever period they fall in (tracker.figures.to_date)."""
        context: dict[str, Any] = {}
        sector = sector_figures()
        jobs, exports = sector["jobs"], sector["exports"]

        after = figures_after_day(user=user, until=today, reference_date=reference_date)
        by_year = figures_by_year(user=user, until=today, after=after)
        scoped_conventions = convention_list(user=user).exclude(status=Convention.Status.DRAFT)
        commitments = targets_by_year(conventions=scoped_conventions)
        years = sorted(set(by_year) | {y for _i, y in commitments})
        programme: list[dict[str, Any]] = [
            {
                "year": y,
                "figures": by_year.get(y, Figures()),
                "targets": {
                    indicator.value: commitments.get((indicator.value, y))
                    for indicator in Indicator
                },
            }
            for y in years
        ]
        jobs_urls = {y: figure_url("jobs_created", year=y, until=today) for y in years}

        breakdowns = []
        for dimension, members in (
            (Dimension.REGION, list(Region.objects.all())),
            (Dimension.ZONE, list(Zone.objects.all())),
            (Dimension.FILIERE, list(Filiere.objects.all())),
        ):
            figures = figures_by_member(
                user=user, dimension=dimension, year=year, until=today, after=after
            )
            breakdowns.append(
                {
                    "dimension": dimension.value,
                    "label": dimension.label,
                    "rows": [
                        {"member": member, "figures": figures.get(member.pk, Figures())}
                        for member in members
                    ],
                }
            )
        regions = breakdowns[0]["rows"]
        region_chart = bar_chart(
            [
                (
                    row["member"].name,
                    row["figures"].jobs_created,
                    figure_url(
                        "jobs_created",
                        dimension="region",
                        member=row["member"].pk,
                        year=year,
                        until=today,
                    ),
                )
                for row in regions
            ]
        )

        progress = conventions_progress_summary(
            user=user, today=today, limit=CONVENTIONS_SHOWN, after=after
        )
        context.update(
            {
                "year": year,
                "today": today,
                "jobs": jobs,
                "exports": exports,
                "jobs_chart": column_chart(
                    years=jobs.years, actual=jobs.actual, target=jobs.trajectory
                ),
                "exports_chart": column_chart(
                    years=exports.years,
                    actual=exports.actual,
                    target=exports.trajectory,
                ),
                "programme": programme,
                "programme_chart": column_chart(
                    years=years,
                    actual={row["year"]: row["figures"].jobs_created for row in programme},
                    target={row["year"]: row["targets"]["jobs_created"] for row in programme},
                    urls=jobs_urls,
                ),
                "breakdowns": breakdowns,
                "region_chart": region_chart,
                "conventions": progress.shown,
                "conventions_rows": conventions_rows_html(progress.shown),
                "conventions_count": progress.count,
                "lagging_count": progress.lagging_count,
                "judged_count": progress.judged_count,
                "suspended_count": progress.suspended_count,
            }
        )
        html = render_to_string("dashboard/_figures.html", context, request=self.request)
        return {"years": years, "html": html}
