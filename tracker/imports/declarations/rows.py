"""The rules of one row of a declarations (answer) file: each cell parsed, and every
problem reported with its column and a reason an admin can act on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from tracker.models.declarations import month_index

MONTH = re.compile(r"^(\d{4})-?(\d{2})$|^(\d{2})/(\d{4})$")
ICE = re.compile(r"^\d{15}$")
CNSS = re.compile(r"^\d{7,20}$")
MAX_DAYS = 31


@dataclass(frozen=True)
class ParsedRow:
    row_number: int
    cin: str
    month_index: int
    employer_ice: str
    employer_cnss: str
    days_declared: int
    gross_salary_mad: Decimal


def parse_month(text: str) -> int | None:
    """'2026-03', '202603' or '03/2026' -> month index; None when malformed."""
    found = MONTH.match(text.strip())
    if not found:
        return None
    year, month = (found.group(1), found.group(2)) if found.group(1) else found.group(4, 3)
    if not 1 <= int(month) <= 12 or not 1990 <= int(year) <= 2100:
        return None
    return month_index(int(year), int(month))


def parse_row(
    number: int, cells: list[str], positions: dict[str, int]
) -> tuple[ParsedRow | None, list[tuple[int, str, str]]]:
    """(the row, []) when every cell passes; (None, [(row, column, reason), ...]) else."""

    def cell(key: str) -> str:
        index = positions.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    errors: list[tuple[int, str, str]] = []
    cin = cell("cin").upper().replace(" ", "")
    if not cin:
        errors.append((number, "cin", _("CIN manquant.")))
    raw_month = cell("month")
    month = parse_month(raw_month)
    if month is None:
        errors.append(
            (
                number,
                "mois",
                _("Mois mal formé « %(value)s » : attendu AAAA-MM (par exemple 2026-03).")
                % {"value": raw_month},
            )
        )
    ice, cnss = cell("ice"), cell("cnss").replace(" ", "")
    if not ice and not cnss:
        errors.append(
            (number, "ice_employeur", _("Employeur manquant : ICE ou n° d'affiliation CNSS."))
        )
    if ice and not ICE.match(ice):
        errors.append((number, "ice_employeur", _("L'ICE doit compter exactement 15 chiffres.")))
    if cnss and not CNSS.match(cnss):
        errors.append(
            (number, "cnss_employeur", _("N° d'affiliation CNSS invalide : 7 à 20 chiffres."))
        )
    days = _days(number, cell("days"), errors)
    salary = _salary(number, cell("salary"), errors)
    if errors or month is None or days is None or salary is None:
        return None, errors
    return ParsedRow(number, cin, month, ice, cnss, days, salary), []


def _days(number: int, raw: str, errors: list[tuple[int, str, str]]) -> int | None:
    if not raw.isdigit() or int(raw) > MAX_DAYS:
        errors.append(
            (
                number,
                "jours_declares",
                _("Jours déclarés « %(value)s » : un entier de 0 à %(max)s.")
                % {"value": raw, "max": MAX_DAYS},
            )
        )
        return None
    return int(raw)


def _salary(number: int, raw: str, errors: list[tuple[int, str, str]]) -> Decimal | None:
    try:
        salary = Decimal(raw.replace(" ", "").replace("\u202f", "").replace(",", "."))
    except InvalidOperation:
        salary = None
    if salary is None or not salary.is_finite() or salary >= Decimal("1e10"):
        errors.append(
            (
                number,
                "salaire_brut",
                _("Salaire brut « %(value)s » : un montant en dirhams attendu.") % {"value": raw},
            )
        )
        return None
    if salary < 0:
        errors.append(
            (number, "salaire_brut", _("Salaire brut négatif : %(value)s.") % {"value": raw})
        )
        return None
    return salary.quantize(Decimal("0.01"))
