"""The French and Spanish catalogues are complete and safe: every message the code and templates
have (extracted afresh, as `make messages` does) is translated, none is fuzzy, plural forms are
all there, and each translation keeps the English's placeholders, so that no page or mail shows
an English sentence or fails on a missing name. Then the compiled catalogues are used: a page
asked for in French or Spanish comes in that language."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "conference" / "translations"
LANGUAGES = ("fr", "es")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}|\{\{.*?\}\}|%%")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("messages") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs", ".*",
                    "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return read_po(handle)


def _catalogue(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def _placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text))


def _key(message) -> tuple:
    return (message.id, message.context)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_not_fuzzy_with_its_placeholders(extracted, language):
    catalogue = _catalogue(language)
    assert catalogue.num_plurals == 2
    translated = {_key(message): message for message in catalogue if message.id}
    problems = []
    for message in extracted:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        found = translated.get(_key(message))
        if found is None:
            problems.append(f"missing: {english[0]!r}")
            continue
        if found.fuzzy:
            problems.append(f"fuzzy: {english[0]!r}")
        forms = found.string if isinstance(found.string, tuple) else (found.string,)
        if len(forms) != (catalogue.num_plurals if len(english) > 1 else 1) or not all(form.strip() for form in forms):
            problems.append(f"untranslated or a plural form missing: {english[0]!r}")
            continue
        for number, form in enumerate(forms):
            source = english[min(number, len(english) - 1)]
            if _placeholders(form) != _placeholders(source):
                problems.append(f"placeholders differ: {source!r} -> {form!r}")
    assert not problems, f"{len(problems)} problem(s) in {language}:\n" + "\n".join(problems[:30])


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalogue_keeps_messages_the_code_no_longer_has(extracted, language):
    wanted = {_key(message) for message in extracted if message.id}
    stale = [message.id for message in _catalogue(language) if message.id and _key(message) not in wanted]
    assert not stale, f"run make messages: {stale[:5]}"


def test_the_checks_catch_a_changed_placeholder():
    assert _placeholders("Welcome to %(event)s, {recipient_name}") != _placeholders("Bienvenue à %(evenement)s, {nom}")
    assert _placeholders("%(count)d files of %(size)s") == _placeholders("%(size)s : %(count)d fichiers")


@pytest.mark.parametrize(("language", "expected"), [("fr", "Se connecter"), ("es", "Iniciar sesión")])
def test_a_page_asked_for_in_french_or_spanish_comes_in_that_language(app, db, language, expected):
    compiled = TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo"
    assert compiled.is_file(), "make install (or make translations) compiles the catalogues"
    saved = app.config["LANGUAGES"]
    app.config["LANGUAGES"] = ["en", "fr", "es"]
    try:
        page = app.test_client().get("/auth/login", headers={"Accept-Language": f"{language},en;q=0.5"})
        english = app.test_client().get("/auth/login", headers={"Accept-Language": "en"})
    finally:
        app.config["LANGUAGES"] = saved
    assert expected in page.get_data(as_text=True)
    assert expected not in english.get_data(as_text=True)
