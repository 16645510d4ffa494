"""Export for update of an enrollment list: the filtered rows in the import template
(``?export=update_xlsx`` or ``?export=update_csv``), to be edited and imported back.

Only users who may import get it (the file exists to come back through the import);
the rows are the list's, filtered as the page shows them, and the personal data the user
sees (tracker.imports.update_export)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import user_can_import
from tracker.imports.template_files import template_csv, template_xlsx
from tracker.imports.update_export import update_rows
from tracker.selectors import cohort_list

# At most this many rows in an XLSX export for update (a workbook is built in memory).
UPDATE_XLSX_MAX_ROWS = 20_000
UPDATE_FORMATS = {"update_csv": "csv", "update_xlsx": "xlsx"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def update_file_response(
    *, user: User, enrollments: Any, cohorts: Any, file_format: str, name: str
) -> HttpResponse:
    """The template (``cohorts`` on its Cohortes sheet) pre-filled with ``enrollments``."""
    rows = update_rows(enrollments, user=user)
    if file_format == "csv":
        response = HttpResponse(
            template_csv(list(cohorts), rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(template_xlsx(list(cohorts), rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


class UpdateExportMixin:
    """For a ScopedListView of enrollments: answers ``?export=update_csv|update_xlsx``."""

    request: Any
    object_list: Any

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["can_export_for_update"] = user_can_import(self.request.user)
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponseBase:
        file_format = UPDATE_FORMATS.get(self.request.GET.get("export", ""))
        if file_format is None:
            return super().render_to_response(context, **kwargs)  # type: ignore[misc]
        user: User = self.request.user
        if not user_can_import(user):
            raise PermissionDenied
        if file_format == "xlsx" and self.object_list.count() > UPDATE_XLSX_MAX_ROWS:
            # A workbook is built in memory (styles, drop-down lists): beyond this size
            # the CSV, written row by row, is the way.
            messages.error(
                self.request,
                _(
                    "Plus de %(max)s inscriptions : filtrez la liste (par cohorte, par "
                    "statut) ou exportez-la pour mise à jour en CSV."
                )
                % {"max": UPDATE_XLSX_MAX_ROWS},
            )
            query = self.request.GET.copy()
            query.pop("export", None)
            return redirect(f"{self.request.path}?{query.urlencode()}")
        return update_file_response(
            user=user,
            enrollments=self.object_list,
            cohorts=cohort_list(user=user).order_by("code"),
            file_format=file_format,
            name="inscriptions-mise-a-jour",
        )
