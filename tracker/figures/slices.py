"""A slice of the figures: the filters a dashboard, a comparison or a drill-down is read
under (year, quarter, region, zone, filière, convention, operating partner, cohort, sex),
parsed from the URL so that a view can be shared as a link.

Each id is chosen among what the user may see (the scoped selectors): an id out of the
user's scope is refused exactly as an id that does not exist (``InvalidSliceError``, which the
pages answer with 404), so a filter never tells a partner that another partner's object
exists. Operating partners are offered to staff only: a partner's figures are its own
cohorts already.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.policy import sees_nationally
from conventions.models import Filiere, Partner, Region, Zone
from conventions.selectors import convention_list, partner_list
from tracker.selectors import cohort_list
from web.choices import SearchInput, use_fast_widgets
from web.form_styles import StyledFormMixin

M = TypeVar("M", bound=Model)

# The filters read from the cohort a row belongs to (its current attributes, as the
# rollup store groups them), in the order the URL and the words state them.
COHORT_ATTRIBUTES = ("region", "zone", "filiere", "convention", "operator", "cohort")
PARAMETERS = ("year", "quarter", *COHORT_ATTRIBUTES, "sex")

SEX_CHOICES = [("", _("Femmes et hommes")), ("F", _("Femmes")), ("M", _("Hommes"))]


class InvalidSliceError(Exception):
    """A filter names something missing or out of the user's scope (answered as 404), or
    is malformed."""


@dataclass(frozen=True)
class Slice:
    """The active filters: ids (None: every member), sex ("" for both)."""

    year: int | None = None
    quarter: int | None = None
    region: int | None = None
    zone: int | None = None
    filiere: int | None = None
    convention: int | None = None
    operator: int | None = None
    cohort: int | None = None
    sex: str = ""
    # The filters in words, (label, value), as parsed for the page that states them.
    words: tuple[tuple[str, str], ...] = field(default=(), compare=False, hash=False)

    @property
    def cohort_filters(self) -> dict[str, int]:
        """The cohort attributes filtered on: {attribute: id}."""
        return {
            name: value for name in COHORT_ATTRIBUTES if (value := getattr(self, name)) is not None
        }

    @property
    def is_empty(self) -> bool:
        return self == Slice()

    def params(self) -> dict[str, str]:
        """The URL parameters of the active filters (empty ones left out)."""
        result = {}
        for name in PARAMETERS:
            value = getattr(self, name)
            if value not in (None, ""):
                result[name] = str(value)
        return result

    def query(self, **overrides: Any) -> str:
        """The query string of this slice, with ``overrides`` (None removes a filter),
        the filters always in the same order (a link per view, whatever the clicks)."""
        params: dict[str, Any] = {**self.params()}
        for name, value in overrides.items():
            if value in (None, ""):
                params.pop(name, None)
            else:
                params[name] = str(value)
        order = {name: index for index, name in enumerate(PARAMETERS)}
        ordered = sorted(params.items(), key=lambda item: order.get(str(item[0]), len(order)))
        return urlencode(ordered)

    def replace(self, **changes: Any) -> Slice:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        values["words"] = ()
        return Slice(**values)

    def cache_part(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in PARAMETERS)

    def stored_cells(self, cells: QuerySet[M]) -> QuerySet[M]:
        """A store's cells (columns ``sex``, ``year``, ``quarter``) within the slice's
        sex and period; the cohort attributes are the caller's (each store names them)."""
        if self.sex:
            cells = cells.filter(sex=self.sex)
        if self.year is not None:
            cells = cells.filter(year=self.year)
        if self.quarter is not None:
            cells = cells.filter(quarter=self.quarter)
        return cells


def operator_choices(user: User) -> QuerySet[Partner]:
    """Operating partners a user may filter on: staff only."""
    if not sees_nationally(user):
        return Partner.objects.none()
    return partner_list(user=user)


