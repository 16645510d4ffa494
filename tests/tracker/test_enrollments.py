"""Enrollments: the services (rules, transitions, overlap, locking, history, rollups)
and the pages (who may do what)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.support.factories import CohortFactory, EnrollmentFactory, PlacementFactory, region
from tracker.identity import IDENTITY_MISMATCH_MESSAGE
from tracker.models import ChangeLog, Enrollment, Trainee
from tracker.services import enrollments as enrollment_services
from tracker.services.enrollments import (
    enrollment_create,
    enrollment_drop_out,
    enrollment_fail,
    enrollment_graduate,
    enrollment_update,
)
from tracker.services.locking import ConcurrentEditError
from tracker.services.trainees import TraineeInput

pytestmark = pytest.mark.django_db
D = dt.date


def person(**overrides: object) -> TraineeInput:
    values: dict = {
        "cin": "jb 445566",
        "first_name": "Salma",
        "last_name": "Idrissi",
        "first_name_ar": "سلمى",
        "last_name_ar": "الإدريسي",
        "sex": "F",
        "birth_date": D(2001, 3, 14),
        "phone": "06 61 23 45 67",
        "email": "Salma.Idrissi@Example.ma",
    }
    values.update(overrides)
    return TraineeInput(**values)


# --- enrollment_create --------------------------------------------------------------


def test_enroll_normalises_cin_phone_and_email(people, partner_a_user: User) -> None:
    enrollment = enrollment_create(
        cohort=people.cohort_a, trainee=person(), enrolled_on=D(2026, 1, 10), actor=partner_a_user
    )
    trainee = enrollment.trainee
    contact = trainee.contacts.get(operator_id=people.cohort_a.operator_id)
    assert (trainee.cin, contact.phone, contact.email) == (
        "JB445566",
        "+212661234567",
        "salma.idrissi@example.ma",
    )
    assert enrollment.status == Enrollment.Status.ENROLLED
    assert enrollment.updated_by == partner_a_user
    log = ChangeLog.objects.get(entity=ChangeLog.Entity.ENROLLMENT, object_id=enrollment.pk)
    assert (log.action, log.actor) == ("created", partner_a_user)


def test_enroll_finds_existing_trainee_by_cin(people, partner_a_user: User) -> None:
    cohort = CohortFactory.create(
        convention=people.convention_a,
        operator=people.cohort_a.operator,
        starts_on=D(2026, 9, 1),
        ends_on=D(2026, 12, 31),
    )
    first = enrollment_create(
        cohort=people.cohort_a, trainee=person(), enrolled_on=D(2026, 1, 10), actor=partner_a_user
    )
    enrollment_drop_out(
        enrollment=first, version=first.version, exited_on=D(2026, 2, 1), actor=partner_a_user
    )
    second = enrollment_create(
        cohort=cohort,
        trainee=person(cin="JB445566", phone=""),
        enrolled_on=D(2026, 9, 1),
        actor=partner_a_user,
    )
    assert second.trainee_id == first.trainee_id
    assert Trainee.objects.filter(cin="JB445566").count() == 1
    # An empty phone in the new entry does not erase the known one.
    assert second.trainee.contacts.get(operator_id=cohort.operator_id).phone == "+212661234567"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"cin": "12345"}, "cin", "n'est pas une CIN valide"),
        ({"phone": "0812"}, "phone", "n'est pas un numéro marocain valide"),
        ({"email": "salma@"}, "email", "n'est pas une adresse e-mail valide"),
        ({"birth_date": D(2020, 1, 1)}, "birth_date", "Date de naissance invraisemblable"),
    ],
)
def test_enroll_rejects_bad_personal_data(
    people, partner_a_user: User, overrides: dict, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        enrollment_create(
            cohort=people.cohort_a,
            trainee=person(**overrides),
            enrolled_on=D(2026, 1, 10),
            actor=partner_a_user,
        )
    assert message in " ".join(caught.value.message_dict[field])
    assert not Trainee.objects.filter(first_name="Salma").exists()


def test_enroll_rejects_date_after_cohort_end(people, partner_a_user: User) -> None:
    with pytest.raises(ValidationError, match="après la fin de la cohorte"):
        enrollment_create(
            cohort=people.cohort_a,
            trainee=person(),
            enrolled_on=D(2026, 7, 1),
            actor=partner_a_user,
        )
    assert not Trainee.objects.filter(cin="JB445566").exists()


def test_enroll_twice_in_same_cohort_is_refused(people, partner_a_user: User) -> None:
    with pytest.raises(ValidationError, match="déjà inscrite dans cette cohorte"):
        enrollment_create(
            cohort=people.cohort_a,
            trainee=person(
                cin="AA111111", first_name="Fatima", last_name="Benali", birth_date=D(2000, 5, 17)
            ),
            enrolled_on=D(2026, 1, 10),
            actor=partner_a_user,
        )


def test_overlapping_enrollment_is_refused_without_naming_the_other(
    people, partner_b_user: User
) -> None:
    """Trainee A is in training with operator A; operator B tries to enroll her over the
    same period: refused, and the message names neither A's cohort nor A."""
    with pytest.raises(ValidationError) as caught:
        enrollment_create(
            cohort=people.cohort_b,
            trainee=person(
                cin="AA111111", first_name="Fatima", last_name="Benali", birth_date=D(2000, 5, 17)
            ),
            enrolled_on=D(2026, 2, 1),
            actor=partner_b_user,
        )
    message = " ".join(caught.value.messages)
    assert "formations qui se chevauchent" in message
    assert people.cohort_a.code not in message
    assert people.cohort_a.operator.name not in message
    assert not Enrollment.objects.filter(cohort=people.cohort_b, trainee=people.trainee_a).exists()


