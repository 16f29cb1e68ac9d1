"""The programme's texts in the event's languages, through the editor: organisers give a room's
name, a session's title and description and an item's title and abstract in the event's other
languages; a free item's language is chosen among the event's, a talk keeps its submission's
language and translations; bad input is refused next to its field with what was typed kept."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from conference.agenda import programme
from conference.agenda.models import AgendaItem
from conference.cfp.enums import SubmissionState
from conference.errors import DomainError
from conference.extensions import db

from ..cfp.builders import make_call, submitted_talk
from ..conftest import login
from .builders import in_languages, make_programme, multilingual_programme


@pytest.fixture
def p(db):
    return multilingual_programme()


@pytest.fixture
def organiser(app, p):
    return login(app.test_client(), p.organiser)


def base(p) -> str:
    return f"/events/{p.event.slug}/manage/agenda"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def opening_form(p, **changes) -> dict:
    """What the opening plenary's form sends back unchanged, with ``changes``."""
    return {"title": "Opening plenary", "kind": "plenary", "room_id": str(p.main.id),
            "starts_at": "2030-03-16T09:00", "ends_at": "2030-03-16T10:30", "chair_ids": str(p.ada.id),
            "version": str(p.opening.version), **changes}


def test_the_forms_offer_a_field_per_other_language_marked_with_its_language(organiser, p):
    room = page(organiser, f"{base(p)}/rooms/{p.main.id}")
    assert "<legend class=\"form-label fs-6 fw-semibold\">Name in the event's other languages</legend>" in room
    assert ('<input type="text" class="form-control" id="field-name_translations-fr" name="name_translations-fr" lang="fr" dir="ltr" '
            'value="">') in room
    assert '<label class="form-label mb-1 mt-2" for="field-name_translations-es">Español</label>' in room
    session = page(organiser, f"{base(p)}/sessions/{p.opening.id}")
    assert 'name="title_translations-fr" lang="fr"' in session
    assert re.search(r'<textarea class="form-control" id="field-description_translations-es" name="description_translations-es" '
                     r'lang="es" dir="ltr" rows="6"></textarea>', session)
    item = page(organiser, f"{base(p)}/items/{p.keynote.id}")
    assert re.findall(r'<option (?:selected )?value="(\w+)"(?: selected)?>(\w+)</option>',
                      item.split('id="field-language"')[1].split("</select>")[0]) == [
        ("en", "English"), ("fr", "Français"), ("es", "Español")]
    assert re.search(r'<option (selected value="en"|value="en" selected)>', item)
    assert 'name="title_translations-fr"' in item and 'name="abstract_translations-es"' in item


def test_an_event_in_one_language_asks_for_no_translation_nor_language(app, db):
    single = make_programme(slug="single")
    client = login(app.test_client(), single.organiser)
    for path in (f"/rooms/{single.main.id}", f"/sessions/{single.opening.id}", f"/items/{single.keynote.id}",
                 "/items/new"):
        text = page(client, base(single) + path)
        assert "other languages" not in text and "_translations-" not in text, path
        assert 'id="field-language"' not in text, path


def test_organisers_translate_a_room_and_a_session(organiser, p):
    response = organiser.post(f"{base(p)}/rooms/{p.main.id}", data={
        "name": "Main hall", "capacity": "200", "name_translations-fr": "  Grande   salle ",
        "name_translations-es": ""})
    assert response.status_code == 302
    response = organiser.post(f"{base(p)}/sessions/{p.opening.id}", data=opening_form(
        p, description="Welcome.", **{"title_translations-fr": "Plénière d'ouverture", "title_translations-es": "",
                                      "description_translations-fr": "Bienvenue.\n\nÀ tous.",
                                      "description_translations-es": "Bienvenida."}))
    assert response.status_code == 302
    db.session.expire_all()
    # Spaces collapsed in a one-line text, as in its main text; an empty translation is none.
    assert p.main.translations == {"name": {"fr": "Grande salle"}}
    assert p.opening.translations == {"title": {"fr": "Plénière d'ouverture"},
                                      "description": {"es": "Bienvenida.", "fr": "Bienvenue.\n\nÀ tous."}}
    text = page(organiser, f"{base(p)}/sessions/{p.opening.id}")
    assert 'name="title_translations-fr" lang="fr" dir="ltr" value="Plénière d\'ouverture"' in text
    # Emptied again: the translation goes, the others stay.
    assert organiser.post(f"{base(p)}/sessions/{p.opening.id}", data=opening_form(
        p, **{"title_translations-fr": "", "description_translations-fr": "Bienvenue."})).status_code == 302
    db.session.expire_all()
    assert p.opening.translations == {"description": {"es": "Bienvenida.", "fr": "Bienvenue."}}


