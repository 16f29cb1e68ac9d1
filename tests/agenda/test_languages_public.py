"""The released agenda in the reader's language: each release keeps the translations and the
languages of its texts; the public pages show the reader's language, else the text's own (marked
with it); releases made before translations still show; none of it costs a query."""

from __future__ import annotations

import html
import re

import pytest

from conference.agenda.releases import latest_release
from conference.extensions import db

from .. import factories
from ..conftest import login, reader
from ..mail.builders import one_mail
from ..query_counting import queries_for
from .builders import in_languages, multilingual_programme, release, translate_programme

AGENDA = "/events/multi/agenda"


@pytest.fixture
def p(db):
    return multilingual_programme()


@pytest.fixture
def translated(p):
    translate_programme(p)
    release(p)
    return p


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return html.unescape(response.get_data(as_text=True))


def test_a_release_keeps_the_translations_and_languages_of_its_texts(translated):
    p = translated
    snapshot = latest_release(p.event).snapshot
    assert snapshot["event"]["default_language"] == "en"
    rooms = {r["id"]: r for r in snapshot["rooms"]}
    assert rooms[p.main.id]["translations"] == {"name": {"fr": "Grande salle"}}
    assert "translations" not in rooms[p.room_b.id]  # none given: as in releases made before translations
    opening = next(s for s in snapshot["sessions"] if s["id"] == p.opening.id)
    assert opening["translations"] == {"title": {"fr": "Plénière d'ouverture"}, "description": {"fr": "Bienvenue."}}
    items = {i["id"]: i for i in snapshot["items"]}
    assert (items[p.keynote.id]["language"], items[p.keynote.id]["translations"]) == (
        None, {"title": {"fr": "Conférence inaugurale"}, "abstract": {"fr": "Sur les machines."}})
    assert (items[p.talk_one.id]["language"], items[p.talk_one.id]["translations"]) == (
        "fr", {"title": {"en": "Standards"}})
    assert next(t for t in snapshot["tracks"] if t["id"] == p.data.id)["translations"] == {
        "name": {"fr": "Normes de données"}}


def test_a_language_the_event_stopped_offering_is_not_released(p):
    translate_programme(p)
    in_languages(p.event, p.organiser, "es")
    snapshot = release(p).snapshot
    assert all("translations" not in e for e in snapshot["rooms"] + snapshot["sessions"] + snapshot["tracks"])
    # Talk one is French: its English title stays, English being the event's default language.
    assert {i["id"]: i.get("translations") for i in snapshot["items"]} == {
        p.keynote.id: None, p.talk_one.id: {"title": {"en": "Standards"}}, p.talk_two.id: None}


def test_organisers_translate_and_a_french_reader_sees_french_a_spanish_one_the_default(app, p):
    """Through the pages: the organiser translates a room and a session and releases; the French
    reader of the agenda sees them in French, the Spanish reader (nothing in Spanish) in English."""
    organiser = login(app.test_client(), p.organiser)
    editor = "/events/multi/manage/agenda"
    assert organiser.post(f"{editor}/rooms/{p.main.id}", data={
        "name": "Main hall", "capacity": "200", "name_translations-fr": "Grande salle"}).status_code == 302
    assert organiser.post(f"{editor}/sessions/{p.opening.id}", data={
        "title": "Opening plenary", "kind": "plenary", "room_id": str(p.main.id), "starts_at": "2030-03-16T09:00",
        "ends_at": "2030-03-16T10:30", "chair_ids": str(p.ada.id), "version": str(p.opening.version),
        "description": "Welcome.", "title_translations-fr": "Plénière d'ouverture",
        "description_translations-fr": "Bienvenue à tous."}).status_code == 302
    assert organiser.post(f"{editor}/release", data={"name": "First programme"}).status_code == 302

    french, spanish = reader(app, "fr"), reader(app, "es")
    listing = page(french, AGENDA)
    assert f'<a href="/events/multi/agenda/sessions/{p.opening.id}">Plénière d\'ouverture</a>' in listing
    assert "Opening plenary" not in listing
    assert f'<option value="{p.main.id}">Grande salle</option>' in listing
    grid = page(french, AGENDA + "?view=grid")
    assert "<th scope=\"col\">Grande salle</th>" in grid and "Plénière d'ouverture</a>" in grid
    session = page(french, f"{AGENDA}/sessions/{p.opening.id}")
    assert "<h1>Plénière d'ouverture</h1>" in session
    assert '<div class="prose"><p>Bienvenue à tous.</p>' in session and "Grande salle" in session

    listing = page(spanish, AGENDA)
    assert f'<a href="/events/multi/agenda/sessions/{p.opening.id}" lang="en" dir="ltr">Opening plenary</a>' \
        in listing
    assert "Plénière" not in listing and "Grande salle" not in listing
    session = page(spanish, f"{AGENDA}/sessions/{p.opening.id}")
    assert '<h1 lang="en" dir="ltr">Opening plenary</h1>' in session
    assert '<div class="prose" lang="en" dir="ltr"><p>Welcome.</p>' in session


