"""The message catalogues are complete: every string wrapped for translation in a template
or a Python file has a reviewed Arabic and English translation.

The check re-runs the very extraction a developer runs (makemessages) on a copy of the
project, so a string added anywhere without updating the catalogues fails here rather than
showing up in French on an Arabic page."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib  # type: ignore[import-untyped]  # no stubs published
import pytest

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED_LANGUAGES = ("ar", "en")
# Same exclusions as the documented makemessages command (README, i18n section).
NOT_SOURCE = (".venv", "var", "bench", ".git", "node_modules", "__pycache__", "*.mo")


def _catalogue(root: Path, language: str) -> Path:
    return root / "locale" / language / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def fresh_extraction(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project whose catalogues were just refreshed by makemessages: new
    strings appear untranslated, changed ones fuzzy, removed ones obsolete."""
    copy = tmp_path_factory.mktemp("catalogues") / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE), symlinks=True)
    command = [sys.executable, "manage.py", "makemessages", "-l", "fr", "-l", "ar", "-l", "en"]
    command += ["--ignore=.venv", "--ignore=var", "--ignore=bench", "-v0"]
    subprocess.run(command, cwd=copy, check=True, capture_output=True, timeout=300)
    return copy


def _describe(entries: list[polib.POEntry]) -> str:
    return "\n".join(f"  {entry.msgid!r} ({entry.occurrences[:1]})" for entry in entries[:30])


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_extracted_string_is_translated(fresh_extraction: Path, language: str) -> None:
    catalogue = polib.pofile(str(_catalogue(fresh_extraction, language)))
    untranslated = catalogue.untranslated_entries()
    fuzzy = [entry for entry in catalogue.fuzzy_entries() if entry.msgid]
    assert not untranslated, f"{len(untranslated)} untranslated in {language}:\n" + _describe(
        untranslated
    )
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {language}:\n" + _describe(fuzzy)


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_committed_catalogue_is_up_to_date(fresh_extraction: Path, language: str) -> None:
    """The committed catalogue already holds every extracted string (makemessages was run)."""
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(_catalogue(ROOT, language)))}
    fresh = {
        (e.msgctxt, e.msgid) for e in polib.pofile(str(_catalogue(fresh_extraction, language)))
    }
    missing = sorted(str(msgid) for _, msgid in fresh - committed)
    assert not missing, f"run makemessages; missing from {language}: {missing[:30]}"


@pytest.mark.parametrize("language", ["fr", *TRANSLATED_LANGUAGES])
def test_catalogue_compiles_cleanly(language: str, tmp_path: Path) -> None:
    """msgfmt --check: placeholders (%(name)s, %%) match the source, headers valid."""
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(_catalogue(ROOT, language))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_arabic_catalogue_has_the_six_plural_forms() -> None:
    catalogue = polib.pofile(str(_catalogue(ROOT, "ar")))
    assert catalogue.metadata["Plural-Forms"].startswith("nplurals=6;")
    for entry in catalogue:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == 6, entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid


def test_french_catalogue_keeps_the_source_strings() -> None:
    """French is the source language: an empty msgstr shows the msgid itself."""
    catalogue = polib.pofile(str(_catalogue(ROOT, "fr")))
    assert [entry.msgid for entry in catalogue if entry.msgstr] == []
