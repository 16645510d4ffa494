"""Export for update -> edit -> import: a cohort (the per-cohort template comes filled)
and a filtered enrollment list, in XLSX and CSV. Re-imported unchanged, the file changes
nothing; edited, exactly the edited rows change. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from tests.support.imports import import_file
from tests.support.round_trip import (
    TRAINEES,
    edit_xlsx,
    header_index,
    partner_cohort,
    xlsx_data_rows,
)
from tracker.imports import update_views
from tracker.imports.columns import COLUMNS
from tracker.models import ChangeLog, Enrollment, ImportBatch, Placement

pytestmark = pytest.mark.django_db


def _cohort_file(client, cohort, file_format: str) -> bytes:
    url = reverse("import_template") + f"?cohort={cohort.pk}&format={file_format}"
    response = client.get(url)
    assert response.status_code == 200
    return response.content


def _state():
    """Everything an import could change, to compare before and after."""
    return (
        list(Enrollment.objects.order_by("id").values()),
        list(Placement.objects.order_by("id").values()),
        ChangeLog.objects.count(),
    )


def _assert_zero_changes(batch: ImportBatch, rows: int) -> None:
    assert batch.status == ImportBatch.Status.COMMITTED
    assert (batch.rows_to_create, batch.rows_to_update, batch.rows_unchanged) == (0, 0, rows)


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_cohort_export_reimported_unchanged_changes_nothing(
    partner_a_user, partner_a_client, operator_a, file_format
):
    world = partner_cohort(operator_a)
    content = _cohort_file(partner_a_client, world.cohort, file_format)
    before = _state()
    batch = import_file(partner_a_user, content, f"cohorte.{file_format}")
    _assert_zero_changes(batch, TRAINEES)
    assert _state() == before


def test_cohort_template_is_filled_with_its_trainees_in_the_template_columns(
    partner_a_client, operator_a
):
    world = partner_cohort(operator_a)
    partner_cohort(
        operator_a, code="RT-OTHER", size=3, cin_prefix="RX"
    )  # another cohort: not in the file
    rows = xlsx_data_rows(_cohort_file(partner_a_client, world.cohort, "xlsx"))
    assert rows[0] == [column.label for column in COLUMNS]
    positions = header_index(rows[0])  # type: ignore[arg-type]
    data = [row for row in rows[1:] if any(row)]
    assert sorted(str(row[positions["cin"]]) for row in data) == sorted(
        e.trainee.cin for e in world.enrollments
    )
    graduate = next(row for row in data if row[positions["cin"]] == "RT000001")
    assert graduate[positions["status"]] == "Diplômé"  # a label, not the code
    graduated_on = graduate[positions["graduated_on"]]
    assert isinstance(graduated_on, dt.datetime)  # a date cell
    assert graduated_on.date() == dt.date(2026, 6, 30)
    assert graduate[positions["phone"]] == "+212600000001"  # text, no apostrophe
    assert graduate[positions["contract_type"]] == "CDD"
    assert graduate[positions["education_level"]] == "Bac+2"
    assert graduate[positions["residence_region"]] == "MA-06"


def test_csv_export_writes_dates_and_phones_as_people_read_them(partner_a_client, operator_a):
    world = partner_cohort(operator_a, size=4)
    text = _cohort_file(partner_a_client, world.cohort, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    positions = header_index(rows[0])
    graduate = next(row for row in rows if row[positions["cin"]] == "RT000001")
    assert graduate[positions["graduated_on"]] == "30/06/2026"
    assert graduate[positions["phone"]] == "+212600000001"
    assert graduate[positions["salary"]] == "9500,50"


def test_ten_edited_graduation_dates_update_exactly_ten_rows(
    partner_a_user, partner_a_client, operator_a
):
    world = partner_cohort(operator_a)
    in_training = [e for e in world.enrollments if e.status == Enrollment.Status.ENROLLED]
    graduated = [e for e in world.enrollments if e.status == Enrollment.Status.GRADUATED]
    # Five trainees graduate, five graduation dates are corrected.
    edits = {
        e.trainee.cin: {"status": "Diplômé", "graduated_on": dt.date(2026, 6, 26)}
        for e in in_training[:5]
    } | {e.trainee.cin: {"graduated_on": "25/06/2026"} for e in graduated[:5]}
    content = edit_xlsx(_cohort_file(partner_a_client, world.cohort, "xlsx"), edits)
    untouched = {
        e.pk: (e.status, e.graduated_on, e.version)
        for e in Enrollment.objects.exclude(trainee__cin__in=edits)
    }
    batch = import_file(partner_a_user, content, "cohorte.xlsx")
    assert (batch.rows_to_create, batch.rows_to_update, batch.rows_unchanged) == (
        0,
        10,
        TRAINEES - 10,
    )
    for enrollment in Enrollment.objects.filter(trainee__cin__in=edits):
        assert enrollment.status == Enrollment.Status.GRADUATED
        assert enrollment.graduated_on in (dt.date(2026, 6, 26), dt.date(2026, 6, 25))
    assert {
        e.pk: (e.status, e.graduated_on, e.version)
        for e in Enrollment.objects.exclude(trainee__cin__in=edits)
    } == untouched
    assert (
        ChangeLog.objects.filter(
            entity=ChangeLog.Entity.ENROLLMENT, source=ChangeLog.Source.IMPORT
        ).count()
        == 10
    )


def test_a_hire_added_and_a_status_changed_in_the_csv_update_those_rows(
    partner_a_user, partner_a_client, operator_a
):
    world = partner_cohort(operator_a, size=8)
    content = _cohort_file(partner_a_client, world.cohort, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    positions = header_index(rows[0])
    for row in rows[1:]:
        if row[positions["cin"]] == "RT000000":  # in training: drops out
            row[positions["status"]] = "Abandon"
            row[positions["exited_on"]] = "15/03/2026"
        if row[positions["cin"]] == "RT000005":  # graduated, now hired
            row[positions["employer_name"]] = "Fès Customer Care"
            row[positions["employer_ice"]] = "003456789000023"
            row[positions["hired_on"]] = "01/09/2026"
            row[positions["contract_type"]] = "CDI"
            row[positions["job_title"]] = "Conseiller client"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    hires = Placement.objects.count()
    batch = import_file(partner_a_user, buffer.getvalue().encode("utf-8"), "cohorte.csv")
    assert (batch.rows_to_create, batch.rows_to_update, batch.rows_unchanged) == (0, 2, 6)
    dropped = Enrollment.objects.get(trainee__cin="RT000000")
    assert (dropped.status, dropped.exited_on) == ("dropped_out", dt.date(2026, 3, 15))
    assert Placement.objects.count() == hires + 1
    assert Placement.objects.filter(enrollment__trainee__cin="RT000005").count() == 2


@pytest.mark.parametrize("file_format", ["update_xlsx", "update_csv"])
def test_filtered_list_export_for_update_round_trips(
    partner_a_user, partner_a_client, operator_a, file_format
):
    partner_cohort(operator_a, size=12)
    url = reverse("enrollment_list") + f"?status=graduated&export={file_format}"
    response = partner_a_client.get(url)
    assert response.status_code == 200
    graduated = Enrollment.objects.filter(status=Enrollment.Status.GRADUATED).count()
    extension = file_format.removeprefix("update_")
    batch = import_file(partner_a_user, response.content, f"liste.{extension}")
    _assert_zero_changes(batch, graduated)


def test_partner_b_exports_nothing_of_partner_a(partner_b_client, operator_a, partner_b_user):
    world = partner_cohort(operator_a, size=4)
    url = reverse("import_template") + f"?cohort={world.cohort.pk}"
    assert partner_b_client.get(url).status_code == 404
    response = partner_b_client.get(reverse("enrollment_list") + "?export=update_csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "RT0000" not in text
    assert "RT-COH" not in text
    assert len(text.strip().splitlines()) == 1  # the header only


def test_export_for_update_refused_to_who_may_not_import(viewer_a_client, manager_client):
    for client in (viewer_a_client, manager_client):
        response = client.get(reverse("enrollment_list") + "?export=update_xlsx")
        assert response.status_code == 403


def test_admin_round_trips_a_partners_cohort(admin_user, admin_client, operator_a):
    """Staff export the operator's own record of each person (its contact details)."""
    world = partner_cohort(operator_a)
    content = _cohort_file(admin_client, world.cohort, "xlsx")
    before = _state()
    batch = import_file(admin_user, content, "cohorte.xlsx")
    _assert_zero_changes(batch, TRAINEES)
    assert _state() == before


def test_a_too_long_list_is_asked_to_be_filtered_for_xlsx(
    partner_a_client, operator_a, monkeypatch
):
    partner_cohort(operator_a, size=4)
    monkeypatch.setattr(update_views, "UPDATE_XLSX_MAX_ROWS", 3)
    response = partner_a_client.get(reverse("enrollment_list") + "?export=update_xlsx", follow=True)
    assert "Plus de 3 inscriptions" in response.content.decode()
    response = partner_a_client.get(reverse("enrollment_list") + "?export=update_csv")
    assert response.status_code == 200  # the CSV has no such limit
