"""The public list of the released agenda's speakers: sorted by name as the reader's language
sorts, each with their talks and chaired sessions (linked, in the viewer's zone, in the reader's
language), searched with ?q= on the server, in the agenda's navigation; its queries do not grow
with the programme."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from conference.agenda.speaker_list import folded, initial, name_key
from conference.extensions import db as _db

from .. import factories
from ..conftest import login, reader
from ..query_counting import queries_for
from .builders import add_item, add_session, add_speaker, release, small_programme, store_release, utc_on
from .builders import multilingual_programme as multilingual
from .builders import translate_programme as translate

LIST = "/events/agenda-event/agenda/speakers"


@pytest.fixture
def published(db):
    # 14 March 2030: Zurich is UTC+1, New York UTC-4 (already on summer time), Tokyo UTC+9.
    event = factories.make_event(published=True, slug="agenda-event", timezone="Europe/Zurich",
                                 start_date=dt.date(2030, 3, 14))
    return event, small_programme(event)


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def listed(body: str) -> list[str]:
    """The speakers' names in the order the page lists them."""
    return [html.unescape(name) for name in re.findall(r'<h3 class="h5 mb-1"><a href="[^"]+">([^<]+)</a></h3>', body)]


def entry_of(body: str, name: str) -> str:
    """The list item of one speaker."""
    (found,) = [chunk for chunk in body.split('<li class="py-2">') if f">{name}</a></h3>" in chunk]
    return found


def test_the_list_has_the_released_speakers_by_name_with_their_talks(client, published):
    event, p = published
    store_release(event)
    add_speaker(event, "Aaron Unreleased")  # added after the release: not public yet
    body = page(client, LIST)

    assert listed(body) == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert "Aaron Unreleased" not in body
    assert "3 speakers." in body
    ada = entry_of(body, "Ada Lovelace")
    assert "Analytical Engines" in ada
    assert f'<a href="/events/agenda-event/agenda/items/{p["talk"].id}">Ensemble forecasts</a>' in ada
    grace = entry_of(body, "Grace Hopper")
    assert "Navy" in grace and "Ensemble forecasts" in grace and "Data assimilation" in grace
    # Alan chairs the morning session and gives the late talk: both, by start, the session marked.
    alan = entry_of(body, "Alan Turing")
    assert alan.index("Morning models") < alan.index("Late talk")
    assert f'<a href="/events/agenda-event/agenda/sessions/{p["morning"].id}">Morning models</a>' in alan
    assert "as chair" in alan
    assert f'<a href="/events/agenda-event/agenda/speakers/{p["alan"].id}">Alan Turing</a>' in alan
    # Times in the event's zone by default: 08:00 UTC is 09:00 in Zurich.
    assert '>09:00</time>–<time datetime="2030-03-14T09:30:00+01:00">09:30</time>' in ada
    assert "Times are shown in Europe/Zurich." in body


def test_a_speaker_whose_talks_were_all_removed_leaves_the_list(client, published):
    event, p = published
    store_release(event)
    assert "Ada Lovelace" in listed(page(client, LIST))
    _db.session.delete(p["talk"])  # Ada's only talk
    store_release(event)  # the snapshot still knows Ada, as the speaker of a cancelled talk
    body = page(client, LIST)
    assert listed(body) == ["Alan Turing", "Grace Hopper"]
    assert "Ensemble forecasts" not in body
    assert client.get(f"/events/agenda-event/agenda/speakers/{p['ada'].id}").status_code == 404


def test_the_viewers_zone_and_an_unknown_one(client, published):
    event, p = published
    store_release(event)
    body = page(client, f"{LIST}?tz=America/New_York")
    assert "Times are shown in America/New_York." in body
    assert "The event’s own time zone is Europe/Zurich." in html.unescape(body)
    assert '<time datetime="2030-03-14T04:00:00-04:00">04:00</time>' in entry_of(body, "Ada Lovelace")
    # The links carry the chosen zone on.
    assert (f'href="/events/agenda-event/agenda/items/{p["talk"].id}?tz=America/New_York"'
            in entry_of(body, "Ada Lovelace"))
    assert '<option value="America/New_York" selected>' in body
    # The late talk, 21:00 UTC, is on the next day in Tokyo.
    tokyo = page(client, f"{LIST}?tz=Asia/Tokyo")
    assert 'datetime="2030-03-15T06:00:00+09:00"' in entry_of(tokyo, "Alan Turing")

    unknown = html.unescape(page(client, f"{LIST}?tz=Mars/Olympus"))
    assert "“Mars/Olympus” is not a time zone we know. Times are shown in the event’s time zone, Europe/Zurich." in unknown
    assert listed(unknown) == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert "?tz=" not in entry_of(unknown, "Ada Lovelace")


