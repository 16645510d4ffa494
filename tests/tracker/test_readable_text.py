"""Text people read: dates in the reader's format in messages and exports, phones as
text without escape characters (formula payloads still neutralised), labels rather
than codes in the template, import errors shown in the reader's language, every field's
error of a form at once."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tests.support.factories import TraineeContactFactory, TraineeFactory
from tests.support.imports import csv_bytes, enrolled_row, import_file, row, upload
from tests.support.round_trip import partner_cohort
from tracker.models import Enrollment, Placement, Trainee

pytestmark = pytest.mark.django_db


def _speak(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


# --- Import errors: stored as message ids with parameters, read in any language -------


def test_an_import_error_made_in_french_reads_in_arabic_and_english(
    partner_a_user, partner_a_client, operator_a
):
    world = partner_cohort(operator_a, size=1)
    rows = [
        enrolled_row(world.cohort.code, "BK100003", Sexe="X"),
        enrolled_row(world.cohort.code, "BK100004", **{"Date d'inscription": "15/07/2026"}),
    ]
    batch = upload(partner_a_user, csv_bytes(rows), "liste.csv")  # the uploader reads French
    errors = {error.column: error for error in batch.row_errors.all()}
    assert errors["Sexe"].message == "Valeur « X » non reconnue (voir la feuille Valeurs)."
    assert (
        errors["Sexe"].message_id == "Valeur « %(value)s » non reconnue (voir la feuille Valeurs)."
    )
    assert errors["Sexe"].params == {"value": "X"}
    assert errors["Sexe"].code == "invalid_choice"
    date_error = errors["Date d'inscription"]
    assert date_error.code == "enrolled_after_cohort_end"
    assert "15/07/2026" in date_error.message  # not 2026-07-15
    assert "30/06/2026" in date_error.message

    url = reverse("import_detail", args=[batch.pk])
    _speak(partner_a_user, "ar")
    with translation.override("ar"):
        arabic_value = str(
            translation.gettext("Valeur « %(value)s » non reconnue (voir la feuille Valeurs).")
        ) % {"value": "X"}
    page = partner_a_client.get(url).content.decode()
    assert arabic_value in page
    assert "non reconnue" not in page
    assert "après la fin de la cohorte" not in page
    assert "15/07/2026" in page

    _speak(partner_a_user, "en")
    page = partner_a_client.get(url).content.decode()
    assert "Value “X” not recognised (see the Values sheet)." in page
    assert "non reconnue" not in page
    response = partner_a_client.get(reverse("import_annotated", args=[batch.pk]))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Value “X” not recognised" in content
    assert "non reconnue" not in content


# --- Dates in messages and exports -------------------------------------------------


def test_rule_messages_on_french_pages_show_french_dates(partner_a_client, operator_a):
    world = partner_cohort(operator_a, size=1)
    enrollment = world.enrollments[0]
    response = partner_a_client.post(
        reverse("enrollment_graduate", args=[enrollment.pk]),
        {"version": enrollment.version, "graduated_on": "2026-01-01"},
    )
    text = response.content.decode()
    assert "01/01/2026" in text
    assert "05/01/2026" in text
    assert "2026-01-0" not in text.split("<main", 1)[-1].split("value=")[0]


def test_list_exports_write_dates_and_phones_as_people_read_them(partner_a_client, operator_a):
    world = partner_cohort(operator_a, size=2)
    hostile = TraineeFactory.create(cin="EV000001", last_name='=HYPERLINK("http://evil")')
    TraineeContactFactory.create(trainee=hostile, operator=operator_a, phone="+212611111111")
    Enrollment.objects.create(
        trainee=hostile, cohort=world.cohort, enrolled_on=dt.date(2026, 1, 6), operator=operator_a
    )
    response = partner_a_client.get(reverse("enrollment_list") + "?export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = lines[0]
    by_cin = {line[header.index("CIN")]: line for line in lines[1:]}
    assert by_cin["EV000001"][header.index("Téléphone")] == "+212611111111"  # no apostrophe
    assert by_cin["EV000001"][header.index("Nom")] == '\'=HYPERLINK("http://evil")'
    assert by_cin["EV000001"][header.index("Inscription")] == "06/01/2026"

    response = partner_a_client.get(reverse("enrollment_list") + "?export=xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        if cells[header.index("CIN")].value != "EV000001":
            continue
        phone = cells[header.index("Téléphone")]
        assert (phone.value, phone.data_type) == ("+212611111111", "s")  # a text cell
        name = cells[header.index("Nom")]
        assert (name.value, name.data_type) == ('=HYPERLINK("http://evil")', "s")  # not a formula
        enrolled = cells[header.index("Inscription")]
        assert enrolled.is_date
        assert enrolled.number_format == "DD/MM/YYYY"


# --- Labels, not codes ---------------------------------------------------------------


def test_template_values_sheet_lists_labels_not_codes(partner_a_client, operator_a):
    partner_cohort(operator_a, size=1)
    content = partner_a_client.get(reverse("import_template") + "?format=xlsx").content
    sheet = load_workbook(io.BytesIO(content))["Valeurs"]
    cells = [str(value) for line in sheet.iter_rows(values_only=True) for value in line if value]
    for code in ("enrolled", "graduated", "below_bac", "bac2", "cdi", "dropped_out"):
        assert code not in cells
    assert "Diplômé" in cells
    assert any("Graduated" in cell and "Diplômé" in cell for cell in cells)


@pytest.mark.parametrize("language", ["fr", "ar", "en", "code"])
def test_import_reads_labels_in_every_language_and_codes(partner_a_user, operator_a, language):
    world = partner_cohort(operator_a, size=1)

    def word(choice) -> str:
        if language == "code":
            return str(choice.value)
        with translation.override(language):
            return str(choice.label)

    values = {
        "Statut": word(Enrollment.Status.GRADUATED),
        "Niveau d'études": word(Trainee.EducationLevel.BELOW_BAC),
        "Type de contrat": word(Placement.ContractType.CDD),
    }
    batch = import_file(
        partner_a_user, csv_bytes([row(world.cohort.code, "BK200001", **values)]), "l.csv"
    )
    assert batch.rows_to_create == 1
    enrollment = Enrollment.objects.get(trainee__cin="BK200001")
    assert enrollment.status == Enrollment.Status.GRADUATED
    assert enrollment.placements.get().contract_type == Placement.ContractType.CDD
    contact = enrollment.trainee.contacts.get()
    assert contact.education_level == Trainee.EducationLevel.BELOW_BAC


# --- Forms show every error at once --------------------------------------------------


def test_enrol_form_shows_every_fields_error_with_a_wrong_date(partner_a_client, operator_a):
    world = partner_cohort(operator_a, size=1)
    response = partner_a_client.post(
        reverse("enrollment_create", args=[world.cohort.pk]),
        {
            "cin": "??",
            "first_name": "Salma",
            "last_name": "Idrissi",
            "sex": "F",
            "birth_date": "1890-01-01",
            "phone": "12",
            "email": "pas-une-adresse",
            "enrolled_on": "2027-01-01",
        },
    )
    form = response.context["form"]
    assert set(form.errors) >= {"cin", "phone", "email", "birth_date", "enrolled_on"}
    text = response.content.decode()
    assert "01/01/2027" in text
    assert "30/06/2026" in text
    assert not Trainee.objects.filter(first_name="Salma", last_name="Idrissi").exists()


def test_enrollment_correction_form_shows_every_wrong_date_at_once(partner_a_client, operator_a):
    world = partner_cohort(operator_a, size=2)
    graduate = next(e for e in world.enrollments if e.status == Enrollment.Status.GRADUATED)
    response = partner_a_client.post(
        reverse("enrollment_update", args=[graduate.pk]),
        {
            "version": graduate.version,
            "enrolled_on": "2026-07-15",  # after the cohort's end
            "graduated_on": "2026-07-01",  # before the (new) enrollment date
            "certificate_ref": "",
        },
    )
    form = response.context["form"]
    assert set(form.errors) >= {"enrolled_on", "graduated_on"}
    text = response.content.decode()
    assert "15/07/2026" in text
    assert "01/07/2026" in text
    graduate.refresh_from_db()
    assert graduate.enrolled_on == dt.date(2026, 1, 5)


def test_enrol_form_says_a_wrong_phone_even_when_a_date_is_unreadable(partner_a_client, operator_a):
    world = partner_cohort(operator_a, size=1)
    response = partner_a_client.post(
        reverse("enrollment_create", args=[world.cohort.pk]),
        {
            "cin": "BK123456",
            "first_name": "Salma",
            "last_name": "Idrissi",
            "sex": "F",
            "birth_date": "pas une date",
            "phone": "12",
            "email": "pas-une-adresse",
            "enrolled_on": "2026-01-05",
        },
    )
    assert set(response.context["form"].errors) >= {"birth_date", "phone", "email"}
