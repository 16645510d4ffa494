"""Every web list caps its page size: ``?per_page=100000`` never returns every row
(web.lists.CappedPaginator; exports remain the way to get everything)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_tables2 import SingleTableMixin

from web.lists import CappedPaginator

pytestmark = pytest.mark.django_db

# Lists whose page needs a query to show rows.
QUERIES = {
    "figure_enrollments": {"figure": "enrolled"},
    "figure_hires": {"figure": "jobs_created"},
}


def _table_views() -> Iterator[str]:
    def walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[URLPattern, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield pattern, namespace + pattern.name

    for pattern, name in walk(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "view_class", None)
        if isinstance(view_class, type) and issubclass(view_class, SingleTableMixin):
            yield name


@pytest.mark.parametrize("per_page", ["100000", "0", "-3", "abc"])
def test_paginator_keeps_the_page_size_within_bounds(per_page: str, settings) -> None:
    settings.LIST_MAX_PER_PAGE = 100
    paginator = CappedPaginator(list(range(1000)), per_page)
    assert 1 <= paginator.per_page <= 100


def test_every_list_page_caps_per_page(people, admin_user, admin_client, settings) -> None:
    from tracker.models import ImportBatch

    for name in ("a.csv", "b.csv"):
        ImportBatch.objects.create(uploaded_by=admin_user, file_name=name, file_sha256="0" * 64)
    _two_notifications_and_account_events(admin_user)
    settings.LIST_MAX_PER_PAGE = 1  # the fixture has two of everything
    names = list(_table_views())
    assert {"cohort_list", "enrollment_list", "placement_list", "figure_enrollments"} <= set(names)
    for name in names:
        response = admin_client.get(reverse(name), {**QUERIES.get(name, {}), "per_page": 100000})
        assert response.status_code == 200, name
        table = response.context["table"]
        assert table.paginator.count >= 2, name  # there is more than one row ...
        assert len(table.page.object_list) == 1, name  # ... and the page shows one


def _two_notifications_and_account_events(user: Any) -> None:
    from accounts.models import AccountEvent, Notification, NotificationKind

    for _ in range(2):
        Notification.objects.create(recipient=user, kind=NotificationKind.IMPORT_FINISHED)
        AccountEvent.objects.create(actor=user, action=AccountEvent.Action.REACTIVATED)


def test_cohort_page_caps_its_enrollment_table(people, admin_client, settings) -> None:
    from tests.support.factories import EnrollmentFactory

    EnrollmentFactory.create(cohort=people.cohort_a)
    settings.LIST_MAX_PER_PAGE = 1
    response = admin_client.get(
        reverse("cohort_detail", args=[people.cohort_a.pk]), {"per_page": 100000}
    )
    table = response.context["table"]
    assert table.paginator.count == 2
    assert len(table.page.object_list) == 1