@pytest.mark.parametrize(("q", "names"), [
    ("grace", ["Grace Hopper"]),  # a name, any case
    ("NAVY", ["Grace Hopper"]),  # an affiliation
    ("engines", ["Ada Lovelace"]),
    ("ensemble", ["Ada Lovelace", "Grace Hopper"]),  # a talk's title: both its speakers
    ("late talk", ["Alan Turing"]),
    ("morning models", ["Alan Turing"]),  # a chaired session's title
    ("  turing ", ["Alan Turing"]),
    ("Perturbed", []),  # abstracts are not searched: the agenda's search does that
])
def test_search_by_name_affiliation_and_title(client, published, q, names):
    event, _p = published
    store_release(event)
    body = page(client, f"{LIST}?q={q}")
    assert listed(body) == names
    shown = html.unescape(body)
    if names:
        assert f"match “{q}”." in shown or f"matches “{q}”." in shown
        assert f"{len(names)} speaker{'s' if len(names) > 1 else ''} of 3 match" in shown
        # A speaker found by one title keeps all their entries.
        if q == "late talk":
            assert "Morning models" in entry_of(body, "Alan Turing")
    else:
        assert f"No speaker matches “{q}”." in shown
    assert f'value="{q}"' in body
    assert 'href="/events/agenda-event/agenda/speakers">Show all speakers</a>' in body


