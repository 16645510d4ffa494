"""The match stays fresh like the rollups: a declarations commit marks it stale in its
own transaction; hires changed through any door move the watermark; the sweep rebuilds
what a lost task left stale, and does nothing when nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.support.factories import EnrollmentFactory, PlacementFactory, TraineeFactory
from tests.support.verification import declaration_batch, declare
from tracker.models import HireVerification, VerificationChange, VerificationState
from tracker.verification.state import verification_rebuild, verification_sweep

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(seconds=60)


def test_sweep_does_nothing_when_nothing_changed() -> None:
    verification_rebuild()
    assert verification_sweep(older_than=MINUTE) is False
    VerificationState.objects.update(rebuilt_at=timezone.now() - 11 * MINUTE)
    assert verification_sweep(older_than=MINUTE) is False


def test_a_hire_recorded_after_the_rebuild_is_matched_by_the_sweep(admin_user) -> None:
    verification_rebuild()
    trainee = TraineeFactory.create()
    hire = PlacementFactory.create(
        enrollment=EnrollmentFactory.create(trainee=trainee),
        hired_on=dt.date(2025, 4, 2),
        employer_ice="001111111000011",
    )
    declare(declaration_batch(admin_user), trainee, 2025, 4, ice="001111111000011")
    assert not HireVerification.objects.filter(placement=hire).exists()
    # Hires moving alone rebuild at most every 10 minutes (a national rebuild is heavy).
    assert verification_sweep(older_than=MINUTE) is False
    VerificationState.objects.update(rebuilt_at=timezone.now() - 11 * MINUTE)
    assert verification_sweep(older_than=MINUTE) is True
    assert HireVerification.objects.get(placement=hire).verified


def test_a_marker_whose_task_was_lost_is_swept_after_a_minute() -> None:
    verification_rebuild()
    VerificationChange.objects.create(created_at=timezone.now(), reason="declarations")
    assert verification_sweep(older_than=MINUTE) is False  # its task may still come
    VerificationChange.objects.update(created_at=timezone.now() - 2 * MINUTE)
    assert verification_sweep(older_than=MINUTE) is True
    assert not VerificationChange.objects.exists()


def test_a_declarations_commit_leaves_its_marker_until_the_rebuild(admin_user, monkeypatch) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import TestCase

    from tests.support.verification import answer_csv
    from tracker.imports.declarations.services import declarations_confirm, declarations_upload
    from tracker.verification import state

    TraineeFactory.create(cin="AB100001")
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = declarations_upload(
            user=admin_user,
            uploaded_file=SimpleUploadedFile(
                "c.csv", answer_csv("AB100001;001111111000011;;2025-04;26;9000")
            ),
        )
    # The rebuild's task is lost: the validation and commit tasks still run.
    real_queue = state.queue_task
    monkeypatch.setattr(
        state,
        "queue_task",
        lambda name, *args: (
            None if name == "tracker.figures_verification_rebuild" else real_queue(name, *args)
        ),
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        declarations_confirm(user=admin_user, batch=batch)
    assert VerificationChange.objects.filter(reason="declarations").exists()
    VerificationChange.objects.update(created_at=timezone.now() - 2 * MINUTE)
    assert verification_sweep(older_than=MINUTE) is True
    assert not VerificationChange.objects.exists()
