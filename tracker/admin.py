"""Django admin for the tracking app (admin role only, see tracker.admin_site).

Cohorts, trainees, enrollments, hires and their history are read-only here: every
change goes through the services (rules, optimistic locking, history, rollups), which
the admin's generic save would bypass. Admins change them on the product's pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tracker.models import ChangeLog, Cohort, Enrollment, Placement, Trainee


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
