"""The commitments a slice's figures stand beside.

Conventions commit to yearly targets per indicator, for the whole convention: a slice of
the nation, of the user's conventions or of one convention has them; a slice by region,
zone, filière, operator, cohort, sex or quarter has none (a convention's target is not
split that way), and the dashboard then shows the achievements alone, saying why. With a
convention chosen, its commitments stay beside the finer slice (women of one region
under that convention), said to be the whole convention's: the question "how many ...
against the commitment?" is asked that way."""

from __future__ import annotations

from decimal import Decimal

from accounts.models import User
from conventions.models import Convention
from conventions.selectors import convention_list
from tracker.figures.commitments import targets_by_year
from tracker.figures.slices import Slice


def slice_has_commitments(part: Slice) -> bool:
    other_filters = set(part.cohort_filters) - {"convention"}
    return not (other_filters or part.sex or part.quarter)


def slice_commitments(*, user: User, part: Slice) -> dict[tuple[str, int], Decimal]:
    """(indicator, year) -> the summed targets of the slice's conventions (none when the
    slice cuts across conventions' targets and names no convention)."""
    if not slice_has_commitments(part) and part.convention is None:
        return {}
    conventions = convention_list(user=user).exclude(status=Convention.Status.DRAFT)
    if part.convention is not None:
        conventions = conventions.filter(pk=part.convention)
    return targets_by_year(conventions=conventions)


def whole_convention_commitments(part: Slice) -> bool:
    """The commitments shown are the chosen convention's whole ones, beside a finer slice."""
    return part.convention is not None and not slice_has_commitments(part)
