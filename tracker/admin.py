"""Admin site entries of the figures: official national figures (entered by admins; the
dashboard draws the 2030 trajectory from them) and, read-only, the rollup store's state,
its computation log and the lagging alerts sent."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from conventions.models import NationalFigure
from tracker.models import LaggingAlert, Rollup, RollupRun, RollupState


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the rollup services only: the admin looks, never edits."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The conventions area may register NationalFigure itself: then theirs is kept.
if not admin.site.is_registered(NationalFigure):

    @admin.register(NationalFigure)
    class NationalFigureAdmin(admin.ModelAdmin):
        list_display = ("indicator", "year", "kind", "value", "source")
        list_filter = ("indicator", "kind")
        ordering = ("indicator", "year")


@admin.register(Rollup)
class RollupAdmin(ReadOnlyAdmin):
    list_display = (
        "dimension",
        "member_id",
        "sex",
        "year",
        "quarter",
        "enrolled",
        "graduates",
        "jobs_created",
        "computed_at",
    )
    list_filter = ("dimension", "year", "quarter", "sex")


@admin.register(RollupState)
class RollupStateAdmin(ReadOnlyAdmin):
    list_display = ("reference_date", "last_full_at", "updated_at")


@admin.register(RollupRun)
class RollupRunAdmin(ReadOnlyAdmin):
    list_display = ("kind", "started_at", "finished_at", "skipped", "rows_written", "drift_count")
    list_filter = ("kind", "skipped")


@admin.register(LaggingAlert)
class LaggingAlertAdmin(ReadOnlyAdmin):
    list_display = ("convention", "recipient", "period", "sent_at")
    list_filter = ("period",)
