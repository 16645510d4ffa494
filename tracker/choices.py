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

import time
from html import escape
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe

from conventions.models import Filiere, Region, Zone

REFERENCE_TTL = 3600.0
REFERENCE_MODELS: tuple[type[Model], ...] = (Region, Zone, Filiere)
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


for _model in REFERENCE_MODELS:
    post_save.connect(forget_reference_rows, sender=_model, dispatch_uid=f"ref-{_model}-save")
    post_delete.connect(forget_reference_rows, sender=_model, dispatch_uid=f"ref-{_model}-del")


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
        for row in reference_rows(self.queryset.model):
            if str(getattr(row, key)) == str(value):
                return row
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
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


def use_fast_widgets(form: forms.BaseForm) -> None:
    """Render the form's plain selects and inputs without a template each (same HTML)."""
    for field in form.fields.values():
        widget = field.widget
        fast = FAST_WIDGETS.get(type(widget))
        if fast is None or (isinstance(widget, forms.Select) and not _flat_choices(widget)):
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
                (pk, " — ".join(str(part) for part in parts))
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
