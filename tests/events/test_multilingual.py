"""Multilingual content: organisers choose an event's languages and give its title and description
in each; pages and mail show the reader's language, else the default language's text; a language
dropped keeps its texts; bad input is refused next to its field with what was typed kept."""

from __future__ import annotations

import html
import re

import pytest

from conference.core.translations import TranslationsOf, clean_translations
from conference.errors import DomainError
from conference.events import setup as event_ops
from conference.events import team
from conference.events.models import Track

from .. import factories
from ..conftest import login
from ..mail.builders import one_mail


@pytest.fixture
def trilingual(db):
    organiser = factories.make_user(may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="trilingue", published=True,
                                 title="Symposium on Early Warnings", description="Three **days**.")
    event_ops.update_event(event, actor=organiser, languages=["es", "fr"],
                           title_translations={"fr": "Symposium sur l'alerte précoce", "es": ""},
                           description_translations={"fr": "Trois **jours**.", "es": "Tres **días**."})
    return event, organiser


def page(client, path: str, language: str | None = None) -> str:
    if language:
        client.set_cookie("language", language)
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def form_of(page_html: str) -> dict:
    """What a browser would send back: the inputs' values, each textarea's text, the chosen options."""
    form = dict(re.findall(r'<input [^>]*name="([\w-]+)"[^>]* value="([^"]*)"', page_html))
    form.update(re.findall(r'<textarea [^>]*name="([\w-]+)"[^>]*>\n?(.*?)</textarea>', page_html, re.S))
    for select in re.finditer(r'<select [^>]*name="(\w+)".*?</select>', page_html, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select.group(0))
        form[select.group(1)] = next(v for v in chosen.groups() if v is not None) if chosen else ""
    for radio in re.finditer(r'<input [^>]*checked[^>]*name="(\w+)"[^>]*type="radio"[^>]*value="([^"]*)"', page_html):
        form[radio.group(1)] = radio.group(2)
    return form


def test_the_languages_are_the_default_first_then_the_chosen_in_the_sites_order(trilingual):
    event, _organiser = trilingual
    assert event.languages == ["en", "fr", "es"]
    assert event.other_languages == ["fr", "es"]
    assert event.translations == {"title": {"fr": "Symposium sur l'alerte précoce"},
                                  "description": {"es": "Tres **días**.", "fr": "Trois **jours**."}}


@pytest.mark.parametrize(("language", "title", "description"), [
    ("fr", "Symposium sur l'alerte précoce", "Trois <strong>jours</strong>."),
    ("es", "Symposium on Early Warnings", "Tres <strong>días</strong>."),  # no Spanish title: the default's
    ("en", "Symposium on Early Warnings", "Three <strong>days</strong>."),
])
def test_the_event_page_shows_the_readers_language_else_the_default(app, trilingual, language, title, description):
    text = page(app.test_client(), "/events/trilingue/", language)
    assert f"<h1>{title}</h1>" in text
    assert description in text
    assert f"<title>{title}" in text or f"· {title}</title>" in text or f"{title}</title>" in text


def test_the_event_list_shows_each_title_in_the_readers_language(app, trilingual):
    assert "Symposium sur l'alerte précoce" in page(app.test_client(), "/", "fr")
    assert "Symposium sur l'alerte précoce" not in page(app.test_client(), "/", "en")


def test_the_settings_page_offers_a_field_per_other_language_marked_with_its_language(app, trilingual):
    event, organiser = trilingual
    text = page(login(app.test_client(), organiser), "/events/trilingue/edit", "en")
    assert '<legend class="form-label fs-6 fw-semibold">Title in the event\'s other languages</legend>' in text
    assert re.search(r'<input type="text" class="form-control" id="field-title_translations-fr" name="title_translations-fr" lang="fr" '
                     r'dir="ltr" value="Symposium sur l\'alerte précoce">', text)
    assert re.search(r'<label class="form-label mb-1 mt-2" for="field-title_translations-es">Español</label>', text)
    assert re.search(r'<textarea class="form-control" id="field-description_translations-es" name="description_translations-es" '
                     r'lang="es" dir="ltr" rows="6">Tres \*\*días\*\*.</textarea>', text)


