"""The columns of an import file: their headers, how headers are recognised, and the
allowed values of the coded columns.

Templates are written in the user's language (headers, instructions, allowed values);
a file is read whatever language its headers and coded values are in (French, Arabic or
English): a partner who downloaded the Arabic template uploads it filled in. Errors are
stored under the column's French header (``Column.header``, the stable name) and shown
in the reader's language (``column_label``).

One row carries one enrollment (trainee x cohort) with its status and dates and, when
there is one, the hire that followed, in the same row."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from tracker.models import Enrollment, Placement, Trainee


@dataclass(frozen=True)
class Column:
    key: str  # internal name
    header: str  # the French header: the stable name errors are stored under
    required: bool = False  # the header must be present in the file
    help: str = ""  # shown on the instructions sheet (French; translated by help_text)
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The header in the active language, as templates write it."""
        return gettext(self.header)

    @property
    def help_text(self) -> str:
        return gettext(self.help) if self.help else ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "cohort",
        gettext_noop("Code cohorte"),
        True,
        gettext_noop("Code de la cohorte (voir la feuille Cohortes)."),
        ("cohorte", "code de la cohorte"),
    ),
    Column(
        "cin",
        gettext_noop("CIN"),
        True,
        gettext_noop("Carte d'identité nationale, ex. BK123456."),
        ("cnie", "n cin", "numero cin"),
    ),
    Column(
        "last_name",
        gettext_noop("Nom"),
        True,
        gettext_noop("Nom de famille (caractères latins)."),
        ("nom de famille",),
    ),
    Column("first_name", gettext_noop("Prénom"), True, gettext_noop("Prénom (caractères latins).")),
    Column("last_name_ar", gettext_noop("Nom (arabe)"), False, gettext_noop("Facultatif.")),
    Column("first_name_ar", gettext_noop("Prénom (arabe)"), False, gettext_noop("Facultatif.")),
    Column("sex", gettext_noop("Sexe"), True, gettext_noop("F ou M (Femme / Homme).")),
    Column(
        "birth_date",
        gettext_noop("Date de naissance"),
        True,
        gettext_noop("jj/mm/aaaa ou aaaa-mm-jj."),
    ),
    Column(
        "phone",
        gettext_noop("Téléphone"),
        False,
        gettext_noop("Numéro marocain, ex. 06 12 34 56 78."),
        ("telephone",),
    ),
    Column(
        "email",
        gettext_noop("E-mail"),
        False,
        gettext_noop("Adresse e-mail."),
        ("email", "courriel", "mail"),
    ),
    Column(
        "residence_region",
        gettext_noop("Région de résidence"),
        False,
        gettext_noop("Code MA-01 à MA-12 ou nom."),
    ),
    Column(
        "education_level",
        gettext_noop("Niveau d'études"),
        False,
        gettext_noop("Voir la feuille Valeurs."),
    ),
    Column(
        "status", gettext_noop("Statut"), True, gettext_noop("Inscrit, Diplômé, Abandon ou Échec.")
    ),
    Column(
        "enrolled_on",
        gettext_noop("Date d'inscription"),
        True,
        gettext_noop("jj/mm/aaaa ou aaaa-mm-jj."),
    ),
    Column(
        "exited_on",
        gettext_noop("Date de sortie"),
        False,
        gettext_noop("Pour un abandon ou un échec."),
    ),
    Column(
        "graduated_on",
        gettext_noop("Date de diplomation"),
        False,
        gettext_noop("Obligatoire si Diplômé."),
    ),
    Column(
        "certificate_ref",
        gettext_noop("Référence du certificat"),
        False,
        gettext_noop("Facultatif."),
    ),
    Column(
        "employer_name",
        gettext_noop("Employeur"),
        False,
        gettext_noop(
            "Embauche : nom de l'employeur (obligatoire si une date d'embauche est donnée)."
        ),
    ),
    Column(
        "employer_ice",
        gettext_noop("ICE employeur"),
        False,
        gettext_noop(
            "15 chiffres ; rattache l'embauche à l'employeur partenaire qui porte cet ICE."
        ),
        ("ice de l'employeur", "ice"),
    ),
    Column(
        "hired_on",
        gettext_noop("Date d'embauche"),
        False,
        gettext_noop("Renseignée : la ligne porte une embauche (une par date)."),
    ),
    Column(
        "contract_type",
        gettext_noop("Type de contrat"),
        False,
        gettext_noop("CDI, CDD, ANAPEC, Freelance ou Autre."),
    ),
    Column(
        "job_title",
        gettext_noop("Intitulé du poste"),
        False,
        gettext_noop("Obligatoire si une embauche est donnée."),
        ("poste",),
    ),
    Column(
        "job_filiere",
        gettext_noop("Filière du poste"),
        False,
        gettext_noop("ITO, CRM, BPO, ESO ou KPO ; par défaut celle de la cohorte."),
    ),
    Column(
        "job_zone",
        gettext_noop("Zone du poste"),
        False,
        gettext_noop("Code ou nom de la zone P2I (facultatif)."),
    ),
    Column(
        "job_region",
        gettext_noop("Région du poste"),
        False,
        gettext_noop("Code MA-01 à MA-12 ou nom (facultatif)."),
    ),
    Column(
        "salary",
        gettext_noop("Salaire brut mensuel (MAD)"),
        False,
        gettext_noop("Ex. 9 500,00."),
        ("salaire brut mensuel", "salaire"),
    ),
    Column(
        "hire_ended_on",
        gettext_noop("Date de fin de contrat"),
        False,
        gettext_noop("Quand l'emploi a pris fin."),
    ),
    Column(
        "cnss_verified_on",
        gettext_noop("Vérifié CNSS le"),
        False,
        gettext_noop("Date de vérification CNSS."),
    ),
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
# Header of the column added to the annotated file (French; error_column_header() gives
# it in the active language).
ERROR_COLUMN_HEADER = gettext_noop("Erreurs")


