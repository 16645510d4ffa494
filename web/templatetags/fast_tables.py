"""``{% fast_tbody table as body %}``: a table's body without django-tables2's per-cell
machinery (web/table_rendering.py); None when the generic template must render it."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from web.table_rendering import render_tbody

register = template.Library()


@register.simple_tag(takes_context=True)
def fast_tbody(context: Any, table: Any) -> SafeString | None:
    return render_tbody(table, table.paginated_rows, context)
