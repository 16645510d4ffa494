"""Incremental sync: ``updated_since`` on every list and the deletions feed let a client
mirror its data exactly; a partner sees only its own organisation's deletions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tracker.models import Cohort, Deletion, Enrollment, Placement, Trainee

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def _all(client, url: str, **params) -> list[dict]:
    rows, response = [], client.get(f"{V1}/{url}", params)
    while True:
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        if not response.json()["next"]:
            return rows
        response = client.get(response.json()["next"])


@pytest.mark.parametrize("url", ["conventions/", "cohorts/", "trainees/", "enrollments/", "hires/"])
def test_every_list_takes_updated_since(people, api_a, url):
    before = (timezone.now() - dt.timedelta(minutes=5)).isoformat()
    later = (timezone.now() + dt.timedelta(minutes=5)).isoformat()
    assert _all(api_a, url, updated_since=before)
    assert _all(api_a, url, updated_since=later) == []
    bad = api_a.get(f"{V1}/{url}", {"updated_since": "yesterday"})
    assert bad.status_code == 400


def test_updated_since_is_indexed() -> None:
    for model in (Cohort, Trainee, Enrollment, Placement):
        assert any(index.fields == ["updated_at"] for index in model._meta.indexes), model


def test_a_client_mirrors_hires_exactly_after_a_change_and_a_deletion(people, api_a):
    mirror = {row["id"]: row for row in _all(api_a, "hires/")}
    started = timezone.now().isoformat()
    extra = api_a.post(
        f"{V1}/hires/",
        {
            "enrollment": people.enrollment_a.pk,
            "employer_name": "Atlas Services SA",
            "employer_ice": "001234567000089",
            "hired_on": "2026-07-15",
            "contract_type": "cdi",
            "job_title": "Agent",
            "filiere": "CRM",
            "region": "MA-06",
        },
        format="json",
    ).json()
    changed = api_a.patch(
        f"{V1}/hires/{people.placement_a.pk}/",
        {"job_title": "Chef", "region": "MA-06"},
        format="json",
    )
    assert changed.status_code == 200
    deleted = api_a.delete(f"{V1}/hires/{extra['id']}/")
    assert deleted.status_code == 204
    for row in _all(api_a, "hires/", updated_since=started):
        mirror[row["id"]] = row
    for gone in _all(api_a, "deletions/", since=started):
        assert gone["entity"] == "hire"
        mirror.pop(gone["id"], None)
    assert mirror == {row["id"]: row for row in _all(api_a, "hires/")}
    assert mirror[people.placement_a.pk]["job_title"] == "Chef"


def test_another_partner_sees_none_of_the_deletions_and_cannot_delete(people, api_a, api_b):
    assert api_b.delete(f"{V1}/hires/{people.placement_a.pk}/").status_code == 404
    assert api_a.delete(f"{V1}/hires/{people.placement_a.pk}/").status_code == 204
    assert _all(api_b, "deletions/") == []
    assert [row["id"] for row in _all(api_a, "deletions/")] == [people.placement_a.pk]
    assert Deletion.objects.count() == 1


def test_a_viewer_cannot_delete_a_hire(people, api_viewer_a):
    assert api_viewer_a.delete(f"{V1}/hires/{people.placement_a.pk}/").status_code == 403
    assert Placement.objects.filter(pk=people.placement_a.pk).exists()


def test_a_stale_if_match_keeps_the_hire(people, api_a):
    response = api_a.delete(f"{V1}/hires/{people.placement_a.pk}/", HTTP_IF_MATCH='"4"')
    assert response.status_code == 409
    assert Placement.objects.filter(pk=people.placement_a.pk).exists()