def test_enrollment_after_the_other_one_ended_is_accepted(people, partner_b_user: User) -> None:
    later = CohortFactory.create(
        convention=people.convention_b,
        operator=people.cohort_b.operator,
        starts_on=D(2026, 7, 1),
        ends_on=D(2026, 12, 31),
    )
    enrollment = enrollment_create(
        cohort=later,
        trainee=person(
            cin="AA111111", first_name="Fatima", last_name="Benali", birth_date=D(2000, 5, 17)
        ),
        enrolled_on=D(2026, 7, 1),
        actor=partner_b_user,
    )
    assert enrollment.trainee_id == people.trainee_a.pk


def test_enroll_permissions(people, partner_b_user, viewer_a_user, other_manager_user) -> None:
    for outsider in (partner_b_user, viewer_a_user, other_manager_user):
        with pytest.raises(PermissionDenied):
            enrollment_create(
                cohort=people.cohort_a,
                trainee=person(),
                enrolled_on=D(2026, 1, 10),
                actor=outsider,
            )


def test_convention_manager_and_admin_may_enroll(people, manager_user, admin_user) -> None:
    enrollment_create(
        cohort=people.cohort_a, trainee=person(), enrolled_on=D(2026, 1, 10), actor=manager_user
    )
    enrollment_create(
        cohort=people.cohort_a,
        trainee=person(cin="JB1"),
        enrolled_on=D(2026, 1, 10),
        actor=admin_user,
    )


# --- transitions --------------------------------------------------------------------


def test_graduate_records_date_who_and_when(people, partner_a_user: User) -> None:
    enrollment = people.enrollment_a
    graduated = enrollment_graduate(
        enrollment=enrollment,
        version=1,
        graduated_on=D(2026, 6, 30),
        certificate_ref="CERT-1",
        actor=partner_a_user,
    )
    graduated.refresh_from_db()
    assert graduated.status == Enrollment.Status.GRADUATED
    assert graduated.graduated_on == D(2026, 6, 30)
    assert graduated.version == 2
    assert graduated.updated_by == partner_a_user
    log = ChangeLog.objects.get(
        entity=ChangeLog.Entity.ENROLLMENT, object_id=enrollment.pk, action="graduated"
    )
    assert log.changes["status"] == ["enrolled", "graduated"]
    assert log.changes["graduated_on"] == [None, "2026-06-30"]
    assert log.actor == partner_a_user


