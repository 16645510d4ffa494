"""A partner's own cohorts on its dashboard, each with where it stands against its
planned seats and its convention's rate commitments (tracker.figures.selectors
.cohorts_progress): a fixed number of queries, whatever the number of cohorts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.models import User
from tracker.figures.conventions_table import BADGES
from tracker.figures.selectors import Progress, cohorts_progress
from tracker.figures.slice_scope import cohorts_in_slice
from tracker.figures.slices import Slice
from tracker.figures.to_date import AfterDay
from tracker.models import Cohort
from tracker.selectors import cohort_list

# The dashboard shows the latest cohorts; the cohorts list holds them all.
PARTNER_COHORTS_SHOWN = 10


@dataclass(frozen=True)
class CohortStanding:
    cohort: Cohort
    progress: Progress

    @property
    def badge_css(self) -> str:
        return BADGES[self.progress.standing][0]

    @property
    def badge_testid(self) -> str:
        return BADGES[self.progress.standing][1]


def partner_cohorts(
    *, user: User, today: dt.date, after: AfterDay | None = None, part: Slice | None = None
) -> tuple[list[CohortStanding], bool]:
    """The partner's latest cohorts (cancelled ones aside), latest start first, with
    their standing; and whether it has more than those shown. ``after``: the rows dated
    after today, as the dashboard's cached figures hold them (no query to read again);
    ``part``: the dashboard's filters, the cohorts with their attributes only."""
    scoped = cohort_list(user=user)
    if part is not None:
        scoped = cohorts_in_slice(scoped, part)
    cohorts = list(
        scoped.exclude(status=Cohort.Status.CANCELLED)
        .select_related("convention")
        .order_by("-starts_on", "-pk")[: PARTNER_COHORTS_SHOWN + 1]
    )
    more = len(cohorts) > PARTNER_COHORTS_SHOWN
    cohorts = cohorts[:PARTNER_COHORTS_SHOWN]
    progress = cohorts_progress(user=user, cohorts=cohorts, today=today, after=after)
    return [CohortStanding(cohort, progress[cohort.pk]) for cohort in cohorts], more
