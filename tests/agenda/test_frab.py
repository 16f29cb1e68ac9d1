"""frab XML and JSON of a released agenda, validated against the c3voc schemas."""

from __future__ import annotations

import datetime as dt
import json
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import xmlschema

from conference.agenda import frab as agenda_frab
from conference.agenda.enums import SessionKind

from .. import factories
from .builders import JOIN_LINK, add_session, on_day, schema_path, second_release, store_release, two_day_programme
from .frab_readers import (
    read_json_with_down_frab_videos,
    read_xml_with_schedule_convert,
)

OPTIONS = {"base_url": "http://conference.test/events/sym/", "release_name": "Version 1",
           "schedule_url": "http://conference.test/events/sym/schedule.xml",
           "url_for_entry": lambda e: f"http://conference.test/{e['uid']}", "default_language": "en"}


@pytest.fixture
def releases(db):
    event = factories.make_event(timezone="Europe/Zurich", start_date=dt.date(2030, 3, 14), slug="sym-2030")
    p = two_day_programme(event)
    first = store_release(event).snapshot
    return event, p, first, second_release(event, p).snapshot


EVENT_ELEMENTS = ["date", "start", "duration", "room", "slug", "url", "recording", "title", "subtitle", "track",
                  "type", "language", "abstract", "description", "logo", "persons", "links", "attachments"]


def speakers(snapshot: dict, *names: str) -> list[dict]:
    return [next(s for s in snapshot["speakers"] if s["name"] == name) for name in names]


def xml_events(data: bytes) -> dict:
    return {e.findtext("title"): e for e in ET.fromstring(data).iter("event")}


def json_events(document: dict) -> dict:
    return {e["title"]: e for day in document["schedule"]["conference"]["days"]
            for events in day["rooms"].values() for e in events}


def test_xml_is_valid_and_complete(releases):
    _event, _p, snapshot, _ = releases
    schema = xmlschema.XMLSchema(schema_path("frab-schedule.xml.xsd"))
    data = agenda_frab.frab_xml(snapshot, **OPTIONS)

    schema.validate(data.decode())
    root = ET.fromstring(data)
    assert root.findtext("version") == "Version 1"
    assert root.findtext("conference/acronym") == "sym_2030"
    assert root.findtext("conference/time_zone_name") == "Europe/Zurich"
    assert [(d.get("index"), d.get("date"), d.get("start")) for d in root.iter("day")] == [
        ("1", "2030-03-14", "2030-03-14T00:00:00+01:00"), ("2", "2030-03-15", "2030-03-15T00:00:00+01:00"),
        ("3", "2030-03-16", "2030-03-16T00:00:00+01:00")]
    events = xml_events(data)
    assert sorted(events) == ["Coffee", "Fast solvers", "Kernels", "Stable solvers"]
    fast = events["Fast solvers"]
    assert fast.get("guid") == snapshot["items"][0]["guid"]
    assert (fast.findtext("date"), fast.findtext("start"), fast.findtext("duration")) == (
        "2030-03-14T09:00:00+01:00", "09:00", "00:30")
    assert (fast.findtext("room"), fast.findtext("track"), fast.findtext("type")) == ("Main hall", "Numerics", "talk")
    assert [(pp.text, pp.get("guid")) for pp in fast.iter("person")] == [("Ada Lovelace", snapshot["speakers"][0]["guid"])]
    # Every element readers expect, in frab's order, empty where there is nothing to say.
    assert [child.tag for child in fast] == EVENT_ELEMENTS
    assert [child.tag for child in events["Coffee"]] == EVENT_ELEMENTS
    assert events["Coffee"].find("persons").findall("person") == []
    assert events["Coffee"].findtext("track") == ""
    assert JOIN_LINK not in data.decode()


