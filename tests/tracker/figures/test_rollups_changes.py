"""After a change commits, the affected figures change, and no others.

The people and import services belong to other areas; these tests make the same model
writes and call ``rollup_after_commit`` in the same transaction, as those services do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from tests.support.factories import (
    CohortFactory,
    EnrollmentFactory,
    PlacementFactory,
    TraineeFactory,
    region,
)
from tests.support.rollups import INDEX, changed_cells, recount, stored
from tracker.figures.rollup_queue import rollup_after_commit
from tracker.figures.rollups import rollup_full_recompute
from tracker.models import Enrollment, Rollup, RollupRun, RollupState

REFERENCE = dt.date(2026, 11, 1)


@pytest.fixture
def two_cohorts(db):
    """Two cohorts in different regions, conventions and operators, each with rows."""
    first = CohortFactory.create(region=region("MA-06"))
    second = CohortFactory.create(region=region("MA-01"))
    for cohort in (first, second):
        for sex in ("F", "M"):
            EnrollmentFactory.create(
                cohort=cohort,
                trainee=TraineeFactory.create(sex=sex),
                enrolled_on=dt.date(2026, 1, 5),
            )
    rollup_full_recompute(reference_date=REFERENCE)
    return first, second


def scopes_of(cohort) -> set[tuple[str, int]]:
    members = {
        ("cohort", cohort.id),
        ("region", cohort.region_id),
        ("filiere", cohort.filiere_id),
        ("convention", cohort.convention_id),
        ("operator", cohort.operator_id),
        ("national", 0),
    }
    if cohort.zone_id:
        members.add(("zone", cohort.zone_id))
    return members


def test_graduating_an_enrollment_changes_its_scopes_graduates_only(
    two_cohorts, django_capture_on_commit_callbacks
) -> None:
    first, _second = two_cohorts
    enrollment = Enrollment.objects.filter(cohort=first, trainee__sex="F").get()
    before = stored()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enrollment.status = Enrollment.Status.GRADUATED
        enrollment.graduated_on = dt.date(2026, 7, 3)
        enrollment.save()
        rollup_after_commit(cohort_ids=[first.id])
    after = stored()
    changed = changed_cells(before, after)
    assert {(cell[0], cell[1]) for cell in changed} == scopes_of(first)
    assert {cell[2:] for cell in changed} == {("F", 2026, 3)}
    for cell in changed:
        assert after[cell][INDEX["graduates"]] == 1
    assert after == recount(reference_date=REFERENCE)


def test_recording_a_hire_changes_its_scopes_jobs_only(
    two_cohorts, django_capture_on_commit_callbacks
) -> None:
    _first, second = two_cohorts
    enrollment = Enrollment.objects.filter(cohort=second, trainee__sex="M").get()
    before = stored()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        PlacementFactory.create(enrollment=enrollment, hired_on=dt.date(2026, 10, 2))
        rollup_after_commit(cohort_ids=[second.id])
    after = stored()
    changed = changed_cells(before, after)
    assert {(cell[0], cell[1]) for cell in changed} == scopes_of(second)
    assert {cell[2:] for cell in changed} == {("M", 2026, 4)}
    for cell in changed:
        assert after[cell][INDEX["jobs_created"]] == 1
    assert after == recount(reference_date=REFERENCE)


def test_committing_an_import_changes_the_touched_scopes_only(
    two_cohorts, django_capture_on_commit_callbacks
) -> None:
    first, second = two_cohorts
    before = stored()
    # An import commits many rows in one transaction and asks once for its cohorts.
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for day in range(1, 11):
            EnrollmentFactory.create(cohort=first, enrolled_on=dt.date(2026, 5, day))
            rollup_after_commit(cohort_ids=[first.id])
    assert len(callbacks) == 1  # one rollup queued for the whole import
    after = stored()
    changed = changed_cells(before, after)
    assert {(cell[0], cell[1]) for cell in changed} == scopes_of(first)
    assert {cell[3:] for cell in changed} == {(2026, 2)}
    assert not [cell for cell in changed if cell[:2] == ("cohort", second.id)]
    assert after == recount(reference_date=REFERENCE)


def test_moving_a_cohort_to_another_region_moves_its_figures_and_nothing_else(
    two_cohorts, django_capture_on_commit_callbacks
) -> None:
    first, _second = two_cohorts
    old_region = first.region_id
    new_region = region("MA-04")
    before = stored()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first.region = new_region
        first.save()
        rollup_after_commit(cohort_ids=[first.id], previous=[("region", old_region)])
    after = stored()
    changed = changed_cells(before, after)
    assert {(cell[0], cell[1]) for cell in changed} == {
        ("region", old_region),
        ("region", new_region.id),
    }
    assert not [c for c in after if c[:2] == ("region", old_region)]
    assert after == recount(reference_date=REFERENCE)


def test_a_rolled_back_change_queues_nothing_and_the_next_one_still_does(
    two_cohorts, django_capture_on_commit_callbacks
) -> None:
    first, second = two_cohorts
    runs = RollupRun.objects.count()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rollup_after_commit(cohort_ids=[first.id])
        transaction.set_rollback(True)
    assert RollupRun.objects.count() == runs
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rollup_after_commit(cohort_ids=[second.id])
    assert RollupRun.objects.filter(scope__cohorts=[second.id]).count() == 1


def test_scoped_recompute_keeps_the_reference_date_of_the_full_one(
    two_cohorts, django_capture_on_commit_callbacks
) -> None:
    first, _second = two_cohorts
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rollup_after_commit(cohort_ids=[first.id])
    assert RollupState.objects.get().reference_date == REFERENCE
    assert Rollup.objects.exists()


def test_a_request_already_covered_by_a_later_run_is_skipped(two_cohorts, settings) -> None:
    from django.utils import timezone

    from tracker.figures.rollups import rollup_scope_recompute

    settings.ROLLUP_DEDUP_CLOCK_MARGIN = 0
    first, _second = two_cohorts
    requested_at = timezone.now()
    first_run = rollup_scope_recompute(cohort_ids=[first.id], requested_at=requested_at)
    second_run = rollup_scope_recompute(cohort_ids=[first.id], requested_at=requested_at)
    assert not first_run.skipped
    assert second_run.skipped
