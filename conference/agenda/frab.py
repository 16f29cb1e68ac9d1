"""frab schedule exports (XML and JSON) of a released agenda: pure builders over a snapshot.

They follow the c3voc schemas (shared/schemas): days in the event's zone, rooms with their
events, persons, stable guids from the snapshot. The events are the calendar entries (items,
and sessions without items) that are not cancelled: frab has no cancelled state. A session's
numeric id is offset by ``SESSION_ID_OFFSET`` so it never collides with an item's (the schema
wants unique ids; consumers should use the guid).

Every event carries every element that frab and pretalx write and that readers (conference apps,
recording and signage tools) look up without checking, empty where there is nothing to say: a
talk without a description, a break without persons. What the app does not know is written as
frab's defaults: no logo or attachments; no recording licence and no opt-out. An item's
``subtitle``, ``description`` and ``links`` (an address each, titled by its title or, without
one, by the address) are its own; its ``type`` is a talk's submission type's name (in the main
language, as its texts), else the item's or session's kind.
Two elements are left out because their schemas accept no empty value: ``feedback_url`` (the
app collects no feedback) and, in JSON, a person's integer ``id`` (the c3voc schema's
``oneOf`` rejects a person that is both a frab person, ``id`` and ``public_name``, and a pretalx
one, ``name``: the JSON persons are pretalx's, with ``public_name`` for frab's readers; the XML
keeps the ``id`` attribute).

Languages: each event's ``language`` is the language it is given in, an item's own, else the
event's default language (frab's element is the talk's language, which recording and
subtitling tools read). Its title and abstract are the snapshot's main texts, which are written
in that same language (a talk's are its submission's), never a translation into the requesting
viewer's language: a feed is read by programs, which need one stable document per release
(cached once, the same bytes for every reader) whose texts agree with its ``language``; people
read the translations on the agenda's pages and in the iCal feeds. Neither schema has a language
for the whole conference, so none is written.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from xml.etree import ElementTree as ET

from conference.agenda.ical import all_entries
from conference.core.bounds import clamped, event_days

SESSION_ID_OFFSET = 1_000_000_000
GENERATOR = "conference"
_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")  # what the JSON schema accepts
_CODE = re.compile(r"^[0-9A-Z]{6}$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _acronym(slug: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", slug.lower()).ljust(4, "_")


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _language_tag(code: str) -> str:
    return code.replace("_", "-")  # Babel's pt_BR is pt-BR as a language tag


def _events(snapshot: dict, url_for_entry: Callable[[dict], str], default_language: str) -> list[dict]:
    """The schedule's events, as plain values shared by both formats. ``default_language``: the
    event's, for snapshots released before they recorded it."""
    zone = zoneinfo.ZoneInfo(snapshot["event"]["timezone"])
    main_language = snapshot["event"].get("default_language") or default_language
    acronym = _acronym(snapshot["event"]["slug"])
    rooms = {r["id"]: r for r in snapshot["rooms"]}
    tracks = {t["id"]: t["name"] for t in snapshot["tracks"]}
    speakers = {s["id"]: s for s in snapshot["speakers"]}
    events = []
    for entry in all_entries(snapshot):
        if entry["cancelled"]:
            continue
        start = dt.datetime.fromisoformat(entry["start"]).astimezone(zone)
        end = dt.datetime.fromisoformat(entry["end"]).astimezone(zone)
        is_item = entry["uid"].startswith("item-")
        ident = entry["id"] if is_item else SESSION_ID_OFFSET + entry["id"]
        title_slug = re.sub(r"[^a-z0-9]+", "-", entry["title"].lower()).strip("-")[:60].strip("-") or "entry"
        room = rooms.get(entry.get("room_id"))
        events.append({
            "id": ident, "guid": entry["guid"], "title": entry["title"],
            "code": entry.get("submission_code") if _CODE.match(entry.get("submission_code") or "") else None,
            "room": room["name"] if room else "", "room_guid": room["guid"] if room else None,
            "type": entry.get("type_name") or entry["kind"], "subtitle": entry.get("subtitle") or "",
            "links": [{"url": link["url"], "title": link.get("title") or link["url"]}
                      for link in entry.get("links") or [] if link.get("url")],
            "start": start, "end": end,
            "duration": _hhmm(int((end - start).total_seconds() // 60)),
            "abstract": entry.get("abstract") or "", "description": entry.get("description") or "",
            "slug": f"{acronym}-{ident}-{title_slug}", "track": tracks.get(entry.get("track_id")),
            "persons": [speakers[i] for i in entry.get("speaker_ids", ()) if i in speakers],
            "url": url_for_entry(entry), "language": _language_tag(entry.get("language") or main_language),
        })
    events.sort(key=lambda e: (e["start"], e["room"], e["id"]))
    return events


def _days(snapshot: dict, events: list[dict]) -> list[dict]:
    """One day per date of the event (and any date with entries outside it), midnight to
    midnight in the event's zone, with its rooms in the snapshot's order."""
    zone = zoneinfo.ZoneInfo(snapshot["event"]["timezone"])
    first = dt.date.fromisoformat(snapshot["event"]["start_date"])
    last = dt.date.fromisoformat(snapshot["event"]["end_date"])
    dates = sorted(set(event_days(first, last)) | {clamped(e["start"].date()) for e in events})
    order = {r["name"]: r["position"] for r in snapshot["rooms"]}
    days = []
    for index, date in enumerate(dates, start=1):
        todays = [e for e in events if e["start"].date() == date]
        rooms: dict[str, list[dict]] = {}
        for event in sorted(todays, key=lambda e: order.get(e["room"], -1)):
            rooms.setdefault(event["room"], []).append(event)
        start = dt.datetime.combine(date, dt.time(), zone)
        end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), zone)
        days.append({"index": index, "date": date, "start": start, "end": end, "rooms": rooms})
    return days


