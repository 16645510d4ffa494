"""Forms of the accounts pages. They parse input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.filters import partner_choices
from accounts.models import NotificationKind, Role, User
from accounts.policy import invitable_roles
from web.form_styles import StyledFormMixin


class InvitationForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"))
    role = forms.ChoiceField(label=_("Rôle"))
    partner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Organisation partenaire"),
        queryset=None,
        required=False,
        help_text=_("Obligatoire pour un rôle partenaire, vide pour un rôle de l'État."),
    )
    language = forms.ChoiceField(
        label=_("Langue de l'e-mail et du compte"), choices=settings.LANGUAGES
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role: Any = self.fields["role"]
        role.choices = invitable_roles(actor)
        partner: Any = self.fields["partner"]
        # A partner editor invites into its own organisation only.
        partner.queryset = partner_choices(actor)
        if not actor.is_admin:
            self.fields["partner"].initial = actor.partner_id
            self.fields["partner"].required = True
            self.fields["role"].initial = Role.PARTNER_VIEWER
        self.fields["language"].initial = (get_language() or "fr")[:2]


class InvitationAcceptForm(StyledFormMixin, forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    new_password1 = forms.CharField(
        label=_("Mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        one, two = cleaned.get("new_password1"), cleaned.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", _("Les deux mots de passe ne correspondent pas."))
        return cleaned


class RoleForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
    partner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Organisation partenaire"), queryset=None, required=False
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["partner"]
        field.queryset = partner_choices(actor)


class NotificationPreferencesForm(StyledFormMixin, forms.Form):
    emailed = forms.MultipleChoiceField(
        label=_("Recevoir par e-mail"),
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
