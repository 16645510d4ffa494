"""The base of every list page: scoped queryset, django-filter, django-tables2, export.

A list view names its role-scoping ``selector``, its ``filterset_class``, its
``table_class`` and its ``export_columns``. The queryset always comes from the selector
(never ``table_data``, which would bypass the filters), so pages, filters, sorts and
exports show exactly the same rows, and a partner never anything outside its scope.
``?export=csv`` or ``?export=xlsx`` downloads the filtered rows.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.http.response import HttpResponseBase
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from tracker.exports import EXPORT_FORMATS, ExportColumn
from tracker.mixins import ScopedQuerysetMixin


class ScopedListView(ScopedQuerysetMixin, SingleTableMixin, FilterView):
    paginate_by = 25
    export_columns: list[ExportColumn] = []
    export_filename = "export"
    # Lists refuse unbound (invalid) filters instead of showing everything.
    strict = True

    def get_paginate_by(self, queryset: Any) -> None:
        """Only the table paginates (from ``paginate_by``): ListView would otherwise paginate
        the same rows a second time and count them twice per page."""
        return

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
