"""The columns of an import file: French headers, how headers are recognised, and the
allowed values of the coded columns.

One row carries one enrollment (trainee x cohort) with its status and dates and, when
there is one, the hire that followed, in the same row."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from tracker.models import Enrollment, Placement, Trainee


@dataclass(frozen=True)
class Column:
    key: str  # internal name
    header: str  # the French header written in templates
    required: bool = False  # the header must be present in the file
    help: str = ""  # shown on the instructions sheet
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "cohort",
        "Code cohorte",
        True,
        "Code de la cohorte (voir la feuille Cohortes).",
        ("cohorte", "code de la cohorte"),
    ),
    Column(
        "cin",
        "CIN",
        True,
        "Carte d'identité nationale, ex. BK123456.",
        ("cnie", "n cin", "numero cin"),
    ),
    Column("last_name", "Nom", True, "Nom de famille (caractères latins).", ("nom de famille",)),
    Column("first_name", "Prénom", True, "Prénom (caractères latins)."),
    Column("last_name_ar", "Nom (arabe)", False, "Facultatif."),
    Column("first_name_ar", "Prénom (arabe)", False, "Facultatif."),
    Column("sex", "Sexe", True, "F ou M (Femme / Homme)."),
    Column("birth_date", "Date de naissance", True, "jj/mm/aaaa ou aaaa-mm-jj."),
    Column("phone", "Téléphone", False, "Numéro marocain, ex. 06 12 34 56 78.", ("telephone",)),
    Column("email", "E-mail", False, "Adresse e-mail.", ("email", "courriel", "mail")),
    Column("residence_region", "Région de résidence", False, "Code MA-01 à MA-12 ou nom."),
    Column("education_level", "Niveau d'études", False, "Voir la feuille Valeurs."),
    Column("status", "Statut", True, "Inscrit, Diplômé, Abandon ou Échec."),
    Column("enrolled_on", "Date d'inscription", True, "jj/mm/aaaa ou aaaa-mm-jj."),
    Column("exited_on", "Date de sortie", False, "Pour un abandon ou un échec."),
    Column("graduated_on", "Date de diplomation", False, "Obligatoire si Diplômé."),
    Column("certificate_ref", "Référence du certificat", False, "Facultatif."),
    Column(
        "employer_name",
        "Employeur",
        False,
        "Embauche : nom de l'employeur (obligatoire si une date d'embauche est donnée).",
    ),
    Column(
        "employer_ice",
        "ICE employeur",
        False,
        "15 chiffres ; rattache l'embauche à l'employeur partenaire qui porte cet ICE.",
        ("ice de l'employeur", "ice"),
    ),
    Column(
        "hired_on",
        "Date d'embauche",
        False,
        "Renseignée : la ligne porte une embauche (une par date).",
    ),
    Column("contract_type", "Type de contrat", False, "CDI, CDD, ANAPEC, Freelance ou Autre."),
    Column(
        "job_title",
        "Intitulé du poste",
        False,
        "Obligatoire si une embauche est donnée.",
        ("poste",),
    ),
    Column(
        "job_filiere",
        "Filière du poste",
        False,
        "ITO, CRM, BPO, ESO ou KPO ; par défaut celle de la cohorte.",
    ),
    Column("job_zone", "Zone du poste", False, "Code ou nom de la zone P2I (facultatif)."),
    Column("job_region", "Région du poste", False, "Code MA-01 à MA-12 ou nom (facultatif)."),
    Column(
        "salary",
        "Salaire brut mensuel (MAD)",
        False,
        "Ex. 9 500,00.",
        ("salaire brut mensuel", "salaire"),
    ),
    Column("hire_ended_on", "Date de fin de contrat", False, "Quand l'emploi a pris fin."),
    Column("cnss_verified_on", "Vérifié CNSS le", False, "Date de vérification CNSS."),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = frozenset(column.key for column in COLUMNS if column.required)
HIRE_KEYS = (
    "employer_name",
    "employer_ice",
    "hired_on",
    "contract_type",
    "job_title",
    "job_filiere",
    "job_zone",
    "job_region",
    "salary",
    "hire_ended_on",
    "cnss_verified_on",
)
# Header of the column added to the annotated file.
ERROR_COLUMN_HEADER = "Erreurs"


@functools.lru_cache(maxsize=8192)
def normalize_label(text: object) -> str:
    """Headers and coded values compare without case, accents, stray spaces or
    punctuation: "  Date d’Inscription " == "date d'inscription"."""
    value = unicodedata.normalize("NFKD", str(text or "")).casefold()
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = re.sub(r"[^\w+]+", " ", value)
    return value.strip()


HEADER_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    for _label in (_column.header, _column.key, *_column.aliases):
        HEADER_LOOKUP.setdefault(normalize_label(_label), _column.key)


def match_header(cells: list[str]) -> dict[str, int] | None:
    """Column key -> position, when ``cells`` looks like our header row (it carries every
    required column); None otherwise."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = HEADER_LOOKUP.get(normalize_label(cell))
        if key is not None and key not in positions:
            positions[key] = index
    if positions.keys() >= REQUIRED_KEYS:
        return positions
    return None


def _choices_lookup(choices: list[tuple[str, Any]], extra: dict[str, str]) -> dict[str, str]:
    lookup = {normalize_label(value): value for value, _label in choices}
    lookup.update({normalize_label(label): value for value, label in choices})
    lookup.update({normalize_label(alias): value for alias, value in extra.items()})
    return lookup


def allowed_values() -> dict[str, list[tuple[str, str]]]:
    """Coded columns -> (value to write, meaning), for the template's Valeurs sheet."""
    return {
        "sex": [("F", str(_("Femme"))), ("M", str(_("Homme")))],
        "status": [(str(label), value) for value, label in Enrollment.Status.choices],
        "education_level": [(str(label), value) for value, label in Trainee.EducationLevel.choices],
        "contract_type": [(str(label), value) for value, label in Placement.ContractType.choices],
    }


# Lookups from what partners write to the stored value (built at first use: labels are
# translated lazily).
_LOOKUPS: dict[str, dict[str, str]] = {}


def value_lookup(key: str) -> dict[str, str]:
    if not _LOOKUPS:
        _LOOKUPS["sex"] = _choices_lookup(
            Trainee.Sex.choices, {"femme": "F", "homme": "M", "f": "F", "h": "M", "m": "M"}
        )
        _LOOKUPS["status"] = _choices_lookup(
            Enrollment.Status.choices,
            {
                "inscrit": "enrolled",
                "inscrite": "enrolled",
                "en cours": "enrolled",
                "en formation": "enrolled",
                "diplome": "graduated",
                "diplomee": "graduated",
                "abandon": "dropped_out",
                "echec": "failed",
            },
        )
        _LOOKUPS["education_level"] = _choices_lookup(
            Trainee.EducationLevel.choices,
            {
                "bac": "bac",
                "bac+2": "bac2",
                "bac 2": "bac2",
                "bac+3": "bac3",
                "licence": "bac3",
                "bac+5": "bac5",
                "master": "bac5",
                "ingenieur": "bac5",
                "doctorat": "doctorate",
            },
        )
        _LOOKUPS["contract_type"] = _choices_lookup(
            Placement.ContractType.choices, {"anapec": "anapec", "idmaj": "anapec"}
        )
    return _LOOKUPS[key]