@pytest.mark.parametrize(
    ("graduated_on", "message"),
    [
        (D(2026, 1, 4), "précède la date d'inscription"),
        (D(2027, 7, 1), "est dans le futur"),
    ],
)
def test_graduate_rejects_dates(people, partner_a_user, graduated_on, message) -> None:
    with pytest.raises(ValidationError, match=message):
        enrollment_graduate(
            enrollment=people.enrollment_a,
            version=1,
            graduated_on=graduated_on,
            actor=partner_a_user,
        )
    people.enrollment_a.refresh_from_db()
    assert people.enrollment_a.status == Enrollment.Status.ENROLLED


@pytest.mark.parametrize(
    ("service", "status"),
    [
        (enrollment_drop_out, Enrollment.Status.DROPPED_OUT),
        (enrollment_fail, Enrollment.Status.FAILED),
    ],
)
def test_exit_transitions(people, partner_a_user, service, status) -> None:
    with pytest.raises(ValidationError, match=r"La date de sortie .* précède"):
        service(
            enrollment=people.enrollment_a,
            version=1,
            exited_on=D(2026, 1, 1),
            actor=partner_a_user,
        )
    done = service(
        enrollment=people.enrollment_a, version=1, exited_on=D(2026, 3, 1), actor=partner_a_user
    )
    assert (done.status, done.exited_on) == (status, D(2026, 3, 1))


def test_closed_enrollment_cannot_change_status(people, partner_a_user) -> None:
    done = enrollment_fail(
        enrollment=people.enrollment_a, version=1, exited_on=D(2026, 3, 1), actor=partner_a_user
    )
    with pytest.raises(ValidationError, match="déjà close"):
        enrollment_graduate(
            enrollment=done,
            version=done.version,
            graduated_on=D(2026, 6, 30),
            actor=partner_a_user,
        )


def test_update_cannot_move_enrollment_after_a_hire(people, partner_a_user) -> None:
    PlacementFactory.create(enrollment=people.enrollment_a, hired_on=D(2026, 3, 1))
    with pytest.raises(ValidationError, match="Une embauche est enregistrée le 01/03/2026"):
        enrollment_update(
            enrollment=people.enrollment_a,
            version=1,
            enrolled_on=D(2026, 4, 1),
            certificate_ref="",
            actor=partner_a_user,
        )


def test_concurrent_edit_is_refused_and_overwrites_nothing(people, partner_a_user, manager_user):
    """Both open version 1; the manager saves first; partner A's save is a conflict."""
    enrollment = people.enrollment_a
    enrollment_update(
        enrollment=enrollment,
        version=1,
        enrolled_on=D(2026, 1, 6),
        certificate_ref="MGR",
        actor=manager_user,
    )
    with pytest.raises(ConcurrentEditError, match="modifiée par quelqu'un d'autre"):
        enrollment_update(
            enrollment=enrollment,
            version=1,
            enrolled_on=D(2026, 1, 7),
            certificate_ref="PARTNER",
            actor=partner_a_user,
        )
    enrollment.refresh_from_db()
    assert (enrollment.enrolled_on, enrollment.certificate_ref, enrollment.version) == (
        D(2026, 1, 6),
        "MGR",
        2,
    )


def test_every_write_asks_for_a_rollup_of_its_cohort(people, partner_a_user) -> None:
    with mock.patch.object(enrollment_services, "rollup_after_commit") as rollup:
        enrollment_graduate(
            enrollment=people.enrollment_a,
            version=1,
            graduated_on=D(2026, 6, 30),
            actor=partner_a_user,
        )
    rollup.assert_called_once_with(cohort_ids=[people.cohort_a.pk])


