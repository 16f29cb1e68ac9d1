"""iCalendar feeds of a released agenda (pure: works on a release's snapshot, no database).

A calendar entry is an item, or a session without items (a break, a social event): a session
with items is represented by its items, so nothing appears twice. UIDs come from the snapshot's
stable guids, SEQUENCE from its sequence, and entries cancelled in a later release stay with
STATUS:CANCELLED so subscribed calendars remove them. Times carry the event's TZID with a
VTIMEZONE for it. A room's join link is never written: these feeds are public.

icalendar builds the calendar's header and the VTIMEZONE and escapes every TEXT value; the
VEVENT lines are written here, because going through icalendar's components for each of
hundreds of entries cost five times as much (600 talks: ~110 ms cold, now ~20 ms). The tests
read every feed back with icalendar and with vobject. IANA zone names need no quoting as a
TZID parameter (they never hold ``:``, ``;`` or ``,``).

Titles, descriptions and room names come in the feed's language where the snapshot has them in
it, else in their own; each such property says which with RFC 5545's LANGUAGE parameter when
it is known (a description mixing an abstract in one language with the app's "Speakers:" line
in another says none). Language tags are RFC 5646's (``pt-BR``, not Babel's ``pt_BR``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable

import icalendar

from conference.agenda.snapshot import shown
from conference.core.ical import PRODID, vtimezone

FILTERS = ("track", "room", "session", "speaker", "item")


def all_entries(snapshot: dict) -> list[dict]:
    """Every calendar entry of the snapshot: its items, and its sessions without items."""
    return [*snapshot["items"], *(s for s in snapshot["sessions"] if not s["item_uids"])]


def _known(snapshot: dict, kind: str, ident: int) -> bool:
    collection = {"track": "tracks", "room": "rooms", "session": "sessions", "speaker": "speakers",
                  "item": "items"}[kind]
    return any(e["id"] == ident for e in snapshot[collection])


def filtered(snapshot: dict, kind: str, ident: int) -> list[dict] | None:
    """The entries of one track, room, session or speaker (chairing a session counts for its
    items), or the one item (a talk's own calendar: the very entry of the feeds, so the same UID
    and SEQUENCE, and STATUS:CANCELLED once a later release dropped it); None when the snapshot
    knows no such one."""
    if kind not in FILTERS or not _known(snapshot, kind, ident):
        return None
    if kind == "item":
        return [e for e in snapshot["items"] if e["id"] == ident]
    if kind in ("track", "room"):
        return [e for e in all_entries(snapshot) if e.get(f"{kind}_id") == ident]
    if kind == "session":
        uid = f"session-{ident}"
        return [e for e in all_entries(snapshot) if e["uid"] == uid or e.get("session_uid") == uid]
    chaired = {s["uid"] for s in snapshot["sessions"] if ident in s["chair_ids"]}
    return [e for e in all_entries(snapshot)
            if ident in e.get("speaker_ids", ()) or e["uid"] in chaired or e.get("session_uid") in chaired]


def starred(snapshot: dict, uids: Iterable[str]) -> list[dict]:
    """The entries starred by uid; starring a session brings all its items."""
    uids = set(uids)
    return [e for e in all_entries(snapshot) if e["uid"] in uids or e.get("session_uid") in uids]


def _local(value: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.fromisoformat(value).astimezone(zone)


def english_speakers_line(names: list[str]) -> str:
    return "Speakers: " + ", ".join(names)


def _property(name: str, value: str, language: str | None) -> str:
    """A TEXT property's content line, with its LANGUAGE parameter when the language is known."""
    # A Babel code's "_" is a "-" in a language tag; a tag holds no character a parameter must quote.
    parameter = f";LANGUAGE={language.replace('_', '-')}" if language else ""
    return f"{name}{parameter}:{_text(value)}"


def _description(snapshot: dict, entry: dict, speakers: dict[int, dict], url: str,
                 speakers_line: Callable[[list[str]], str], language: str | None) -> tuple[str, str | None]:
    """The description (abstract or description, the speakers, the link) and its language: the
    one of its texts when they share one, else None."""
    field = "abstract" if entry["uid"].startswith("item-") else "description"
    text, text_language = shown(snapshot, entry, field, language)
    parts, languages = [text], {text_language} if text else set()
    names = [speakers[i]["name"] for i in entry.get("speaker_ids", ()) if i in speakers]
    if names:
        parts.append(speakers_line(names))
        languages.add(language)
    parts.append(url)
    return "\n\n".join(p for p in parts if p), languages.pop() if len(languages) == 1 else None


