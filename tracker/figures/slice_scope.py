"""The dashboard's lists under a slice: the cohorts with the slice's attributes, and the
conventions those cohorts run under (each still judged on its whole figures: a
convention's commitments are for the whole convention). No figure is read here."""

from __future__ import annotations

from django.db.models import QuerySet

from conventions.models import Convention
from tracker.figures.slices import Slice
from tracker.models import Cohort


def cohorts_in_slice(cohorts: QuerySet[Cohort], part: Slice) -> QuerySet[Cohort]:
    lookups = {
        ("pk" if name == "cohort" else f"{name}_id"): value
        for name, value in part.cohort_filters.items()
    }
    return cohorts.filter(**lookups)


def conventions_in_slice(conventions: QuerySet[Convention], part: Slice) -> QuerySet[Convention]:
    filters = part.cohort_filters
    if not filters:
        return conventions
    if set(filters) == {"convention"}:
        return conventions.filter(pk=filters["convention"])
    concerned = cohorts_in_slice(Cohort.objects.all(), part).values("convention_id")
    return conventions.filter(pk__in=concerned)
