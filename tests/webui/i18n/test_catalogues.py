"""The message catalogues: every string marked for translation is in the Japanese catalogue,
translated, not fuzzy, with the same placeholders as the English."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
TRANSLATIONS = ROOT / "webui" / "translations"


def catalogue(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


def marked_strings(tmp_path: Path) -> set:
    """What `make translations` would gather: the same command, into a scratch template."""
    template = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "-q", "extract", "-F", "pyproject.toml",
                    "--no-location", "-o", str(template),
                    "webui", "workflow", "models", "demo"], cwd=ROOT, check=True)
    with open(template, "rb") as pot:
        return {(message.id, message.context) for message in read_po(pot) if message.id}


def test_every_marked_string_is_in_the_japanese_catalogue(tmp_path):
    japanese = catalogue("ja")
    missing = [(msgid, context) for msgid, context in marked_strings(tmp_path)
               if japanese.get(msgid, context=context) is None]
    assert not missing, f"run `make translations` and translate: {sorted(map(str, missing))[:20]}"


@pytest.mark.parametrize("lang", ["ja"])
def test_the_catalogue_is_complete_and_settled(lang):
    entries = [message for message in catalogue(lang) if message.id]
    assert entries
    untranslated = [message.id for message in entries
                    if not (all(message.string) if message.pluralizable else message.string)]
    fuzzy = [message.id for message in entries if message.fuzzy]
    assert not untranslated, f"untranslated in {lang}: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy in {lang}: {fuzzy[:20]}"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_translations_keep_the_placeholders(lang):
    problems = [(message.id, [str(error) for error in errors])
                for message, errors in catalogue(lang).check() if errors]
    assert not problems, problems[:20]
