"""Bulk import: file variants, refused files, all-or-nothing, idempotence, scoping."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest

from tests.support.factories import CohortFactory, EnrollmentFactory, PartnerFactory
from tests.support.imports import (
    HEADERS,
    confirm,
    csv_bytes,
    enrolled_row,
    import_file,
    row,
    upload,
    xlsx_bytes,
)
from tracker.identity import IDENTITY_MISMATCH_MESSAGE
from tracker.imports import commit as commit_module
from tracker.models import (
    ChangeLog,
    Cohort,
    Enrollment,
    ImportBatch,
    Placement,
    Trainee,
    TraineeContact,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort_a(operator_a) -> Cohort:
    return CohortFactory.create(operator=operator_a, code="CAS-ITO-2026-01")


@pytest.fixture
def employer(db):
    from conventions.models import Partner

    return PartnerFactory.create(
        name="Casablanca Nearshore Services", kind=Partner.Kind.EMPLOYER, ice="001987654000078"
    )


def database_snapshot() -> dict[str, object]:
    return {
        "trainees": sorted(Trainee.objects.values_list("cin", "first_name")),
        "contacts": sorted(
            TraineeContact.objects.values_list("trainee__cin", "operator_id", "email")
        ),
        "enrollments": sorted(
            Enrollment.objects.values_list("trainee__cin", "cohort_id", "status", "version")
        ),
        "placements": sorted(
            Placement.objects.values_list("enrollment_id", "hired_on", "job_title")
        ),
        "changelog": ChangeLog.objects.count(),
    }


# --- Files as partners produce them ---------------------------------------------------


def _variant(name: str, cohort_code: str) -> tuple[bytes, str]:
    rows = [
        row(cohort_code, "BK100001", Prénom="Hélène"),
        row(
            cohort_code,
            "bk 100002",
            **{
                "Statut": "  inscrit ",
                "Date de diplomation": "",
                "Employeur": "",
                "ICE employeur": "",
                "Date d'embauche": "",
                "Type de contrat": "",
                "Intitulé du poste": "",
                "Salaire brut mensuel (MAD)": "",
                "Sexe": "m",
            },
        ),
    ]
    if name == "xlsx":
        return xlsx_bytes(rows, trailing_empty_rows=3), "inscriptions.xlsx"
    if name == "csv-utf8-bom-semicolon":
        return csv_bytes(rows, trailing_empty_rows=2), "inscriptions.csv"
    if name == "csv-utf8-comma":
        return csv_bytes(rows, delimiter=",", encoding="utf-8"), "inscriptions.csv"
    if name == "csv-windows-1252":
        return csv_bytes(rows, encoding="cp1252"), "inscriptions.csv"
    if name == "csv-iso-dates-messy-headers":
        for r in rows:
            for key in ("Date de naissance", "Date d'inscription", "Date de diplomation"):
                if r[key]:
                    d, m, y = r[key].split("/")
                    r[key] = f"{y}-{m}-{d}"
            r["Date d'embauche"] = "2026-08-01" if r["Date d'embauche"] else ""
            r["Salaire brut mensuel (MAD)"] = r["Salaire brut mensuel (MAD)"].replace(" ", "")
        messy = ["  " + h.upper() + " " for h in HEADERS]
        messy_rows = [{"  " + k.upper() + " ": v for k, v in r.items()} for r in rows]
        return csv_bytes(messy_rows, headers=messy), "inscriptions.csv"
    raise AssertionError(name)


@pytest.mark.parametrize(
    "variant",
    [
        "xlsx",
        "csv-utf8-bom-semicolon",
        "csv-utf8-comma",
        "csv-windows-1252",
        "csv-iso-dates-messy-headers",
    ],
)
def test_each_file_variant_imports_correctly(variant, partner_a_user, cohort_a, employer) -> None:
    content, name = _variant(variant, cohort_a.code)
    batch = import_file(partner_a_user, content, name)
    assert batch.status == ImportBatch.Status.COMMITTED
    assert (batch.rows_to_create, batch.rows_in_error, batch.total_rows) == (2, 0, 2)
    graduate = Enrollment.objects.get(trainee__cin="BK100001")
    assert graduate.trainee.first_name == "Hélène"
    assert graduate.trainee.contacts.get(operator_id=cohort_a.operator_id).phone == "+212612345678"
    assert graduate.status == Enrollment.Status.GRADUATED
    assert graduate.graduated_on == dt.date(2026, 6, 30)
    hire = graduate.placements.get()
    assert hire.gross_monthly_salary_mad == Decimal("9500.50")
    assert hire.employer == employer  # matched by ICE
    assert hire.hired_on == dt.date(2026, 8, 1)
    enrolled = Enrollment.objects.get(trainee__cin="BK100002")  # "bk 100002" normalised
    assert enrolled.status == Enrollment.Status.ENROLLED
    assert enrolled.trainee.sex == Trainee.Sex.MALE
    assert not enrolled.placements.exists()
    logged = ChangeLog.objects.filter(source=ChangeLog.Source.IMPORT, action="created")
    # Trainees, their operator's records (contact details), enrollments, the hire.
    assert logged.count() == 2 + 2 + 2 + 1


# --- Files refused before parsing -----------------------------------------------------


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 2**20))
    return buffer.getvalue()


def _entity_bomb() -> bytes:
    source = io.BytesIO(xlsx_bytes([row("X", "BK1")]))
    output = io.BytesIO()
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(output, "w") as target:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                data = bomb.encode() + body
            target.writestr(item, data)
    return output.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj", "inscriptions.xlsx", "PDF"),
        (_zip_bomb(), "inscriptions.xlsx", "bombe zip"),
        (_entity_bomb(), "inscriptions.xlsx", "bombe XML"),
        (b"nom;prenom;age\nBenali;Salma;25\n", "inscriptions.csv", "Aucune ligne d'en-t"),
        (b"PK\x03\x04garbage", "inscriptions.xlsx", "illisible"),
        (b"hello", "inscriptions.pdf", "Format non pris en charge"),
    ],
    ids=["pdf-renamed", "zip-bomb", "xml-entity-bomb", "no-header", "broken-zip", "extension"],
)
def test_bad_file_is_refused_with_its_message(
    content, name, message, partner_a_user, cohort_a, settings
) -> None:
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 10 * 2**20
    batch = upload(partner_a_user, content, name)
    assert batch.status == ImportBatch.Status.FAILED
    assert message in batch.failure_reason
    assert not batch.file  # the refused file is not kept
    assert Enrollment.objects.count() == 0


def test_oversized_file_is_refused_before_it_is_stored(partner_a_user, cohort_a, settings) -> None:
    settings.IMPORT_MAX_FILE_BYTES = 1000
    content = csv_bytes([row(cohort_a.code, f"BK{100000 + i}") for i in range(20)])
    batch = upload(partner_a_user, content)
    assert batch.status == ImportBatch.Status.FAILED
    assert "trop volumineux" in batch.failure_reason
    assert not batch.file


# --- All or nothing -------------------------------------------------------------------


def test_one_bad_row_among_thousands_writes_nothing_and_names_row_and_field(
    partner_a_user, cohort_a, employer
) -> None:
    rows = [row(cohort_a.code, f"BK{200000 + i}") for i in range(3000)]
    rows[2345]["Date d'embauche"] = "31/02/2026"
    before = database_snapshot()
    batch = upload(partner_a_user, csv_bytes(rows))
    assert batch.status == ImportBatch.Status.INVALID
    assert (batch.rows_in_error, batch.rows_to_create) == (1, 2999)
    error = batch.row_errors.get()
    assert (error.row_number, error.column) == (2347, "Date d'embauche")  # header is row 1
    assert "31/02/2026" in error.message
    assert database_snapshot() == before
    with pytest.raises(Exception, match="pas prêt"):
        confirm(partner_a_user, batch)
    assert database_snapshot() == before


def test_exception_during_commit_leaves_the_database_exactly_as_before(
    partner_a_user, cohort_a, employer, monkeypatch, settings
) -> None:
    settings.IMPORT_CHUNK_ROWS = 100
    existing = EnrollmentFactory.create(cohort=cohort_a, trainee__cin="BK300000")
    rows = [row(cohort_a.code, f"BK{300000 + i}") for i in range(450)]
    batch = upload(partner_a_user, csv_bytes(rows))
    assert batch.status == ImportBatch.Status.VALIDATED
    before = database_snapshot()
    calls = {"n": 0}
    real_write_plan = commit_module.write_plan

    def failing_write_plan(plan, *, user):
        calls["n"] += 1
        if calls["n"] == 3:  # after two chunks were written in the transaction
            raise RuntimeError("disk full")
        real_write_plan(plan, user=user)

    monkeypatch.setattr("tracker.imports.services.write_plan", failing_write_plan)
    batch = confirm(partner_a_user, batch)
    assert batch.status == ImportBatch.Status.FAILED
    assert "rien n'a été enregistré" in batch.failure_reason
    assert calls["n"] == 3
    assert database_snapshot() == before
    existing.refresh_from_db()
    assert existing.version == 1


def test_failed_validation_task_leaves_a_clear_failed_state(
    partner_a_user, cohort_a, monkeypatch
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("tracker.imports.services.plan_chunk", broken)
    batch = upload(partner_a_user, csv_bytes([row(cohort_a.code, "BK400001")]))
    assert batch.status == ImportBatch.Status.FAILED
    assert "Erreur inattendue pendant la validation" in batch.failure_reason
    assert "boom" not in batch.failure_reason
    assert Trainee.objects.count() == 0


# --- Idempotence ------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(partner_a_user, cohort_a, employer) -> None:
    content = csv_bytes([row(cohort_a.code, f"BK{500000 + i}") for i in range(50)])
    import_file(partner_a_user, content)
    before = database_snapshot()
    again = import_file(partner_a_user, content)
    assert again.status == ImportBatch.Status.COMMITTED
    assert (again.rows_to_create, again.rows_to_update, again.rows_unchanged) == (0, 0, 50)
    assert database_snapshot() == before


def test_corrected_file_updates_only_the_changed_rows(partner_a_user, cohort_a, employer) -> None:
    rows = [enrolled_row(cohort_a.code, f"BK{600000 + i}") for i in range(20)]
    import_file(partner_a_user, csv_bytes(rows))
    rows[3].update({"Statut": "Diplômé", "Date de diplomation": "30/06/2026"})
    rows[7]["E-mail"] = "nouvelle.adresse@exemple.ma"
    rows[9].update(row(cohort_a.code, rows[9]["CIN"]))  # graduated and hired
    log_before = set(ChangeLog.objects.values_list("id", flat=True))
    batch = import_file(partner_a_user, csv_bytes(rows))
    assert (batch.rows_to_create, batch.rows_to_update, batch.rows_unchanged) == (0, 3, 17)
    new_logs = ChangeLog.objects.exclude(id__in=log_before)
    changes = {(log.entity, log.action): log.changes for log in new_logs}
    graduated = Enrollment.objects.get(trainee__cin=rows[3]["CIN"])
    assert graduated.status == Enrollment.Status.GRADUATED
    assert graduated.version == 2
    assert new_logs.get(entity="enrollment", object_id=graduated.id).changes["status"] == [
        "enrolled",
        "graduated",
    ]
    contact = TraineeContact.objects.get(trainee__cin=rows[7]["CIN"])
    assert new_logs.get(entity="traineecontact", object_id=contact.id).changes == {
        "email": [f"{rows[7]['CIN'].lower()}@exemple.ma", "nouvelle.adresse@exemple.ma"]
    }
    assert ("placement", "created") in changes
    # 3 rows changed: one enrollment + one trainee + (enrollment + new hire) for row 9.
    assert new_logs.count() == 4
    assert all(log.source == ChangeLog.Source.IMPORT for log in new_logs)


# --- Scope ----------------------------------------------------------------------------------


def test_partner_b_importing_into_partner_a_cohort_is_refused_without_leaking(
    partner_b_user, operator_b, cohort_a, employer
) -> None:
    CohortFactory.create(operator=operator_b, code="TET-CRM-2026-01")
    EnrollmentFactory.create(cohort=cohort_a, trainee__cin="BK700001", trainee__first_name="Zineb")
    before = database_snapshot()
    batch = upload(
        partner_b_user,
        csv_bytes([row(cohort_a.code, "BK700001"), row(cohort_a.code, "BK700002")]),
    )
    assert batch.status == ImportBatch.Status.INVALID
    messages = list(batch.row_errors.values_list("message", flat=True))
    assert len(messages) == 2
    for message in messages:
        assert "inconnue ou hors de votre périmètre" in message
        assert "Atlas" not in message
        assert "Zineb" not in message
        assert cohort_a.metier not in message
    # Same words for a cohort that does not exist at all.
    ghost = upload(partner_b_user, csv_bytes([row("NO-SUCH-COHORT", "BK700003")]))
    assert ghost.row_errors.get().message.replace("NO-SUCH-COHORT", cohort_a.code) == messages[0]
    assert database_snapshot() == before


def test_overlapping_enrollment_in_progress_in_another_cohort_is_an_error(
    partner_a_user, operator_a, cohort_a
) -> None:
    other = CohortFactory.create(operator=operator_a, code="CAS-ITO-2026-02")
    EnrollmentFactory.create(cohort=other, trainee__cin="BK800001")
    batch = upload(
        partner_a_user,
        csv_bytes(
            [
                enrolled_row(cohort_a.code, "BK800001"),
            ]
        ),
    )
    assert batch.status == ImportBatch.Status.INVALID
    error = batch.row_errors.get()
    assert error.column == "Date d'inscription"
    assert other.code not in error.message


def test_duplicate_row_in_the_file_is_an_error(partner_a_user, cohort_a, employer) -> None:
    batch = upload(
        partner_a_user, csv_bytes([row(cohort_a.code, "BK900001"), row(cohort_a.code, "BK900001")])
    )
    assert batch.status == ImportBatch.Status.INVALID
    error = batch.row_errors.get()
    assert (error.row_number, error.column) == (3, "CIN")


def test_partner_keeps_another_organisations_trainee_record_untouched(
    partner_b_user, operator_b, cohort_a, employer
) -> None:
    cohort_b = CohortFactory.create(
        operator=operator_b,
        code="TET-CRM-2026-01",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 3, 1),
    )
    EnrollmentFactory.create(
        cohort=cohort_a,
        trainee__cin="BK910001",
        trainee__last_name="Alami",
        status=Enrollment.Status.GRADUATED,
        graduated_on=dt.date(2026, 6, 30),
    )
    batch = upload(
        partner_b_user,
        csv_bytes(
            [
                enrolled_row(
                    cohort_b.code,
                    "BK910001",
                    **{"Nom": "Autre", "Date d'inscription": "01/09/2026"},
                )
            ]
        ),
    )
    # Another identity than the national record's: refused, in words that show none
    # of the stored values, and nothing written.
    assert batch.rows_in_error == 1
    errors = list(batch.row_errors.values_list("column", "message"))
    assert errors == [("CIN", str(IDENTITY_MISMATCH_MESSAGE))]
    assert Trainee.objects.get(cin="BK910001").last_name == "Alami"
    assert not Enrollment.objects.filter(cohort=cohort_b).exists()


# --- Stages -------------------------------------------------------------------------------


def test_cancel_at_preview_leaves_nothing(partner_a_user, cohort_a, employer) -> None:
    from tracker.imports.services import import_cancel

    before = database_snapshot()
    rows = [row(cohort_a.code, "BK920001"), row(cohort_a.code, "BAD!")]
    batch = upload(partner_a_user, csv_bytes(rows))
    assert batch.row_errors.count() == 1
    storage, name = batch.file.storage, batch.file.name
    assert storage.exists(name)
    assert storage.exists(f"{name}.staged")
    import_cancel(user=partner_a_user, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED
    assert not batch.file
    assert batch.row_errors.count() == 0
    assert not storage.exists(name)
    assert not storage.exists(f"{name}.staged")
    assert database_snapshot() == before


def test_two_imports_into_the_same_cohort_cannot_commit_at_once(
    partner_a_user, cohort_a, employer
) -> None:
    from tracker.imports.services import ImportConflictError, import_confirm

    first = upload(partner_a_user, csv_bytes([row(cohort_a.code, "BK930001")]))
    second = upload(partner_a_user, csv_bytes([row(cohort_a.code, "BK930002")]))
    # The first one is being committed by a worker.
    ImportBatch.objects.filter(id=first.id).update(status=ImportBatch.Status.COMMITTING)
    with pytest.raises(ImportConflictError, match="Un autre import est en cours"):
        import_confirm(user=partner_a_user, batch=second)
    second.refresh_from_db()
    assert second.status == ImportBatch.Status.VALIDATED


def test_rollups_are_queued_for_the_touched_cohorts(
    partner_a_user, cohort_a, employer, monkeypatch
) -> None:
    queued: list[list[int]] = []
    monkeypatch.setattr(
        "tracker.imports.services.rollup_after_commit",
        lambda *, cohort_ids, previous=(): queued.append(list(cohort_ids)),
    )
    import_file(partner_a_user, csv_bytes([row(cohort_a.code, "BK940001")]))
    assert queued == [[cohort_a.id]]


@pytest.mark.parametrize("rows_count", [500, 1500])
def test_database_checks_are_set_based_a_few_queries_per_chunk(
    rows_count, partner_a_user, cohort_a, employer, settings
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracker.imports.services import import_commit, import_validate

    settings.IMPORT_CHUNK_ROWS = 500
    chunks = rows_count // 500
    rows = [row(cohort_a.code, f"BK{950000 + i}") for i in range(rows_count)]
    batch = upload(partner_a_user, csv_bytes(rows))
    ImportBatch.objects.filter(id=batch.id).update(status=ImportBatch.Status.UPLOADED)
    with CaptureQueriesContext(connection) as validation:
        import_validate(batch_id=batch.id)
    ImportBatch.objects.filter(id=batch.id).update(status=ImportBatch.Status.COMMITTING)
    with CaptureQueriesContext(connection) as commit:
        import_commit(batch_id=batch.id)
    assert Enrollment.objects.count() == rows_count

    def selects(context: CaptureQueriesContext) -> int:
        return sum(1 for q in context.captured_queries if q["sql"].startswith("SELECT"))

    # Lookups (trainees, enrollments, hires) and id read-backs per chunk, plus a fixed
    # set-up (batch, cohorts in scope, reference tables): never one query per row.
    assert selects(validation) <= 10 + 3 * chunks
    assert selects(commit) <= 12 + 6 * chunks


# --- Staged plans: replayed at the commit only when the database has not changed ----------


def test_commit_replays_the_staged_plan_when_the_database_did_not_change(
    partner_a_user, cohort_a, employer, settings
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.IMPORT_CHUNK_ROWS = 10
    batch = upload(
        partner_a_user, csv_bytes([row(cohort_a.code, f"BK83{i:04}") for i in range(30)])
    )
    with CaptureQueriesContext(connection) as commit:
        batch = confirm(partner_a_user, batch)
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Enrollment.objects.filter(cohort=cohort_a).count() == 30
    # No re-check lookup of the trainees by CIN: validation's plans were written as is.
    lookups = [
        q["sql"] for q in commit.captured_queries if '"tracker_trainee"."cin" IN' in q["sql"]
    ]
    assert lookups == []


def test_database_change_after_validation_is_rechecked_at_commit(
    partner_a_user, operator_a, cohort_a
) -> None:
    batch = upload(partner_a_user, csv_bytes([enrolled_row(cohort_a.code, "BK840001")]))
    assert batch.status == ImportBatch.Status.VALIDATED
    # Meanwhile the same person is enrolled elsewhere over the same period.
    other = CohortFactory.create(operator=operator_a, code="CAS-ITO-2026-03")
    EnrollmentFactory.create(cohort=other, trainee__cin="BK840001")
    before = database_snapshot()
    batch = confirm(partner_a_user, batch)
    assert batch.status == ImportBatch.Status.FAILED
    assert "ont changé depuis la validation" in batch.failure_reason
    assert database_snapshot() == before


def test_same_person_in_two_chunks_is_created_once(
    partner_a_user, operator_a, cohort_a, employer, settings
) -> None:
    settings.IMPORT_CHUNK_ROWS = 3
    other = CohortFactory.create(operator=operator_a, code="CAS-ITO-2026-04")
    rows = [
        row(cohort_a.code, "BK850001"),
        row(cohort_a.code, "BK850002"),
        row(cohort_a.code, "BK850003"),
        row(other.code, "BK850001"),  # the next chunk: a second cohort for the same person
    ]
    batch = import_file(partner_a_user, csv_bytes(rows))
    assert batch.status == ImportBatch.Status.COMMITTED, batch.failure_reason
    assert Trainee.objects.filter(cin="BK850001").count() == 1
    assert Enrollment.objects.filter(trainee__cin="BK850001").count() == 2


@pytest.mark.parametrize(
    ("positions", "cells", "expected"),
    [
        ({}, ["x"], {}),  # an API record with no known field
        ({"cin": 1}, ["a", "  AB 12  "], {"cin": "AB 12"}),
        (
            {"cin": 0, "last_name": 2},
            ["AB1", "", " El  Fassi "],
            {"cin": "AB1", "last_name": "El Fassi"},
        ),
        ({"cin": 0, "phone": 1}, ["AB1\u00a0 ", "06\u00a012"], {"cin": "AB1", "phone": "06 12"}),
        ({"cin": 0, "email": 5}, [" AB1 "], {"cin": "AB1"}),  # a short row: absent cells
    ],
)
def test_a_rows_cells_are_read_by_key_and_cleaned(
    positions: dict[str, int], cells: list[str], expected: dict[str, str]
) -> None:
    from tracker.imports.validation import _Row

    assert _Row(2, cells, positions).values == expected
    assert _Row(3, cells, positions).values == expected  # the cached reader, same result


def test_the_heap_is_frozen_for_the_collector_only_while_an_import_runs(
    partner_a_user, cohort_a, monkeypatch
) -> None:
    import gc

    frozen: list[int] = []
    real_write_plan = commit_module.write_plan

    def watching_write_plan(plan, *, user):
        frozen.append(gc.get_freeze_count())
        real_write_plan(plan, user=user)

    monkeypatch.setattr("tracker.imports.services.write_plan", watching_write_plan)
    assert gc.get_freeze_count() == 0
    assert import_file(partner_a_user, csv_bytes([row(cohort_a.code, "BK400001")])).status == (
        ImportBatch.Status.COMMITTED
    )
    assert len(frozen) == 1
    assert frozen[0] > 0
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()

    def failing_write_plan(plan, *, user):
        raise RuntimeError("disk full")

    monkeypatch.setattr("tracker.imports.services.write_plan", failing_write_plan)
    batch = import_file(partner_a_user, csv_bytes([row(cohort_a.code, "BK400002")]))
    assert batch.status == ImportBatch.Status.FAILED
    assert gc.get_freeze_count() == 0
