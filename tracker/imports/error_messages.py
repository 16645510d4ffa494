"""Import errors kept as a message id (the French text of the catalogue) and its
parameters, and shown in the reader's language: an error found while the uploader's
language was French reads in Arabic on an Arabic page and in English on an English one.

The validation words its errors in the uploader's language (the rules raise translated
messages). ``message_key`` finds the catalogue entry a message was made from, in that
language, with the values put into it (a value quoted from the file, a date, a limit);
``message_text`` writes the entry again in the active language. A message that is no
catalogue entry (several joined together) keeps its stored words."""

from __future__ import annotations

import functools
import gettext as gettext_module
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from tracker.rules import parse_date
from web.formatting import date as format_date

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# A date found in a parameter is written again in the reader's format.
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@functools.cache
def _message_ids() -> tuple[str, ...]:
    """Every msgid of the project's catalogue (French source texts)."""
    locale = Path(settings.BASE_DIR) / "locale"
    ids: set[str] = set()
    for mo in locale.glob("*/LC_MESSAGES/django.mo"):
        with mo.open("rb") as handle:
            catalogue = gettext_module.GNUTranslations(handle)
        ids.update(key for key in catalogue._catalog if isinstance(key, str) and key)  # type: ignore[attr-defined]
    return tuple(sorted(ids))


# Patterns are looked up by the first characters of their literal start: a message is
# tried against a handful of them, not the whole catalogue.
PREFIX_CHARS = 8
Patterns = dict[str, list[tuple[re.Pattern[str], str]]]


@functools.cache
def _patterns(language: str) -> tuple[dict[str, str], Patterns]:
    """In ``language``: translated text -> msgid for messages without parameters, and,
    by the first characters of their text, patterns (the translated text with a group per
    parameter) -> msgid for the others ("" holds those starting with a parameter)."""
    exact: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    prefixes: dict[re.Pattern[str], str] = {}
    with translation.override(language):
        for message_id in _message_ids():
            translated = gettext(message_id)
            names = PLACEHOLDER.findall(translated)
            if not names:
                exact.setdefault(translated, message_id)
                continue
            if len(set(names)) != len(names):
                continue  # a parameter used twice: not worth a backreference
            pieces = PLACEHOLDER.split(translated)
            regex = "".join(
                re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>.+?)"
                for index, piece in enumerate(pieces)
            )
            pattern = re.compile(f"^{regex}$", re.DOTALL)
            patterns.append((pattern, message_id))
            prefixes[pattern] = pieces[0][:PREFIX_CHARS] if len(pieces[0]) >= PREFIX_CHARS else ""
    # The longest texts first: a message that embeds a shorter one matches itself.
    patterns.sort(key=lambda item: -len(item[0].pattern))
    indexed: Patterns = {}
    for pattern, message_id in patterns:
        indexed.setdefault(prefixes[pattern], []).append((pattern, message_id))
    return exact, indexed


def message_key(message: str) -> tuple[str, dict[str, str]]:
    """(msgid, parameters) of a message worded in the active language; ("", {}) when
    it is no catalogue entry."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    message_id, params = _message_key(language, str(message))
    return message_id, dict(params)


@functools.lru_cache(maxsize=8192)
def _message_key(language: str, text: str) -> tuple[str, dict[str, str]]:
    exact, patterns = _patterns(language)
    if text in exact:
        return exact[text], {}
    for prefix in (text[:PREFIX_CHARS], ""):
        for pattern, message_id in patterns.get(prefix, ()):
            found = pattern.match(text)
            if found:
                return message_id, found.groupdict()
    return "", {}


def _reader_value(value: Any) -> Any:
    if isinstance(value, str) and ISO_DATE.match(value):
        return format_date(parse_date(value)).bare
    return value


def message_text(message_id: str, params: dict[str, Any], stored: str) -> str:
    """The error in the active language; its stored words when it has no message id."""
    if not message_id:
        return stored
    translated = gettext(message_id)
    if not params:
        return translated
    try:
        return translated % {name: _reader_value(value) for name, value in params.items()}
    except (KeyError, ValueError, TypeError):
        return stored
