"""Lagging-convention alerts: to the convention's managers, with figures and a link,
once per period however often the weekly task runs."""

from __future__ import annotations

import datetime as dt

from django.core import mail

from accounts.models import Role
from conventions.models import Convention, Indicator
from tests.support.factories import (
    CohortFactory,
    CommitmentFactory,
    ConventionFactory,
    EnrollmentFactory,
    UserFactory,
)
from tracker.figures.rollups import rollup_full_recompute
from tracker.models import LaggingAlert
from tracker.services.lagging_alerts import lagging_alerts_send
from tracker.tasks import lagging_alerts

TODAY = dt.date(2026, 11, 1)


def active_convention(**kwargs) -> Convention:
    convention = ConventionFactory.create(**kwargs)
    Convention.objects.filter(pk=convention.pk).update(status=Convention.Status.ACTIVE)
    convention.refresh_from_db()
    return convention


def test_managers_get_their_lagging_conventions_once_per_period(db) -> None:
    manager = UserFactory.create(role=Role.MANAGER, email="m1@example.ma")
    other_manager = UserFactory.create(role=Role.MANAGER, email="m2@example.ma")
    lagging = active_convention(title="Bootcamp lent")
    lagging.managers.add(manager)
    on_track = active_convention(title="Bootcamp à l'heure")
    on_track.managers.add(manager, other_manager)
    draft = ConventionFactory.create(title="Brouillon")  # drafts never alert
    draft.managers.add(manager)
    for convention, target in ((lagging, 100), (on_track, 1), (draft, 100)):
        cohort = CohortFactory.create(convention=convention)
        EnrollmentFactory.create(cohort=cohort, enrolled_on=dt.date(2025, 3, 3))
        CommitmentFactory.create(
            convention=convention, indicator=Indicator.ENROLLED, year=2025, target_value=target
        )
    rollup_full_recompute(reference_date=TODAY)

    assert lagging_alerts_send(today=TODAY) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["m1@example.ma"]
    assert lagging.reference in message.body
    assert on_track.reference not in message.body
    assert draft.reference not in message.body
    assert f"/conventions/{lagging.pk}/" in message.body
    assert "1.0" in message.body or "1,0" in message.body  # the figure to date
    alert = LaggingAlert.objects.get()
    assert (alert.convention, alert.recipient, alert.period) == (lagging, manager, "2026-T4")
    assert alert.figures["enrolled"]["value"] == "1"

    # Running again in the same period sends nothing; the next period sends again.
    assert lagging_alerts_send(today=TODAY + dt.timedelta(days=7)) == 0
    assert len(mail.outbox) == 1
    assert lagging_alerts_send(today=dt.date(2027, 1, 4)) == 1
    assert len(mail.outbox) == 2


def test_the_weekly_task_is_wired(db) -> None:
    lagging_alerts.delay()  # nothing lagging: runs, sends nothing
    assert mail.outbox == []


def test_each_manager_reads_the_alert_in_their_own_language(db) -> None:
    arabic = UserFactory.create(role=Role.MANAGER, email="ar@example.ma", language="ar")
    english = UserFactory.create(role=Role.MANAGER, email="en@example.ma", language="en")
    lagging = active_convention(title="Bootcamp lent")
    lagging.managers.add(arabic, english)
    cohort = CohortFactory.create(convention=lagging)
    EnrollmentFactory.create(cohort=cohort, enrolled_on=dt.date(2025, 3, 3))
    CommitmentFactory.create(
        convention=lagging, indicator=Indicator.ENROLLED, year=2025, target_value=1500
    )
    rollup_full_recompute(reference_date=TODAY)

    assert lagging_alerts_send(today=TODAY) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    english_mail = by_recipient["en@example.ma"]
    assert english_mail.subject == "1 agreement(s) behind on their commitments"
    assert "(period Q4 2026)" in english_mail.body
    assert "1,500.0" in english_mail.body  # the target, English grouping
    arabic_mail = by_recipient["ar@example.ma"]
    assert "Bootcamp" not in arabic_mail.subject
    assert "\u20661.500,0\u2069" in arabic_mail.body  # Arabic grouping, isolated left to right
    assert "Bonjour" not in arabic_mail.body
