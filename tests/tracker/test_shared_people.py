"""One person, several operators (issue 13): partner A, knowing only the CIN of a trainee
partner B enrolled, must neither read nor change what B recorded, on any entry path.

Every path (web enrol form, API enrollment and upsert, API batch live and dry run, CSV
and XLSX import) is tried with a wrong identity (refused, nothing written, the whole
answer free of every value B stored) and with the right one (linked; A sees only what A
supplied; B's view unchanged; A's later contact edits invisible to B)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.models import User
from conventions.models import Region
from tests.support.api import token_client
from tests.support.factories import CohortFactory, TraineeContactFactory, TraineeFactory
from tests.support.imports import csv_bytes, enrolled_row, upload, xlsx_bytes
from tracker.identity import IDENTITY_MISMATCH_MESSAGE, normalize_name
from tracker.models import (
    ChangeLog,
    Enrollment,
    IdentityCorrectionRequest,
    ImportBatch,
    Trainee,
    TraineeContact,
)

pytestmark = pytest.mark.django_db

V1 = "/api/v1"

# What B stored about the person: every value must stay out of A's answers.
B_IDENTITY: dict[str, Any] = {
    "cin": "QZ734512",
    "first_name": "Zineb-Hiba",
    "last_name": "Oukhouya",
    "first_name_ar": "زينب",
    "last_name_ar": "أوخويا",
    "sex": "F",
    "birth_date": dt.date(1998, 11, 23),
}
B_CONTACT = {"phone": "+212677001122", "email": "zineb.private@b-mail.ma"}
B_REGION = "MA-09"
B_EDUCATION = "doctorate"


def b_stored_values() -> list[str]:
    """Every value B stored, in the forms a page, a file or JSON may show it."""
    return [
        B_IDENTITY["first_name"],
        B_IDENTITY["last_name"],
        B_IDENTITY["first_name_ar"],
        B_IDENTITY["last_name_ar"],
        B_IDENTITY["birth_date"].isoformat(),
        B_IDENTITY["birth_date"].strftime("%d/%m/%Y"),
        B_CONTACT["phone"],
        B_CONTACT["phone"].replace("+212", "0"),
        B_CONTACT["email"],
    ]


def assert_free_of_b(body: str | bytes, *, strict: bool = False) -> None:
    """``strict`` also checks region and education level codes (JSON answers, where no
    choice list holds them)."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    for value in b_stored_values():
        assert value not in text, value
    assert "Oukhouya".lower() not in text.lower()
    if strict:
        assert f'"{B_REGION}"' not in text
        assert f'"{B_EDUCATION}"' not in text


@pytest.fixture
def shared(people, operator_b) -> SimpleNamespace:
    """B's trainee (graduated from B's cohort, so A's enrollment overlaps nothing), with
    everything B recorded; and an open cohort of A's to enroll her in."""
    person = TraineeFactory.create(**B_IDENTITY)
    TraineeContactFactory.create(
        trainee=person,
        operator=operator_b,
        residence_region=Region.objects.get(code=B_REGION),
        education_level=B_EDUCATION,
        **B_CONTACT,
    )
    enrollment_b = Enrollment.objects.create(
        trainee=person,
        cohort=people.cohort_b,
        enrolled_on=dt.date(2026, 1, 5),
        status=Enrollment.Status.GRADUATED,
        graduated_on=dt.date(2026, 6, 30),
        exited_on=dt.date(2026, 6, 30),
    )
    cohort = CohortFactory.create(
        code="COH-A-LATER",
        convention=people.convention_a,
        operator=people.cohort_a.operator,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 3, 31),
    )
    return SimpleNamespace(**vars(people), person=person, b_enrollment=enrollment_b, cohort=cohort)


# What A supplies: the right identity (written otherwise: case, accents, hyphen, spaces)
# or a made-up one; and A's own contact details.
RIGHT = {"first_name": "ZINEB HIBA", "last_name": " oukhouya ", "birth_date": "1998-11-23"}
WRONG = {"first_name": "Made", "last_name": "Up", "birth_date": "1999-01-01"}
A_CONTACT = {"phone": "0655443322", "email": "zineb@atlas.ma"}
A_PHONE = "+212655443322"
A_SEES = (A_PHONE, A_CONTACT["email"])
B_SEES = (B_CONTACT["phone"], B_CONTACT["email"])


