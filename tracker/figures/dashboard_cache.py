"""The dashboard's figures, rendered once per state of what they are computed from.

Everything below the page's title is a function of the rollup store, the conventions'
terms (``TermsRevision``), the day (targets are pro-rated to date), the user's scope
(national for staff, its own cohorts and conventions for a partner), the year chosen
and the language. Two small queries read the state (the rollup state's row, the terms'
revision); while it is unchanged the rendered part is served from the cache, so the
page costs a few milliseconds instead of the hundreds that computing and rendering
2,000 conventions' progress takes. Any rollup run or change of terms gives a new key:
a cached dashboard is never stale, only dropped (entries also expire after an hour).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache

from accounts.models import User
from accounts.policy import scope_key
from tracker.figures.revisions import terms_revision
from tracker.figures.selectors import Freshness, rollup_freshness

CACHE_SECONDS = 60 * 60
T = TypeVar("T")


@dataclass(frozen=True)
class FiguresState:
    """What the dashboard's figures were computed from, read in two queries."""

    freshness: Freshness
    terms_revision: int

    @classmethod
    def read(cls) -> FiguresState:
        return cls(freshness=rollup_freshness(), terms_revision=terms_revision())


def dashboard_scope(user: User) -> str:
    """Users who see the same dashboard share its cache entry: every staff role reads
    the whole programme; a partner its own cohorts and conventions."""
    return scope_key(user)


def dashboard_cache_key(
    *,
    user: User,
    state: FiguresState,
    today: dt.date,
    year: int | None,
    language: str,
    part: tuple[object, ...] = (),
) -> str:
    """``part``: the slice's filters (tracker.figures.slices.Slice.cache_part)."""
    parts = (
        dashboard_scope(user),
        state.freshness.computed_at,
        state.freshness.reference_date,
        state.terms_revision,
        today,
        year,
        language,
        part,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"dashboard:v3:{digest}"  # v3: sliced (region map, slice in the key)


def cached(key: str, compute: Callable[[], T]) -> T:
    """The value stored under ``key``, or ``compute()``'s, stored."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value