def _conference(snapshot: dict, base_url: str) -> dict:
    event = snapshot["event"]
    first, last = dt.date.fromisoformat(event["start_date"]), dt.date.fromisoformat(event["end_date"])
    return {"title": event["title"], "acronym": _acronym(event["slug"]), "start": first.isoformat(),
            "end": last.isoformat(), "days": (last - first).days + 1, "timeslot_duration": "00:05",
            "base_url": base_url,
            "time_zone_name": event["timezone"] if _ZONE_NAME.search(event["timezone"]) else None,
            "tracks": [{"name": t["name"], "color": t["colour"] if _COLOUR.match(t["colour"] or "") else None}
                       for t in snapshot["tracks"]]}


def _text(parent: ET.Element, tag: str, value, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items() if v is not None})
    element.text = str(value)
    return element


def frab_xml(snapshot: dict, *, base_url: str, release_name: str, schedule_url: str,
             url_for_entry: Callable[[dict], str], default_language: str) -> bytes:
    """The schedule.xml of the snapshot (c3voc/frab schema)."""
    events = _events(snapshot, url_for_entry, default_language)
    conference = _conference(snapshot, base_url)
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", {"name": GENERATOR})
    _text(root, "url", schedule_url)
    _text(root, "version", release_name)
    conf = ET.SubElement(root, "conference")
    for key in ("title", "acronym", "start", "end", "days", "timeslot_duration", "base_url", "time_zone_name"):
        if conference[key] is not None:
            _text(conf, key, conference[key])
    for track in conference["tracks"]:
        _text(conf, "track", track["name"], name=track["name"], color=track["color"])
    for day in _days(snapshot, events):
        day_element = ET.SubElement(root, "day", {"index": str(day["index"]), "date": day["date"].isoformat(),
                                                   "start": day["start"].isoformat(), "end": day["end"].isoformat()})
        for room_name, room_events in day["rooms"].items():
            room = ET.SubElement(day_element, "room", {"name": room_name})
            if room_events[0]["room_guid"]:
                room.set("guid", room_events[0]["room_guid"])
            for event in room_events:
                _xml_event(room, event)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _xml_event(room: ET.Element, event: dict) -> None:
    """An <event> with frab's elements in frab's order."""
    attrs = {"id": str(event["id"]), "guid": event["guid"]}
    if event["code"]:
        attrs["code"] = event["code"]
    element = ET.SubElement(room, "event", attrs)
    for tag, value in (("date", event["start"].isoformat()), ("start", event["start"].strftime("%H:%M")),
                       ("duration", event["duration"]), ("room", event["room"]), ("slug", event["slug"]),
                       ("url", event["url"])):
        _text(element, tag, value)
    recording = ET.SubElement(element, "recording")
    _text(recording, "license", "")
    _text(recording, "optout", "false")
    for tag, value in (("title", event["title"]), ("subtitle", event["subtitle"]), ("track", event["track"] or ""),
                       ("type", event["type"]), ("language", event["language"]), ("abstract", event["abstract"]),
                       ("description", event["description"]), ("logo", "")):
        _text(element, tag, value)
    persons = ET.SubElement(element, "persons")
    for person in event["persons"]:
        _text(persons, "person", person["name"], id=person["id"], guid=person["guid"])
    links = ET.SubElement(element, "links")
    for link in event["links"]:
        _text(links, "link", link["title"], href=link["url"])
    ET.SubElement(element, "attachments")


