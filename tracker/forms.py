"""Forms of the people pages. They parse and present; the rules live in tracker.rules
and the services, whose ValidationErrors are shown on the form (``show_service_error``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from conventions.models import ConventionParty, Filiere, Partner, Region, Zone
from conventions.selectors import convention_list, partner_list
from tracker import rules
from tracker.models import Cohort, Enrollment, Placement, Trainee
from tracker.services.cohorts import COHORT_CONVENTION_STATUSES
from tracker.services.identity_corrections import CORRECTABLE_FIELDS
from tracker.services.placements import PlacementInput
from tracker.services.trainees import TraineeInput
from web.form_styles import StyledFormMixin


class DateInput(forms.DateInput):
    input_type = "date"


class VersionedForm(StyledFormMixin, forms.Form):
    """Carries the version the user opened, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CohortForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Cohort
        fields = [
            "code",
            "convention",
            "operator",
            "filiere",
            "metier",
            "region",
            "zone",
            "city",
            "modality",
            "hours",
            "planned_seats",
            "starts_on",
            "ends_on",
            "status",
        ]
        widgets = {"starts_on": DateInput, "ends_on": DateInput}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        conventions = convention_list(user=user).filter(status__in=COHORT_CONVENTION_STATUSES)
        if not user.is_admin:
            conventions = conventions.filter(managers=user)
        if self.instance.pk:
            conventions = conventions | convention_list(user=user).filter(
                pk=self.instance.convention_id
            )
        self.fields["convention"].queryset = conventions.distinct()  # type: ignore[attr-defined]
        # Organisations that are training operators under some convention; the service
        # checks they are one under the chosen convention.
        operators = partner_list(user=user).filter(
            id__in=ConventionParty.objects.filter(
                role=ConventionParty.Role.TRAINING_OPERATOR
            ).values("partner_id")
        )
        self.fields["operator"].queryset = operators  # type: ignore[attr-defined]
        self.fields["operator"].help_text = _(
            "Un opérateur de formation partie à la convention choisie."
        )


