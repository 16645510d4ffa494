"""Choice lists of the list filters, cheap to build on every page.

- Reference data (regions, zones, filières) changes a few times a year: each process
  keeps it for ``REFERENCE_TTL`` seconds (an hour) and forgets it as soon as it saves or
  deletes a row, so a filter on it costs no query.
- ``FastSelect`` renders its options in Python instead of one template per option: a
  national choice list (2,000 conventions, 1,500 employers) renders in a couple of
  milliseconds instead of a few hundred. ``use_fast_widgets`` gives every plain select,
  text, number and hidden input of a list page's filter form the same treatment.
"""

from __future__ import annotations

import re
import time
from html import escape
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Case, CharField, F, Model, QuerySet, Value, When
from django.db.models.functions import Concat
from django.db.models.signals import post_delete, post_save
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

REFERENCE_TTL = 3600.0
LABEL_SEPARATOR = " — "
_reference_cache: dict[type[Model], tuple[float, list[Any]]] = {}


def reference_rows(model: type[Model]) -> list[Any]:
    """Every row of a reference table, in its default order, read at most once per
    ``REFERENCE_TTL`` seconds per process."""
    now = time.monotonic()
    cached = _reference_cache.get(model)
    if cached is not None and now - cached[0] < REFERENCE_TTL:
        return cached[1]
    rows = list(model._default_manager.all())
    _reference_cache[model] = (now, rows)
    return rows


def forget_reference_rows(**kwargs: Any) -> None:
    _reference_cache.clear()


def watch_reference_model(model: type[Model]) -> None:
    """Forget the process's copies whenever a row of ``model`` is saved or deleted (the
    app that owns the reference tables calls this when it is ready)."""
    post_save.connect(forget_reference_rows, sender=model, dispatch_uid=f"ref-{model}-save")
    post_delete.connect(forget_reference_rows, sender=model, dispatch_uid=f"ref-{model}-del")


class _ReferenceIterator(ModelChoiceIterator):
    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in reference_rows(self.queryset.model):
            yield self.choice(row)

    def __len__(self) -> int:
        empty = 1 if self.field.empty_label is not None else 0
        return len(reference_rows(self.queryset.model)) + empty

    def __bool__(self) -> bool:
        return True


class ReferenceChoiceField(django_filters.fields.ModelChoiceField):
    """A choice among every row of a reference table, from the process's copy."""

    iterator = _ReferenceIterator

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        key = self.to_field_name or "pk"
        rows = reference_rows(self.queryset.model)
        for row in rows:
            if str(getattr(row, key)) == str(value):
                return row
        # The code too (MA-06, ITO, CNS): what the API's answers and writes use.
        code = str(value).strip().upper()
        for row in rows:
            if str(getattr(row, "code", "")).upper() == code:
                return row
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )


@extend_schema_field(
    {"type": "string", "description": "Code (MA-06, ITO, CNS) or id of the reference row."}
)
class ReferenceChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ReferenceChoiceField


class FastSelect(forms.Select):
    """A single select whose options are written directly, not one template each."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(option))}"'
            f"{' selected' if str(option) in selected else ''}>{escape(str(label))}</option>"
            for option, label in self.choices
        )
        # Both parts are escaped above (stdlib html.escape, as Django's escape does).
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")  # noqa: S308


class _FastInputMixin:
    """An ``<input>`` written directly: what django/forms/widgets/input.html writes."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        shown = widget["value"]
        value_attr = "" if shown is None else f' value="{escape(str(shown))}"'
        html = f'<input type="{escape(str(widget["type"]))}" name="{escape(name)}"{value_attr}'
        # Every part is escaped (html.escape here, format_html in flatatt).
        return mark_safe(f"{html}{flatatt(widget['attrs'])}>")  # noqa: S308


class FastTextInput(_FastInputMixin, forms.TextInput):
    pass


class FastNumberInput(_FastInputMixin, forms.NumberInput):
    pass


class FastHiddenInput(_FastInputMixin, forms.HiddenInput):
    pass


# Exact widget classes only: a subclass may have a template of its own.
FAST_WIDGETS: dict[type[forms.Widget], type[forms.Widget]] = {
    forms.Select: FastSelect,
    forms.TextInput: FastTextInput,
    forms.NumberInput: FastNumberInput,
    forms.HiddenInput: FastHiddenInput,
}


def _flat_choices(widget: forms.Widget) -> bool:
    """Choices FastSelect writes as Django would: no groups, and read without a query
    (a queryset's choices are left to Django, which reads them once, when rendering)."""
    choices = getattr(widget, "choices", ())
    if isinstance(choices, _ReferenceIterator):
        return True
    if isinstance(choices, ModelChoiceIterator):
        return False
    return not any(isinstance(label, list | tuple) for _value, label in choices)