def test_a_translation_too_long_is_refused_next_to_its_field_and_kept(organiser, p):
    response = organiser.post(f"{base(p)}/rooms/{p.main.id}", data={
        "name": "Main hall", "name_translations-fr": "Grande salle", "name_translations-es": "x" * 101})
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert re.search(r'<p class="invalid-feedback d-block" id="error-name_translations">.*Each translation can have at most 100 '
                     r'characters.</p>', text)
    assert 'value="' + "x" * 101 + '"' in text and 'value="Grande salle"' in text
    db.session.expire_all()
    assert p.main.translations == {}
    # The operation refuses it too, whoever calls it, next to the same field.
    with pytest.raises(DomainError, match="^Each translation can have at most 300 characters.$") as refused:
        programme.save_session(p.event, actor=p.organiser, session=p.opening, title="Opening plenary",
                               title_translations={"es": "y" * 301})
    assert refused.value.field == "title_translations"


def test_a_free_item_is_given_in_a_language_chosen_among_the_events(organiser, p):
    response = organiser.post(f"{base(p)}/items/new", data={
        "language": "fr", "title": "Table ronde", "kind": "panel", "duration": "45",
        "title_translations-fr": "Typed for the old language", "title_translations-es": "Mesa redonda",
        "abstract": "Sur la vie privée."})
    assert response.status_code == 302
    item = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.title == "Table ronde"))
    # Its texts are French now: only the others' translations are kept.
    assert (item.language, item.translations) == ("fr", {"title": {"es": "Mesa redonda"}})
    text = page(organiser, f"{base(p)}/items/{item.id}")
    assert re.search(r'<option (selected value="fr"|value="fr" selected)>Français</option>', text)
    assert re.findall(r'name="title_translations-(\w+)"', text) == ["en", "es"]
    # Back to the default language: stored as None, like every item of a one-language event.
    organiser.post(f"{base(p)}/items/{item.id}", data={
        "language": "en", "title": "Round table", "kind": "panel", "duration": "45", "version": str(item.version),
        "title_translations-en": "Round table", "title_translations-es": "Mesa redonda",
        "title_translations-fr": "Table ronde"})
    db.session.expire_all()
    assert (item.language, item.translations) == (None, {"title": {"es": "Mesa redonda", "fr": "Table ronde"}})


def test_a_language_the_event_does_not_offer_is_refused_and_the_form_kept(organiser, p):
    response = organiser.post(f"{base(p)}/items/new", data={
        "language": "de", "title": "Podium", "kind": "panel", "duration": "45"})
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert re.search(r'<p class="invalid-feedback d-block" id="error-language">.*Choose one of the event\'s languages.</p>', text)
    assert 'value="Podium"' in text
    assert db.session.scalar(sa.select(AgendaItem).where(AgendaItem.title == "Podium")) is None


def test_a_talk_keeps_its_submissions_language_and_translations(app, db):
    call = make_call(slug="call-multi")
    in_languages(call.event, call.organiser, "fr", "es")
    talk = submitted_talk(call, call.organiser, title="Les alertes précoces", abstract="Un résumé.")
    talk.state, talk.language = SubmissionState.ACCEPTED, "fr"
    talk.title_translations = {"en": "Early warnings", "es": "Alertas tempranas"}
    talk.abstract_translations = {"en": "An abstract."}
    db.session.flush()
    client = login(app.test_client(), call.organiser)
    assert client.post("/events/call-multi/manage/agenda/items/add-submissions").status_code == 302
    item = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.submission_id == talk.id))
    assert (item.title, item.abstract, item.language) == ("Les alertes précoces", "Un résumé.", "fr")
    assert item.translations == {"title": {"en": "Early warnings", "es": "Alertas tempranas"},
                                 "abstract": {"en": "An abstract."}}
    text = page(client, f"/events/call-multi/manage/agenda/items/{item.id}")
    assert 'id="field-language"' not in text
    assert "Given in Français, the language of its submission." in text
    assert re.findall(r'name="title_translations-(\w+)"', text) == ["en", "es"]
    # Its language is not the organisers' to change (a forged field changes nothing).
    assert client.post(f"/events/call-multi/manage/agenda/items/{item.id}", data={
        "language": "es", "title": "Les alertes précoces", "kind": "talk", "duration": "30",
        "version": str(item.version), "title_translations-en": "Early warning systems",
        "title_translations-es": "Alertas tempranas"}).status_code == 302
    db.session.expire_all()
    assert item.language == "fr"
    assert item.translations == {"title": {"en": "Early warning systems", "es": "Alertas tempranas"},
                                 "abstract": {"en": "An abstract."}}
