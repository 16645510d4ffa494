"""Admin pages of the CNSS verification (admin role only, tracker.admin_site): the
dated PAE/PAF parameters and the employers' CNSS affiliation numbers are entered here;
declarations are read-only (written by their import only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tracker.models import Declaration, EmployerAffiliation, IncentiveParameter
from tracker.verification.state import verification_mark_stale


@admin.register(IncentiveParameter)
class IncentiveParameterAdmin(admin.ModelAdmin):
    list_display = ("scheme", "valid_from", "valid_until", "rate", "minimum_months", "ceiling_mad")
    list_filter = ("scheme",)


@admin.register(EmployerAffiliation)
class EmployerAffiliationAdmin(admin.ModelAdmin):
    list_display = ("ice", "cnss_number")
    search_fields = ("ice", "cnss_number")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        verification_mark_stale(reason="affiliation")  # the match reads them

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        verification_mark_stale(reason="affiliation")


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    """Written by the declarations import only: the admin looks, never edits."""

    list_display = ("trainee", "month", "employer_ice", "employer_cnss", "gross_salary_mad")
    search_fields = ("trainee__cin", "employer_ice", "employer_cnss")
    list_select_related = ("trainee",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
