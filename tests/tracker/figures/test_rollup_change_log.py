"""The figures' durable change log (tracker.models.RollupChange): every write records the
cohorts it touched in its own transaction; the recompute that covers an entry deletes it
in its own transaction; the sweep recomputes what a lost broker message left; pages say
how many changes wait, and since when."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from tests.support.rollups import recount, stored
from tests.tracker.test_placements import hire
from tracker.figures.rollups import rollup_full_recompute, rollup_sweep_run, sql
from tracker.models import RollupChange
from tracker.services.placements import placement_create

pytestmark = pytest.mark.django_db


def _age(seconds: int) -> None:
    RollupChange.objects.update(created_at=timezone.now() - dt.timedelta(seconds=seconds))


def test_a_write_records_its_cohort_in_its_own_transaction(people, partner_a_user) -> None:
    with mock.patch("tracker.figures.tasks.rollup_scope.delay"), transaction.atomic():
        placement_create(enrollment=people.enrollment_a, data=hire(), actor=partner_a_user)
        placement_create(
            enrollment=people.enrollment_a,
            data=hire(hired_on=dt.date(2026, 6, 1), job_title="Autre"),
            actor=partner_a_user,
        )
        # Two writes in one transaction, one cohort: one entry.
        assert list(RollupChange.objects.values_list("cohort_id", flat=True)) == [
            people.cohort_a.pk
        ]


def test_a_rolled_back_write_leaves_no_entry(people, partner_a_user) -> None:
    def write_then_fail() -> None:
        with transaction.atomic():
            placement_create(enrollment=people.enrollment_a, data=hire(), actor=partner_a_user)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert not RollupChange.objects.exists()


def test_the_recompute_that_covers_a_change_deletes_its_entry(
    people, partner_a_user, django_capture_on_commit_callbacks
) -> None:
    rollup_full_recompute()
    with django_capture_on_commit_callbacks(execute=True):
        placement_create(enrollment=people.enrollment_a, data=hire(), actor=partner_a_user)
    # The task ran inline on commit (the fast path): the figures and the log agree.
    assert not RollupChange.objects.exists()
    assert stored() == recount(reference_date=timezone.localdate())


def test_a_lost_message_is_shown_waiting_then_counted_by_the_sweep(
    people,
    partner_a_user,
    admin_client,
    partner_a_client,
    partner_b_client,
    django_capture_on_commit_callbacks,
) -> None:
    rollup_full_recompute()
    before = stored()
    # The broker loses the message: the task never runs.
    with (
        mock.patch("tracker.figures.tasks.rollup_scope.delay"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        placement_create(enrollment=people.enrollment_a, data=hire(), actor=partner_a_user)
    assert stored() == before != recount(reference_date=timezone.localdate())
    # Younger than the sweep's age: neither swept nor announced.
    assert rollup_sweep_run() is None
    assert b'data-testid="pending-changes"' not in admin_client.get("/dashboard/").content
    _age(90)
    since = timezone.localtime(RollupChange.objects.get().created_at).strftime("%H:%M")
    page = admin_client.get("/dashboard/").content.decode()
    assert "1 modification pas encore comptée, depuis " + since in page
    assert "pas encore comptée" in partner_a_client.get("/dashboard/").content.decode()
    # Partner B learns nothing of partner A's changes.
    assert "pas encore comptée" not in partner_b_client.get("/dashboard/").content.decode()
    convention_page = admin_client.get(f"/conventions/{people.convention_a.pk}/")
    assert "pas encore comptée" in convention_page.content.decode()

    assert rollup_sweep_run() is not None
    assert stored() == recount(reference_date=timezone.localdate())
    assert not RollupChange.objects.exists()
    assert "pas encore comptée" not in admin_client.get("/dashboard/").content.decode()


def test_an_entry_written_while_a_recompute_ran_is_kept(people, partner_a_user) -> None:
    """A recompute deletes only the entries it saw before staging: one committed later
    waits for the next run (else its change could be lost)."""
    rollup_full_recompute()
    RollupChange.objects.create(cohort_id=people.cohort_a.pk)
    late: list[int] = []
    original = sql.stage_cohort_rows

    def stage_then_a_write_commits(**kwargs):
        late.append(RollupChange.objects.create(cohort_id=people.cohort_a.pk).pk)
        return original(**kwargs)

    with mock.patch.object(sql, "stage_cohort_rows", stage_then_a_write_commits):
        rollup_sweep_run(older_than=dt.timedelta(0))
    assert list(RollupChange.objects.values_list("pk", flat=True)) == late
