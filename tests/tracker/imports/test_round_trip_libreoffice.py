"""The export for update written back by LibreOffice (``soffice --headless --convert-to
xlsx``), as a partner who opens and saves it in LibreOffice Calc: re-imported unchanged it
changes nothing; with 10 graduation dates edited it updates exactly those 10 rows.

Skipped on a machine without LibreOffice, failed instead when REQUIRE_SOFFICE=1 (CI)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from tests.support.imports import import_file
from tests.support.round_trip import TRAINEES, edit_xlsx, partner_cohort
from tracker.models import Enrollment, ImportBatch

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice") or ""
REQUIRE_SOFFICE = os.environ.get("REQUIRE_SOFFICE") == "1"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not SOFFICE and not REQUIRE_SOFFICE,
        reason="LibreOffice (soffice) not found (set REQUIRE_SOFFICE=1 to fail)",
    ),
]


def through_libreoffice(content: bytes, tmp_path: Path) -> bytes:
    """The workbook opened and saved again by LibreOffice Calc."""
    assert SOFFICE, "REQUIRE_SOFFICE=1 but soffice is not installed"
    source = tmp_path / "in" / "cohorte.xlsx"
    source.parent.mkdir(parents=True)
    source.write_bytes(content)
    out = tmp_path / "out"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (out / "cohorte.xlsx").read_bytes()


def test_libreoffice_saved_export_round_trips(
    partner_a_user, partner_a_client, operator_a, tmp_path
):
    world = partner_cohort(operator_a)
    url = reverse("import_template") + f"?cohort={world.cohort.pk}"
    content = partner_a_client.get(url).content

    saved = through_libreoffice(content, tmp_path / "unchanged")
    batch = import_file(partner_a_user, saved, "cohorte.xlsx")
    assert batch.status == ImportBatch.Status.COMMITTED
    assert (batch.rows_to_create, batch.rows_to_update, batch.rows_unchanged) == (0, 0, TRAINEES)

    graduated = [e for e in world.enrollments if e.status == Enrollment.Status.GRADUATED][:5]
    in_training = [e for e in world.enrollments if e.status == Enrollment.Status.ENROLLED][:5]
    edits = {e.trainee.cin: {"graduated_on": dt.date(2026, 6, 25)} for e in graduated} | {
        e.trainee.cin: {"status": "Diplômé", "graduated_on": "26/06/2026"} for e in in_training
    }
    edited = through_libreoffice(edit_xlsx(content, edits), tmp_path / "edited")
    versions = dict(Enrollment.objects.values_list("trainee__cin", "version"))
    batch = import_file(partner_a_user, edited, "cohorte.xlsx")
    assert (batch.rows_to_create, batch.rows_to_update, batch.rows_unchanged) == (
        0,
        10,
        TRAINEES - 10,
    )
    after = dict(Enrollment.objects.values_list("trainee__cin", "version"))
    assert {cin for cin in after if after[cin] != versions[cin]} == set(edits)
    assert set(
        Enrollment.objects.filter(trainee__cin__in=edits).values_list("graduated_on", flat=True)
    ) == {dt.date(2026, 6, 25), dt.date(2026, 6, 26)}