def test_organisers_translate_through_the_form(app, db, trilingual):
    event, organiser = trilingual
    client = login(app.test_client(), organiser)
    form = form_of(page(client, "/events/trilingue/edit", "en"))
    form.update({"languages": ["en", "fr", "es"], "title_translations-es": "  Simposio   sobre alertas  ",
                 "title_translations-fr": ""})
    assert client.post("/events/trilingue/edit", data=form).status_code == 302
    db.session.expire_all()
    # Spaces collapsed as in the default title; an emptied translation is gone (the default shows).
    assert event.title_translations == {"es": "Simposio sobre alertas"}
    assert "<h1>Symposium on Early Warnings</h1>" in page(app.test_client(), "/events/trilingue/", "fr")
    assert "<h1>Simposio sobre alertas</h1>" in page(app.test_client(), "/events/trilingue/", "es")


def test_a_translation_too_long_is_refused_next_to_its_field_and_kept(app, db, trilingual):
    event, organiser = trilingual
    client = login(app.test_client(), organiser)
    form = form_of(page(client, "/events/trilingue/edit", "en"))
    form.update({"languages": ["en", "fr", "es"], "title_translations-es": "x" * 201})
    response = client.post("/events/trilingue/edit", data=form)
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert re.search(r'<p class="invalid-feedback d-block" id="error-title_translations">.*Each translation can have at most 200 '
                     r'characters.</p>', text)
    assert 'value="' + "x" * 201 + '"' in text
    db.session.expire_all()
    assert event.title_translations == {"fr": "Symposium sur l'alerte précoce"}


def test_a_language_the_site_does_not_offer_is_refused(app, db, trilingual):
    event, organiser = trilingual
    with pytest.raises(DomainError, match="^Choose one of the languages offered.$") as refused:
        event_ops.update_event(event, actor=organiser, languages=["en", "de"])
    assert refused.value.field == "languages"


def test_a_language_dropped_keeps_its_texts_for_when_it_comes_back(db, trilingual):
    event, organiser = trilingual
    event_ops.update_event(event, actor=organiser, languages=["es"])
    assert event.other_languages == ["es"]
    assert event.title_translations == {"fr": "Symposium sur l'alerte précoce"}
    # A dropped language is not shown, even to a French reader: the default is, on the page too.
    assert event.tr("title", "fr") == "Symposium on Early Warnings"
    track = Track(event_id=event.id, name="Floods", translations={"name": {"fr": "Crues", "es": "Inundaciones"}})
    db.session.add(track)
    db.session.flush()
    assert (track.tr("name", "fr"), track.tr("name", "es")) == ("Floods", "Inundaciones")
    event_ops.update_event(event, actor=organiser, languages=["es", "fr"])
    assert event.tr("title", "fr") == "Symposium sur l'alerte précoce"
    assert track.tr("name", "fr") == "Crues"


def test_a_dropped_language_is_not_shown_on_the_page(app, db, trilingual):
    event, organiser = trilingual
    event_ops.update_event(event, actor=organiser, languages=["es"])
    assert "<h1>Symposium on Early Warnings</h1>" in page(app.test_client(), "/events/trilingue/", "fr")


def test_mail_gives_the_events_title_in_the_recipients_language(db, trilingual):
    event, organiser = trilingual
    french, english = factories.make_user(language="fr"), factories.make_user(language="en")
    for person in (french, english):
        team.invite_member(event, actor=organiser, email=person.email, role="reviewer", message="")
    to_french, to_english = (one_mail("team_invitation", person.email) for person in (french, english))
    assert to_french.subject.endswith("Symposium sur l'alerte précoce")
    assert to_english.subject.endswith("Symposium on Early Warnings")
    assert "alerte" not in to_english.body_text


def test_translations_of_one_text_are_cleaned_and_merged():
    assert clean_translations({"fr": "  Un   titre ", "de": "Titel"}, field="title", languages=["fr", "es"],
                              max_length=20, one_line=True) == {"fr": "Un titre", "es": ""}
    with pytest.raises(DomainError, match="at most 5 characters") as refused:
        clean_translations({"fr": "trop long"}, field="title_translations", languages=["fr"], max_length=5)
    assert refused.value.field == "title_translations"

    class Row:
        translations: dict = {"name": {"fr": "Salle"}, "title": {"es": "Título"}}
        title_translations = TranslationsOf("title")

    row = Row()
    row.title_translations = {"fr": "Titre", "es": ""}
    assert row.translations == {"name": {"fr": "Salle"}, "title": {"fr": "Titre"}}
