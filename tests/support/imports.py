"""Helpers for the import tests: files in every shape partners produce, and the
upload -> validate -> confirm -> commit pipeline run inline."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from openpyxl import Workbook

from accounts.models import User
from tracker.imports.columns import COLUMNS
from tracker.imports.services import import_confirm, import_upload
from tracker.models import ImportBatch

HEADERS = [column.header for column in COLUMNS]


def row(cohort_code: str, cin: str, **overrides: str) -> dict[str, str]:
    """One data row by header; a graduate hired with a CDI unless overridden."""
    values = {
        "Code cohorte": cohort_code,
        "CIN": cin,
        "Nom": "Benali",
        "Prénom": "Salma",
        "Sexe": "F",
        "Date de naissance": "17/05/2000",
        "Téléphone": "06 12 34 56 78",
        "E-mail": f"{cin.lower().replace(' ', '')}@exemple.ma",
        "Statut": "Diplômé",
        "Date d'inscription": "05/01/2026",
        "Date de diplomation": "30/06/2026",
        "Employeur": "Casablanca Nearshore Services",
        "ICE employeur": "001987654000078",
        "Date d'embauche": "01/08/2026",
        "Type de contrat": "CDI",
        "Intitulé du poste": "Conseiller client",
        "Salaire brut mensuel (MAD)": "9 500,50",
    }
    values.update(overrides)
    return values


NO_HIRE = {
    "Employeur": "",
    "ICE employeur": "",
    "Date d'embauche": "",
    "Type de contrat": "",
    "Intitulé du poste": "",
    "Salaire brut mensuel (MAD)": "",
}


def enrolled_row(cohort_code: str, cin: str, **overrides: str) -> dict[str, str]:
    """A trainee still in training: no graduation, no hire."""
    return row(
        cohort_code, cin, **{"Statut": "Inscrit", "Date de diplomation": "", **NO_HIRE, **overrides}
    )


def table(rows: Sequence[dict[str, str]], headers: Sequence[str] = HEADERS) -> list[list[str]]:
    return [list(headers)] + [[r.get(h, "") for h in headers] for r in rows]


def csv_bytes(
    rows: Sequence[dict[str, str]],
    *,
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
    headers: Sequence[str] = HEADERS,
    trailing_empty_rows: int = 0,
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(table(rows, headers))
    for _ in range(trailing_empty_rows):
        writer.writerow([""] * len(headers))
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(
    rows: Sequence[dict[str, str]],
    *,
    headers: Sequence[str] = HEADERS,
    trailing_empty_rows: int = 0,
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for line in table(rows, headers):
        sheet.append(line)
    for _ in range(trailing_empty_rows):
        sheet.append([None] * len(headers))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(user: User, content: bytes, name: str = "inscriptions.csv") -> ImportBatch:
    """Upload and validation (inline, run when the upload's transaction commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = import_upload(user=user, uploaded_file=SimpleUploadedFile(name, content))
    batch.refresh_from_db()
    return batch


def confirm(user: User, batch: ImportBatch) -> ImportBatch:
    with TestCase.captureOnCommitCallbacks(execute=True):
        import_confirm(user=user, batch=batch)
    batch.refresh_from_db()
    return batch


def import_file(user: User, content: bytes, name: str = "inscriptions.csv") -> ImportBatch:
    batch = upload(user, content, name)
    assert batch.status == ImportBatch.Status.VALIDATED, (
        batch.status,
        batch.failure_reason,
        list(batch.row_errors.values_list("row_number", "column", "message")[:5]),
    )
    return confirm(user, batch)
