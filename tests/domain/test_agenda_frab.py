"""frab XML and JSON of a released agenda, validated against the c3voc schemas."""

from __future__ import annotations

import datetime as dt
import json
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import xmlschema

from conference.domain import agenda_frab

from .. import factories
from .export_helpers import JOIN_LINK, programme, release, schema_path, second_release

OPTIONS = {"base_url": "http://conference.test/events/sym/", "release_name": "Version 1",
           "schedule_url": "http://conference.test/events/sym/schedule.xml",
           "url_for_entry": lambda e: f"http://conference.test/{e['uid']}"}


@pytest.fixture
def releases(db):
    event = factories.make_event(timezone="Europe/Zurich", start_date=dt.date(2030, 3, 14), slug="sym-2030")
    p = programme(event)
    first = release(event).snapshot
    return event, p, first, second_release(event, p).snapshot


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
    # Empty optional elements are left out: no subtitle, language or description; no persons for the break.
    assert [child.tag for child in fast] == ["date", "start", "duration", "room", "slug", "url", "title", "track",
                                             "type", "abstract", "persons"]
    assert events["Coffee"].find("persons") is None
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
    assert "biography" not in kernels["persons"][1]
    assert "description" not in kernels and "code" not in kernels
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
