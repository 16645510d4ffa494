"""The declarations import (tracker.imports.declarations.services): staged like partners' files —
every row validated, bad rows named in the preview with nothing written, all-or-nothing
commit, idempotent re-import, the match rebuilt on commit; admins only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from tests.support.factories import EnrollmentFactory, PlacementFactory, TraineeFactory
from tests.support.verification import answer_csv
from tracker.imports.declarations.services import (
    declarations_commit,
    declarations_confirm,
    declarations_upload,
    sample_answer_file,
)
from tracker.models import (
    Declaration,
    DeclarationImport,
    DeclarationStagedRow,
    EmployerAffiliation,
    HireVerification,
)

pytestmark = pytest.mark.django_db
ICE = "001234567000089"


def _upload(user, content: bytes, name: str = "cnss.csv") -> DeclarationImport:
    """Upload and validation (inline, run when the upload's transaction commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = declarations_upload(user=user, uploaded_file=SimpleUploadedFile(name, content))
    batch.refresh_from_db()
    return batch


def _confirm(user, batch: DeclarationImport) -> DeclarationImport:
    """Confirmation, commit and the match's rebuild (each queued on commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        declarations_confirm(user=user, batch=batch)
    batch.refresh_from_db()
    return batch


@pytest.fixture
def people() -> list:
    return [TraineeFactory.create(cin="AB100001"), TraineeFactory.create(cin="AB100002")]


def test_valid_file_previews_then_commits_and_rebuilds_the_match(admin_user, people) -> None:
    hire = PlacementFactory.create(
        enrollment=EnrollmentFactory.create(trainee=people[0]),
        hired_on=dt.date(2026, 1, 20),
        employer_ice=ICE,
    )
    batch = _upload(
        admin_user,
        answer_csv(
            f"AB100001;{ICE};7654321;2026-02;26;8500,00",
            "ab100002;;7654321;2026-01;13;4250.50",
        ),
    )
    assert batch.status == DeclarationImport.Status.VALIDATED
    assert (batch.total_rows, batch.rows_to_create, batch.rows_in_error) == (2, 2, 0)
    assert Declaration.objects.count() == 0  # nothing before the confirmation
    batch = _confirm(admin_user, batch)
    assert batch.status == DeclarationImport.Status.COMMITTED
    assert Declaration.objects.count() == 2
    assert DeclarationStagedRow.objects.count() == 0
    assert EmployerAffiliation.objects.filter(ice=ICE, cnss_number="7654321").exists()
    assert HireVerification.objects.get(placement=hire).verified


def test_reimporting_the_same_file_changes_nothing(admin_user, people) -> None:
    content = answer_csv(f"AB100001;{ICE};;2026-02;26;8500")
    first = _upload(admin_user, content)
    _confirm(admin_user, first)
    stored = list(Declaration.objects.values("id", "gross_salary_mad", "updated_at"))
    again = _upload(admin_user, content, "again.csv")
    assert (again.rows_to_create, again.rows_to_update, again.rows_unchanged) == (0, 0, 1)
    _confirm(admin_user, again)
    assert list(Declaration.objects.values("id", "gross_salary_mad", "updated_at")) == stored


def test_a_corrected_salary_replaces_the_stored_one(admin_user, people) -> None:
    _confirm(admin_user, _upload(admin_user, answer_csv(f"AB100001;{ICE};;2026-02;26;8500")))
    corrected = _upload(admin_user, answer_csv(f"AB100001;{ICE};;2026-02;26;9100"), "fix.csv")
    assert (corrected.rows_to_create, corrected.rows_to_update) == (0, 1)
    _confirm(admin_user, corrected)
    assert [str(d.gross_salary_mad) for d in Declaration.objects.all()] == ["9100.00"]


def test_bad_rows_are_named_in_the_preview_and_nothing_is_written(admin_user, people) -> None:
    batch = _upload(
        admin_user,
        answer_csv(
            f"AB100001;{ICE};;2026-02;26;8500",  # row 2: fine alone
            f"ZZ999999;{ICE};;2026-02;26;8500",  # row 3: unknown CIN
            f"AB100002;{ICE};;2026-13;26;8500",  # row 4: malformed month
            f"AB100002;{ICE};;2026-03;26;-10",  # row 5: negative salary
            f"AB100001;{ICE};;2026-02;20;7000",  # row 6: duplicates row 2
        ),
    )
    assert batch.status == DeclarationImport.Status.INVALID
    errors = {(e.row_number, e.column): e.message for e in batch.row_errors.all()}
    assert set(errors) == {(3, "cin"), (4, "mois"), (5, "salaire_brut"), (6, "mois")}
    assert "ZZ999999" in errors[(3, "cin")]
    assert "2026-13" in errors[(4, "mois")]
    assert "négatif" in errors[(5, "salaire_brut")]
    assert "ligne 2" in errors[(6, "mois")]
    assert (batch.total_rows, batch.rows_in_error) == (5, 4)
    assert Declaration.objects.count() == 0
    assert DeclarationStagedRow.objects.count() == 0
    with pytest.raises(Exception, match="pas prêt"):
        declarations_confirm(user=admin_user, batch=batch)


def test_file_without_the_header_is_refused_with_the_expected_columns(admin_user) -> None:
    batch = _upload(admin_user, b"a;b;c\n1;2;3\n")
    assert batch.status == DeclarationImport.Status.FAILED
    assert "cin, ice_employeur" in batch.failure_reason


def test_a_person_deleted_after_the_preview_fails_the_commit_whole(admin_user, people) -> None:
    extra = TraineeFactory.create(cin="AB100003")
    batch = _upload(
        admin_user,
        answer_csv(f"AB100001;{ICE};;2026-02;26;8500", f"AB100003;{ICE};;2026-02;26;8500"),
    )
    DeclarationImport.objects.filter(id=batch.id).update(status="committing")
    extra.delete()
    batch = declarations_commit(batch_id=batch.id)
    assert batch.status == DeclarationImport.Status.FAILED
    assert Declaration.objects.count() == 0


def test_sample_file_passes_its_own_validation_header(admin_user) -> None:
    TraineeFactory.create(cin="AB123456")
    TraineeFactory.create(cin="CD654321")
    batch = _upload(admin_user, sample_answer_file().encode(), "sample.csv")
    assert batch.status == DeclarationImport.Status.VALIDATED
    assert batch.total_rows == 3


def test_admin_pages_upload_preview_and_confirm(admin_client, people) -> None:
    content = answer_csv(f"AB100001;{ICE};;2026-02;26;8500", "AB100002;;;2026-02;26;1")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = admin_client.post(
            reverse("declarations_list"), {"file": SimpleUploadedFile("c.csv", content)}
        )
    batch = DeclarationImport.objects.get()
    assert response.status_code == 302
    page = admin_client.get(reverse("declarations_detail", args=[batch.pk])).content.decode()
    assert "Employeur manquant" in page
    assert admin_client.get(reverse("declarations_sample")).status_code == 200


def test_partners_and_managers_cannot_import_or_see_declarations(
    admin_user, partner_a_client, manager_client, people
) -> None:
    batch = _upload(admin_user, answer_csv(f"AB100001;{ICE};;2026-02;26;8500"))
    for client in (partner_a_client, manager_client):
        assert client.get(reverse("declarations_list")).status_code == 403
        assert client.get(reverse("declarations_sample")).status_code == 403
        assert client.get(reverse("declarations_detail", args=[batch.pk])).status_code == 404
        assert client.post(reverse("declarations_confirm", args=[batch.pk])).status_code == 404
    assert DeclarationImport.objects.get().status == DeclarationImport.Status.VALIDATED


def _xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_workbook_goes_through_the_same_stages(admin_user, people) -> None:
    header = ["CIN", "ICE employeur", "CNSS employeur", "Mois", "Jours déclarés", "Salaire brut"]
    content = _xlsx(
        [
            header,
            ["AB100001", ICE, None, "2026-02", 26, 8500.5],
            ["AB100002", ICE, None, "2026-02", 26, -1],
        ]
    )
    batch = _upload(admin_user, content, "cnss.xlsx")
    assert batch.status == DeclarationImport.Status.INVALID
    assert [(e.row_number, e.column) for e in batch.row_errors.all()] == [(3, "salaire_brut")]
    good = _xlsx([header, ["AB100001", ICE, None, "2026-02", 26, 8500.5]])
    batch = _upload(admin_user, good, "ok.xlsx")
    assert batch.status == DeclarationImport.Status.VALIDATED
    assert _confirm(admin_user, batch).status == DeclarationImport.Status.COMMITTED
    assert [str(d.gross_salary_mad) for d in Declaration.objects.all()] == ["8500.50"]


def test_a_pdf_renamed_xlsx_is_refused_with_its_reason(admin_user) -> None:
    batch = _upload(admin_user, b"%PDF-1.4 not a workbook", "cnss.xlsx")
    assert batch.status == DeclarationImport.Status.FAILED
    assert "PDF" in batch.failure_reason