class EnrollmentCreateForm(StyledFormMixin, forms.Form):
    cin = forms.CharField(label=_("CIN"), max_length=20)
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    first_name_ar = forms.CharField(label=_("Prénom (arabe)"), max_length=100, required=False)
    last_name_ar = forms.CharField(label=_("Nom (arabe)"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sexe"), choices=Trainee.Sex.choices)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=DateInput)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    residence_region = forms.ModelChoiceField(
        label=_("Région de résidence"), queryset=Region.objects.all(), required=False
    )
    education_level = forms.ChoiceField(
        label=_("Niveau d'études"),
        choices=[("", "---------"), *Trainee.EducationLevel.choices],
        required=False,
    )
    enrolled_on = forms.DateField(label=_("Date d'inscription"), widget=DateInput)
    certificate_ref = forms.CharField(
        label=_("Référence du certificat"), max_length=60, required=False
    )

    def __init__(self, *args: Any, cohort: Cohort | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        for name in ("first_name_ar", "last_name_ar"):
            self.fields[name].widget.attrs.update({"dir": "rtl", "lang": "ar"})

    # The person's codes are checked with the form's other fields, so a wrong date does
    # not hide a wrong CIN, phone or e-mail (the service normalises them again).
    def clean_cin(self) -> str:
        return rules.normalize_cin(self.cleaned_data["cin"])

    def clean_phone(self) -> str:
        return rules.normalize_phone(self.cleaned_data["phone"])

    def clean_email(self) -> str:
        return rules.normalize_email(self.cleaned_data["email"])

    def clean_birth_date(self) -> Any:
        birth_date = self.cleaned_data["birth_date"]
        rules.check_birth_date(birth_date)
        return birth_date

    def clean_enrolled_on(self) -> Any:
        enrolled_on = self.cleaned_data["enrolled_on"]
        if self.cohort is not None:
            try:
                rules.check_enrollment_date(
                    enrolled_on,
                    cohort_starts_on=self.cohort.starts_on,
                    cohort_ends_on=self.cohort.ends_on,
                )
            except ValidationError as error:  # raised under the field's name
                raise ValidationError(error.message_dict["enrolled_on"]) from None
        return enrolled_on

    def trainee_input(self) -> TraineeInput:
        data = self.cleaned_data
        return TraineeInput(
            cin=data["cin"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            first_name_ar=data["first_name_ar"],
            last_name_ar=data["last_name_ar"],
            sex=data["sex"],
            birth_date=data["birth_date"],
            phone=data["phone"],
            email=data["email"],
            residence_region=data["residence_region"],
            education_level=data["education_level"],
        )


class EnrollmentUpdateForm(VersionedForm):
    enrolled_on = forms.DateField(label=_("Date d'inscription"), widget=DateInput)
    graduated_on = forms.DateField(label=_("Date de diplomation"), widget=DateInput, required=False)
    exited_on = forms.DateField(label=_("Date de sortie"), widget=DateInput, required=False)
    certificate_ref = forms.CharField(
        label=_("Référence du certificat"), max_length=60, required=False
    )

    def __init__(self, *args: Any, enrollment: Enrollment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if enrollment.status != Enrollment.Status.GRADUATED:
            del self.fields["graduated_on"]
        if enrollment.status in (Enrollment.Status.ENROLLED, Enrollment.Status.GRADUATED):
            del self.fields["exited_on"]


class GraduateForm(VersionedForm):
    graduated_on = forms.DateField(label=_("Date de diplomation"), widget=DateInput)
    certificate_ref = forms.CharField(
        label=_("Référence du certificat"), max_length=60, required=False
    )


class ExitForm(VersionedForm):
    exited_on = forms.DateField(label=_("Date de sortie"), widget=DateInput)


class ReopenForm(VersionedForm):
    """A staff correction: a closed enrollment back in training, with its reason."""

    reason = forms.CharField(
        label=_("Motif de la réouverture"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Gardé dans l'historique de l'inscription."),
    )


class PlacementForm(StyledFormMixin, forms.Form):
    employer = forms.ModelChoiceField(
        label=_("Employeur partenaire"), queryset=Partner.objects.none(), required=False
    )
    employer_name = forms.CharField(
        label=_("ou nom de l'employeur"), max_length=200, required=False
    )
    employer_ice = forms.CharField(
        label=_("ICE de l'employeur"),
        max_length=20,
        required=False,
        help_text=_("15 chiffres, obligatoire pour un employeur saisi par son nom."),
    )
    hired_on = forms.DateField(label=_("Date d'embauche"), widget=DateInput)
    contract_type = forms.ChoiceField(
        label=_("Type de contrat"), choices=Placement.ContractType.choices
    )
    job_title = forms.CharField(label=_("Intitulé du poste"), max_length=150)
    filiere = forms.ModelChoiceField(label=_("Filière"), queryset=Filiere.objects.all())
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.all(), required=False)
    region = forms.ModelChoiceField(
        label=_("Région"), queryset=Region.objects.all(), required=False
    )
    gross_monthly_salary_mad = forms.DecimalField(
        label=_("Salaire brut mensuel (MAD)"), max_digits=10, decimal_places=2, required=False
    )
    ended_on = forms.DateField(label=_("Date de fin"), widget=DateInput, required=False)
    cnss_verified_on = forms.DateField(label=_("Vérifié CNSS le"), widget=DateInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Employers the user may name: those it shares a convention with (staff: all).
        employers = partner_list(user=user).filter(kind=Partner.Kind.EMPLOYER)
        self.fields["employer"].queryset = employers  # type: ignore[attr-defined]

    def placement_input(self) -> PlacementInput:
        data = self.cleaned_data
        return PlacementInput(
            employer=data["employer"],
            employer_name=data["employer_name"],
            employer_ice=data["employer_ice"],
            hired_on=data["hired_on"],
            contract_type=data["contract_type"],
            job_title=data["job_title"],
            filiere=data["filiere"],
            zone=data["zone"],
            region=data["region"],
            gross_monthly_salary_mad=data["gross_monthly_salary_mad"],
            ended_on=data["ended_on"],
            cnss_verified_on=data["cnss_verified_on"],
        )


class IdentityCorrectionForm(StyledFormMixin, forms.Form):
    """The identity as it should read (prefilled with the national record's) and why."""

    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    first_name_ar = forms.CharField(label=_("Prénom (arabe)"), max_length=100, required=False)
    last_name_ar = forms.CharField(label=_("Nom (arabe)"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sexe"), choices=Trainee.Sex.choices)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=DateInput)
    comment = forms.CharField(
        label=_("Commentaire"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Pourquoi corriger (la pièce qui le justifie)."),
    )

    def __init__(self, *args: Any, trainee: Trainee, **kwargs: Any) -> None:
        self.trainee = trainee
        initial = {name: getattr(trainee, name) for name in CORRECTABLE_FIELDS}
        super().__init__(*args, initial=initial, **kwargs)

    def proposed(self) -> dict[str, Any]:
        """Only the fields that differ from the national record (an empty Arabic name
        changes nothing, as everywhere)."""
        data = self.cleaned_data
        return {
            name: data[name]
            for name in CORRECTABLE_FIELDS
            if data[name] != getattr(self.trainee, name)
            and not (name.endswith("_ar") and not data[name])
        }


class StaffAnswerForm(StyledFormMixin, forms.Form):
    staff_comment = forms.CharField(
        label=_("Réponse"), max_length=2000, required=False, widget=forms.TextInput
    )
