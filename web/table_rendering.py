"""The body of a django-tables2 table, rendered without its per-cell machinery.

django-tables2 renders each cell through ``BoundRow.get_cell``: it resolves the accessor,
looks for a ``get_FOO_display``, inspects the render method's signature and builds the
cell's attributes again for every one of the ~250 cells of a page (about 70% of a list
page's server time). ``render_tbody`` works out once per column what the generic path
does for every cell (which render method and which of its arguments, whether the value is
a choice's label, the link, the ``<td>`` attributes, the default) and then loops over the
page's records. The HTML is the generic template's: same cells, same escaping, same
localisation of raw values (``{{ cell }}``), same ``even``/``odd`` row classes.

Tables the fast path does not cover (record-dependent attributes, row attributes,
per-column ``localize``, a ``**kwargs`` render) fall back to the generic path per column
or per table, so the output never changes. ``tests/web/test_table_rendering.py`` compares
both paths on every list table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template import Context
from django.template.base import render_value_in_context
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_tables2 import Table
from django_tables2.columns.base import LinkTransform
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.rows import BoundPinnedRow, BoundRow
from django_tables2.utils import A, AttributeDict, signature

_CELL_ARGUMENTS = frozenset(("value", "record", "column", "bound_column", "bound_row", "table"))


@dataclass
class _ColumnPlan:
    """How to produce one column's cells, worked out once per table."""

    bound_column: Any
    td_html: str
    accessor: A
    display_name: str | None  # get_<field>_display on the penultimate object
    penultimate: A | None
    choice_attname: str | None  # the raw value get_<field>_display reads
    choice_labels: dict[Any, Any] | None  # its choices, value -> label
    render: Callable[..., Any]
    render_args: tuple[str, ...] | None  # None: the render method cannot be called
    empty_values: Any
    default: Any
    link: Any
    fast_link: _PkLink | None  # the link as a formatted path, without reverse() per cell
    text_link: bool  # a link column with a fixed text renders even without a value
    generic: bool  # this column goes through BoundRow.get_cell


_SENTINEL_PK = 987654321987


@dataclass
class _PkLink:
    """``linkify=("view", {"pk": A("field")})``: the view's path reversed once, with a
    sentinel id replaced per record (what reverse() would give for an integer id)."""

    accessor: A
    before: str
    after: str

    @classmethod
    def of(cls, link: Any) -> _PkLink | None:
        if not isinstance(link, LinkTransform) or link.url or link.attrs or link.accessor:
            return None
        arguments = link.reverse_args
        kwargs = arguments.get("kwargs") or {}
        viewname = arguments.get("viewname")
        if set(arguments) != {"viewname", "kwargs"} or not isinstance(viewname, str):
            return None
        if set(kwargs) != {"pk"} or not isinstance(kwargs["pk"], A):
            return None
        try:
            path = reverse(viewname, kwargs={"pk": _SENTINEL_PK})
        except NoReverseMatch:
            return None
        before, found, after = path.partition(str(_SENTINEL_PK))
        if not found or str(_SENTINEL_PK) in after:
            return None
        return cls(accessor=kwargs["pk"], before=before, after=after)

    def href(self, record: Any) -> str | None:
        """The path for this record, or None when its id is not a plain integer."""
        pk = self.accessor.resolve(record)
        if type(pk) is not int:
            return None
        return f"{self.before}{pk}{self.after}"


def _has_callables(attrs: Any) -> bool:
    if callable(attrs):
        return True
    if isinstance(attrs, dict):
        return any(_has_callables(value) for value in attrs.values())
    return False


def _plan(table: Table, bound_column: Any, model: type[models.Model] | None) -> _ColumnPlan:
    column = bound_column.column
    raw_attrs = {**dict(table.attrs), **dict(column.attrs)}
    render = bound_column.render
    args, kwargs_name = signature(render)
    # A render method asking for an argument a cell does not have is never called
    # (call_with_appropriate returns None); one taking **kwargs stays generic.
    callable_render = all(arg in _CELL_ARGUMENTS for arg in args)
    generic = (
        _has_callables(raw_attrs.get("td", raw_attrs.get("cell", {})))
        or isinstance(column, ManyToManyColumn)
        or bool(kwargs_name)
    )
    accessor = A(bound_column.accessor)
    display_name = None
    penultimate = None
    choice_attname = None
    choice_labels = None
    path, _, remainder = accessor.rpartition(accessor.SEPARATOR)
    if model is not None:
        try:
            field = accessor.get_field(model)
        except FieldDoesNotExist:
            field = None
        if getattr(field, "choices", ()):
            display_name = f"get_{remainder}_display"
            penultimate = A(path)
            if isinstance(field, models.Field) and field.name == remainder:
                # What Model._get_FIELD_display reads, looked up once per table.
                choice_attname = field.attname
                choice_labels = dict(make_hashable(field.flatchoices))
    return _ColumnPlan(
        bound_column=bound_column,
        td_html=bound_column.attrs["td"].as_html(),
        accessor=accessor,
        display_name=display_name,
        penultimate=penultimate,
        choice_attname=choice_attname,
        choice_labels=choice_labels,
        render=render,
        render_args=tuple(args) if callable_render else None,
        empty_values=column.empty_values,
        default=bound_column.default,
        link=bound_column.link,
        fast_link=_PkLink.of(bound_column.link),
        text_link=isinstance(column, BaseLinkColumn) and column.text is not None,
        generic=generic,
    )