def frab_json(snapshot: dict, *, base_url: str, release_name: str, schedule_url: str,
              url_for_entry: Callable[[dict], str], default_language: str) -> dict:
    """The schedule.json of the snapshot (c3voc/frab JSON schema)."""
    events = _events(snapshot, url_for_entry, default_language)
    conference = _conference(snapshot, base_url)
    conf = {"acronym": conference["acronym"], "title": conference["title"], "start": conference["start"],
            "end": conference["end"], "daysCount": conference["days"],
            "timeslot_duration": conference["timeslot_duration"], "url": schedule_url,
            "tracks": [{k: v for k, v in t.items() if v is not None} for t in conference["tracks"]],
            "rooms": [{"name": r["name"], "guid": r["guid"],
                       **({"capacity": r["capacity"]} if r["capacity"] is not None else {})}
                      for r in snapshot["rooms"]],
            "days": [{"index": day["index"], "date": day["date"].isoformat(), "day_start": day["start"].isoformat(),
                      "day_end": day["end"].isoformat(),
                      "rooms": {name: [_json_event(e) for e in room_events]
                                for name, room_events in day["rooms"].items()}}
                     for day in _days(snapshot, events)]}
    if conference["time_zone_name"]:
        conf["time_zone_name"] = conference["time_zone_name"]
    return {"$schema": "https://c3voc.de/schedule/schema.json", "generator": {"name": GENERATOR},
            "schedule": {"version": release_name, "base_url": base_url, "conference": conf}}


def _json_event(event: dict) -> dict:
    """An event with the fields of frab's and pretalx's schedule.json (see the module's docstring)."""
    result = {"guid": event["guid"], "id": event["id"]}
    if event["code"]:
        result["code"] = event["code"]
    result.update({
        "logo": None, "date": event["start"].isoformat(), "start": event["start"].strftime("%H:%M"),
        "end": event["end"].isoformat(), "duration": event["duration"], "room": event["room"], "slug": event["slug"],
        "url": event["url"], "origin_url": event["url"], "title": event["title"], "subtitle": event["subtitle"],
        "track": event["track"], "type": event["type"], "language": event["language"], "abstract": event["abstract"],
        "description": event["description"], "recording_license": "", "do_not_record": False,
        "persons": [{"guid": p["guid"], "name": p["name"], "public_name": p["name"], "biography": p.get("bio") or ""}
                    for p in event["persons"]],
        "links": [dict(link) for link in event["links"]], "attachments": [],
    })
    return result