def database_state() -> dict[str, object]:
    return {
        "trainees": list(Trainee.objects.order_by("id").values()),
        "contacts": list(TraineeContact.objects.order_by("id").values()),
        "enrollments": Enrollment.objects.count(),
        "logs": ChangeLog.objects.count(),
    }


def api_person(identity: dict[str, str]) -> dict[str, str]:
    return {"cin": B_IDENTITY["cin"], "sex": "F", **identity, **A_CONTACT}


def web_form(identity: dict[str, str]) -> dict[str, str]:
    return {**api_person(identity), "enrolled_on": "2026-09-01", "certificate_ref": ""}


def batch_record(shared: SimpleNamespace, identity: dict[str, str]) -> dict[str, str]:
    return {
        "cohort": shared.cohort.code,
        "status": "enrolled",
        "enrolled_on": "2026-09-01",
        **api_person(identity),
    }


def file_row(shared: SimpleNamespace, identity: dict[str, str]) -> dict[str, str]:
    birth = dt.date.fromisoformat(identity["birth_date"]).strftime("%d/%m/%Y")
    return enrolled_row(
        shared.cohort.code,
        B_IDENTITY["cin"],
        **{
            "Nom": identity["last_name"],
            "Prénom": identity["first_name"],
            "Date de naissance": birth,
            "Date d'inscription": "01/09/2026",
            "Téléphone": A_CONTACT["phone"],
            "E-mail": A_CONTACT["email"],
        },
    )


# --- Each entry path: a wrong identity ---------------------------------------------------


def _annotated(client: Client, batch: ImportBatch) -> str:
    response: Any = client.get(f"/imports/{batch.pk}/annotated/")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if content[:2] == b"PK":
        sheet = load_workbook(io.BytesIO(content)).active
        return "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    return content.decode("utf-8-sig")


def _refusals(shared, partner_a_client, api_a) -> Iterable[tuple[str, str]]:
    """(path, whole answer) for every entry path, with the wrong identity."""
    response = partner_a_client.post(f"/cohorts/{shared.cohort.pk}/enroll/", web_form(WRONG))
    assert response.status_code == 200
    yield "web form", response.content.decode()
    for url in (f"{V1}/enrollments/", f"{V1}/enrollments/upsert/"):
        body = {"cohort": shared.cohort.pk, "enrolled_on": "2026-09-01"}
        response = api_a.post(url, {**body, "trainee": api_person(WRONG)}, format="json")
        assert response.status_code == 400, response.content
        assert response.json()["errors"][0]["field"] == "trainee.cin"
        assert response.json()["errors"][0]["code"] == "identity_mismatch"
        yield url, response.content.decode()
    answers = []
    for dry_run in (True, False):
        response = api_a.post(
            f"{V1}/batch/",
            {"records": [batch_record(shared, WRONG)], "dry_run": dry_run},
            format="json",
        )
        assert response.status_code == 400
        answers.append(response.json())
        yield f"batch dry_run={dry_run}", response.content.decode()
    # The dry run answers exactly what the live call does.
    assert answers[0] == answers[1]
    assert answers[0]["errors"] == [
        {
            "index": 0,
            "field": "cin",
            "reason": str(IDENTITY_MISMATCH_MESSAGE),
            "code": "identity_mismatch",
        }
    ]
    for name, content in (
        ("inscriptions.csv", csv_bytes([file_row(shared, WRONG)])),
        ("inscriptions.xlsx", xlsx_bytes([file_row(shared, WRONG)])),
    ):
        batch = upload(shared.partner_a_user, content, name)
        assert batch.status == ImportBatch.Status.INVALID
        assert list(batch.row_errors.values_list("column", "message")) == [
            ("CIN", str(IDENTITY_MISMATCH_MESSAGE))
        ]
        yield f"{name} preview", partner_a_client.get(f"/imports/{batch.pk}/").content.decode()
        yield f"{name} annotated file", _annotated(partner_a_client, batch)


@pytest.fixture
def with_users(shared, partner_a_user, partner_b_user, manager_user) -> SimpleNamespace:
    shared.partner_a_user = partner_a_user
    shared.partner_b_user = partner_b_user
    shared.manager_user = manager_user
    return shared


