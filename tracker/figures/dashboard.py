"""The progress dashboard: the sector against its 2030 trajectory, the programme's
figures against the conventions' commitments, breakdowns by region, zone and filière,
and the conventions table. A partner's figures are computed over its own cohorts only
(tracker.figures.selectors), and its page leads with what is its own (its conventions,
its cohorts with their standing, its figures), the national sector after; staff read
the sector first. A constant number of queries."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.views.generic.base import ContextMixin

from accounts.models import User
from conventions.models import Convention, Filiere, Indicator, Region, Zone
from conventions.selectors import convention_list
from tracker.figures.charts import bar_chart, column_chart
from tracker.figures.conventions_table import (
    DashboardConventionFilter,
    DashboardConventionTable,
    page_progress,
    with_standing_rank,
)
from tracker.figures.dashboard_cache import (
    CACHE_SECONDS,
    FiguresState,
    cached,
    dashboard_cache_key,
)
from tracker.figures.dashboard_slice import dashboard_slice_form, slice_context
from tracker.figures.links import figure_url
from tracker.figures.national import sector_figures
from tracker.figures.partner_cohorts import partner_cohorts
from tracker.figures.region_map import region_map
from tracker.figures.selectors import (
    Figures,
    conventions_progress_summary,
    figures_after_day,
    rollup_pending,
)
from tracker.figures.slice_commitments import (
    slice_commitments,
    slice_has_commitments,
    whole_convention_commitments,
)
from tracker.figures.slice_scope import conventions_in_slice
from tracker.figures.sliced import sliced_by_member, sliced_by_year
from tracker.figures.slices import Slice, SliceForm
from tracker.models import Dimension
from web.lists import ScopedListView


class DashboardView(ScopedListView):
    """The figures (rendered once per state of the data, tracker.figures.dashboard_cache)
    and below them the conventions table, a list like the others: the scoped conventions
    (drafts aside, as the summary counts them) filtered, sorted and paginated, its section
    rendered once per state of the data and query of the table."""

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
    def _figures_key(self) -> str:
        return dashboard_cache_key(
            user=self.request.user,  # type: ignore[arg-type]
            state=self._state,
            today=self._today,
            year=self._year(),
            language=get_language(),
            part=self._slice.cache_part(),
        )

    @cached_property
    def _cached_figures(self) -> dict[str, Any]:
        user: User = self.request.user  # type: ignore[assignment]
        today, state = self._today, self._state
        part = self._slice
        return cached(
            self._figures_key,
            lambda: self._figures(
                user=user,
                part=part,
                today=today,
                reference_date=state.freshness.reference_date,
            ),
        )

    def get_queryset(self) -> QuerySet[Convention]:
        conventions = conventions_in_slice(
            super().get_queryset().exclude(status=Convention.Status.DRAFT), self._slice
        )
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

    @cached_property
    def _slice_form(self) -> SliceForm:
        return dashboard_slice_form(self.request)

    @cached_property
    def _slice(self) -> Slice:
        return self._slice_form.slice()

    def _year(self) -> int | None:
        return self._slice.year

    @cached_property
    def _conventions_key(self) -> str:
        """The conventions section's cache key: the figures' own (state, day, scope,
        language, slice) and the table's query (search, status, standing, sort, page)."""
        query = repr(tuple(sorted(self.request.GET.lists())))
        return f"{self._figures_key}:conventions:{hashlib.sha256(query.encode()).hexdigest()[:32]}"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # The conventions section is a function of the same state as the figures and of
        # the table's query: served as rendered, it costs no query and no table build.
        section = cache.get(self._conventions_key)
        if section is None:
            return super().get(request, *args, **kwargs)
        self.object_list = Convention.objects.none()
        context = ContextMixin.get_context_data(self, conventions_html=section)
        return self.render_to_response(self._page_context(context))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        table: DashboardConventionTable = context["table"]
        context.update(
            {
                "conventions": [
                    (row.record, table.progress[row.record.pk]) for row in table.page.object_list
                ],
            }
        )
        context = self._page_context(context)
        # Rendered without the context processors (the section reads none of them).
        section = render_to_string(
            "dashboard/_conventions.html", {**context, "request": self.request}
        )
        cache.set(self._conventions_key, section, CACHE_SECONDS)
        context["conventions_html"] = section
        return context

    def _page_context(self, context: dict[str, Any]) -> dict[str, Any]:
        """Everything but the conventions section: the cached figures and what changes
        per request."""
        user: User = self.request.user  # type: ignore[assignment]
        figures = self._cached_figures
        context.update(
            {
                "year": self._year(),
                "years": figures["years"],
                "figures_html": figures["html"],  # a SafeString: rendered by our template
                "sector_html": figures["sector_html"],
                "summary": figures["summary"],
                "freshness": self._state.freshness,
                # Outside the cached part: it changes with the clock, not with the data.
                "pending": rollup_pending(user=user),
                "is_partner": user.is_partner,
                **slice_context(self.request, self._slice_form, years=figures["years"]),
            }
        )
        if user.is_partner:
            context["cohorts_html"] = self._partner_cohorts_section(context)
        return context

    def _partner_cohorts_section(self, context: dict[str, Any]) -> str:
        """A partner's latest cohorts with their standing: their figures come from the
        rollup store and their terms (dates, seats, status) are a dashboard input
        (tracker.figures.revisions), so the section is rendered once per state, like the
        figures. A fixed number of queries: the latest cohorts only, the list has them
        all."""

        def render() -> str:
            cohorts, more = partner_cohorts(
                user=self.request.user,  # type: ignore[arg-type]
                today=self._today,
                after=self._cached_figures["after"],
                part=self._slice,
            )
            context.update({"own_cohorts": cohorts, "more_cohorts": more})
            return render_to_string("dashboard/_partner_cohorts.html", context)

        return cached(f"{self._figures_key}:cohorts", render)

    def _figures(
        self, *, user: User, part: Slice, today: dt.date, reference_date: dt.date
    ) -> dict[str, Any]:
        """The figures' part of the page, rendered (what the cache keeps), and the years
        the year selector offers. Every figure is to date: rows dated after today are not
        counted, whatever period they fall in (tracker.figures.to_date)."""
        context: dict[str, Any] = {}
        sector = sector_figures()
        jobs, exports = sector["jobs"], sector["exports"]

        year = part.year
        after = figures_after_day(user=user, until=today, reference_date=reference_date)
        by_year = sliced_by_year(user=user, part=part, until=today, after=after)
        commitments = slice_commitments(user=user, part=part)
        offered_years = sorted(set(by_year) | {y for _i, y in commitments})
        years = offered_years if year is None else [year]
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
        jobs_urls = {
            y: figure_url(
                "jobs_created",
                year=y,
                quarter=part.quarter if y == part.year else None,
                sex=part.sex,
                until=today,
                cohort_filters=part.cohort_filters,
            )
            for y in years
        }

        breakdowns = []
        for dimension, members in (
            (Dimension.REGION, list(Region.objects.all())),
            (Dimension.ZONE, list(Zone.objects.all())),
            (Dimension.FILIERE, list(Filiere.objects.all())),
        ):
            figures = sliced_by_member(
                user=user, part=part, dimension=dimension, until=today, after=after
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
                        quarter=part.quarter,
                        sex=part.sex,
                        until=today,
                        cohort_filters=part.cohort_filters,
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
                "part": part,
                "commitments_apply": slice_has_commitments(part),
                "commitments_whole_convention": whole_convention_commitments(part),
                "region_map": region_map(
                    rows=list(regions), measure=self.request.GET.get("map", ""), part=part
                ),
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
            "years": offered_years,
            "html": html,
            "sector_html": sector_html,
            "summary": summary,
            "standings": progress.standings,
            "after": after,
        }
