"""Drill-down pages: the enrollments or hires a figure counts, listed with the same
predicates as the rollup (tracker.figures.definitions), within the user's scope. The
page states its filters in words, links each row to its record, and ``?export=csv`` or
``?export=xlsx`` downloads every row it counts (tracker.figures.drilldown_export)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import SingleTableView

from accounts.models import User
from accounts.policy import PrivacyPolicy, sees_nationally
from conventions.models import Filiere, Region, Zone
from conventions.selectors import convention_list, partner_list
from tracker.figures.definitions import ENROLLMENTS, FIGURES, HIRES, figure_rows
from tracker.figures.drilldown_export import drilldown_export_columns, export_related
from tracker.figures.drilldown_slice import drilldown_slice
from tracker.figures.selectors import rollup_freshness
from tracker.figures.tables import FigureEnrollmentTable, FigureHireTable
from tracker.models import Dimension, Enrollment, Placement
from tracker.selectors import cohort_list
from web import formatting
from web.exports import EXPORT_FORMATS
from web.lists import CappedPaginator


class FigureQueryForm(forms.Form):
    figure = forms.ChoiceField(choices=[(name, f.label) for name, f in FIGURES.items()])
    dimension = forms.ChoiceField(choices=Dimension.choices, required=False)
    member = forms.IntegerField(required=False, min_value=0)
    sex = forms.ChoiceField(
        choices=[("", ""), ("F", _("Femme")), ("M", _("Homme"))], required=False
    )
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    quarter = forms.IntegerField(required=False, min_value=1, max_value=4)
    until = forms.DateField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        dimension = data.get("dimension") or Dimension.NATIONAL
        data["dimension"] = dimension
        if dimension != Dimension.NATIONAL and data.get("member") is None:
            raise forms.ValidationError(
                _("Précisez le membre (paramètre « member ») de la dimension.")
            )
        if data.get("quarter") and not data.get("year"):
            raise forms.ValidationError(_("Un trimestre se précise avec une année."))
        return data


def _scope_label(user: User, dimension: str, member: int | None) -> str:
    """The member's name, or 404 when the user may not see it (same answer as absent)."""
    if dimension == Dimension.NATIONAL:
        return str(_("National"))
    sources: dict[str, QuerySet[Any]] = {
        Dimension.REGION: Region.objects.all(),
        Dimension.ZONE: Zone.objects.all(),
        Dimension.FILIERE: Filiere.objects.all(),
        Dimension.CONVENTION: convention_list(user=user),
        Dimension.OPERATOR: partner_list(user=user)
        if sees_nationally(user)
        else partner_list(user=user).filter(pk=user.partner_id or 0),
        Dimension.COHORT: cohort_list(user=user),
    }
    found = sources[dimension].filter(pk=member or 0).first()
    if found is None:
        raise Http404
    return str(found)


def active_filters(data: dict[str, Any], scope_label: str) -> list[tuple[str, str]]:
    """The drill-down's filters in words, every one stated (also when it keeps all rows),
    so a printed or exported page says what it counts."""
    dimension = Dimension(data["dimension"])
    scope = scope_label if dimension == Dimension.NATIONAL else f"{dimension.label} : {scope_label}"
    year, quarter = data.get("year"), data.get("quarter")
    if year is None:
        period = gettext("Toutes les périodes")
    elif quarter:
        period = gettext("T%(quarter)s %(year)s") % {"quarter": quarter, "year": year}
    else:
        period = str(year)
    sex = {"F": gettext("Femmes"), "M": gettext("Hommes")}.get(
        data.get("sex") or "", gettext("Femmes et hommes")
    )
    until = data.get("until")
    to_date = (
        gettext("Lignes datées jusqu'au %(day)s inclus")
        % {"day": formatting.date(until, style="long").text}
        if until
        else gettext("Aucune limite : toutes les lignes, y compris datées après aujourd'hui")
    )
    return [
        (gettext("Périmètre"), scope),
        (gettext("Période"), period),
        (gettext("Sexe"), sex),
        (gettext("À date"), to_date),
    ]


class FigureRowsView(SingleTableView):
    template_name = "figures/rows.html"
    paginate_by = 25
    paginator_class = CappedPaginator
    rows_kind = ENROLLMENTS

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.query = FigureQueryForm(request.GET)
        return super().dispatch(request, *args, **kwargs)

    def get_table_class(self) -> type:
        return FigureEnrollmentTable if self.rows_kind == ENROLLMENTS else FigureHireTable

    def get_queryset(self) -> QuerySet[Any]:
        if not self.query.is_valid():
            model = Enrollment if self.rows_kind == ENROLLMENTS else Placement
            return model.objects.none()
        data = self.query.cleaned_data
        figure = FIGURES[data["figure"]]
        if figure.rows != self.rows_kind:
            raise Http404
        user: User = self.request.user
        self.scope_label = _scope_label(user, data["dimension"], data.get("member"))
        self.part = drilldown_slice(self.request.GET, user=user)
        self.freshness = rollup_freshness()
        rows = figure_rows(
            figure,
            user=user,
            reference_date=self.freshness.reference_date,
            dimension=data["dimension"],
            member_id=data.get("member"),
            sex=data.get("sex") or None,
            year=data.get("year"),
            quarter=data.get("quarter"),
            until=data.get("until"),
            cohort_filters=self.part.cohort_filters,
        )
        if self.rows_kind == ENROLLMENTS:
            return rows.select_related("trainee", "cohort__convention", "cohort__region")
        return rows.select_related(
            "employer", "enrollment__cohort__convention", "enrollment__cohort__region"
        )

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponseBase:
        """``?export=``: every row of the page's (valid) query, in the table's order."""
        export_format = self.request.GET.get("export")
        if export_format and self.query.is_valid():
            if export_format not in EXPORT_FORMATS:
                raise Http404
            rows = context["table"].data.data.select_related(*export_related(self.rows_kind))
            policy = PrivacyPolicy.for_user(self.request.user)
            return EXPORT_FORMATS[export_format](
                rows,
                drilldown_export_columns(self.rows_kind, policy),
                filename=self.query.cleaned_data["figure"],
            )
        return super().render_to_response(context, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        if not self.query.is_valid():
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["query"] = self.query
        if self.query.is_valid():
            data = self.query.cleaned_data
            context.update(
                {
                    "figure": FIGURES[data["figure"]],
                    "scope_label": self.scope_label,
                    "active_filters": [
                        *active_filters(data, self.scope_label),
                        *self.part.words,
                    ],
                    "data": data,
                    "reference_date": self.freshness.reference_date,
                    "row_count": context["table"].paginator.count
                    if hasattr(context["table"], "paginator")
                    else len(context["table"].rows),
                }
            )
        return context


class FigureEnrollmentsView(FigureRowsView):
    rows_kind = ENROLLMENTS


class FigureHiresView(FigureRowsView):
    rows_kind = HIRES