def test_a_wrong_identity_is_refused_on_every_path_with_nothing_written_or_shown(
    with_users, partner_a_client, api_a
) -> None:
    before = database_state()
    paths = []
    for path, body in _refusals(with_users, partner_a_client, api_a):
        paths.append(path)
        assert_free_of_b(body, strict=path.startswith(("/api", "batch")))
        if not path.endswith("annotated file"):
            assert "ne correspondent pas au dossier national" in body, path
    assert len(paths) == 9
    after = database_state()
    # The imports' own log rows (uploads) aside, nothing about the person changed.
    assert after["trainees"] == before["trainees"]
    assert after["contacts"] == before["contacts"]
    assert after["enrollments"] == before["enrollments"]
    assert not Enrollment.objects.filter(cohort=with_users.cohort).exists()


# --- Each entry path: the right identity -----------------------------------------------


def _link_by(path: str, shared, partner_a_client, api_a) -> None:
    if path == "web form":
        response = partner_a_client.post(f"/cohorts/{shared.cohort.pk}/enroll/", web_form(RIGHT))
        assert response.status_code == 302, response.content.decode()[:2000]
        return
    if path in ("api", "upsert"):
        url = f"{V1}/enrollments/" + ("upsert/" if path == "upsert" else "")
        body = {"cohort": shared.cohort.pk, "enrolled_on": "2026-09-01"}
        response = api_a.post(url, {**body, "trainee": api_person(RIGHT)}, format="json")
        assert response.status_code == 201, response.content
        # The identity A proved it knows is shown; nothing B recorded beyond it.
        for value in B_SEES:
            assert value not in response.content.decode()
        trainee = response.json()["trainee"]
        assert (trainee["residence_region"], trainee["education_level"]) == (None, "")
        assert trainee["phone"] == A_PHONE
        return
    if path == "batch":
        record = batch_record(shared, RIGHT)
        dry = api_a.post(f"{V1}/batch/", {"records": [record], "dry_run": True}, format="json")
        live = api_a.post(f"{V1}/batch/", {"records": [record]}, format="json")
        assert live.status_code == dry.status_code == 200, live.content

        # The same answer, but for the ids of what the dry run did not write (docs/api.md).
        def outcomes(answer: dict) -> dict:
            records = [{"index": r["index"], "outcome": r["outcome"]} for r in answer["records"]]
            return {**answer, "committed": True, "records": records}

        assert outcomes(dry.json()) == outcomes(live.json())
        assert live.json()["records"][0]["trainee"] == shared.person.pk
        return
    from tests.support.imports import import_file

    content = (xlsx_bytes if path == "xlsx" else csv_bytes)([file_row(shared, RIGHT)])
    batch = import_file(shared.partner_a_user, content, f"inscriptions.{path}")
    assert batch.status == ImportBatch.Status.COMMITTED


@pytest.mark.parametrize("path", ["web form", "api", "upsert", "batch", "csv", "xlsx"])
def test_the_right_identity_links_the_person_and_a_sees_only_what_a_supplied(
    path, with_users, partner_a_client, api_a, api_b
) -> None:
    shared = with_users
    person = shared.person
    b_before = api_b.get(f"{V1}/trainees/{person.pk}/").json()
    _link_by(path, shared, partner_a_client, api_a)
    assert Trainee.objects.filter(cin=B_IDENTITY["cin"]).count() == 1
    enrollment = Enrollment.objects.get(cohort=shared.cohort)
    assert enrollment.trainee_id == person.pk
    person.refresh_from_db()
    # The national record kept as stored (A's spelling differed only in form).
    assert (person.first_name, person.last_name, person.version) == ("Zineb-Hiba", "Oukhouya", 1)
    # A reads its own record of the person, none of B's.
    a_view = api_a.get(f"{V1}/trainees/{person.pk}/")
    assert a_view.json()["phone"] == A_PHONE
    assert a_view.json()["contacts"] == []
    assert B_CONTACT["phone"] not in a_view.content.decode()
    assert B_CONTACT["email"] not in a_view.content.decode()
    page = partner_a_client.get(f"/enrollments/{enrollment.pk}/").content.decode()
    assert A_PHONE in page
    assert not _seen(page) & {"b"}
    # B's Arabic spelling of the names: A never supplied it, A never reads it.
    export = partner_a_client.get("/enrollments/?export=csv")
    exported = b"".join(export.streaming_content).decode("utf-8-sig")
    for body in (a_view.content.decode(), page, exported):
        assert B_IDENTITY["first_name_ar"] not in body
        assert B_IDENTITY["last_name_ar"] not in body
    # B's view of the person is unchanged.
    assert api_b.get(f"{V1}/trainees/{person.pk}/").json() == b_before
    # A's later edits of its contact details stay A's.
    edit = api_a.patch(f"{V1}/trainees/{person.pk}/", {"phone": "0611223344"}, format="json")
    assert edit.status_code == 200, edit.content
    assert api_b.get(f"{V1}/trainees/{person.pk}/").json() == b_before
    # The link is in the person's history, for staff: who, when, which operator.
    link = ChangeLog.objects.get(entity="trainee", object_id=person.pk, action="linked")
    assert link.changes == {"operator": [None, shared.cohort.operator_id]}
    assert link.actor == shared.partner_a_user


