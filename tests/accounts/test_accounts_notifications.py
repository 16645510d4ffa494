"""Notifications (accounts app): who is told of which event, in the product and by
e-mail (once, in the recipient's language, with a link), per-kind e-mail opt-out, the
bell's count and the list, and nobody reading another's notifications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import EmailOutbox, Notification, NotificationKind, Role, User
from accounts.services.notifications import notification_email_send
from conventions.models import Convention
from conventions.services import TRANSITION_SERVICES, WorkflowError
from tests.support.factories import UserFactory, convention_in_status, signable_convention
from tests.support.imports import csv_bytes, enrolled_row, upload

pytestmark = pytest.mark.django_db

K = NotificationKind


def _kinds(user: User) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.fixture
def second_admin(db) -> User:
    return UserFactory.create(username="admin2", role=Role.ADMIN, language="ar")


def test_submission_notifies_every_admin_by_bell_and_email(
    admin_user, second_admin, manager_user, operator_a, django_capture_on_commit_callbacks
) -> None:
    convention = signable_convention(manager=manager_user, operator=operator_a)
    with django_capture_on_commit_callbacks(execute=True):
        TRANSITION_SERVICES["submit"](actor=manager_user, convention=convention, comment="Prête")
    assert _kinds(admin_user) == [K.CONVENTION_SUBMITTED]
    assert _kinds(second_admin) == [K.CONVENTION_SUBMITTED]
    assert _kinds(manager_user) == []  # the actor is not told of its own act
    assert sorted(m.to[0] for m in mail.outbox) == sorted([admin_user.email, second_admin.email])
    french = next(m for m in mail.outbox if m.to == [admin_user.email])
    review = reverse("conventions:review_convention", args=[convention.pk])
    assert french.subject == f"Convention {convention.reference} soumise à votre revue"
    assert f"http://localhost:8000{review}" in french.body  # an absolute link
    arabic = next(m for m in mail.outbox if m.to == [second_admin.email])
    assert "soumise" not in arabic.subject  # the recipient's language
    assert convention.reference in arabic.subject
    assert EmailOutbox.objects.filter(status=EmailOutbox.Status.SENT).count() == 2


def test_return_and_approval_notify_the_submitter_and_the_managers(
    admin_user, manager_user, other_manager_user, operator_a, django_capture_on_commit_callbacks
) -> None:
    convention = signable_convention(manager=manager_user, operator=operator_a)
    convention.managers.add(other_manager_user)
    TRANSITION_SERVICES["submit"](actor=other_manager_user, convention=convention)
    with django_capture_on_commit_callbacks(execute=True):
        TRANSITION_SERVICES["return_to_draft"](
            actor=admin_user, convention=convention, comment="Ajoutez l'annexe 2"
        )
    returned = Notification.objects.get(recipient=other_manager_user, kind=K.CONVENTION_RETURNED)
    assert returned.params["comment"] == "Ajoutez l'annexe 2"
    assert Notification.objects.filter(recipient=manager_user, kind=K.CONVENTION_RETURNED).exists()
    assert any("Ajoutez l'annexe 2" in m.body for m in mail.outbox)

    TRANSITION_SERVICES["submit"](actor=manager_user, convention=convention)
    TRANSITION_SERVICES["sign"](actor=admin_user, convention=convention)
    assert K.CONVENTION_APPROVED in _kinds(manager_user)
    assert K.CONVENTION_APPROVED in _kinds(other_manager_user)
    assert K.CONVENTION_APPROVED not in _kinds(admin_user)


def test_status_changes_notify_managers_and_the_parties_users_only(
    admin_user, manager_user, operator_a, partner_a_user, viewer_a_user, partner_b_user
) -> None:
    convention = convention_in_status(
        Convention.Status.ACTIVE, manager=manager_user, admin=admin_user, operator=operator_a
    )
    TRANSITION_SERVICES["suspend"](actor=admin_user, convention=convention)
    TRANSITION_SERVICES["terminate"](actor=admin_user, convention=convention, comment="Fin")
    expected = [K.CONVENTION_ACTIVATED, K.CONVENTION_SUSPENDED, K.CONVENTION_TERMINATED]
    for user in (manager_user, partner_a_user, viewer_a_user):
        assert sorted(k for k in _kinds(user) if k in expected) == sorted(expected)
    assert _kinds(partner_b_user) == []


def test_a_refused_transition_notifies_no_one(admin_user, manager_user, operator_a) -> None:
    convention = signable_convention(manager=manager_user, operator=operator_a)
    TRANSITION_SERVICES["submit"](actor=manager_user, convention=convention)
    Convention.objects.filter(pk=convention.pk).update(signed_on=None)
    before = Notification.objects.count()
    with pytest.raises(WorkflowError):
        TRANSITION_SERVICES["sign"](actor=admin_user, convention=convention)
    assert Notification.objects.count() == before


def test_email_opt_out_keeps_the_notification_in_the_list(
    admin_user, manager_user, operator_a, client, django_capture_on_commit_callbacks
) -> None:
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:notification_preferences"),
        {"emailed": [k for k in K.values if k != K.CONVENTION_SUBMITTED]},
    )
    assert response.status_code == 302
    convention = signable_convention(manager=manager_user, operator=operator_a)
    with django_capture_on_commit_callbacks(execute=True):
        TRANSITION_SERVICES["submit"](actor=manager_user, convention=convention)
    assert _kinds(admin_user) == [K.CONVENTION_SUBMITTED]
    assert mail.outbox == []
    assert not EmailOutbox.objects.exists()
    page = client.get(reverse("accounts:notification_preferences"))
    assert page.context["form"].initial["emailed"] == sorted(
        k for k in K.values if k != K.CONVENTION_SUBMITTED
    )


def test_an_outbox_row_is_sent_once_however_often_the_task_runs(
    admin_user, manager_user, operator_a
) -> None:
    convention = signable_convention(manager=manager_user, operator=operator_a)
    TRANSITION_SERVICES["submit"](actor=manager_user, convention=convention)  # not committed
    outbox = EmailOutbox.objects.get()
    assert notification_email_send(outbox_id=outbox.pk) is True
    assert notification_email_send(outbox_id=outbox.pk) is False
    assert len(mail.outbox) == 1


def test_import_outcomes_notify_the_uploader(partner_a_user, people) -> None:
    batch = upload(partner_a_user, csv_bytes([enrolled_row(people.cohort_a.code, "AB123456")]))
    notification = Notification.objects.get(recipient=partner_a_user)
    assert notification.kind == K.IMPORT_FINISHED
    assert notification.link == reverse("import_detail", args=[batch.pk])


def test_import_failure_during_validation_notifies_the_uploader(partner_a_user, people) -> None:
    batch = upload(partner_a_user, csv_bytes([]), "vide.csv")  # a header, no rows
    assert batch.status == "failed"
    notification = Notification.objects.get(recipient=partner_a_user)
    assert notification.kind == K.IMPORT_FAILED
    assert notification.params["reason"]


def test_lagging_alert_is_in_the_list_too(db) -> None:
    from conventions.models import Indicator
    from tests.support.factories import CohortFactory, CommitmentFactory, EnrollmentFactory
    from tests.tracker.figures.test_lagging_alerts import TODAY, active_convention
    from tracker.figures.rollups import rollup_full_recompute
    from tracker.services.lagging_alerts import lagging_alerts_send

    manager = UserFactory.create(role=Role.MANAGER, email="m1@example.ma")
    lagging = active_convention(title="Bootcamp lent")
    lagging.managers.add(manager)
    cohort = CohortFactory.create(convention=lagging)
    EnrollmentFactory.create(cohort=cohort, enrolled_on=dt.date(2025, 3, 3))
    CommitmentFactory.create(
        convention=lagging, indicator=Indicator.ENROLLED, year=2025, target_value=100
    )
    rollup_full_recompute(reference_date=TODAY)
    assert lagging_alerts_send(today=TODAY) == 1
    notification = Notification.objects.get(recipient=manager)
    assert notification.kind == K.LAGGING_ALERT
    assert not EmailOutbox.objects.exists()  # the weekly digest is its e-mail
    assert len(mail.outbox) == 1


def test_bell_counts_unread_and_the_list_marks_read(
    admin_user, admin_client, manager_user, operator_a
) -> None:
    convention = signable_convention(manager=manager_user, operator=operator_a)
    TRANSITION_SERVICES["submit"](actor=manager_user, convention=convention)
    home = admin_client.get(reverse("home")).content.decode()
    assert 'data-testid="notification-count">1<' in home
    listing = admin_client.get(reverse("accounts:notification_list"))
    assert convention.reference in listing.content.decode()
    notification = Notification.objects.get(recipient=admin_user)
    opened = admin_client.post(reverse("accounts:notification_open", args=[notification.pk]))
    assert opened["Location"] == reverse("conventions:review_convention", args=[convention.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert (
        'data-testid="notification-count"' not in admin_client.get(reverse("home")).content.decode()
    )
    unread = admin_client.get(reverse("accounts:notification_list"), {"unread": "true"})
    assert list(unread.context["table"].rows) == []


def test_read_all_marks_only_ones_own(admin_user, admin_client, partner_a_user) -> None:
    mine = Notification.objects.create(recipient=admin_user, kind=K.IMPORT_FINISHED, link="/")
    theirs = Notification.objects.create(recipient=partner_a_user, kind=K.IMPORT_FINISHED, link="/")
    admin_client.post(reverse("accounts:notification_read_all"))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_partner_b_cannot_open_or_list_partner_a_notifications(
    partner_a_user, partner_b_client
) -> None:
    notification = Notification.objects.create(
        recipient=partner_a_user, kind=K.IMPORT_FINISHED, link="/", params={"file": "a.csv"}
    )
    opened = partner_b_client.post(reverse("accounts:notification_open", args=[notification.pk]))
    assert opened.status_code == 404
    listing = partner_b_client.get(reverse("accounts:notification_list"))
    assert "a.csv" not in listing.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is None