def use_fast_widgets(form: forms.BaseForm, *, querysets: bool = False) -> None:
    """Render the form's plain selects and inputs without a template each (same HTML).
    ``querysets``: selects whose choices are a queryset too (a form rendered on every
    view of a page, whose choices are read once, when rendered, as Django would)."""
    for field in form.fields.values():
        widget = field.widget
        fast = FAST_WIDGETS.get(type(widget))
        if fast is None:
            continue
        if isinstance(widget, forms.Select) and not (
            _flat_choices(widget) or (querysets and isinstance(widget.choices, ModelChoiceIterator))
        ):
            continue
        widget.__class__ = fast


class _LabelIterator(ModelChoiceIterator):
    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.field.choice_rows()  # type: ignore[attr-defined]

    def __len__(self) -> int:
        rows = self.field.choice_rows()  # type: ignore[attr-defined]
        return len(rows) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self) -> bool:
        return True


class LabelChoiceField(django_filters.fields.ModelChoiceField):
    """A choice among a (scoped) queryset read as ``(pk, label)`` pairs in one plain
    query, shared by the validation and the rendering of the field: no model instances,
    no server-side cursor, one query per page whether the filter is used or not. The
    cleaned value is the chosen row reduced to its primary key (enough to filter)."""

    iterator = _LabelIterator

    def __init__(self, *args: Any, label_fields: tuple[str, ...] = ("name",), **kwargs: Any):
        self.label_fields = label_fields
        super().__init__(*args, **kwargs)

    def choice_rows(self) -> list[tuple[Any, str]]:
        rows = getattr(self, "_choice_rows", None)
        if rows is None:
            rows = [
                (pk, LABEL_SEPARATOR.join(str(part) for part in parts))
                for pk, *parts in self.queryset.values_list("pk", *self.label_fields)
            ]
            self._choice_rows = rows
        return rows

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        result = super().__deepcopy__(memo)
        result._choice_rows = None
        return result

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        for pk, _label in self.choice_rows():
            if str(pk) == str(value):
                return self.queryset.model(pk=pk)
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )


class LabelChoiceFilter(django_filters.ModelChoiceFilter):
    """``ModelChoiceFilter`` over ``LabelChoiceField``, rendered by ``FastSelect``."""

    field_class = LabelChoiceField

    def __init__(self, *args: Any, label_fields: tuple[str, ...] = ("name",), **kwargs: Any):
        kwargs.setdefault("widget", FastSelect)
        super().__init__(*args, label_fields=label_fields, **kwargs)


# --- Typed search over a national list ---------------------------------------------
#
# A national user's convention, operator, employer or partner filter would list
# thousands of names (170 KB of a page, one query over 300,000 hires for the employers).
# ``SearchChoiceFilter`` gives such users a text box instead, keeps the select for a
# partner user (whose choices are few and scoped), and keeps the URL parameter: a number
# is the id of a row (links from other pages, a picked suggestion), checked with one
# scoped query; any other text matches the rows whose label contains it (case-insensitive,
# within the same scope). static/js/choice-search.js suggests rows as the user types,
# from ``tracker.views.choices`` (same scoping functions, same labels).

SEARCH_MAX_LENGTH = 200
# Typed text matching up to this many rows filters by their ids, more by a subquery.
SEARCH_MAX_IDS = 1000
# An id is a plain ASCII number that fits a bigint: anything else is text to match.
_ID_PATTERN = re.compile(r"[0-9]{1,18}", re.ASCII)


def label_expression(label_fields: tuple[str, ...]) -> Any:
    """The SQL expression of a row's label, as ``LabelChoiceField`` writes it."""
    if len(label_fields) == 1:
        return F(label_fields[0])
    parts: list[Any] = []
    for name in label_fields:
        if parts:
            parts.append(Value(LABEL_SEPARATOR))
        parts.append(F(name))
    return Concat(*parts, output_field=CharField())


def search_choices(queryset: QuerySet[Any], label_fields: tuple[str, ...], text: str) -> Any:
    """The rows of ``queryset`` whose label contains ``text`` (case-insensitive), those
    whose label starts with it first, then by label."""
    return (
        queryset.annotate(search_label=label_expression(label_fields))
        .filter(search_label__icontains=text)
        .annotate(search_rank=Case(When(search_label__istartswith=text, then=Value(0)), default=1))
        .order_by("search_rank", "search_label", "pk")
    )


def is_national(request: HttpRequest | None) -> bool:
    """Staff (admins, programme managers) see every row of the country: their choice lists
    are searched, not listed."""
    return bool(getattr(getattr(request, "user", None), "is_staff_role", False))