def _cell(plan: _ColumnPlan, record: Any, row: BoundRow, table: Table) -> Any:
    """What ``BoundRow.get_cell`` returns for this column and record."""
    value: Any = None
    resolved = False
    if plan.display_name is not None:
        assert plan.penultimate is not None
        owner = plan.penultimate.resolve(record, quiet=True)
        if isinstance(owner, models.Model):
            if plan.choice_labels is not None and plan.choice_attname is not None:
                # Model._get_FIELD_display without its per-call lookups.
                raw = getattr(owner, plan.choice_attname)
                try:
                    label = plan.choice_labels.get(raw, raw)
                except TypeError:  # an unhashable value: let the model say it
                    label = getattr(owner, plan.display_name)()
                value = force_str(label, strings_only=True)
                resolved = True
            else:
                display = getattr(owner, plan.display_name, None)
                if display is not None:
                    value = display()
                    resolved = True
    if not resolved:
        try:
            value = plan.accessor.resolve(record)
        except Exception:
            if plan.text_link:
                return _render(plan, record, row, table, None)
    if value in plan.empty_values:
        return plan.default
    return _render(plan, record, row, table, value)


def _render(plan: _ColumnPlan, record: Any, row: BoundRow, table: Table, value: Any) -> Any:
    arguments = {
        "value": value,
        "record": record,
        "column": plan.bound_column.column,
        "bound_column": plan.bound_column,
        "bound_row": row,
        "table": table,
    }
    if plan.render_args is None:
        content = None
    else:
        content = plan.render(**{name: arguments[name] for name in plan.render_args})
    if not plan.link:
        return content
    if plan.fast_link is not None:
        href = plan.fast_link.href(record)
        if href is not None:  # LinkTransform's own markup: format_html('<a {}>{}</a>')
            return format_html('<a href="{}">{}</a>', href, content)
    return plan.link(content, **arguments)


def table_model(table: Table) -> type[models.Model] | None:
    model = getattr(table._meta, "model", None)
    if model is None:
        model = getattr(table.data, "model", None)
    return model


def _generic_row(row: BoundRow, context: Context) -> str:
    """The generic template's row: ``<tr {{ row.attrs }}>`` and ``row.items()``."""
    cells = "".join(
        f"<td {column.attrs['td'].as_html()}>{render_value_in_context(cell, context)}</td>"
        for column, cell in row.items()
    )
    return f"<tr {row.attrs.as_html()}>{cells}</tr>"


def render_tbody(table: Table, rows: Iterable[BoundRow], context: Context) -> SafeString | None:
    """The ``<tbody>`` of the generic bootstrap template for these rows, or None when a
    column asks for ``localize`` (the template then renders the body itself)."""
    columns = list(table.columns)
    if any(column.localize is not None for column in columns):
        return None
    model = table_model(table)
    plans = [_plan(table, column, model) for column in columns]
    generic_table = bool(table.row_attrs) or any(plan.generic for plan in plans)
    tbody_attrs = table.attrs.get("tbody")
    parts = [f"<tbody {AttributeDict(tbody_attrs).as_html() if tbody_attrs else ''}>"]
    count = 0
    for count, row in enumerate(rows, start=1):  # noqa: B007 - count is read after the loop
        if generic_table or isinstance(row, BoundPinnedRow):
            parts.append(_generic_row(row, context))
            continue
        record = row.record
        # BoundRow.attrs without row_attrs: only the even/odd class.
        parts.append(f'<tr class="{row.get_even_odd_css_class()}">')
        for plan in plans:
            cell = _cell(plan, record, row, table)
            parts.append(f"<td {plan.td_html}>{render_value_in_context(cell, context)}</td>")
        parts.append("</tr>")
    if not count and table.empty_text:
        parts.append(
            format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), table.empty_text)
        )
    parts.append("</tbody>")
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above
