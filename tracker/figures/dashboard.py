"""The progress dashboard: the sector against its 2030 trajectory, the programme's
figures against the conventions' commitments, breakdowns by region, zone and filière,
and the conventions table. A partner's figures are computed over its own cohorts only
(tracker.figures.selectors), and its page leads with what is its own (its conventions,
its cohorts with their standing, its figures), the national sector after; staff read
the sector first. A constant number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from conventions.models import Convention, Filiere, Indicator, Region, Zone
from conventions.selectors import convention_list
from tracker.figures.charts import bar_chart, column_chart
from tracker.figures.commitments import targets_by_year
from tracker.figures.conventions_table import (
    DashboardConventionFilter,
    DashboardConventionTable,
    page_progress,
    with_standing_rank,
)
from tracker.figures.dashboard_cache import FiguresState, cached, dashboard_cache_key
from tracker.figures.links import figure_url
from tracker.figures.national import sector_figures
from tracker.figures.partner_cohorts import partner_cohorts
from tracker.figures.selectors import (
    Figures,
    conventions_progress_summary,
    figures_after_day,
    figures_by_member,
    figures_by_year,
    rollup_pending,
)
from tracker.models import Dimension
from web.lists import ScopedListView


class DashboardView(ScopedListView):
    """The figures (rendered once per state of the data, tracker.figures.dashboard_cache)
    and below them the conventions table, a list like the others: the scoped conventions
    (drafts aside, as the summary counts them) filtered, sorted and paginated."""

    template_name = "dashboard/dashboard.html"
    selector = convention_list
    filterset_class = DashboardConventionFilter
    table_class = DashboardConventionTable

    @cached_property
    def _today(self) -> dt.date:
        return timezone.localdate()

    @cached_property
    def _state(self) -> FiguresState:
        return FiguresState.read()

    @cached_property
    def _cached_figures(self) -> dict[str, Any]:
        user: User = self.request.user  # type: ignore[assignment]
        year, today, state = self._year(), self._today, self._state
        key = dashboard_cache_key(
            user=user, state=state, today=today, year=year, language=get_language()
        )
        return cached(
            key,
            lambda: self._figures(
                user=user, year=year, today=today, reference_date=state.freshness.reference_date
            ),
        )

    def get_queryset(self) -> QuerySet[Convention]:
        conventions = super().get_queryset().exclude(status=Convention.Status.DRAFT)
        return with_standing_rank(conventions, self._cached_figures["standings"])

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"standings": self._cached_figures["standings"], "today": self._today}

    def get_table(self, **kwargs: Any) -> DashboardConventionTable:
        table: DashboardConventionTable = super().get_table(**kwargs)
        table.progress = page_progress(
            user=self.request.user,  # type: ignore[arg-type]
            conventions=[row.record for row in table.page.object_list],
            standings=self._cached_figures["standings"],
            today=self._today,
            after=self._cached_figures["after"],
        )
        return table

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
        figures = self._cached_figures
        table: DashboardConventionTable = context["table"]
        context.update(
            {
                "year": self._year(),
                "years": figures["years"],
                "figures_html": figures["html"],  # a SafeString: rendered by our template
                "sector_html": figures["sector_html"],
                "summary": figures["summary"],
                "conventions": [
                    (row.record, table.progress[row.record.pk]) for row in table.page.object_list
                ],
                "freshness": self._state.freshness,
                # Outside the cached part: it changes with the clock, not with the data.
                "pending": rollup_pending(user=user),
                "is_partner": user.is_partner,
            }
        )
        if user.is_partner:
            # Per request (cohorts change with every entry, not only with a recompute),
            # a fixed number of queries: the latest cohorts only, the list has them all.
            cohorts, more = partner_cohorts(
                user=user, today=self._today, after=self._cached_figures["after"]
            )
            context.update({"own_cohorts": cohorts, "more_cohorts": more})
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

        # Where every convention stands (no Progress built: limit 0); the table shows
        # them a page at a time from the standings kept with the figures.
        progress = conventions_progress_summary(user=user, today=today, limit=0, after=after)
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
            }
        )
        html = render_to_string("dashboard/_figures.html", context, request=self.request)
        sector_html = render_to_string("dashboard/_sector.html", context, request=self.request)
        summary = {
            "conventions_count": progress.count,
            "lagging_count": progress.lagging_count,
            "judged_count": progress.judged_count,
            "suspended_count": progress.suspended_count,
        }
        return {
            "years": years,
            "html": html,
            "sector_html": sector_html,
            "summary": summary,
            "standings": progress.standings,
            "after": after,
        }