class SliceForm(StyledFormMixin, forms.Form):
    """The slice's filters, each id among what ``user`` may see."""

    year = forms.IntegerField(label=_("Année"), required=False, min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Trimestre"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tous"))] + [(str(q), _("T%(q)s") % {"q": q}) for q in range(1, 5)],
    )
    region = forms.ModelChoiceField(
        label=_("Région"), required=False, queryset=Region.objects.order_by("code")
    )
    zone = forms.ModelChoiceField(
        label=_("Zone"), required=False, queryset=Zone.objects.order_by("code")
    )
    filiere = forms.ModelChoiceField(
        label=_("Filière"), required=False, queryset=Filiere.objects.order_by("code")
    )
    convention = forms.ModelChoiceField(
        label=_("Convention"), required=False, queryset=Region.objects.none()
    )
    operator = forms.ModelChoiceField(
        label=_("Opérateur"), required=False, queryset=Partner.objects.none()
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohorte"), required=False, queryset=Region.objects.none()
    )
    sex = forms.ChoiceField(label=_("Sexe"), required=False, choices=SEX_CHOICES)

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        self.user = user
        fields_ = self.fields
        fields_["convention"].queryset = convention_list(user=user).order_by("reference")  # type: ignore[attr-defined]
        fields_["operator"].queryset = operator_choices(user).order_by("name")  # type: ignore[attr-defined]
        fields_["cohort"].queryset = cohort_list(user=user).order_by("code")  # type: ignore[attr-defined]
        if not sees_nationally(user):
            del fields_["operator"]
        else:
            # Thousands of conventions, operators and cohorts nationally: typed search
            # (suggestions from /choices/<kind>/) or a number, never a listed select.
            for name, kind in (("convention", "conventions"), ("operator", "operators")):
                fields_[name].widget = SearchInput(
                    attrs={
                        "class": "choice-search form-control form-control-sm",
                        "autocomplete": "off",
                        "data-suggest-url": reverse("choice_suggest", args=[kind]),
                        "data-no-results": _("Aucune proposition"),
                        "data-results": _("propositions ; flèches haut et bas, puis Entrée"),
                        "placeholder": _("Rechercher…"),
                    }
                )
            fields_["cohort"].widget = forms.NumberInput(
                attrs={"class": "form-control form-control-sm", "placeholder": _("N°")}
            )
        # On every view of the dashboard: a partner's cohorts are a select of hundreds.
        use_fast_widgets(self, querysets=True)

    def show_chosen(self) -> None:
        """The search boxes show the chosen row's label, not its id."""
        if not self.is_valid():
            return
        for name in ("convention", "operator"):
            field_ = self.fields.get(name)
            chosen = self.cleaned_data.get(name)
            if field_ is not None and chosen is not None and isinstance(field_.widget, SearchInput):
                field_.widget.chosen = (str(chosen.pk), str(chosen))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("quarter") and not data.get("year"):
            raise forms.ValidationError(_("Un trimestre se précise avec une année."))
        return data

    def slice(self) -> Slice:
        """The slice of the valid form (call after is_valid())."""
        data = self.cleaned_data
        ids = {
            name: (data[name].pk if data.get(name) is not None else None)
            for name in COHORT_ATTRIBUTES
            if name in self.fields
        }
        words = []
        for name in PARAMETERS:
            value = data.get(name)
            if value in (None, "") or name not in self.fields:
                continue
            shown = dict(SEX_CHOICES)[str(value)] if name == "sex" else value
            if name == "quarter":
                shown = _("T%(q)s") % {"q": value}
            words.append((str(self.fields[name].label), str(shown)))
        return Slice(
            year=data.get("year"),
            quarter=data.get("quarter"),
            sex=data.get("sex") or "",
            words=tuple(words),
            **ids,
        )


def parse_slice(params: Any, *, user: User) -> Slice:
    """The slice the URL asks for, or InvalidSliceError (an out-of-scope id and a missing
    one alike; an operator from a partner, who may not filter on operators, too)."""
    return parse_slice_form(params, user=user).slice()


def parse_slice_form(params: Any, *, user: User) -> SliceForm:
    """parse_slice's validated form (a page showing the filters renders it as is: one
    query per id given, never repeated)."""
    relevant = {name: params.get(name, "") for name in PARAMETERS if params.get(name, "")}
    if not sees_nationally(user) and relevant.get("operator"):
        raise InvalidSliceError("operator")
    form = SliceForm(relevant, user=user)
    if not form.is_valid():
        raise InvalidSliceError(", ".join(sorted(form.errors)))
    return form
