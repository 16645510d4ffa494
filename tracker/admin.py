"""Django admin for the tracking app (admin role only, see tracker.admin_site).

Cohorts, trainees, enrollments, hires and their history are read-only here: every
change goes through the services (rules, optimistic locking, history, rollups), which
the admin's generic save would bypass. Admins change them on the product's pages.
The rollup store, its computation log and the lagging alerts are read-only too (official
national figures are entered through conventions/admin.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tracker.models import (
    ChangeLog,
    Cohort,
    Enrollment,
    IdentityCorrectionRequest,
    LaggingAlert,
    Placement,
    Rollup,
    RollupRun,
    RollupState,
    Trainee,
    TraineeContact,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the services only: the admin looks, never edits."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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


@admin.register(Cohort)
class CohortAdmin(ReadOnlyAdmin):
    list_display = ("code", "convention", "operator", "filiere", "region", "starts_on", "status")
    list_filter = ("status", "filiere", "region")
    list_select_related = ("convention", "operator", "filiere", "region")
    search_fields = ("code",)


@admin.register(Trainee)
class TraineeAdmin(ReadOnlyAdmin):
    list_display = ("cin", "last_name", "first_name", "sex", "birth_date")
    search_fields = ("=cin", "last_name")


@admin.register(TraineeContact)
class TraineeContactAdmin(ReadOnlyAdmin):
    list_display = ("trainee", "operator", "phone", "email", "updated_at")
    list_select_related = ("trainee", "operator")
    raw_id_fields = ("trainee",)
    search_fields = ("=trainee__cin",)


@admin.register(IdentityCorrectionRequest)
class IdentityCorrectionRequestAdmin(ReadOnlyAdmin):
    list_display = ("trainee", "operator", "status", "created_at", "handled_at")
    list_filter = ("status",)
    list_select_related = ("trainee", "operator")
    raw_id_fields = ("trainee",)


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ("id", "trainee", "cohort", "status", "enrolled_on", "graduated_on")
    list_filter = ("status",)
    list_select_related = ("trainee", "cohort")
    raw_id_fields = ("trainee", "cohort")
    search_fields = ("=trainee__cin", "=cohort__code")


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin):
    list_display = ("id", "enrollment", "employer_name", "contract_type", "hired_on", "ended_on")
    list_filter = ("contract_type",)
    list_select_related = ("enrollment", "employer")
    raw_id_fields = ("enrollment",)


@admin.register(ChangeLog)
class ChangeLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "entity", "object_id", "action", "actor", "source")
    list_filter = ("entity", "action", "source")
    list_select_related = ("actor",)


# The CNSS verification registers its own pages (a package of the tracking app).
import tracker.verification.admin  # noqa: E402, F401
