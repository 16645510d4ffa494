"""Forms of the conventions app. They parse and validate input only; the services do
the writes (and re-check everything). None of them has a status field: the workflow
services are the only writers of the status."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from conventions.models import Convention, ConventionParty, Partner
from conventions.selectors import manager_choices, partner_list
from web.form_styles import StyledFormMixin


class PartnerForm(StyledFormMixin, forms.ModelForm):
    # Length and digits are checked by the service, with one clear message.
    ice = forms.CharField(
        label=_("ICE"),
        required=False,
        max_length=40,
        help_text=_("Identifiant commun de l'entreprise, 15 chiffres."),
    )

    class Meta:
        model = Partner
        fields = ["name", "kind", "ice", "region", "city"]

    def clean_ice(self) -> str | None:
        """Spaces are tolerated in input (ICEs are often written in groups)."""
        return "".join(self.cleaned_data["ice"].split()) or None

    def validate_unique(self) -> None:
        """Duplicates are refused by the service, with a message naming the duplicate."""


class ConventionForm(StyledFormMixin, forms.ModelForm):
    """A draft's terms. ``status``, ``reference`` and ``document`` are not fields here."""

    class Meta:
        model = Convention
        fields = [
            "title",
            "kind",
            "signed_on",
            "starts_on",
            "ends_on",
            "budget_state_mad",
            "budget_partner_mad",
            "regions",
            "zones",
            "filieres",
            "managers",
        ]
        widgets = {
            "signed_on": forms.DateInput(),
            "starts_on": forms.DateInput(),
            "ends_on": forms.DateInput(),
            "regions": forms.SelectMultiple(attrs={"size": 6}),
            "zones": forms.SelectMultiple(attrs={"size": 5}),
            "filieres": forms.SelectMultiple(attrs={"size": 5}),
            "managers": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        managers = self.fields["managers"]
        assert isinstance(managers, forms.ModelMultipleChoiceField)
        managers.queryset = manager_choices()
        managers.label_from_instance = _manager_label  # type: ignore[method-assign,assignment]

    def _post_clean(self) -> None:
        """Validation of the terms is the service's job (one place); the model's own
        constraints are checked there too."""


def _manager_label(user: User) -> str:
    return user.get_full_name() or user.username


class PartyForm(StyledFormMixin, forms.Form):
    partner = forms.ModelChoiceField(label=_("Partenaire"), queryset=Partner.objects.none())
    role = forms.ChoiceField(label=_("Rôle"), choices=ConventionParty.Role.choices)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner = self.fields["partner"]
        assert isinstance(partner, forms.ModelChoiceField)
        partner.queryset = partner_list(user=user)


class DocumentForm(StyledFormMixin, forms.Form):
    document = forms.FileField(
        label=_("Document signé (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class AmendmentForm(StyledFormMixin, forms.Form):
    """An amendment's date, reason, new end date and document; its new commitments are
    typed in the grid beside it (conventions.commitment_grid)."""

    signed_on = forms.DateField(label=_("Date de l'avenant"), widget=forms.DateInput())
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}))
    new_ends_on = forms.DateField(
        label=_("Nouvelle date de fin"), required=False, widget=forms.DateInput()
    )
    document = forms.FileField(
        label=_("Document (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class TransitionForm(forms.Form):
    comment = forms.CharField(label=_("Commentaire"), required=False, widget=forms.Textarea)
    signed_on = forms.DateField(label=_("Date de signature"), required=False)