def error_column_header() -> str:
    return gettext(ERROR_COLUMN_HEADER)


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


def _in_every_language(text: str) -> list[str]:
    """``text`` (a French msgid) as each interface language writes it."""
    translations = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translations.append(gettext(text))
    return translations


@functools.cache
def header_lookup() -> dict[str, str]:
    """Normalised header -> column key: French headers, keys and aliases, plus the
    headers of the Arabic and English templates (built at first use: the catalogues are
    not loaded when this module is imported)."""
    lookup = dict(HEADER_LOOKUP)
    for column in COLUMNS:
        for label in _in_every_language(column.header):
            lookup.setdefault(normalize_label(label), column.key)
    return lookup


def column_label(stored: str) -> str:
    """A stored error's column (a French header) in the active language; anything else
    (a free-form column name) unchanged."""
    key = HEADER_LOOKUP.get(normalize_label(stored))
    return COLUMNS_BY_KEY[key].label if key is not None else stored


def match_header(cells: list[str]) -> dict[str, int] | None:
    """Column key -> position, when ``cells`` looks like our header row (it carries every
    required column), in any of the interface languages; None otherwise."""
    lookup = header_lookup()
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = lookup.get(normalize_label(cell))
        if key is not None and key not in positions:
            positions[key] = index
    if positions.keys() >= REQUIRED_KEYS:
        return positions
    return None


def _choices_lookup(choices: list[tuple[str, Any]], extra: dict[str, str]) -> dict[str, str]:
    """Stored value, its label in every interface language, and the usual aliases."""
    lookup = {normalize_label(value): value for value, _label in choices}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            lookup.update({normalize_label(str(label)): value for value, label in choices})
    lookup.update({normalize_label(alias): value for alias, value in extra.items()})
    return lookup


def _labelled(choices: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    """(label in the active language, the label in every interface language): what a
    partner writes, and the other words the import reads as the same value. Labels, never
    the stored codes (the import still reads those too)."""
    labelled = []
    for _value, label in choices:
        every = []
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                every.append(str(label))  # a lazy label: translated when read
        labelled.append((str(label), " / ".join(dict.fromkeys(every))))
    return labelled


def allowed_values() -> dict[str, list[tuple[str, str]]]:
    """Coded columns -> (value to write, meaning), for the template's Valeurs sheet."""
    return {
        "sex": [("F", str(_("Femme"))), ("M", str(_("Homme")))],
        "status": _labelled(Enrollment.Status.choices),
        "education_level": _labelled(Trainee.EducationLevel.choices),
        "contract_type": _labelled(Placement.ContractType.choices),
    }


# Lookups from what partners write to the stored value, in any interface language (built
# at first use: the catalogues are not loaded at import time).
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
