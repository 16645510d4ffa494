"""The layout of the CNSS answer file (docs/verification.md): one row per person, month
and employer declared (CNSS -> the ministry). Headers are matched whatever their case,
accents or separators; the labels below are the documented ones. (The request file the
CNSS answers has its own layout: tracker.verification.request_file.)"""

from __future__ import annotations

import unicodedata

# key -> accepted header labels (normalised by normalize_header)
ANSWER_COLUMNS: dict[str, tuple[str, ...]] = {
    "cin": ("cin",),
    "ice": ("ice_employeur", "ice", "employer_ice"),
    "cnss": ("cnss_employeur", "affiliation_cnss", "n_affiliation_cnss", "employer_cnss"),
    "month": ("mois", "month", "periode"),
    "days": ("jours_declares", "jours", "days", "days_declared"),
    "salary": ("salaire_brut", "salaire_brut_declare", "gross_salary", "salaire"),
}
REQUIRED_ANSWER_KEYS = frozenset({"cin", "month", "days", "salary"})
ANSWER_HEADER = ("cin", "ice_employeur", "cnss_employeur", "mois", "jours_declares", "salaire_brut")


def normalize_header(label: str) -> str:
    """'Salaire brut déclaré' -> 'salaire_brut_declare'."""
    text = unicodedata.normalize("NFKD", label.strip().lstrip("\ufeff")).encode("ascii", "ignore")
    words = "".join(c if c.isalnum() else " " for c in text.decode().casefold()).split()
    return "_".join(words)


def match_answer_header(cells: list[str]) -> dict[str, int] | None:
    """Column key -> position when ``cells`` is the answer file's header; else None."""
    lookup = {label: key for key, labels in ANSWER_COLUMNS.items() for label in labels}
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = lookup.get(normalize_header(cell))
        if key is not None and key not in positions:
            positions[key] = index
    if positions.keys() >= REQUIRED_ANSWER_KEYS and positions.keys() & {"ice", "cnss"}:
        return positions
    return None