def test_json_is_valid_and_complete(releases):
    _event, p, snapshot, _ = releases
    schema = json.loads(schema_path("frab-schedule.schema.json").read_text())
    document = agenda_frab.frab_json(snapshot, **OPTIONS)

    validator = jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(document)] == []
    conference = document["schedule"]["conference"]
    assert (conference["acronym"], conference["daysCount"], conference["time_zone_name"]) == ("sym_2030", 3, "Europe/Zurich")
    assert [r["name"] for r in conference["rooms"]] == ["Main hall", "Online room"]
    events = json_events(document)
    kernels = events["Kernels"]
    assert (kernels["date"], kernels["end"], kernels["duration"], kernels["room"]) == (
        "2030-03-15T13:00:00+01:00", "2030-03-15T13:45:00+01:00", "00:45", "Online room")
    assert [pp["name"] for pp in kernels["persons"]] == ["Ada Lovelace", "Grace Hopper"]
    assert kernels["persons"][0]["biography"] == "Engines."
    assert kernels["persons"][1]["biography"] == ""
    assert kernels["description"] == "" and "code" not in kernels
    assert events["Coffee"]["id"] == agenda_frab.SESSION_ID_OFFSET + p["break"].id
    assert JOIN_LINK not in json.dumps(document)


def test_guids_are_stable_across_releases_and_cancelled_entries_leave(releases):
    _event, _p, first, second = releases
    schema = xmlschema.XMLSchema(schema_path("frab-schedule.xml.xsd"))
    old_xml = agenda_frab.frab_xml(first, **OPTIONS)
    new_xml = agenda_frab.frab_xml(second, **OPTIONS)
    schema.validate(new_xml.decode())
    old, new = xml_events(old_xml), xml_events(new_xml)

    assert sorted(new) == ["Coffee", "Fast solvers", "Stable solvers, revised", "Systems"]
    assert new["Fast solvers"].get("guid") == old["Fast solvers"].get("guid")
    assert new["Fast solvers"].findtext("start") == "10:00"
    assert new["Stable solvers, revised"].get("guid") == old["Stable solvers"].get("guid")
    assert new["Coffee"].get("guid") == old["Coffee"].get("guid")
    json_old, json_new = json_events(agenda_frab.frab_json(first, **OPTIONS)), json_events(agenda_frab.frab_json(second, **OPTIONS))
    assert {e["guid"] for e in json_old.values()} == {e.get("guid") for e in old.values()}
    assert json_new["Stable solvers, revised"]["guid"] == json_old["Stable solvers"]["guid"]


# An awkward agenda: talks without a description (one without an abstract), a break and a poster
# session without persons, and speakers with only some of their fields (no bio, no affiliation).

@pytest.fixture
def awkward(db):
    event = factories.make_event(timezone="Europe/Zurich", start_date=dt.date(2030, 3, 14), slug="sym-2030")
    p = two_day_programme(event)
    p["posters"] = add_session(event, "Posters", on_day(event, 1, 8), on_day(event, 1, 9), room=p["hall"],
                               kind=SessionKind.POSTER, description="Posters in the foyer.")
    return p, store_release(event).snapshot


def test_xml_events_have_every_element_readers_expect(awkward):
    p, snapshot = awkward
    data = agenda_frab.frab_xml(snapshot, **OPTIONS)
    xmlschema.XMLSchema(schema_path("frab-schedule.xml.xsd")).validate(data.decode())
    events = xml_events(data)
    ada, grace = speakers(snapshot, "Ada Lovelace", "Grace Hopper")

    def shape(event: ET.Element) -> list:
        return [(child.tag, child.attrib, (child.text or "").strip(),
                 [(sub.tag, sub.attrib, sub.text) for sub in child]) for child in event]

    item = snapshot["items"][0]
    assert events["Fast solvers"].attrib == {"id": str(p["talk1"].id), "guid": item["guid"]}
    assert shape(events["Fast solvers"]) == [
        ("date", {}, "2030-03-14T09:00:00+01:00", []), ("start", {}, "09:00", []), ("duration", {}, "00:30", []),
        ("room", {}, "Main hall", []), ("slug", {}, f"sym_2030-{p['talk1'].id}-fast-solvers", []),
        ("url", {}, f"http://conference.test/item-{p['talk1'].id}", []),
        ("recording", {}, "", [("license", {}, None), ("optout", {}, "false")]),
        ("title", {}, "Fast solvers", []), ("subtitle", {}, "", []), ("track", {}, "Numerics", []),
        ("type", {}, "talk", []), ("language", {}, "en", []), ("abstract", {}, "Faster.", []),
        ("description", {}, "", []), ("logo", {}, "", []),
        ("persons", {}, "", [("person", {"id": str(ada["id"]), "guid": ada["guid"]}, "Ada Lovelace")]),
        ("links", {}, "", []), ("attachments", {}, "", [])]
    assert shape(events["Kernels"])[15] == ("persons", {}, "", [
        ("person", {"id": str(ada["id"]), "guid": ada["guid"]}, "Ada Lovelace"),
        ("person", {"id": str(grace["id"]), "guid": grace["guid"]}, "Grace Hopper")])
    assert events["Stable solvers"].findtext("abstract") == ""
    for title, kind, description in (("Coffee", "break", ""), ("Posters", "poster", "Posters in the foyer.")):
        entry = shape(events[title])
        assert [tag for tag, *_ in entry] == EVENT_ELEMENTS, title
        assert entry[10] == ("type", {}, kind, [])
        assert (entry[12], entry[13]) == (("abstract", {}, "", []), ("description", {}, description, []))
        assert entry[15:] == [("persons", {}, "", []), ("links", {}, "", []), ("attachments", {}, "", [])]