def test_names_compare_without_case_accents_hyphens_or_extra_spaces() -> None:
    assert normalize_name("  Zineb-Hiba ") == normalize_name("ZINEB  HIBA")
    assert normalize_name("Hélène") == normalize_name("HELENE")
    assert normalize_name("El-Fassi") == normalize_name("el fassi")
    assert normalize_name("Oukhouya") != normalize_name("Oukhouyi")


def test_a_batch_record_for_a_person_not_recorded_yet_needs_the_identity(with_users, api_a) -> None:
    record = batch_record(with_users, RIGHT)
    for key in ("last_name", "birth_date"):
        partial = {k: v for k, v in record.items() if k != key}
        response = api_a.post(f"{V1}/batch/", {"records": [partial]}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == key
        assert_free_of_b(response.content, strict=True)


def test_a_partial_batch_record_keeps_the_stored_values_of_a_person_already_recorded(
    people, api_a
) -> None:
    """Issue 22: omitted keys keep their stored values (docs/api.md)."""
    record = {
        "cohort": people.cohort_a.code,
        "cin": people.trainee_a.cin,
        "status": "enrolled",
        "enrolled_on": people.enrollment_a.enrolled_on.isoformat(),
        "email": "nouvelle@atlas.ma",
    }
    response = api_a.post(f"{V1}/batch/", {"records": [record]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["updated"] == 1
    people.trainee_a.refresh_from_db()
    assert (people.trainee_a.first_name, people.trainee_a.last_name) == ("Fatima", "Benali")
    contact = people.trainee_a.contact_for(people.cohort_a.operator_id)
    assert contact.email == "nouvelle@atlas.ma"
    assert contact.phone == "+212661111111"  # not sent: kept


# --- Identity of a shared person: staff only, on request ---------------------------------


@pytest.fixture
def linked(with_users, api_a) -> SimpleNamespace:
    body = {"cohort": with_users.cohort.pk, "enrolled_on": "2026-09-01"}
    response = api_a.post(
        f"{V1}/enrollments/", {**body, "trainee": api_person(RIGHT)}, format="json"
    )
    assert response.status_code == 201, response.content
    with_users.enrollment_a2 = Enrollment.objects.get(pk=response.json()["id"])
    return with_users


def test_partner_a_cannot_change_a_shared_identity_by_any_path(
    linked, partner_a_client, api_a
) -> None:
    person = linked.person
    before = Trainee.objects.filter(pk=person.pk).values().get()
    renamed = {**RIGHT, "first_name": "Zineb", "last_name": "Oukhouya"}
    attempts = [
        api_a.patch(f"{V1}/trainees/{person.pk}/", {"last_name": "Autre"}, format="json"),
        api_a.patch(f"{V1}/trainees/{person.pk}/", {"birth_date": "1998-11-24"}, format="json"),
        api_a.patch(f"{V1}/trainees/{person.pk}/", {"sex": "M"}, format="json"),
        api_a.post(
            f"{V1}/enrollments/upsert/",
            {
                "cohort": linked.cohort.pk,
                "enrolled_on": "2026-09-01",
                "trainee": api_person(renamed),
            },
            format="json",
        ),
        api_a.post(
            f"{V1}/batch/",
            {"records": [batch_record(linked, renamed)]},
            format="json",
        ),
    ]
    for response in attempts:
        assert response.status_code == 400, response.content
        assert "équipe du programme" in response.content.decode()
    page = partner_a_client.post(f"/cohorts/{linked.cohort.pk}/enroll/", web_form(renamed))
    assert page.status_code == 200
    assert "équipe du programme" in page.content.decode()
    for name, content in (
        ("i.csv", csv_bytes([file_row(linked, renamed)])),
        ("i.xlsx", xlsx_bytes([file_row(linked, renamed)])),
    ):
        batch = upload(linked.partner_a_user, content, name)
        assert batch.status == ImportBatch.Status.INVALID
        assert "équipe du programme" in batch.row_errors.get().message
    assert Trainee.objects.filter(pk=person.pk).values().get() == before


def test_a_correction_request_reaches_staff_and_the_correction_is_seen_by_both(
    linked, partner_a_client, api_a, api_b, admin_client, manager_client, partner_b_client
) -> None:
    person = linked.person
    asked = partner_a_client.post(
        f"/enrollments/{linked.enrollment_a2.pk}/identity-correction/",
        {
            "first_name": "Zineb-Hiba",
            "last_name": "Oukhouya",
            "first_name_ar": "",
            "last_name_ar": "",
            "sex": "F",
            "birth_date": "1998-11-24",
            "comment": "La CIN porte le 24/11/1998.",
        },
    )
    assert asked.status_code == 302
    correction = IdentityCorrectionRequest.objects.get()
    assert correction.proposed == {"birth_date": "1998-11-24"}
    # The staff queue shows it; B's queue does not (its own requests only).
    assert (
        "La CIN porte le 24/11/1998." in admin_client.get("/identity-corrections/").content.decode()
    )
    assert "La CIN porte" not in partner_b_client.get("/identity-corrections/").content.decode()
    # Partner A cannot apply it.
    assert partner_a_client.post(f"/identity-corrections/{correction.pk}/apply/").status_code == 403
    # The manager of A's convention applies it, through the API (the queue page's
    # buttons call the same service).
    response = token_client(linked.manager_user).post(
        f"{V1}/identity-corrections/{correction.pk}/apply/", {}, format="json"
    )
    assert response.status_code == 200, response.content
    correction.refresh_from_db()
    assert correction.status == IdentityCorrectionRequest.Status.APPLIED
    for api in (api_a, api_b):
        assert api.get(f"{V1}/trainees/{person.pk}/").json()["birth_date"] == "1998-11-24"
    # Contact details untouched by the correction.
    assert person.contact_for(linked.cohort_b.operator_id).phone == B_CONTACT["phone"]


def test_partner_b_cannot_ask_about_a_person_it_does_not_train(people, api_b) -> None:
    response = api_b.post(
        f"{V1}/trainees/{people.trainee_a.pk}/correction-request/",
        {"proposed": {"last_name": "X"}, "comment": "?"},
        format="json",
    )
    missing = api_b.post(
        f"{V1}/trainees/987654321/correction-request/",
        {"proposed": {"last_name": "X"}, "comment": "?"},
        format="json",
    )
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()


# --- The privacy matrix over a person shared by A and B ----------------------------------


@pytest.fixture
def users(
    admin_user, manager_user, other_manager_user, partner_a_user, viewer_a_user, partner_b_user
) -> dict[str, User]:
    return {
        "admin": admin_user,
        "manager_a": manager_user,  # manages A's convention
        "manager_b": other_manager_user,  # manages B's convention only
        "partner_a": partner_a_user,
        "viewer_a": viewer_a_user,
        "partner_b": partner_b_user,
    }


@pytest.fixture
def clients(users) -> dict[str, Client]:
    logged_in = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        logged_in[role] = client
    return logged_in


# role -> (contacts seen on A's enrollment page, on B's; None: 404)
PAGE_MATRIX = {
    "admin": ({"a", "b"}, {"a", "b"}),
    "manager_a": ({"a", "b"}, set()),
    "manager_b": (set(), {"a", "b"}),
    "partner_a": ({"a"}, None),
    "viewer_a": ({"a"}, None),
    "partner_b": (None, {"b"}),
}


def _seen(text: str) -> set[str]:
    seen = set()
    if any(value in text for value in A_SEES):
        seen.add("a")
    if any(value in text for value in B_SEES):
        seen.add("b")
    return seen


@pytest.mark.parametrize("role", list(PAGE_MATRIX))
def test_privacy_matrix_on_detail_pages_lists_and_exports(role, linked, clients) -> None:
    client = clients[role]
    on_a, on_b = PAGE_MATRIX[role]
    for enrollment, expected in ((linked.enrollment_a2, on_a), (linked.b_enrollment, on_b)):
        response = client.get(f"/enrollments/{enrollment.pk}/")
        if expected is None:
            assert response.status_code == 404
            continue
        assert response.status_code == 200
        assert _seen(response.content.decode()) == expected, (role, enrollment.cohort.code)
    listing = client.get("/enrollments/").content.decode()
    assert _seen(listing) == set()  # lists show no contact details
    export = client.get("/enrollments/?export=csv")
    text = (
        b"".join(export.streaming_content).decode("utf-8-sig")
        if export.streaming
        else export.content.decode("utf-8-sig")
    )
    expected_export = (on_a or set()) & {"a"} | (on_b or set()) & {"b"}
    assert _seen(text) == expected_export, role


@pytest.mark.parametrize("role", list(PAGE_MATRIX))
def test_privacy_matrix_on_the_api(role, linked, users) -> None:
    api: APIClient = token_client(users[role])
    person = api.get(f"{V1}/trainees/{linked.person.pk}/")
    on_a, on_b = PAGE_MATRIX[role]
    seen_anywhere = (on_a or set()) | (on_b or set())
    if role in ("admin", "manager_a", "manager_b"):
        assert person.status_code == 200
        labelled = {c["operator"]: c["phone"] for c in person.json()["contacts"]}
        if seen_anywhere:
            assert labelled == {
                linked.cohort_a.operator_id: A_PHONE,
                linked.cohort_b.operator_id: B_CONTACT["phone"],
            }
    else:
        assert person.status_code == 200
        assert _seen(person.content.decode()) == seen_anywhere
        assert person.json()["contacts"] == []
    enrollments = api.get(f"{V1}/enrollments/").content.decode()
    expected = (on_a or set()) & {"a"} | (on_b or set()) & {"b"}
    assert _seen(enrollments) == expected, role


def test_person_history_is_staff_s_and_each_partner_sees_only_its_own_record_s(
    linked, clients, api_a
) -> None:
    api_a.patch(f"{V1}/trainees/{linked.person.pk}/", {"email": "autre@atlas.ma"}, format="json")
    admin_page = clients["admin"].get(f"/enrollments/{linked.b_enrollment.pk}/").content.decode()
    assert "rattachement à un opérateur" in admin_page
    assert "autre@atlas.ma" in admin_page
    b_page = clients["partner_b"].get(f"/enrollments/{linked.b_enrollment.pk}/").content.decode()
    assert "autre@atlas.ma" not in b_page
    assert "zineb@atlas.ma" not in b_page
    assert "rattachement" not in b_page
    a_page = clients["partner_a"].get(f"/enrollments/{linked.enrollment_a2.pk}/").content.decode()
    assert "autre@atlas.ma" in a_page
    assert_free_of_b(
        a_page.replace("Zineb-Hiba", "")
        .replace("Oukhouya", "")
        .replace("زينب", "")
        .replace("أوخويا", "")
        .replace("1998-11-23", "")
        .replace("23/11/1998", "")
    )


def test_import_error_files_show_only_what_the_importer_sent(linked, partner_a_client) -> None:
    """An error on another column of the shared person's row: the file back holds A's
    row as A sent it, nothing B stored."""
    row = file_row(linked, RIGHT)
    row["Date d'inscription"] = "01/01/2030"
    for name, content in (
        ("e.csv", csv_bytes([row])),
        ("e.xlsx", xlsx_bytes([row])),
    ):
        batch = upload(linked.partner_a_user, content, name)
        assert batch.status == ImportBatch.Status.INVALID
        text = _annotated(partner_a_client, batch)
        for value in B_SEES:
            assert value not in text
        assert "Oukhouya" not in text  # A wrote " oukhouya "


def test_the_overlap_message_names_no_other_operator_cohort_convention_or_date(
    with_users, api_a
) -> None:
    """B's trainee still in training with B: A, with the right identity, is refused for
    the overlap, in words that say nothing of B's training."""
    shared = with_users
    Enrollment.objects.filter(pk=shared.b_enrollment.pk).update(
        status=Enrollment.Status.ENROLLED, graduated_on=None, exited_on=None
    )
    Enrollment.objects.filter(pk=shared.b_enrollment.pk).update(enrolled_on=dt.date(2026, 9, 1))
    shared.cohort_b.ends_on = dt.date(2027, 1, 31)
    shared.cohort_b.save()
    body = {"cohort": shared.cohort.pk, "enrolled_on": "2026-09-01"}
    answers = [
        api_a.post(f"{V1}/enrollments/", {**body, "trainee": api_person(RIGHT)}, format="json"),
        api_a.post(f"{V1}/batch/", {"records": [batch_record(shared, RIGHT)]}, format="json"),
    ]
    for response in answers:
        assert response.status_code == 400, response.content
        text = response.content.decode()
        assert "chevauche" in text
        for secret in (
            shared.cohort_b.code,
            shared.cohort_b.operator.name,
            shared.convention_b.reference,
            "2027-01-31",
            "31/01/2027",
        ):
            assert secret not in text
        assert_free_of_b(text, strict=True)


def test_a_manager_must_prove_the_identity_of_a_person_outside_its_conventions(
    with_users, manager_user
) -> None:
    """The manager of A's convention does not see B's trainee: enrolling her in A's
    cohort needs her identity, as for a partner; the record is not rewritten."""
    api = token_client(manager_user)
    body = {"cohort": with_users.cohort.pk, "enrolled_on": "2026-09-01"}
    refused = api.post(f"{V1}/enrollments/", {**body, "trainee": api_person(WRONG)}, format="json")
    assert refused.status_code == 400
    assert_free_of_b(refused.content, strict=True)
    person = Trainee.objects.get(pk=with_users.person.pk)
    assert (person.first_name, person.birth_date) == ("Zineb-Hiba", dt.date(1998, 11, 23))
    linked = api.post(f"{V1}/enrollments/", {**body, "trainee": api_person(RIGHT)}, format="json")
    assert linked.status_code == 201, linked.content


def test_partner_b_finds_none_of_a_s_correction_requests(linked, partner_b_client, api_b) -> None:
    """A's request, its answers and the request form of A's enrollment: 404 for B, as
    for ids that do not exist."""
    from tracker.services.identity_corrections import identity_correction_request

    correction = identity_correction_request(
        trainee=linked.person,
        actor=linked.partner_a_user,
        proposed={"last_name": "Oukhouyaa"},
        comment="Secret d'Atlas",
    )
    for url, missing in (
        (
            f"/enrollments/{linked.enrollment_a2.pk}/identity-correction/",
            "/enrollments/987654321/identity-correction/",
        ),
        (f"/identity-corrections/{correction.pk}/apply/", "/identity-corrections/987654321/apply/"),
        (
            f"/identity-corrections/{correction.pk}/decline/",
            "/identity-corrections/987654321/decline/",
        ),
    ):
        assert partner_b_client.post(url).status_code == 404
        assert partner_b_client.post(missing).status_code == 404
    for suffix in ("", "apply/", "decline/"):
        method = api_b.get if not suffix else api_b.post
        found = method(f"{V1}/identity-corrections/{correction.pk}/{suffix}")
        absent = method(f"{V1}/identity-corrections/987654321/{suffix}")
        assert found.status_code == absent.status_code == 404
        assert found.json() == absent.json()
    listing = api_b.get(f"{V1}/identity-corrections/")
    assert listing.json()["results"] == []
    assert "Secret d'Atlas" not in partner_b_client.get("/identity-corrections/").content.decode()
    correction.refresh_from_db()
    assert correction.status == IdentityCorrectionRequest.Status.OPEN


def test_a_partner_that_supplies_the_arabic_names_reads_them(with_users, api_a) -> None:
    body = {"cohort": with_users.cohort.pk, "enrolled_on": "2026-09-01"}
    person = api_person(RIGHT) | {"first_name_ar": "زينب", "last_name_ar": "أوخويا"}
    response = api_a.post(f"{V1}/enrollments/", {**body, "trainee": person}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["trainee"]["last_name_ar"] == B_IDENTITY["last_name_ar"]
    # Other Arabic names than the record's, now that the person is shared: refused.
    other = api_person(RIGHT) | {"last_name_ar": "غيره"}
    refused = api_a.post(f"{V1}/enrollments/upsert/", {**body, "trainee": other}, format="json")
    assert refused.status_code == 400
