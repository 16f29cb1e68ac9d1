"""The exports in the event's languages, as served: frab XML and JSON say each talk's language
and stay one document for every reader (valid against the c3voc schemas); iCal feeds give titles,
descriptions and rooms in the reader's language, each with its LANGUAGE, read back by icalendar
and vobject; releases made before languages were recorded still export."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import icalendar
import jsonschema
import pytest
import vobject
import xmlschema

from conference.agenda import programme
from conference.agenda.enums import SessionKind
from conference.agenda.models import AgendaStar, PersonalFeed
from conference.agenda.releases import latest_release
from conference.extensions import db

from .. import factories
from ..conftest import reader
from .builders import at, multilingual_programme, release, schema_path, translate_programme

BASE = "/events/multi"


@pytest.fixture
def p(db):
    p = multilingual_programme()
    translate_programme(p)
    programme.save_session(p.event, actor=p.organiser, title="Lunch", kind=SessionKind.BREAK, room_id=p.main.id,
                           starts_at=at(1, 12, 30), ends_at=at(1, 13, 30))  # a session without items: an event
    release(p)
    return p


def test_frab_xml_says_each_talks_language_and_stays_one_document(app, p):
    french, english = reader(app, "fr"), reader(app, "en")
    data = french.get(f"{BASE}/schedule.xml").data
    assert english.get(f"{BASE}/schedule.xml").data == data
    xmlschema.XMLSchema(schema_path("frab-schedule.xml.xsd")).validate(data.decode())
    events = {e.get("id"): e for e in ET.fromstring(data).iter("event")}
    # The talk's own language and its texts in it: never a reader's translation.
    assert {(e.findtext("title"), e.findtext("language"), e.findtext("room")) for e in events.values()} == {
        ("Keynote", "en", "Main hall"), ("Les normes", "fr", "Room B"), ("Talk two", "en", "Room B"),
        ("Lunch", "en", "Main hall")}
    assert events[str(p.keynote.id)].findtext("abstract") == "On engines."
    assert ET.fromstring(data).find("conference/language") is None  # the schema has none


def test_frab_json_says_each_talks_language_and_validates(app, p):
    document = reader(app, "fr").get(f"{BASE}/schedule.json").json
    schema = json.loads(schema_path("frab-schedule.schema.json").read_text())
    validator = jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(document)] == []
    events = [e for day in document["schedule"]["conference"]["days"] for room in day["rooms"].values() for e in room]
    assert sorted((e["title"], e["language"]) for e in events) == [
        ("Keynote", "en"), ("Les normes", "fr"), ("Lunch", "en"), ("Talk two", "en")]
    assert "language" not in document["schedule"]["conference"]


def vevents(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["URL"]).rsplit("/", 2)[-2] + "-" + str(e["URL"]).rsplit("/", 1)[-1]: e
            for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def with_language(event: icalendar.Event, name: str) -> tuple[str, str | None]:
    return str(event[name]), event[name].params.get("LANGUAGE")


def test_ical_is_in_the_readers_language_with_each_texts_language(app, p):
    feeds = {language: reader(app, language).get(f"{BASE}/agenda.ics") for language in ("fr", "en", "es")}
    french, english, spanish = (vevents(feeds[language].data) for language in ("fr", "en", "es"))
    keynote, talk, lunch = f"items-{p.keynote.id}", f"items-{p.talk_one.id}", "sessions-"
    lunch = next(uid for uid in french if uid.startswith(lunch))
    url = f"http://conference.test/events/multi/agenda/items/{p.keynote.id}"
    assert with_language(french[keynote], "SUMMARY") == ("Conférence inaugurale", "fr")
    assert with_language(french[keynote], "DESCRIPTION") == (
        f"Sur les machines.\n\nIntervenants : Ada Lovelace\n\n{url}", "fr")
    assert with_language(french[keynote], "LOCATION") == ("Grande salle", "fr")
    assert with_language(french[talk], "SUMMARY") == ("Les normes", "fr")
    assert with_language(english[keynote], "SUMMARY") == ("Keynote", "en")
    assert with_language(english[talk], "SUMMARY") == ("Standards", "en")
    # Nothing in Spanish: each text in its own language; a description mixing two says none.
    assert with_language(spanish[keynote], "SUMMARY") == ("Keynote", "en")
    assert with_language(spanish[talk], "SUMMARY") == ("Les normes", "fr")
    assert with_language(spanish[keynote], "DESCRIPTION") == (f"On engines.\n\nPonentes: Ada Lovelace\n\n{url}", None)
    assert with_language(spanish[lunch], "LOCATION") == ("Main hall", "en")
    # What has no language does not change with it.
    for name in ("UID", "DTSTART", "DTEND", "SEQUENCE", "STATUS", "URL"):
        assert {uid: e[name].to_ical() for uid, e in french.items()} == {
            uid: e[name].to_ical() for uid, e in spanish.items()}, name
    assert len({response.get_etag()[0] for response in feeds.values()}) == 3
    # The second reader: vobject.
    parsed = {e.url.value: e for e in vobject.readOne(feeds["fr"].data.decode()).vevent_list}
    assert (parsed[url].summary.value, parsed[url].summary.params["LANGUAGE"]) == ("Conférence inaugurale", ["fr"])
    assert (parsed[url].location.value, parsed[url].location.params["LANGUAGE"]) == ("Grande salle", ["fr"])


def test_a_personal_feed_is_in_its_owners_language(app, p):
    owner = factories.make_user(language="fr")
    db.session.add(AgendaStar(user_id=owner.id, event_id=p.event.id, uid=f"item-{p.keynote.id}"))
    db.session.add(PersonalFeed(user_id=owner.id, event_id=p.event.id, token="feed-of-a-french-reader"))
    db.session.flush()
    data = reader(app, "es").get(f"{BASE}/agenda/feeds/feed-of-a-french-reader.ics").data
    [event] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert with_language(event, "SUMMARY") == ("Conférence inaugurale", "fr")


def test_a_release_made_before_languages_were_recorded_still_exports(app, p):
    entry = latest_release(p.event)
    old = dict(entry.snapshot, event={k: v for k, v in entry.snapshot["event"].items() if k != "default_language"})
    for kind in ("rooms", "tracks", "sessions", "items"):
        old[kind] = [{k: v for k, v in e.items() if k not in ("translations", "language")} for e in old[kind]]
    entry.snapshot = old
    entry.revision += 1  # as a rewrite in place does: the exports cached from it are not reused
    p.event.default_language = "fr"  # what its talks are said to be in: the event's default language now
    db.session.flush()
    french = reader(app, "fr")
    data = french.get(f"{BASE}/schedule.xml").data
    xmlschema.XMLSchema(schema_path("frab-schedule.xml.xsd")).validate(data.decode())
    assert {e.findtext("language") for e in ET.fromstring(data).iter("event")} == {"fr"}
    assert {e["language"] for day in french.get(f"{BASE}/schedule.json").json["schedule"]["conference"]["days"]
            for room in day["rooms"].values() for e in room} == {"fr"}
    events = vevents(french.get(f"{BASE}/agenda.ics").data)
    # Each text as it was released, its language not known, so not said.
    assert with_language(events[f"items-{p.keynote.id}"], "SUMMARY") == ("Keynote", None)
    assert with_language(events[f"items-{p.talk_one.id}"], "SUMMARY") == ("Les normes", None)
