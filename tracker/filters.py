"""django-filter filtersets of the people lists. Every choice list that names
organisations, conventions or cohorts is scoped to the user (a partner never sees
another's names in a drop-down); a value outside those choices is refused. A national
user searches conventions and organisations by typing (``SearchChoiceFilter``): the
suggestions (tracker/views/choices.py) come from the same scoping functions below."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.policy import PrivacyPolicy
from conventions.models import Convention, Filiere, Partner, Region, Zone
from conventions.selectors import convention_list
from tracker.models import Cohort, Enrollment, Placement, Trainee
from tracker.rules import normalize_cin
from tracker.selectors import cohort_list, placement_list
from web.choices import ReferenceChoiceFilter, SearchChoiceFilter

# A year filter outside these bounds (0, 99999, 2026.5) is an invalid filter, never a
# database error.
YEAR_BOUNDS = {"min_value": 1900, "max_value": 2100}


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole number, typed ``integer`` in the API schema (a generated client sends
    ``2026``, not ``2026.0``)."""

    field_class = forms.IntegerField


CONVENTION_LABEL = ("reference", "title")


def _conventions(request: HttpRequest) -> QuerySet[Convention]:
    return convention_list(user=request.user).filter(  # type: ignore[arg-type]
        id__in=cohort_list(user=request.user).values("convention_id")  # type: ignore[arg-type]
    )


def _operators(request: HttpRequest) -> QuerySet[Partner]:
    return Partner.objects.filter(
        id__in=cohort_list(user=request.user).values("operator_id")  # type: ignore[arg-type]
    )


def _employers(request: HttpRequest) -> QuerySet[Partner]:
    return Partner.objects.filter(
        id__in=placement_list(user=request.user)  # type: ignore[arg-type]
        .exclude(employer=None)
        .values("employer_id")
    )


class CohortFilter(django_filters.FilterSet):
    convention = SearchChoiceFilter(
        kind="conventions",
        queryset=_conventions,
        label_fields=CONVENTION_LABEL,
        label=_("Convention"),
    )
    operator = SearchChoiceFilter(kind="operators", queryset=_operators, label=_("Opérateur"))
    region = ReferenceChoiceFilter(queryset=Region.objects.all(), label=_("Région"))
    zone = ReferenceChoiceFilter(queryset=Zone.objects.all(), label=_("Zone"))
    filiere = ReferenceChoiceFilter(queryset=Filiere.objects.all(), label=_("Filière"))
    status = django_filters.ChoiceFilter(choices=Cohort.Status.choices, label=_("Statut"))
    year = IntegerFilter(
        field_name="starts_on", lookup_expr="year", **YEAR_BOUNDS, label=_("Année")
    )

    class Meta:
        model = Cohort
        fields: list[str] = []


class EnrollmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("CIN ou nom"))
    convention = SearchChoiceFilter(
        kind="conventions",
        field_name="cohort__convention",
        queryset=_conventions,
        label_fields=CONVENTION_LABEL,
        label=_("Convention"),
    )
    # A national list holds thousands of cohorts: the form asks for a code; links from
    # other pages may still pass ``?cohort=<id>`` (checked against the user's cohorts).
    cohort_code = django_filters.CharFilter(
        field_name="cohort__code", lookup_expr="iexact", label=_("Code de cohorte")
    )
    # The rows are already scoped: another partner's cohort simply matches nothing.
    cohort = django_filters.CharFilter(
        method="by_cohort", label=_("Cohorte"), widget=forms.HiddenInput
    )
    operator = SearchChoiceFilter(
        kind="operators", field_name="operator", queryset=_operators, label=_("Opérateur")
    )
    region = ReferenceChoiceFilter(
        field_name="cohort__region", queryset=Region.objects.all(), label=_("Région")
    )
    status = django_filters.ChoiceFilter(choices=Enrollment.Status.choices, label=_("Statut"))
    sex = django_filters.ChoiceFilter(
        field_name="trainee__sex", choices=Trainee.Sex.choices, label=_("Sexe")
    )
    year = IntegerFilter(
        field_name="enrolled_on", lookup_expr="year", **YEAR_BOUNDS, label=_("Année d'inscription")
    )

    class Meta:
        model = Enrollment
        fields: list[str] = []

    @extend_schema_field({"type": "string", "description": "Id or code of the cohort."})
    def by_cohort(self, queryset: QuerySet[Enrollment], name: str, value: str) -> Any:
        """A cohort's id (links from other pages) or its code (what the API answers)."""
        value = value.strip()
        if value.isdigit():
            return queryset.filter(cohort_id=int(value))
        return queryset.filter(cohort__code__iexact=value)

    def search(self, queryset: QuerySet[Enrollment], name: str, value: str) -> Any:
        """By CIN (exact, normalised) or name, only among the rows whose personal data the
        user may see: a search must not confirm that a person is enrolled elsewhere."""
        value = value.strip()
        if not value:
            return queryset
        policy = PrivacyPolicy.for_user(self.request.user)
        queryset = queryset.filter(policy.visible_enrollments_q())
        name_match = Q()
        for word in value.split():
            name_match &= Q(trainee__last_name__iexact=word) | Q(trainee__first_name__iexact=word)
        try:
            match = name_match | Q(trainee__cin=normalize_cin(value))
        except ValidationError:  # not shaped like a CIN: a name only
            match = name_match
        return queryset.filter(match)


class PlacementFilter(django_filters.FilterSet):
    # The rows are already scoped: another partner's enrollment id matches nothing.
    enrollment = IntegerFilter(
        field_name="enrollment_id", label=_("Inscription"), widget=forms.HiddenInput
    )
    employer = SearchChoiceFilter(
        kind="employers", queryset=_employers, searched_by_partners=True, label=_("Employeur")
    )
    contract_type = django_filters.ChoiceFilter(
        choices=Placement.ContractType.choices, label=_("Type de contrat")
    )
    zone = ReferenceChoiceFilter(queryset=Zone.objects.all(), label=_("Zone"))
    year = IntegerFilter(
        field_name="hired_on", lookup_expr="year", **YEAR_BOUNDS, label=_("Année d'embauche")
    )

    class Meta:
        model = Placement
        fields: list[str] = []
