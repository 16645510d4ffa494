"""Suggestions of the typed-search filters (web.choices.SearchChoiceFilter): the rows
of one kind whose label contains the typed text, scoped by the very functions that scope
the filters' choices, so a suggestion never names a row the filter would refuse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from conventions.filters import ConventionFilter
from tracker.filters import CohortFilter, EnrollmentFilter, PlacementFilter
from web.choices import LABEL_SEPARATOR, SearchChoiceFilter, search_choices

SUGGEST_MIN_LENGTH = 2
SUGGEST_LIMIT = 20

Scoping = Callable[[HttpRequest], QuerySet[Any]]


def _suggest_kinds() -> dict[str, tuple[Scoping, tuple[str, ...]]]:
    """Each kind's scoping function and label, read from the filters themselves."""
    kinds: dict[str, tuple[Scoping, tuple[str, ...]]] = {}
    for filterset in (CohortFilter, EnrollmentFilter, PlacementFilter, ConventionFilter):
        for search in filterset.base_filters.values():
            if isinstance(search, SearchChoiceFilter):
                kind = (search.queryset, search.extra["label_fields"])
                if kinds.setdefault(search.kind, kind) != kind:
                    raise ImproperlyConfigured(f"Two scopings for the choices {search.kind!r}")
    return kinds


SUGGEST_KINDS = _suggest_kinds()


@require_GET
@never_cache
def choice_suggest(request: HttpRequest, kind: str) -> JsonResponse:
    """``[{"id": …, "label": …}]``: at most ``SUGGEST_LIMIT`` rows, those whose label
    starts with the text first; nothing for fewer than ``SUGGEST_MIN_LENGTH`` characters."""
    if kind not in SUGGEST_KINDS:
        raise Http404
    scoped, label_fields = SUGGEST_KINDS[kind]
    text = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    if len(text) < SUGGEST_MIN_LENGTH:
        return JsonResponse([], safe=False)
    rows = search_choices(scoped(request), label_fields, text).values_list("pk", *label_fields)
    return JsonResponse(
        [
            {"id": pk, "label": LABEL_SEPARATOR.join(str(part) for part in parts)}
            for pk, *parts in rows[:SUGGEST_LIMIT]
        ],
        safe=False,
    )