def test_every_public_page_gives_the_readers_language_else_the_texts_own(app, translated):
    p = translated
    french, english, spanish = reader(app, "fr"), reader(app, "en"), reader(app, "es")
    item = f"{AGENDA}/items/{p.keynote.id}"
    assert "<h1>Conférence inaugurale</h1>" in page(french, item)
    assert '<div class="prose"><p>Sur les machines.</p>' in page(french, item)
    assert f'href="/events/multi/agenda/sessions/{p.opening.id}">Plénière d\'ouverture</a>' in page(french, item)
    assert '<h1 lang="en" dir="ltr">Keynote</h1>' in page(spanish, item)
    # Talk one is given in French: its English title for English readers, its own for the others.
    talk = f"{AGENDA}/items/{p.talk_one.id}"
    headings = [re.search(r"<h1[^>]*>[^<]*</h1>", page(client, talk)).group(0) for client in (french, english, spanish)]
    assert headings == ["<h1>Les normes</h1>", "<h1>Standards</h1>", '<h1 lang="fr" dir="ltr">Les normes</h1>']
    assert 'fill="#0b5cab" stroke="#333"/></svg> Normes de données</span></dd>' in page(french, talk)
    # Its title is translated into English, its abstract is not: each marked with its language.
    assert '<div class="prose" lang="fr" dir="ltr"><p>Sur les normes.</p>' in page(english, talk)
    assert '<div class="prose"><p>Sur les normes.</p>' in page(french, talk)
    speaker = page(french, f"{AGENDA}/speakers/{p.ada.id}")
    assert "Conférence inaugurale</a>" in speaker and "Plénière d'ouverture</a>" in speaker
    assert "Grande salle" in speaker
    changes = page(french, f"{AGENDA}/changes")
    assert "Conférence inaugurale" in changes and "Keynote" not in changes
    assert "Conférence inaugurale" in page(french, f"{AGENDA}/changes.atom")
    # Search finds a talk by its title in any of its languages.
    assert "Les normes" in page(french, AGENDA + "?q=standards")
    assert "Conférence inaugurale" in page(french, AGENDA + "?q=keynote")


def test_my_agenda_is_in_the_readers_language(app, translated):
    p = translated
    participant = factories.make_user(language="fr")
    client = login(app.test_client(), participant)
    assert client.post(f"{AGENDA}/star", data={"uid": f"item-{p.keynote.id}"}).status_code == 302
    assert client.post(f"{AGENDA}/star", data={"uid": f"item-{p.talk_one.id}"}).status_code == 302
    mine = page(client, f"{AGENDA}/mine")
    assert f'<a href="/events/multi/agenda/items/{p.keynote.id}">Conférence inaugurale</a>' in mine
    assert f'<a href="/events/multi/agenda/items/{p.talk_one.id}">Les normes</a>' in mine
    assert "Grande salle" in mine


def test_a_release_made_before_translations_still_shows(app, translated):
    """A snapshot stored before translations and languages were recorded: no such keys at all."""
    p = translated
    entry = latest_release(p.event)
    old = {key: value for key, value in entry.snapshot.items()}
    old["event"] = {k: v for k, v in old["event"].items() if k != "default_language"}
    for kind in ("rooms", "tracks", "sessions", "items"):
        old[kind] = [{k: v for k, v in e.items() if k not in ("translations", "language")} for e in old[kind]]
    entry.snapshot = old
    entry.revision += 1  # rewritten in place, as an erasure does: a new revision to every process's caches
    db.session.flush()
    french = reader(app, "fr")
    listing = page(french, AGENDA)
    assert "Opening plenary</a>" in listing and "Keynote</a>" in listing and "Les normes</a>" in listing
    assert "Plénière" not in listing and ' lang="' not in listing.split("<main")[1]  # no language known: none said
    assert "<h1>Keynote</h1>" in page(french, f"{AGENDA}/items/{p.keynote.id}")
    assert "<h1>Opening plenary</h1>" in page(french, f"{AGENDA}/sessions/{p.opening.id}")


@pytest.mark.parametrize("path", [
    AGENDA, AGENDA + "?view=grid", AGENDA + "?q=normes", "{agenda}/sessions/{opening}", "{agenda}/items/{keynote}",
    "{agenda}/speakers/{ada}", "{agenda}/changes"])
def test_translations_add_no_query(app, p, path):
    """A page of a release without translations and of one with every text translated, read in
    French: the same statements (translations are in the snapshot, itself one row)."""
    path = path.format(agenda=AGENDA, opening=p.opening.id, keynote=p.keynote.id, ada=p.ada.id)
    french = reader(app, "fr")
    release(p)
    plain = queries_for(db, french, path)
    translate_programme(p)
    release(p, "Translated")
    assert "Conférence inaugurale" in page(french, f"{AGENDA}/items/{p.keynote.id}")
    assert queries_for(db, french, path) == plain


def test_the_release_mails_give_titles_and_rooms_in_each_recipients_language(p):
    p.ada.user_id = factories.make_user(language="fr").id
    translate_programme(p)
    release(p)
    to_ada, to_ben = (one_mail("agenda_speaker_times", address) for address in ("ada@example.org", "ben@example.org"))
    assert re.search(r"^- Conférence inaugurale: .*\(Europe/Zurich\), Grande salle$", to_ada.body_text, re.M)
    # Ben has no account: his mail is in the event's default language, his French talk's English title.
    assert re.search(r"^- Standards: .*\(America/New_York\), Room B$", to_ben.body_text, re.M)
