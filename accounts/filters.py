"""Filters of the accounts lists; choice lists come from the scoped selectors."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountEvent, Role, User
from web.form_styles import StyledFormMixin


class FilterForm(StyledFormMixin, forms.Form):
    pass


def partner_choices(user: object) -> QuerySet[Any]:
    """The organisations a user may pick: every one for an admin, its own for a partner
    editor (the table by its label: conventions is above accounts)."""
    partners = apps.get_model("conventions", "Partner")._default_manager
    if user is None or not getattr(user, "is_active", False):
        return partners.none()
    if getattr(user, "is_admin", False):
        return partners.order_by("name")
    return partners.filter(pk=getattr(user, "partner_id", None) or 0)


def _partners(request: object) -> QuerySet[Any]:
    return partner_choices(getattr(request, "user", None))


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nom, identifiant ou e-mail"), method="filter_search")
    role = django_filters.ChoiceFilter(label=_("Rôle"), choices=Role.choices)
    partner = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=_partners)
    is_active = django_filters.BooleanFilter(
        label=_("Actif"),
        widget=forms.Select(choices=[("", "—"), ("true", _("Oui")), ("false", _("Non"))]),
    )

    class Meta:
        model = User
        fields = ["q", "role", "partner", "is_active"]
        form = FilterForm

    def filter_search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )


class AccountEventFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AccountEvent.Action.choices)
    partner = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=_partners)
    q = django_filters.CharFilter(label=_("Compte ou e-mail"), method="filter_search")

    class Meta:
        model = AccountEvent
        fields = ["action", "partner", "q"]
        form = FilterForm

    def filter_search(
        self, queryset: QuerySet[AccountEvent], name: str, value: str
    ) -> QuerySet[AccountEvent]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(target_user__username__icontains=value) | Q(email__icontains=value)
        )
