"""Bulk actions on enrollment lists: a confirmation step with the count, all or nothing
with the rows that break a rule listed before anything is written, history per row,
rollups queued, and partner B never reaching partner A's rows."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse

from tests.support.factories import EnrollmentFactory
from tests.support.round_trip import partner_cohort
from tracker.models import ChangeLog, Enrollment

pytestmark = pytest.mark.django_db

URL = "/enrollments/bulk/"


def _post(client, **data):
    return client.post(reverse("enrollment_bulk"), data)


def _in_training(cohort) -> list[Enrollment]:
    return list(
        Enrollment.objects.filter(cohort=cohort, status=Enrollment.Status.ENROLLED).order_by("id")
    )


def _ids(enrollments) -> str:
    return " ".join(str(e.pk) for e in enrollments)


def test_the_route_is_the_documented_one():
    assert reverse("enrollment_bulk") == URL


def test_confirmation_shows_the_count_and_writes_nothing(partner_a_client, operator_a):
    world = partner_cohort(operator_a, size=12)
    rows = _in_training(world.cohort)
    before = ChangeLog.objects.count()
    response = _post(partner_a_client, action="graduate", on="2026-06-30", ids=_ids(rows), query="")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"{len(rows)} inscriptions, à la date du 30/06/2026" in text
    assert 'data-testid="bulk-confirm"' in text
    assert all(e.status == Enrollment.Status.ENROLLED for e in _in_training(world.cohort))
    assert ChangeLog.objects.count() == before


def test_confirmed_graduation_goes_through_the_service_for_every_row(
    partner_a_client, operator_a, django_capture_on_commit_callbacks
):
    world = partner_cohort(operator_a, size=12)
    rows = _in_training(world.cohort)
    with (
        mock.patch("tracker.figures.tasks.rollup_scope.delay") as rollup,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _post(
            partner_a_client,
            action="graduate",
            on="2026-06-30",
            ids=_ids(rows),
            query=f"cohort={world.cohort.pk}",
            confirmed="True",
        )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?cohort={world.cohort.pk}")
    for enrollment in Enrollment.objects.filter(pk__in=[e.pk for e in rows]):
        assert enrollment.status == Enrollment.Status.GRADUATED
        assert enrollment.graduated_on == enrollment.exited_on == dt.date(2026, 6, 30)
        assert enrollment.version == 2
    history = ChangeLog.objects.filter(
        entity=ChangeLog.Entity.ENROLLMENT, action="graduated", object_id__in=[e.pk for e in rows]
    )
    assert sorted(history.values_list("object_id", flat=True)) == sorted(e.pk for e in rows)
    # One rollup of the cohort, queued once the transaction committed (as a single write).
    rollup.assert_called_once()
    assert rollup.call_args.kwargs["cohort_ids"] == [world.cohort.pk]


@pytest.mark.parametrize(
    ("action", "status"),
    [("drop_out", Enrollment.Status.DROPPED_OUT), ("fail", Enrollment.Status.FAILED)],
)
def test_exits_in_bulk(partner_a_client, operator_a, action, status):
    world = partner_cohort(operator_a, size=8)
    rows = _in_training(world.cohort)
    response = _post(
        partner_a_client, action=action, on="2026-04-01", ids=_ids(rows), confirmed="True"
    )
    assert response.status_code == 302
    assert set(
        Enrollment.objects.filter(pk__in=[e.pk for e in rows]).values_list("status", "exited_on")
    ) == {(status, dt.date(2026, 4, 1))}


def test_one_row_breaking_a_rule_is_listed_and_nothing_is_written(partner_a_client, operator_a):
    world = partner_cohort(operator_a, size=12)
    late = EnrollmentFactory.create(
        cohort=world.cohort, enrolled_on=dt.date(2026, 6, 29), trainee__cin="LATE0001"
    )
    rows = _in_training(world.cohort)
    assert late in rows
    before = ChangeLog.objects.count()
    for confirmed in ("False", "True"):  # refused at the confirmation step and at the write
        response = _post(
            partner_a_client,
            action="graduate",
            on="2026-06-20",
            ids=_ids(rows),
            confirmed=confirmed,
        )
        assert response.status_code == 200
        text = response.content.decode()
        assert 'data-testid="bulk-refusals"' in text
        assert "LATE0001" in text
        assert "précède la date d&#x27;inscription" in text
        assert "20/06/2026" in text  # the reader's date format, not ISO
        assert 'data-testid="bulk-confirm"' not in text
    assert all(e.status == Enrollment.Status.ENROLLED for e in _in_training(world.cohort))
    assert ChangeLog.objects.count() == before


def test_every_row_matching_the_filter(partner_a_client, operator_a):
    world = partner_cohort(operator_a, size=8)
    other = partner_cohort(operator_a, code="RT-OTHER", size=4, cin_prefix="RX")
    rows = _in_training(world.cohort)
    response = _post(
        partner_a_client,
        action="graduate",
        on="2026-06-30",
        everything="on",
        query=f"cohort={world.cohort.pk}&status=enrolled",
    )
    assert f"{len(rows)} inscriptions" in response.content.decode()
    response = _post(
        partner_a_client,
        action="graduate",
        on="2026-06-30",
        ids=_ids(rows),
        query=f"cohort={world.cohort.pk}&status=enrolled",
        confirmed="True",
    )
    assert response.status_code == 302
    assert not _in_training(world.cohort)
    assert len(_in_training(other.cohort)) == 2  # the other cohort is untouched


def test_partner_b_ids_answer_like_missing_ones(partner_b_client, partner_a_client, operator_a):
    world = partner_cohort(operator_a, size=4)
    rows = _in_training(world.cohort)
    for ids in (_ids(rows), "987654321"):
        response = _post(partner_b_client, action="graduate", on="2026-06-30", ids=ids)
        assert response.status_code == 404
        response = _post(
            partner_b_client, action="graduate", on="2026-06-30", ids=ids, confirmed="True"
        )
        assert response.status_code == 404
    # B's filter on A's cohort matches nothing of A's.
    response = _post(
        partner_b_client,
        action="graduate",
        on="2026-06-30",
        everything="on",
        query=f"cohort={world.cohort.pk}",
        confirmed="True",
    )
    assert response.status_code == 400
    assert all(e.status == Enrollment.Status.ENROLLED for e in _in_training(world.cohort))
    # A mix of A's own rows and one missing id is refused as a whole too.
    response = _post(
        partner_a_client, action="graduate", on="2026-06-30", ids=_ids(rows) + " 987654321"
    )
    assert response.status_code == 404


def test_viewers_may_not_act_in_bulk(viewer_a_client, operator_a):
    world = partner_cohort(operator_a, size=2)
    rows = _in_training(world.cohort)
    response = _post(viewer_a_client, action="graduate", on="2026-06-30", ids=_ids(rows))
    assert response.status_code == 403
    page = viewer_a_client.get(reverse("enrollment_list")).content.decode()
    assert 'id="bulk-form"' not in page


def test_list_page_offers_boxes_and_the_bulk_form_to_editors(partner_a_client, operator_a):
    world = partner_cohort(operator_a, size=3)
    page = partner_a_client.get(reverse("enrollment_list")).content.decode()
    assert 'id="bulk-form"' in page
    for enrollment in world.enrollments:
        box = f'type="checkbox" name="ids" value="{enrollment.pk}" form="bulk-form"'
        assert box in page


def test_a_missing_date_is_said_before_anything(partner_a_client, operator_a):
    world = partner_cohort(operator_a, size=2)
    response = _post(partner_a_client, action="graduate", on="", ids=_ids(world.enrollments))
    assert response.status_code == 400
    assert 'data-testid="bulk-errors"' in response.content.decode()


def test_ticked_boxes_post_one_id_each(partner_a_client, operator_a):
    world = partner_cohort(operator_a, size=8)
    rows = _in_training(world.cohort)
    response = partner_a_client.post(
        reverse("enrollment_bulk"),
        {"action": "graduate", "on": "2026-06-30", "ids": [str(e.pk) for e in rows]},
    )
    assert f"{len(rows)} inscriptions, à la date du 30/06/2026" in response.content.decode()


@pytest.mark.parametrize(("language", "words"), [("ar", "تأكيد لـ"), ("en", "Confirm for")])
def test_confirmation_speaks_the_readers_language(
    partner_a_user, partner_a_client, operator_a, language, words
):
    partner_a_user.language = language
    partner_a_user.save(update_fields=["language"])
    world = partner_cohort(operator_a, size=4)
    rows = _in_training(world.cohort)
    response = _post(partner_a_client, action="graduate", on="2026-06-30", ids=_ids(rows))
    text = response.content.decode()
    assert words in text
    assert "Confirmer pour" not in text
    late = EnrollmentFactory.create(cohort=world.cohort, enrolled_on=dt.date(2026, 6, 29))
    response = _post(partner_a_client, action="graduate", on="2026-06-20", ids=_ids([*rows, late]))
    text = response.content.decode()
    assert "29/06/2026" in text
    assert "Rien n&#x27;a été enregistré" not in text
