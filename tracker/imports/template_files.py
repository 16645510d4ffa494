"""The blank import files partners download: XLSX (data sheet, instructions, allowed
values, the cohorts they may import into) and CSV (the header row, UTF-8 with BOM and
semicolons, which French-locale Excel opens as it is). Written in the active language
(the user's): headers, instructions, allowed values and sheet names; the import reads
the headers back in any interface language (tracker.imports.columns.match_header)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from conventions.models import Filiere, Region, Zone
from tracker.imports.columns import COLUMNS, allowed_values
from tracker.imports.update_export import XLSX_DATE_FORMAT, csv_text
from tracker.models import Cohort
from web.spreadsheets import SafeCsvWriter, xlsx_cell, xlsx_row

DATA_SHEET = "Inscriptions"  # the French name; formats._data_sheet also reads the others
MAX_TEMPLATE_ROWS = 5000  # rows carrying the drop-down lists
# Codes typed into these columns stay text (cell format "@"): Excel and LibreOffice would
# otherwise turn +212612345678 into a number and drop the leading 0 of 0612345678 or of
# an ICE.
TEXT_COLUMNS = (
    "cohort",
    "cin",
    "phone",
    "email",
    "residence_region",
    "certificate_ref",
    "employer_ice",
    "job_filiere",
    "job_zone",
    "job_region",
)
TEXT_FORMAT = "@"


def template_csv(cohorts: Sequence[Cohort], rows: Iterable[dict[str, Any]] = ()) -> bytes:
    """The header row, then ``rows`` (column key -> value, an export for update)."""
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, delimiter=";")
    writer.writerow([column.label for column in COLUMNS])
    for values in rows:
        writer.writerow([csv_text(values.get(column.key)) for column in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(cohorts: Sequence[Cohort], rows: Iterable[dict[str, Any]] = ()) -> bytes:
    """The template; ``rows`` (column key -> value, an export for update) fill its data
    sheet under the header."""
    workbook = Workbook()
    data = workbook.active
    data.title = _("Inscriptions")
    data.append(xlsx_row(data, [column.label for column in COLUMNS]))
    for values in rows:
        cells = [_data_cell(data, values.get(column.key)) for column in COLUMNS]
        data.append(xlsx_row(data, cells))
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFE699")
    for index, column in enumerate(COLUMNS, start=1):
        cell = data.cell(row=1, column=index)
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        data.column_dimensions[cell.column_letter].width = max(14, len(column.label) + 2)
        if column.key in TEXT_COLUMNS:
            data.column_dimensions[cell.column_letter].number_format = TEXT_FORMAT
    data.freeze_panes = "A2"
    _drop_downs(data)

    instructions = workbook.create_sheet(_("Instructions"))
    for line in (
        [_("Import des inscriptions et des embauches")],
        [],
        [
            _(
                "Une ligne = une inscription d'un stagiaire dans une cohorte, avec son statut et "
                "ses dates ; et, si la personne a été embauchée, l'embauche sur la même ligne."
            )
        ],
        [
            _(
                "Colonnes sur fond jaune : obligatoires. Dates : jj/mm/aaaa ou aaaa-mm-jj. "
                "Montants : 9 500,00 ou 9500.00."
            )
        ],
        [
            _(
                "Le même fichier peut être déposé plusieurs fois : les lignes sont reconnues par "
                "CIN et code cohorte (les embauches par date d'embauche) ; seules les "
                "différences sont enregistrées."
            )
        ],
        [
            _(
                "Rien n'est enregistré avant votre confirmation, et rien du tout si une seule "
                "ligne est en erreur : corrigez le fichier annoté puis déposez-le à nouveau."
            )
        ],
        [],
        [_("Colonne"), _("Obligatoire"), _("Contenu")],
    ):
        instructions.append(xlsx_row(instructions, line))
    for column in COLUMNS:
        instructions.append(
            xlsx_row(
                instructions, [column.label, _("oui") if column.required else "", column.help_text]
            )
        )
    instructions.column_dimensions["A"].width = 30
    instructions.column_dimensions["C"].width = 90
    instructions["A1"].font = Font(bold=True, size=14)

    values = workbook.create_sheet(_("Valeurs"))
    values.append(xlsx_row(values, [_("Colonne"), _("Valeur à saisir"), _("Signification")]))
    headers = {column.key: column.label for column in COLUMNS}
    for key, pairs in allowed_values().items():
        for value, meaning in pairs:
            values.append(xlsx_row(values, [headers[key], value, meaning]))
    for filiere in Filiere.objects.order_by("code"):
        values.append(xlsx_row(values, [headers["job_filiere"], filiere.code, filiere.name]))
    for zone in Zone.objects.order_by("code"):
        values.append(xlsx_row(values, [headers["job_zone"], zone.code, zone.name]))
    for region in Region.objects.order_by("code"):
        values.append(
            xlsx_row(
                values,
                [
                    headers["job_region"] + " / " + headers["residence_region"],
                    region.code,
                    region.name,
                ],
            )
        )
    values.column_dimensions["A"].width = 40
    values.column_dimensions["B"].width = 24
    values.column_dimensions["C"].width = 50

    sheet = workbook.create_sheet(_("Cohortes"))
    sheet.append(
        xlsx_row(sheet, [_("Code cohorte"), _("Métier"), _("Ville"), _("Début"), _("Fin")])
    )
    for cohort in cohorts:
        sheet.append(
            xlsx_row(
                sheet, [cohort.code, cohort.metier, cohort.city, cohort.starts_on, cohort.ends_on]
            )
        )
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 40
    if translation.get_language_bidi():
        for worksheet in workbook.worksheets:  # Arabic: columns run from the right
            worksheet.sheet_view.rightToLeft = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _data_cell(sheet: Any, value: Any) -> Any:
    """A date as a date cell shown dd/mm/yyyy; every other value as xlsx_row writes it
    (text as a string cell, so a phone's "+" or a CIN's leading zero stays)."""
    if isinstance(value, dt.date):
        return xlsx_cell(sheet, value, number_format=XLSX_DATE_FORMAT)
    return value


def _drop_downs(sheet: object) -> None:
    keys = [column.key for column in COLUMNS]
    lists = {key: [value for value, _meaning in pairs] for key, pairs in allowed_values().items()}
    for key, options in lists.items():
        letter = sheet.cell(row=1, column=keys.index(key) + 1).column_letter  # type: ignore[attr-defined]
        validation = DataValidation(
            type="list", formula1='"' + ",".join(options) + '"', allow_blank=True
        )
        validation.add(f"{letter}2:{letter}{MAX_TEMPLATE_ROWS}")
        sheet.add_data_validation(validation)  # type: ignore[attr-defined]
