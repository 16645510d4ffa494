"""List filters. Every choice list that names rows comes from a scoping selector, so a
partner's choices never reveal another partner's conventions or partners."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from conventions.models import Convention, Filiere, Partner, Region, Zone
from conventions.selectors import convention_signature_years, partner_list
from web.choices import ReferenceChoiceFilter, SearchChoiceFilter
from web.form_styles import StyledFormMixin


class FilterForm(StyledFormMixin, forms.Form):
    pass


def _scoped_partners(request: HttpRequest | None) -> QuerySet[Partner]:
    if request is None:
        return Partner.objects.none()
    return partner_list(user=request.user)  # type: ignore[arg-type]


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nom ou ICE"), method="filter_search")
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=Partner.Kind.choices)
    region = ReferenceChoiceFilter(label=_("Région"), queryset=Region.objects.all())

    class Meta:
        model = Partner
        fields = ["q", "kind", "region"]
        form = FilterForm

    def filter_search(
        self, queryset: QuerySet[Partner], name: str, value: str
    ) -> QuerySet[Partner]:
        value = value.strip()
        return (
            queryset.filter(Q(name__icontains=value) | Q(ice__startswith=value))
            if value
            else queryset
        )


class ConventionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Référence ou intitulé"), method="filter_search")
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=Convention.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=Convention.Kind.choices)
    region = ReferenceChoiceFilter(
        label=_("Région"), field_name="regions", queryset=Region.objects.all(), distinct=True
    )
    zone = ReferenceChoiceFilter(
        label=_("Zone"), field_name="zones", queryset=Zone.objects.all(), distinct=True
    )
    filiere = ReferenceChoiceFilter(
        label=_("Filière"), field_name="filieres", queryset=Filiere.objects.all(), distinct=True
    )
    partner = SearchChoiceFilter(
        kind="partners",
        label=_("Partenaire"),
        field_name="parties__partner",
        queryset=_scoped_partners,
        distinct=True,
    )
    signature_year = django_filters.ChoiceFilter(
        label=_("Année de signature"), field_name="signed_on__year", choices=[]
    )

    class Meta:
        model = Convention
        fields = ["q", "status", "kind", "region", "zone", "filiere", "partner", "signature_year"]
        form = FilterForm

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        years = convention_signature_years(user=request.user) if request else []  # type: ignore[arg-type]
        signature_year = self.filters["signature_year"]
        signature_year.extra["choices"] = [(year, str(year)) for year in years]
        # A filter caches its form field on first use, and the copy this instance holds
        # carries the class's cache once anything (the API schema generator) read it: drop
        # it so the field is built with this user's years.
        signature_year.__dict__.pop("_field", None)

    def filter_search(
        self, queryset: QuerySet[Convention], name: str, value: str
    ) -> QuerySet[Convention]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))