# --- pages --------------------------------------------------------------------------


def _enroll_post(**overrides: str) -> dict[str, str]:
    data = {
        "cin": "jb445566",
        "first_name": "Salma",
        "last_name": "Idrissi",
        "sex": "F",
        "birth_date": "2001-03-14",
        "phone": "0661234567",
        "email": "",
        "enrolled_on": "2026-01-10",
    }
    data.update(overrides)
    return data


def test_partner_enrolls_through_the_page(people, partner_a_client: Client) -> None:
    url = reverse("enrollment_create", args=[people.cohort_a.pk])
    response = partner_a_client.post(url, _enroll_post())
    assert response.status_code == 302
    assert Enrollment.objects.filter(cohort=people.cohort_a, trainee__cin="JB445566").exists()


def test_enroll_page_shows_field_errors_and_saves_nothing(people, partner_a_client) -> None:
    url = reverse("enrollment_create", args=[people.cohort_a.pk])
    response = partner_a_client.post(url, _enroll_post(cin="123", phone="99"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "n&#x27;est pas une CIN valide" in content
    assert "n&#x27;est pas un numéro marocain valide" in content
    assert not Trainee.objects.filter(first_name="Salma").exists()


def test_viewer_changes_nothing(people, viewer_a_client: Client) -> None:
    enrollment = people.enrollment_a
    posts = [
        (reverse("enrollment_create", args=[people.cohort_a.pk]), _enroll_post()),
        (
            reverse("enrollment_graduate", args=[enrollment.pk]),
            {"version": 1, "graduated_on": "2026-06-30"},
        ),
        (
            reverse("enrollment_drop_out", args=[enrollment.pk]),
            {"version": 1, "exited_on": "2026-03-01"},
        ),
        (
            reverse("enrollment_fail", args=[enrollment.pk]),
            {"version": 1, "exited_on": "2026-03-01"},
        ),
        (
            reverse("enrollment_update", args=[enrollment.pk]),
            {"version": 1, "enrolled_on": "2026-01-06"},
        ),
    ]
    for url, data in posts:
        assert viewer_a_client.post(url, data).status_code == 403
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.version) == (Enrollment.Status.ENROLLED, 1)
    assert not Trainee.objects.filter(cin="JB445566").exists()
    detail = viewer_a_client.get(
        reverse("enrollment_detail", args=[enrollment.pk])
    ).content.decode()
    assert "graduate-form" not in detail
    assert "record-hire" not in detail
    cohort_page = viewer_a_client.get(reverse("cohort_detail", args=[people.cohort_a.pk]))
    assert 'data-testid="enroll"' not in cohort_page.content.decode()


def test_transition_page_graduates_and_shows_history(people, partner_a_client) -> None:
    enrollment = people.enrollment_a
    response = partner_a_client.post(
        reverse("enrollment_graduate", args=[enrollment.pk]),
        {"version": 1, "graduated_on": "2026-06-30", "certificate_ref": "CERT-9"},
    )
    assert response.status_code == 302
    detail = partner_a_client.get(reverse("enrollment_detail", args=[enrollment.pk]))
    content = detail.content.decode()
    assert "diplomation" in content  # the history says what happened, in French
    assert "CERT-9" in content
    assert "partner.a" in content


def test_transition_page_error_message(people, partner_a_client) -> None:
    response = partner_a_client.post(
        reverse("enrollment_drop_out", args=[people.enrollment_a.pk]),
        {"version": 1, "exited_on": "2025-12-01"},
    )
    assert response.status_code == 200
    assert "précède la date d&#x27;inscription" in response.content.decode()


def test_stale_form_gets_a_conflict_message(people, partner_a_client, manager_client) -> None:
    url = reverse("enrollment_update", args=[people.enrollment_a.pk])
    first = manager_client.post(
        url, {"version": 1, "enrolled_on": "2026-01-06", "certificate_ref": "M"}
    )
    assert first.status_code == 302
    second = partner_a_client.post(
        url, {"version": 1, "enrolled_on": "2026-01-07", "certificate_ref": "P"}
    )
    assert second.status_code == 409
    assert "modifiée par quelqu&#x27;un d&#x27;autre" in second.content.decode()
    people.enrollment_a.refresh_from_db()
    assert people.enrollment_a.certificate_ref == "M"


def test_enrollment_list_query_count_is_constant(
    people, manager_client: Client, django_assert_max_num_queries
) -> None:
    def add_rows(count: int) -> None:
        for _ in range(count):
            EnrollmentFactory.create(cohort=people.cohort_a)

    url = reverse("enrollment_list")
    add_rows(3)
    manager_client.get(url)  # reference data is read once per process, then cached
    # 5 for admins and partners with Redis (tests/web/test_list_pages.py); a manager pays one
    # more (the conventions he manages: what personal data he may see), and without Redis
    # the session is read from the database: one more.
    with django_assert_max_num_queries(7) as small:
        assert manager_client.get(url).status_code == 200
    add_rows(45)
    with django_assert_max_num_queries(7) as large:
        assert manager_client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


def test_region_of_residence_is_kept(people, partner_a_user) -> None:
    enrollment = enrollment_create(
        cohort=people.cohort_a,
        trainee=person(residence_region=region("MA-01"), education_level="bac3"),
        enrolled_on=D(2026, 1, 10),
        actor=partner_a_user,
    )
    contact = enrollment.trainee.contacts.get(operator_id=people.cohort_a.operator_id)
    assert (contact.residence_region, contact.education_level) == (region("MA-01"), "bac3")


@pytest.mark.django_db
def test_partner_enrolling_another_organisations_trainee_does_not_rewrite_the_person(
    operator_a, operator_b, partner_b_user
) -> None:
    """Partner B cannot see A's trainee, so it cannot overwrite her record either."""
    import datetime as dt

    from tests.support.factories import CohortFactory, EnrollmentFactory
    from tracker.services.enrollments import enrollment_create
    from tracker.services.trainees import TraineeInput

    first = EnrollmentFactory.create(
        cohort=CohortFactory.create(
            operator=operator_a, starts_on=dt.date(2025, 1, 6), ends_on=dt.date(2025, 6, 30)
        ),
        enrolled_on=dt.date(2025, 1, 6),
    )
    trainee = first.trainee
    original = (trainee.first_name, trainee.last_name, trainee.version)
    cohort_b = CohortFactory.create(operator=operator_b)
    wrong = TraineeInput(
        cin=trainee.cin,
        first_name="Autre",
        last_name="Nom",
        sex=trainee.sex,
        birth_date=trainee.birth_date,
        phone="0699999999",
    )
    with pytest.raises(ValidationError) as refused:
        enrollment_create(
            cohort=cohort_b, trainee=wrong, enrolled_on=cohort_b.starts_on, actor=partner_b_user
        )
    assert refused.value.message_dict == {"cin": [str(IDENTITY_MISMATCH_MESSAGE)]}
    assert not Enrollment.objects.filter(cohort=cohort_b).exists()
    # The right identity (other case and accents): linked, the record kept as it is, B's
    # phone on B's own record of the person.
    right = replace(wrong, first_name=trainee.first_name.upper(), last_name=trainee.last_name)
    enrollment = enrollment_create(
        cohort=cohort_b, trainee=right, enrolled_on=cohort_b.starts_on, actor=partner_b_user
    )
    trainee.refresh_from_db()
    assert enrollment.trainee_id == trainee.pk
    assert (trainee.first_name, trainee.last_name, trainee.version) == original
    assert trainee.contacts.get(operator_id=operator_b.pk).phone == "+212699999999"
    assert not trainee.contacts.filter(operator_id=operator_a.pk).exists()
