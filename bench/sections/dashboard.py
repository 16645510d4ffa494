"""The dashboard at national scale: server time (test client, no network) and query count
for an admin and for a partner user, beside the budget (<= 50 ms, a constant number of
queries whatever the data size).

The query count is checked against a small scope on the same database: the partner
operating the most cohorts against the one operating the fewest, and the admin's
national page against the same page for one year. Two users are created once
(``bench.admin``, ``bench.partner``, ``bench.partner.small``) and reused by later runs.
"""

from __future__ import annotations

import os

from django.db.models import Count
from django.test import Client
from django.urls import reverse

from bench.measure import Report, measure_page
from conventions.models import Partner
from tracker.models import Role, User

REPEAT = int(os.environ.get("BENCH_DASHBOARD_REPEAT", "20"))


def _user(username: str, role: str, partner: Partner | None = None) -> User:
    user, _created = User.objects.update_or_create(
        username=username, defaults={"role": role, "partner": partner, "is_active": True}
    )
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def run(report: Report) -> None:
    operators = Partner.objects.annotate(cohorts=Count("operated_cohorts")).filter(cohorts__gt=0)
    largest = operators.order_by("-cohorts", "id").first()
    smallest = operators.order_by("cohorts", "id").first()
    assert largest is not None, "the national dataset has no cohorts"
    assert smallest is not None
    url = reverse("dashboard")

    admin = _client(_user("bench.admin", Role.ADMIN))
    national = measure_page(admin, url, repeat=REPEAT)
    one_year = measure_page(admin, f"{url}?year=2025", repeat=3)
    report.add(
        "dashboard: admin, median server time",
        national.median_ms,
        "ms",
        50,
        note=f"p95 {national.p95_ms:.0f} ms, HTTP {national.status}, {_load()}",
    )
    report.add(
        "dashboard: admin, queries",
        national.queries,
        "queries",
        one_year.queries,
        note="budget: the same page for one year",
    )

    partner = _client(_user("bench.partner", Role.PARTNER_VIEWER, largest))
    small = _client(_user("bench.partner.small", Role.PARTNER_VIEWER, smallest))
    big = measure_page(partner, url, repeat=REPEAT)
    little = measure_page(small, url, repeat=3)
    report.add(
        f"dashboard: partner ({largest.cohorts} cohorts), median server time",
        big.median_ms,
        "ms",
        50,
        note=f"p95 {big.p95_ms:.0f} ms, HTTP {big.status}, {_load()}",
    )
    report.add(
        "dashboard: partner, queries",
        big.queries,
        "queries",
        little.queries,
        note=f"budget: a partner with {smallest.cohorts} cohort(s)",
    )
