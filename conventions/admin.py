"""The admin site for conventions data. The status is read-only here: it moves only
through the workflow services (conventions.services.workflow), which record who, when
and why. Reference is read-only too (issued once, never reused)."""

from __future__ import annotations

from django.contrib import admin

from conventions.models import (
    Amendment,
    Commitment,
    Convention,
    ConventionParty,
    ConventionTransition,
    Filiere,
    NationalFigure,
    Partner,
    Region,
    Zone,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "capital"]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "city", "region", "tier"]


@admin.register(Filiere)
class FiliereAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr"]


@admin.register(NationalFigure)
class NationalFigureAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "kind", "value"]
    list_filter = ["indicator", "kind"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ice", "region", "city"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "ice"]


class ConventionPartyInline(admin.TabularInline):
    model = ConventionParty
    extra = 0
    autocomplete_fields = ["partner"]


class ConventionTransitionInline(admin.TabularInline):
    """The history, shown and never edited."""

    model = ConventionTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "at", "comment"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "kind", "status", "signed_on"]
    list_filter = ["status", "kind"]
    search_fields = ["reference", "title"]
    readonly_fields = ["reference", "status", "submitted_at", "created_by"]
    filter_horizontal = ["regions", "zones", "filieres", "managers"]
    inlines = [ConventionPartyInline, ConventionTransitionInline]

    def has_add_permission(self, request):
        # New conventions get their reference from convention_create: use the app's form.
        return False


@admin.register(Amendment)
class AmendmentAdmin(admin.ModelAdmin):
    list_display = ["convention", "number", "signed_on", "new_ends_on"]
    readonly_fields = ["convention", "number"]

    def has_add_permission(self, request):
        return False


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["convention", "amendment", "indicator", "year", "target_value"]
    list_filter = ["indicator", "year"]


@admin.register(ConventionTransition)
class ConventionTransitionAdmin(admin.ModelAdmin):
    list_display = ["convention", "from_status", "to_status", "actor", "at"]
    readonly_fields = ["convention", "from_status", "to_status", "actor", "at", "comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