def _timezone(zone: zoneinfo.ZoneInfo, name: str, snapshot: dict, chosen: list[dict]) -> icalendar.Timezone:
    days = [dt.date.fromisoformat(snapshot["event"]["start_date"]),
            dt.date.fromisoformat(snapshot["event"]["end_date"])]
    days += [_local(e[k], zone).date() for e in chosen for k in ("start", "end")]
    return vtimezone(name, min(days), max(days))


def calendar(snapshot: dict, *, entries: list[dict] | None = None, name: str, host: str, stamp: dt.datetime,
             url_for_entry: Callable[[dict], str],
             speakers_line: Callable[[list[str]], str] = english_speakers_line, language: str | None = None) -> bytes:
    """The calendar of ``entries`` (default: all) of the snapshot. ``host`` makes the UIDs
    ("<guid>@<host>"): the site's host from configuration (links.site_host), never a request's,
    so every subscriber gets the same UIDs. ``stamp`` (the release time) is every DTSTAMP.
    The only text the app writes, besides ``name``, is ``speakers_line(names)`` in each
    description: the caller gives it in the feed's ``language``, in which titles, descriptions
    and rooms are given where the snapshot has them (UIDs, times and codes have none)."""
    chosen = all_entries(snapshot) if entries is None else entries
    chosen = sorted(chosen, key=lambda e: (e["start"], e["uid"]))
    zone_name = snapshot["event"]["timezone"]
    zone = zoneinfo.ZoneInfo(zone_name)
    rooms = {r["id"]: shown(snapshot, r, "name", language) for r in snapshot["rooms"]}
    speakers = {s["id"]: s for s in snapshot["speakers"]}

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone_name)
    cal.add_component(_timezone(zone, zone_name, snapshot, chosen))
    head, _, tail = b"".join(fold(line) for line in cal.content_lines() if line).rpartition(b"END:VCALENDAR")
    dtstamp = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    events: list[bytes] = []
    for entry in chosen:
        url = url_for_entry(entry)
        description, description_language = _description(snapshot, entry, speakers, url, speakers_line, language)
        lines = [
            "BEGIN:VEVENT",
            "UID:" + _text(f"{entry['guid']}@{host}"),
            "DTSTAMP:" + dtstamp,
            f"SEQUENCE:{entry['sequence']}",
            "STATUS:" + ("CANCELLED" if entry["cancelled"] else "CONFIRMED"),
            _property("SUMMARY", *shown(snapshot, entry, "title", language)),
            f"DTSTART;TZID={zone_name}:" + _local(entry["start"], zone).strftime("%Y%m%dT%H%M%S"),
            f"DTEND;TZID={zone_name}:" + _local(entry["end"], zone).strftime("%Y%m%dT%H%M%S"),
            _property("DESCRIPTION", description, description_language),
        ]
        if entry.get("room_id") in rooms:
            lines.append(_property("LOCATION", *rooms[entry["room_id"]]))  # the name only: never the join link
        lines += ["URL:" + url, "END:VEVENT"]
        events.extend(fold(line) for line in lines)
    return head + b"".join(events) + b"END:VCALENDAR" + tail


def _text(value: str) -> str:
    """A TEXT value escaped by icalendar's own rules (backslash, semicolon, comma, newline)."""
    return icalendar.vText(value).to_ical().decode()


def fold(line: str, width: int = 74) -> bytes:
    """One content line as UTF-8, folded (RFC 5545, 3.1) into chunks of at most ``width``
    octets, so that with the leading space of a continuation every line stays within 75;
    never inside a UTF-8 sequence nor right after a backslash or caret (clients mishandle an
    escape split over two lines).

    Byte for byte what icalendar's own folding gives (a test compares them), at a fraction of
    its cost: that walks the line one character at a time, and at 600 talks it was half the
    feed's build time.
    """
    data = line.encode()
    if len(data) <= width:
        return data + b"\r\n"
    chunks = []
    start = 0
    while len(data) - start > width:
        cut = start + width
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back off to the sequence start
            cut -= 1
        if data[cut - 1] in b"\\^" and cut - 1 > start:
            cut -= 1
        chunks.append(data[start:cut])
        start = cut
    chunks.append(data[start:])
    return b"\r\n ".join(chunks) + b"\r\n"