class SearchInput(forms.TextInput):
    """A search box that suggests rows (static/js/choice-search.js) and shows the label of
    the chosen row. Without JavaScript it is a plain text box submitting what was typed."""

    input_type = "search"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.chosen: tuple[str, str] | None = None

    def format_value(self, value: Any) -> str | None:
        if self.chosen is not None and str(value).strip() == self.chosen[0]:
            return self.chosen[1]
        return super().format_value(value)

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        shown = self.format_value(value)
        if self.chosen is not None and shown == self.chosen[1]:
            final_attrs["data-value"] = self.chosen[0]
        value_attr = "" if shown is None else f' value="{escape(str(shown))}"'
        html = f'<input type="{self.input_type}" name="{escape(name)}"{value_attr}'
        # Every part is escaped (html.escape here, format_html in flatatt).
        return mark_safe(f"{html}{flatatt(final_attrs)}>")  # noqa: S308


class SearchChoiceField(forms.Field):
    """A row of a (scoped) queryset named by its id, or every row whose label contains
    the typed text. Cleans to the row (reduced to its primary key), to the matching rows'
    ids (a queryset of them beyond ``SEARCH_MAX_IDS``), or to None; reads the database
    only when a value is given, once."""

    widget = SearchInput
    default_error_messages = {
        "invalid_choice": _("Numéro %(value)s inconnu (ou hors de votre périmètre)."),
        "no_match": _("Rien ne correspond à « %(value)s »."),
        "too_long": _("Tapez au plus %(limit)s caractères."),
    }

    def __init__(
        self,
        *,
        queryset: QuerySet[Any],
        label_fields: tuple[str, ...] = ("name",),
        suggest_url: str = "",
        **kwargs: Any,
    ) -> None:
        for unused in ("empty_label", "widget", "to_field_name", "null_label"):
            kwargs.pop(unused, None)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.queryset = queryset
        self.label_fields = label_fields
        self.validators.append(ProhibitNullCharactersValidator())
        self.widget.attrs.update(
            {
                "class": "choice-search",
                "autocomplete": "off",
                "spellcheck": "false",
                "maxlength": str(SEARCH_MAX_LENGTH),
                "placeholder": _("Rechercher…"),
                "title": _("Tapez au moins 2 caractères, puis choisissez une proposition"),
                "data-suggest-url": suggest_url,
                "data-no-results": _("Aucune proposition"),
                "data-results": _("propositions ; flèches haut et bas, puis Entrée"),
            }
        )

    def to_python(self, value: Any) -> Any:
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if len(text) > SEARCH_MAX_LENGTH:
            limit = {"limit": SEARCH_MAX_LENGTH}
            raise ValidationError(self.error_messages["too_long"], code="too_long", params=limit)
        return text

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if text is None:
            return None
        if _ID_PATTERN.fullmatch(text):
            row = list(self.queryset.filter(pk=int(text)).values_list("pk", *self.label_fields)[:1])
            if not row:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text},
                )
            pk, *parts = row[0]
            self.widget.chosen = (str(pk), LABEL_SEPARATOR.join(str(part) for part in parts))
            return self.queryset.model(pk=pk)
        matches = search_choices(self.queryset, self.label_fields, text)
        # The matching ids, read in the one query that validates: the list then filters
        # with the ids themselves, which PostgreSQL estimates well (under a subquery of
        # ``ILIKE`` it guessed one matching operator for a hundred, and joined a quarter
        # of the enrollments before sorting, many times slower).
        ids = list(matches.order_by().values_list("pk", flat=True)[: SEARCH_MAX_IDS + 1])
        if not ids:
            raise ValidationError(
                self.error_messages["no_match"], code="no_match", params={"value": text}
            )
        return ids if len(ids) <= SEARCH_MAX_IDS else matches


class SearchChoiceFilter(LabelChoiceFilter):
    """``LabelChoiceFilter`` for a partner user (a select of its few scoped rows); a
    ``SearchChoiceField`` for a national user, suggested from ``/choices/<kind>/``."""

    def __init__(
        self, *args: Any, kind: str, searched_by_partners: bool = False, **kwargs: Any
    ) -> None:
        self.kind = kind
        # A partner's own list can be long too (the employers of its hires: a thousand for
        # the largest operator): searched, never listed, by everyone.
        self.searched_by_partners = searched_by_partners
        super().__init__(*args, **kwargs)

    @property
    def field(self) -> Any:
        request = self.get_request()
        searched = self.searched_by_partners or is_national(request)
        field_class = SearchChoiceField if searched else LabelChoiceField
        if type(self.__dict__.get("_field")) is not field_class:
            kwargs = {**self.extra, "queryset": self.get_queryset(request)}
            if field_class is SearchChoiceField:
                kwargs["suggest_url"] = reverse("choice_suggest", args=[self.kind])
            self._field = field_class(label=self.label, **kwargs)
        return self._field

    def filter(self, qs: Any, value: Any) -> Any:
        """One row (an id), or the rows matching typed text (their ids, or a subquery)."""
        if isinstance(value, list | QuerySet):
            matches = value.values("pk") if isinstance(value, QuerySet) else value
            qs = self.get_method(qs)(**{f"{self.field_name}__in": matches})
            return qs.distinct() if self.distinct else qs
        return super().filter(qs, value)
