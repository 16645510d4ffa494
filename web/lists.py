"""The base of every list page: scoped queryset, django-filter, django-tables2, export.

A list view names its role-scoping ``selector``, its ``filterset_class``, its
``table_class`` and its ``export_columns``. The queryset always comes from the selector
(never ``table_data``, which would bypass the filters), so pages, filters, sorts and
exports show exactly the same rows, and a partner never anything outside its scope.
``?export=csv`` or ``?export=xlsx`` downloads the filtered rows.

Pages count their rows up to ``MAX_PAGES`` pages only (``BoundedPaginator``): counting a
national list exactly costs a scan of a million rows on every page, while nobody pages
past the 400th; beyond it the page says "more than N rows" and asks for a filter. The
export still holds every filtered row.

Every web list pages through ``CappedPaginator``: ``?per_page=`` is honoured between 1 and
``LIST_MAX_PER_PAGE`` rows (``?per_page=100000`` shows 100), so no page ever renders a
whole table; the exports are the way to get every row.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.http.response import HttpResponseBase
from django.utils.functional import cached_property
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.rows import BoundRows

from web.choices import use_fast_widgets
from web.exports import EXPORT_FORMATS, ExportColumn
from web.mixins import ScopedQuerysetMixin

MAX_PAGES = 400
# From this offset on, a page is read with a deferred join (see BoundedPaginator.page).
DEFERRED_JOIN_FROM = 500


def _queryset_of(rows: Any) -> QuerySet[Any] | None:
    """The queryset under django-tables2's rows (BoundRows -> TableData -> QuerySet)."""
    data = getattr(getattr(rows, "data", None), "data", None)
    return data if isinstance(data, QuerySet) else None


class CappedPaginator(Paginator):
    """A paginator whose page size stays within 1..LIST_MAX_PER_PAGE, whatever the
    request's ``per_page`` asks for."""

    def __init__(self, object_list: Any, per_page: Any, *args: Any, **kwargs: Any) -> None:
        try:
            size = int(per_page)
        except (TypeError, ValueError):
            size = ScopedListView.paginate_by
        size = min(max(size, 1), settings.LIST_MAX_PER_PAGE)
        super().__init__(object_list, size, *args, **kwargs)


class BoundedPaginator(CappedPaginator):
    """A paginator that counts at most ``max_pages`` pages of rows: one COUNT over a
    LIMIT, whose cost is bounded whatever the size of the list. ``truncated`` tells
    that there are more rows than the pages show."""

    max_pages = MAX_PAGES
    truncated = False

    @cached_property
    def count(self) -> int:
        limit = self.max_pages * self.per_page
        queryset = _queryset_of(self.object_list)
        if queryset is None:
            counted = len(self.object_list)
        else:
            # Without ORDER BY the database stops after limit + 1 rows in any order.
            counted = queryset.order_by()[: limit + 1].count()
        self.truncated = counted > limit
        return min(counted, limit)

    def page(self, number: Any) -> Page:
        """Deep pages select the page's keys first (an index scan with OFFSET, no joins),
        then join only those 25 rows: the database no longer joins every skipped row."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        queryset = _queryset_of(self.object_list)
        if queryset is None or bottom < DEFERRED_JOIN_FROM:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = queryset.values("pk")[bottom:top]
        if connection.vendor == "postgresql":
            # = ANY(ARRAY(subquery)): the 25 keys are computed first (an InitPlan), then
            # fetched by primary key. With IN (subquery) the planner may join the whole
            # table before the semi-join (EXPLAIN ANALYZE, docs/benchmarks.md).
            sql, params = keys.query.sql_with_params()
            meta = queryset.model._meta
            where = f'"{meta.db_table}"."{meta.pk.column}" = ANY(ARRAY({sql}))'
            # The SQL is Django's own compilation of the queryset; values stay parameters.
            rows = queryset.extra(where=[where], params=list(params))  # noqa: S610
        else:
            rows = queryset.filter(pk__in=keys)
        table_rows: Any = self.object_list
        bound = BoundRows(data=rows, table=table_rows.table, pinned_data=table_rows.pinned_data)
        return self._get_page(bound, number, self)  # type: ignore[attr-defined]


class ScopedListView(ScopedQuerysetMixin, SingleTableMixin, FilterView):
    paginate_by = 25
    paginator_class = BoundedPaginator
    export_columns: list[ExportColumn] = []
    export_filename = "export"
    # Lists refuse unbound (invalid) filters instead of showing everything.
    strict = True

    def get_paginate_by(self, queryset: Any) -> None:
        """Only the table paginates (from ``paginate_by``): ListView would otherwise paginate
        the same rows a second time and count them twice per page."""
        return

    def get_filterset(self, filterset_class: Any) -> Any:
        filterset = super().get_filterset(filterset_class)
        use_fast_widgets(filterset.form)
        return filterset

    def get_export_rows(self) -> Any:
        """The filtered rows in the table's current sort order."""
        return self.get_table().data.data

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponseBase:
        export_format = self.request.GET.get("export")
        if export_format:
            if export_format not in EXPORT_FORMATS or not self.export_columns:
                raise Http404
            return EXPORT_FORMATS[export_format](
                self.get_export_rows(), self.export_columns, filename=self.export_filename
            )
        return super().render_to_response(context, **kwargs)
