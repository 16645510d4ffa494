"""The slice a drill-down page is read under: the dashboard's filters on cohort
attributes, carried in its links (tracker.figures.links). The drill-down's own year,
quarter and sex parameters are those of its figure; the cohort attributes come from here,
each within the user's scope: an id out of scope answers 404, as a missing one."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from accounts.models import User
from tracker.figures.slices import COHORT_ATTRIBUTES, InvalidSliceError, Slice, parse_slice


def drilldown_slice(params: Any, *, user: User) -> Slice:
    wanted = {name: params.get(name) for name in COHORT_ATTRIBUTES if params.get(name)}
    try:
        return parse_slice(wanted, user=user)
    except InvalidSliceError:
        raise Http404 from None
