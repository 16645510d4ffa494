"""One lifecycle on every path: enrolled -> graduated | dropped out | failed. The API
batch and the file import move a status only along it, like the single endpoints and
the pages; a closed enrollment is reopened only by staff, with a reason."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.imports import csv_bytes, row, upload
from tracker.models import ChangeLog, Enrollment, ImportBatch
from tracker.services.enrollments import enrollment_graduate

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def _record(people, **changes) -> dict:
    trainee = people.trainee_a
    return {
        "cohort": "COH-A",
        "cin": trainee.cin,
        "last_name": trainee.last_name,
        "first_name": trainee.first_name,
        "sex": trainee.sex,
        "birth_date": trainee.birth_date.isoformat(),
        "status": "enrolled",
        "enrolled_on": people.enrollment_a.enrolled_on.isoformat(),
    } | changes


def _graduated(people) -> Enrollment:
    return enrollment_graduate(
        enrollment=people.enrollment_a,
        version=people.enrollment_a.version,
        graduated_on=dt.date(2026, 6, 30),
        actor=None,
    )


def test_a_batch_cannot_reopen_a_graduated_enrollment(people, api_a):
    graduated = _graduated(people)
    response = api_a.post(f"{V1}/batch/", {"records": [_record(people)]}, format="json")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["index"], error["field"]) == (0, "status")
    graduated.refresh_from_db()
    assert graduated.status == Enrollment.Status.GRADUATED
    assert graduated.graduated_on == dt.date(2026, 6, 30)


def test_a_batch_cannot_move_a_graduate_to_another_outcome(people, api_a):
    _graduated(people)
    record = _record(people, status="dropped_out", exited_on="2026-03-01", graduated_on=None)
    response = api_a.post(f"{V1}/batch/", {"records": [record]}, format="json")
    assert response.status_code == 400
    assert "status" in [error["field"] for error in response.json()["errors"]]


def test_a_batch_record_in_training_with_a_graduation_date_is_refused(people, api_a):
    record = _record(people, graduated_on="2026-06-30")
    response = api_a.post(f"{V1}/batch/", {"records": [record]}, format="json")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["graduated_on"]


def test_a_batch_graduation_records_the_same_as_the_graduate_endpoint(people, api_a):
    record = _record(people, status="graduated", graduated_on="2026-06-30")
    response = api_a.post(f"{V1}/batch/", {"records": [record]}, format="json")
    assert response.status_code == 200, response.content
    people.enrollment_a.refresh_from_db()
    assert people.enrollment_a.status == Enrollment.Status.GRADUATED
    assert people.enrollment_a.exited_on == people.enrollment_a.graduated_on


def test_a_batch_may_resend_a_closed_enrollment_unchanged(people, api_a):
    _graduated(people)
    record = _record(people, status="graduated", graduated_on="2026-06-30")
    response = api_a.post(f"{V1}/batch/", {"records": [record]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["unchanged"] == 1


def test_a_batch_drop_out_needs_its_exit_date(people, api_a):
    response = api_a.post(
        f"{V1}/batch/", {"records": [_record(people, status="dropped_out")]}, format="json"
    )
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["exited_on"]


def test_the_file_import_cannot_reopen_a_graduated_enrollment(people, partner_a_user):
    _graduated(people)
    trainee = people.trainee_a
    content = csv_bytes(
        [
            row(
                "COH-A",
                trainee.cin,
                **{
                    "Nom": trainee.last_name,
                    "Prénom": trainee.first_name,
                    "Date de naissance": trainee.birth_date.strftime("%d/%m/%Y"),
                    "Statut": "Inscrit",
                    "Date de diplomation": "",
                },
            )
        ]
    )
    batch = upload(partner_a_user, content)
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.row_errors.filter(column="Statut").exists()


# --- The staff correction -------------------------------------------------------------


def test_a_manager_reopens_a_graduated_enrollment_with_a_reason(people, api_manager):
    graduated = _graduated(people)
    response = api_manager.post(
        f"{V1}/enrollments/{graduated.pk}/reopen/",
        {"reason": "Diplôme annulé par le jury", "version": graduated.version},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["graduated_on"], body["exited_on"]) == ("enrolled", None, None)
    log = ChangeLog.objects.filter(object_id=graduated.pk, action="reopened").get()
    assert log.changes["reason"] == [None, "Diplôme annulé par le jury"]


def test_a_reopening_needs_a_reason(people, api_manager):
    graduated = _graduated(people)
    response = api_manager.post(
        f"{V1}/enrollments/{graduated.pk}/reopen/", {"reason": "  "}, format="json"
    )
    assert response.status_code == 400
    graduated.refresh_from_db()
    assert graduated.status == Enrollment.Status.GRADUATED


@pytest.mark.parametrize("client", ["api_a", "api_viewer_a", "api_other_manager"])
def test_partners_and_other_managers_cannot_reopen_even_with_a_malformed_body(
    people, client, request
):
    graduated = _graduated(people)
    response = request.getfixturevalue(client).post(
        f"{V1}/enrollments/{graduated.pk}/reopen/", {"reason": 12, "x": 1}, format="json"
    )
    assert response.status_code == 403


def test_another_partner_cannot_find_the_enrollment_to_reopen(people, api_b):
    graduated = _graduated(people)
    response = api_b.post(
        f"{V1}/enrollments/{graduated.pk}/reopen/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 404


# --- The staff correction on the page -------------------------------------------------


def test_a_manager_reopens_an_enrollment_on_its_page_with_a_reason(people, manager_client):
    graduated = _graduated(people)
    page = manager_client.get(f"/enrollments/{graduated.pk}/").content.decode()
    assert f"/enrollments/{graduated.pk}/reopen/" in page
    refused = manager_client.post(
        f"/enrollments/{graduated.pk}/reopen/", {"version": graduated.version, "reason": ""}
    )
    assert refused.status_code == 200  # the form again, with its error
    graduated.refresh_from_db()
    assert graduated.status == Enrollment.Status.GRADUATED
    done = manager_client.post(
        f"/enrollments/{graduated.pk}/reopen/",
        {"version": graduated.version, "reason": "Jury annulé"},
    )
    assert done.status_code == 302
    graduated.refresh_from_db()
    assert (graduated.status, graduated.graduated_on) == (Enrollment.Status.ENROLLED, None)


def test_a_partner_gets_403_on_the_reopen_page_and_no_button(people, partner_a_client):
    graduated = _graduated(people)
    assert "/reopen/" not in partner_a_client.get(f"/enrollments/{graduated.pk}/").content.decode()
    response = partner_a_client.post(
        f"/enrollments/{graduated.pk}/reopen/", {"version": graduated.version, "reason": "x"}
    )
    assert response.status_code == 403


def test_another_partner_gets_404_on_the_reopen_page(people, partner_b_client):
    graduated = _graduated(people)
    assert partner_b_client.get(f"/enrollments/{graduated.pk}/reopen/").status_code == 404