def test_search_sets_accents_and_case_aside_and_escapes_the_query(client, published):
    event, _p = published
    elodie = add_speaker(event, "Élodie Núñez", affiliation="Université de Genève")
    session = add_session(event, "Afternoon", utc_on(event.start_date, 13), utc_on(event.start_date, 14))
    add_item(session, "Glaciers", utc_on(event.start_date, 13, 30), speakers=[elodie])
    store_release(event)
    for q in ("elodie", "NUNEZ", "núñez", "universite de geneve", "glaciers", "ÉLODIE"):
        assert listed(page(client, f"{LIST}?q={q}")) == ["Élodie Núñez"], q
    body = page(client, f"{LIST}?q=<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert listed(body) == []


NAMES = ["Zoe", "Ñandú Ríos", "Nuno", "Núñez", "Nuñez", "ángel", "Angela", "Ángel", "Oscar", "Nz", "Émile", "Eve",
         "e\u0301mile"]  # the last: "émile" written with a combining accent


def test_names_sort_as_the_readers_language_sorts_them():
    # Letters first, accents set aside; then fewer accents first; then lower case first.
    assert sorted(NAMES, key=lambda n: name_key(n, "en")) == [
        "ángel", "Ángel", "Angela", "e\u0301mile", "Émile", "Eve", "Ñandú Ríos", "Nuñez", "Núñez", "Nuno", "Nz",
        "Oscar", "Zoe"]
    # Spanish: "ñ" is a letter of its own, after every "n".
    assert sorted(NAMES, key=lambda n: name_key(n, "es")) == [
        "ángel", "Ángel", "Angela", "e\u0301mile", "Émile", "Eve", "Nuno", "Nuñez", "Núñez", "Nz", "Ñandú Ríos",
        "Oscar", "Zoe"]
    assert sorted(NAMES, key=lambda n: name_key(n, "fr")) == sorted(NAMES, key=lambda n: name_key(n, "en"))
    assert folded("Élodie NÚÑEZ") == folded("elodie nunez") == "elodie nunez"


def initials(body: str) -> list[str]:
    """The letters of the list's index, and of its headings, in order."""
    index = re.findall(r'<a class="nav-link px-2" href="#initial-(\d+)">([^<]+)</a>', body)
    headings = re.findall(r'<h2 id="initial-(\d+)" class="h4 border-bottom pb-1 mt-4">([^<]+)</h2>', body)
    assert index == headings
    return [letter for _n, letter in index]


def test_initials_as_the_language_files_them():
    assert [initial(n, "en") for n in ("Élodie", "ñandú", "  zoe", "3M", "e\u0301mile")] == ["E", "N", "Z", "#", "E"]
    assert [initial(n, "es") for n in ("Élodie", "ñandú", "Ñandú", "Nuno")] == ["E", "Ñ", "Ñ", "N"]


def test_the_list_sorts_in_the_page_language(app, published):
    event, _p = published
    session = add_session(event, "More", utc_on(event.start_date, 13), utc_on(event.start_date, 14))
    add_item(session, "Talk by Ñandú", utc_on(event.start_date, 13), speakers=[add_speaker(event, "Ñandú Ríos")])
    add_item(session, "Talk by Nz", utc_on(event.start_date, 13, 30), speakers=[add_speaker(event, "Nz Example")])
    store_release(event)
    english, spanish = page(app.test_client(), LIST), page(reader(app, "es"), LIST)
    assert listed(english) == ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Ñandú Ríos", "Nz Example"]
    assert listed(spanish) == ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Nz Example", "Ñandú Ríos"]
    # Filed under their initials, with an index of them: "Ñ" is a letter of its own in Spanish.
    assert initials(english) == ["A", "G", "N"]
    assert initials(spanish) == ["A", "G", "N", "Ñ"]
    assert '<nav aria-label="Speakers by initial"' in english
    # One letter only: no index.
    one = page(app.test_client(), f"{LIST}?q=grace")
    assert "Speakers by initial" not in one and 'class="nav-link px-2"' not in one
    assert '<h2 id="initial-1" class="h4 border-bottom pb-1 mt-4">G</h2>' in one


def test_titles_and_labels_in_the_readers_language(app, db):
    p = multilingual()
    translate(p)
    release(p)
    path = "/events/multi/agenda/speakers"
    french = html.unescape(page(reader(app, "fr"), path))
    assert '<a href="/events/multi/agenda/speakers" aria-current="page">Intervenants</a>' in french
    ada = entry_of(french, "Ada Lovelace")
    assert "Conférence inaugurale" in ada and "Plénière d'ouverture" in ada and "Keynote" not in ada
    # Talk one is given in French, its title translated into English only: a Spanish reader
    # reads it in French, marked so.
    assert 'lang="fr" dir="ltr">Les normes</a>' in entry_of(page(reader(app, "es"), path), "Ben Franklin")
    assert ">Standards</a>" in entry_of(page(reader(app, "en"), path), "Ben Franklin")
    # A title is found in any language it is given in.
    assert listed(page(reader(app, "en"), f"{path}?q=inaugurale")) == ["Ada Lovelace"]
    assert listed(page(reader(app, "fr"), f"{path}?q=standards")) == ["Ben Franklin"]


def test_before_any_release_and_for_a_draft_event(client, db, published):
    body = page(client, LIST)
    assert "No agenda released yet." in body and 'role="search"' not in body and listed(body) == []
    draft = factories.make_event(slug="draft-event")
    small_programme(draft)
    store_release(draft)
    assert client.get("/events/draft-event/agenda/speakers").status_code == 404


def test_the_agenda_navigation_leads_to_the_list(client, published):
    event, p = published
    store_release(event)
    nav = '<a href="/events/agenda-event/agenda/speakers"'
    assert f'{nav} aria-current="page">Speakers</a>' in page(client, LIST)
    assert f'{nav} aria-current="page">Speakers</a>' in page(client, f"{LIST}/{p['ada'].id}")
    agenda = page(client, "/events/agenda-event/agenda")
    assert f"{nav}>Speakers</a>" in agenda


def add_talks_by_new_speakers(event, first: int, count: int) -> None:
    """``count`` talks in a session of their own, each by a new speaker with an affiliation."""
    day = event.start_date + dt.timedelta(days=1)
    session = add_session(event, f"Talks from {first}", utc_on(day, 8), utc_on(day, 18))
    for n in range(first, first + count):
        speaker = add_speaker(event, f"Speaker {n:03d}", affiliation=f"Agency {n % 7}")
        add_item(session, f"Talk {n}", utc_on(day, 8, n % 60), 5, speakers=[speaker])


@pytest.mark.parametrize("signed_in", [False, True])
def test_query_count_does_not_grow_with_the_talks(app, published, signed_in):
    event, _p = published
    client = app.test_client()
    if signed_in:
        login(client, factories.make_user())
    add_talks_by_new_speakers(event, 0, 10 - 4)  # with the small programme's four: 10 talks
    store_release(event)
    assert len(listed(page(client, LIST))) == 3 + 6
    small = queries_for(_db, client, LIST + "?q=agency")
    add_talks_by_new_speakers(event, 6, 90)
    store_release(event)
    assert len(listed(page(client, LIST + "?q=agency"))) == 96
    large = queries_for(_db, client, LIST + "?q=agency")
    assert small == large