def test_json_events_have_every_field_readers_expect(awkward):
    p, snapshot = awkward
    document = agenda_frab.frab_json(snapshot, **OPTIONS)
    schema = json.loads(schema_path("frab-schedule.schema.json").read_text())
    validator = jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(document)] == []
    events = json_events(document)
    ada, grace = speakers(snapshot, "Ada Lovelace", "Grace Hopper")
    url = f"http://conference.test/item-{p['talk3'].id}"
    assert events["Kernels"] == {
        "guid": snapshot["items"][2]["guid"], "id": p["talk3"].id, "logo": None,
        "date": "2030-03-15T13:00:00+01:00", "start": "13:00", "end": "2030-03-15T13:45:00+01:00", "duration": "00:45",
        "room": "Online room", "slug": f"sym_2030-{p['talk3'].id}-kernels", "url": url, "origin_url": url,
        "title": "Kernels", "subtitle": "", "track": "Systems", "type": "talk", "language": "en",
        "abstract": "About kernels.", "description": "", "recording_license": "", "do_not_record": False,
        "persons": [
            {"guid": ada["guid"], "name": "Ada Lovelace", "public_name": "Ada Lovelace", "biography": "Engines."},
            {"guid": grace["guid"], "name": "Grace Hopper", "public_name": "Grace Hopper", "biography": ""}],
        "links": [], "attachments": []}
    for title, kind, description in (("Coffee", "break", ""), ("Posters", "poster", "Posters in the foyer.")):
        entry = events[title]
        assert set(entry) == set(events["Kernels"]), title
        assert (entry["type"], entry["abstract"], entry["description"]) == (kind, "", description)
        assert (entry["persons"], entry["links"], entry["attachments"]) == ([], [], [])
    assert events["Stable solvers"]["abstract"] == ""


def test_schedule_convert_reads_the_xml(awkward):
    _p, snapshot = awkward
    conference = read_xml_with_schedule_convert(agenda_frab.frab_xml(snapshot, **OPTIONS))
    events = {e.title: e for e in conference.events}
    assert sorted(events) == ["Coffee", "Fast solvers", "Kernels", "Posters", "Stable solvers"]
    assert sorted(s.name for s in conference.speakers) == ["Ada Lovelace", "Grace Hopper"]
    assert [s.name for s in events["Kernels"].speakers] == ["Ada Lovelace", "Grace Hopper"]
    assert (events["Posters"].speakers, events["Posters"].description) == ([], "Posters in the foyer.")
    assert (events["Kernels"].start.isoformat(), events["Kernels"].duration) == ("2030-03-15T13:00:00+01:00", 45)
    assert (events["Fast solvers"].can_record, events["Fast solvers"].guid.hex) == (
        True, snapshot["items"][0]["guid"].replace("-", ""))


def test_down_frab_videos_reads_the_json(awkward, tmp_path):
    p, snapshot = awkward
    pages = read_json_with_down_frab_videos(agenda_frab.frab_json(snapshot, **OPTIONS), tmp_path)
    assert sorted(pages) == sorted([p["talk1"].id, p["talk2"].id, p["talk3"].id,
                                    agenda_frab.SESSION_ID_OFFSET + p["break"].id,
                                    agenda_frab.SESSION_ID_OFFSET + p["posters"].id])
    poster = pages[agenda_frab.SESSION_ID_OFFSET + p["posters"].id]
    assert poster.startswith("Posters\n\n")
    assert "#--    Description   --#\n########################\n\nPosters in the foyer.\n\n" in poster
    assert pages[p["talk1"].id].endswith(f"\n\nhttp://conference.test/item-{p['talk1'].id}\n")
