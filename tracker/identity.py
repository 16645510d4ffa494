"""A person's identity (CIN, names, birth date, sex): one national record, shared by every
operator that trains the person.

An operator links an existing CIN to its enrollment only when the identity it supplies
matches the stored one (``identity_matches``); otherwise the answer is one neutral
message that shows nothing stored. Once a person is shared by several operators, only
staff correct the identity (operators ask through a correction request)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from tracker.models import Enrollment, Trainee

IDENTITY_FIELDS = (
    "cin",
    "first_name",
    "last_name",
    "first_name_ar",
    "last_name_ar",
    "sex",
    "birth_date",
)

# Said to whoever supplies an identity that differs from the national record of a CIN:
# the same words whatever differs, and none of the stored values.
IDENTITY_MISMATCH_MESSAGE = _(
    "Les données d'identité ne correspondent pas au dossier national de cette CIN : "
    "vérifiez la carte d'identité, ou adressez-vous à l'équipe du programme."
)

# Said to an operator that tries to change the identity of a person another operator
# also trains: staff correct it, on request.
SHARED_IDENTITY_MESSAGE = _(
    "L'identité de cette personne est partagée avec un autre opérateur : seule l'équipe "
    "du programme peut la corriger. Envoyez-lui une demande de correction."
)

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015'\u2019`.]+")
# Arabic short vowels, shadda, sukun, tatweel: written or not, the same name.
_ARABIC_MARKS = re.compile(r"[\u064B-\u0652\u0670\u0640]")


def normalize_name(value: str) -> str:
    """A name as compared: case, accents, hyphens, apostrophes and extra spaces aside."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    stripped = _ARABIC_MARKS.sub("", stripped)
    return " ".join(_SEPARATORS.sub(" ", stripped).casefold().split())


def identity_matches(
    stored: Trainee,
    *,
    first_name: str,
    last_name: str,
    birth_date: dt.date | None,
    first_name_ar: str = "",
    last_name_ar: str = "",
) -> bool:
    """The supplied identity is the stored one: Latin names and birth date always, each
    Arabic name when both sides have it."""
    if birth_date != stored.birth_date:
        return False
    pairs = [(first_name, stored.first_name), (last_name, stored.last_name)]
    pairs += [
        (given, known)
        for given, known in (
            (first_name_ar, stored.first_name_ar),
            (last_name_ar, stored.last_name_ar),
        )
        if given and known
    ]
    return all(normalize_name(given) == normalize_name(known) for given, known in pairs)


def identity_changes(stored: Trainee, values: dict[str, Any]) -> list[str]:
    """The identity fields the values would change (after normalisation for names; an
    empty optional Arabic name changes nothing)."""
    changed = []
    for name in ("first_name", "last_name", "first_name_ar", "last_name_ar"):
        if name not in values:
            continue
        given = values[name] or ""
        if name.endswith("_ar") and not given:
            continue
        if normalize_name(given) != normalize_name(getattr(stored, name)):
            changed.append(name)
    for name in ("sex", "birth_date"):
        if name in values and values[name] is not None and values[name] != getattr(stored, name):
            changed.append(name)
    return changed


def operators_of(trainee_ids: Iterable[int]) -> dict[int, set[int]]:
    """trainee id -> the operators of its enrollments (one query)."""
    found: dict[int, set[int]] = {}
    for trainee_id, operator_id in Enrollment.objects.filter(
        trainee_id__in=list(trainee_ids)
    ).values_list("trainee_id", "operator_id"):
        found.setdefault(trainee_id, set()).add(operator_id)
    return found


def is_shared(trainee: Trainee) -> bool:
    """Enrolled (now or before) with more than one operator."""
    return len(operators_of([trainee.pk]).get(trainee.pk, set())) > 1


def knows_arabic_names(stored: Trainee, *, first_name_ar: str, last_name_ar: str) -> bool:
    """The caller supplied the national record's Arabic names itself (each one the record
    has, equal after normalisation): it may read them from then on."""
    known = [
        (given, stored_name)
        for given, stored_name in (
            (first_name_ar, stored.first_name_ar),
            (last_name_ar, stored.last_name_ar),
        )
        if stored_name
    ]
    return bool(known) and all(
        given and normalize_name(given) == normalize_name(stored_name)
        for given, stored_name in known
    )
