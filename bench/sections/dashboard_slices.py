"""The sliced dashboard: three filter combinations, for an admin and for the partner
operating the most cohorts, each as served (figures unchanged since the last view,
rendered once per state and slice) and as computed (the cache switched off), beside the
budgets measured in the same run: the computed page within 2x its own queries' time
(DESIGN.md), and the same number of queries as the same combination over a small scope
(a constant number of queries whatever the data size).

The combinations are read from the data: the largest partner's first cohort gives a
region and a filière, and a convention; the latest year with enrollments a year and a
quarter. Reuses the logins of the dashboard section (``bench.admin``, ``bench.partner``,
``bench.partner.small``).
"""

from __future__ import annotations

from django.db.models import Count, Max
from django.urls import reverse

from accounts.models import Role
from bench.measure import Report, measure_page
from bench.sections.dashboard import (
    COMPUTED_REPEAT,
    REPEAT,
    _client,
    _computed,
    _computed_sql_ms,
    _load,
    _user,
)
from conventions.models import Partner
from tracker.models import Cohort, Enrollment


def _combinations(cohort: Cohort, year: int) -> list[tuple[str, str]]:
    return [
        ("region + filière", f"region={cohort.region_id}&filiere={cohort.filiere_id}"),
        ("year + quarter + women", f"year={year}&quarter=2&sex=F"),
        ("convention + year + men", f"convention={cohort.convention_id}&year={year}&sex=M"),
    ]


def _small_scope_cohort(partner: Partner) -> Cohort | None:
    return Cohort.objects.filter(operator=partner).order_by("id").first()


def run(report: Report) -> None:
    operators = Partner.objects.annotate(cohorts=Count("operated_cohorts")).filter(cohorts__gt=0)
    largest = operators.order_by("-cohorts", "id").first()
    smallest = operators.order_by("cohorts", "id").first()
    assert largest is not None, "the dataset has no cohorts"
    assert smallest is not None
    cohort = _small_scope_cohort(largest)
    small_cohort = _small_scope_cohort(smallest)
    assert cohort is not None
    assert small_cohort is not None
    latest = Enrollment.objects.aggregate(latest=Max("enrolled_on"))["latest"]
    year = latest.year if latest else 2025
    url = reverse("dashboard")

    users = (
        ("admin", _client(_user("bench.admin", Role.ADMIN)), None),
        (
            f"partner ({largest.cohorts} cohorts)",
            _client(_user("bench.partner", Role.PARTNER_VIEWER, largest)),
            _client(_user("bench.partner.small", Role.PARTNER_VIEWER, smallest)),
        ),
    )
    for who, client, small_client in users:
        for (label, query), (_label, small_query) in zip(
            _combinations(cohort, year), _combinations(small_cohort, year), strict=True
        ):
            page = f"{url}?{query}"
            served = measure_page(client, page, repeat=REPEAT)
            computed = _computed(client, page, repeat=COMPUTED_REPEAT)
            sql_ms = _computed_sql_ms(client, page)
            name = f"sliced dashboard: {who}, {label}"
            report.add(
                f"{name}, median server time",
                served.median_ms,
                "ms",
                50,
                note=f"served as rendered; p95 {served.p95_ms:.0f} ms, HTTP {served.status}, "
                f"{_load()}",
            )
            report.add(
                f"{name}, computed page / its queries' time",
                round(computed.median_ms / sql_ms, 2) if sql_ms else float("inf"),
                "x",
                2,
                note=f"computed {computed.median_ms:.0f} ms (p95 {computed.p95_ms:.0f}) / "
                f"queries {sql_ms:.0f} ms, same run, {_load()}",
            )
            # The same combination over a small scope: the smallest partner's, or for the
            # admin the smallest partner's region, filière and convention.
            small = _computed(small_client or client, f"{url}?{small_query}", repeat=2)
            report.add(
                f"{name}, queries",
                computed.queries,
                "queries",
                small.queries,
                note="computed; budget: the same filters over a small scope",
            )
