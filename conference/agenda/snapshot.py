"""The released agenda as data: what ``ScheduleRelease.snapshot`` holds, how it is built from
the programme, and the changelog between two releases.

The snapshot is the contract between releasing and everything public: the agenda pages and
the iCal and frab exports read only a release's snapshot, never the live programme (which
organisers keep editing). Its shape::

    {
      "version": 1,
      "event": {"id", "slug", "title", "timezone", "start_date", "end_date", "format",
                "default_language"},
      "rooms": [{"id", "guid", "name", "capacity", "is_virtual", "join_link", "position",
                 "translations"?}],
      "tracks": [{"id", "name", "colour", "translations"?}],
      "speakers": [{"id", "guid", "name", "affiliation", "bio"}],
      "sessions": [{"uid", "guid", "id", "title", "kind", "track_id", "room_id", "start", "end",
                    "description", "chair_ids", "item_uids", "sequence", "cancelled",
                    "translations"?}],
      "items": [{"uid", "guid", "id", "session_uid", "title", "abstract", "kind", "start", "end",
                 "duration", "speaker_ids", "submission_code", "track_id", "room_id", "sequence",
                 "cancelled", "language", "subtitle"?, "description"?, "links"?, "type_name"?,
                 "translations"?}]
    }

* Times are ISO 8601 in UTC; only scheduled sessions and items are released.
* ``uid`` ("session-12", "item-40") and ``guid`` (a UUID derived from the event and the uid)
  never change across releases, so calendars and conference apps update entries in place.
* ``sequence`` rises by one in each release that changes the entry (iCal SEQUENCE).
* An entry of an earlier release that is gone from the programme stays in later snapshots
  with ``cancelled: true`` (iCal STATUS:CANCELLED), with its last known content.
* ``join_link`` is the only non-public value: exports and public pages must never print it.
* Texts are in their main language: an item's ``language`` (None: the event's
  ``default_language``), the default language for the rest. ``translations`` (left out when
  there are none) gives them in the event's other languages, ``{"title": {"fr": "..."}}``, as
  the rows do (conference.core.translations); ``text()`` reads a text in a reader's language.
  Snapshots released before translations have neither key: their texts show as they are.
* An item's ``subtitle`` and ``description`` (frab's, longer than the abstract), its ``links``
  (``[{"kind": "slides"|"recording"|"live_stream"|"other", "title", "url"}]``) and, for a talk,
  ``type_name``, its submission type's name (translated under ``translations["type_name"]``).
  Snapshots released before them lack these keys: read them with ``.get()`` (empty).
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from conference.agenda.languages import translation_languages
from conference.agenda.models import AgendaItem, AgendaSession, Room, Speaker
from conference.cfp.models import Submission
from conference.events.models import Event, Track
from conference.extensions import db

SNAPSHOT_VERSION = 1
# Changes to these fields make an entry "moved"; to the others, "changed".
MOVE_FIELDS = ("start", "end", "room_id")
CONTENT_FIELDS = ("title", "abstract", "description", "speaker_ids", "chair_ids", "kind", "track_id", "duration",
                  "language", "translations", "subtitle", "links", "type_name")


def guid(event_id: int, uid: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"conference:event:{event_id}:{uid}"))


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _translated(row, languages: list[str]) -> dict:
    """``{"translations": ...}`` with the row's translations into ``languages`` (the event's
    but the row's own: a row keeps the texts of a language the event stopped offering, which
    nobody may see), or nothing when it has none, so that it reads as in older snapshots."""
    found = {field: texts for field in row.TRANSLATED
             if (texts := {code: text for code, text in ((row.translations or {}).get(field) or {}).items()
                           if code in languages and text})}
    return {"translations": found} if found else {}


def text(entry: dict, field: str, language: str | None) -> str:
    """``field`` of a snapshot's room, track, session or item in ``language``, else its main text."""
    return ((entry.get("translations") or {}).get(field) or {}).get(language or "") or entry.get(field) or ""


def shown(snapshot: dict, entry: dict, field: str, language: str | None) -> tuple[str, str | None]:
    """``text(entry, field, language)`` and the language it is in (None when not known: a
    snapshot released before languages were recorded)."""
    given = ((entry.get("translations") or {}).get(field) or {}).get(language or "")
    if given:
        return given, language
    return entry.get(field) or "", entry.get("language") or snapshot.get("event", {}).get("default_language")


def _item_type(item: AgendaItem, languages: list[str]) -> dict:
    """``{"type_name": ...}``: a talk's submission type's name, with its translations into
    ``languages`` (merged into the entry's), or nothing for a free item."""
    kind = item.submission.type if item.submission is not None else None
    if kind is None:
        return {}
    names = _translated(kind, languages).get("translations", {}).get("name")
    return {"type_name": kind.name, **({"type_translations": names} if names else {})}


def _add_type(entry: dict, found: dict) -> None:
    if "type_name" in found:
        entry["type_name"] = found["type_name"]
    if "type_translations" in found:
        entry["translations"] = {**entry.get("translations", {}), "type_name": found["type_translations"]}


def build(event: Event, previous: dict | None = None) -> dict:
    """The snapshot of the event's programme as it is now (scheduled entries only), with
    sequences and cancelled entries carried over from ``previous`` (the last release's)."""
    rooms = db.session.scalars(sa.select(Room).where(Room.event_id == event.id).order_by(Room.position, Room.id))
    tracks = db.session.scalars(sa.select(Track).where(Track.event_id == event.id).order_by(Track.position, Track.id))
    sessions = db.session.scalars(
        sa.select(AgendaSession).where(AgendaSession.event_id == event.id, AgendaSession.starts_at.is_not(None))
        .options(selectinload(AgendaSession.items).selectinload(AgendaItem.submission)
                 .selectinload(Submission.type))
        .order_by(AgendaSession.starts_at, AgendaSession.id)
        # Reload the collections: an item deleted or moved out in this same transaction (a
        # script, the CLI) may still sit in a session's items as loaded before.
        .execution_options(populate_existing=True)
    ).all()
    speakers = {s.id: s for s in db.session.scalars(sa.select(Speaker).where(Speaker.event_id == event.id))}
    others = translation_languages(event)

    snapshot: dict[str, Any] = {  # stored as JSON
        "version": SNAPSHOT_VERSION,
        "event": {"id": event.id, "slug": event.slug, "title": event.title, "timezone": event.timezone,
                  "start_date": event.start_date.isoformat(), "end_date": event.end_date.isoformat(),
                  "format": event.format.value, "default_language": event.default_language},
        "rooms": [{"id": r.id, "guid": guid(event.id, f"room-{r.id}"), "name": r.name, "capacity": r.capacity,
                   "is_virtual": r.is_virtual, "join_link": r.join_link, "position": r.position,
                   **_translated(r, others)} for r in rooms],
        "tracks": [{"id": t.id, "name": t.name, "colour": t.colour, **_translated(t, others)} for t in tracks],
        "sessions": [],
        "items": [],
    }
    used_speakers: set[int] = set()
    for session in sessions:
        items = [i for i in session.items if i.starts_at is not None]
        snapshot["sessions"].append({
            "uid": f"session-{session.id}", "guid": guid(event.id, f"session-{session.id}"), "id": session.id,
            "title": session.title, "kind": session.kind.value, "track_id": session.track_id,
            "room_id": session.room_id, "start": _iso(session.starts_at), "end": _iso(session.ends_at),
            "description": session.description, "chair_ids": sorted(c.id for c in session.chairs),
            "item_uids": [f"item-{i.id}" for i in items], "sequence": 0, "cancelled": False,
            **_translated(session, others),
        })
        used_speakers.update(c.id for c in session.chairs)
        for item in items:
            speaker_ids = [link.speaker_id for link in item.speaker_links]
            used_speakers.update(speaker_ids)
            snapshot["items"].append({
                "uid": f"item-{item.id}", "guid": guid(event.id, f"item-{item.id}"), "id": item.id,
                "session_uid": f"session-{session.id}", "title": item.title, "abstract": item.abstract,
                "kind": item.kind.value, "start": _iso(item.starts_at), "end": _iso(item.ends_at),
                "duration": item.duration_minutes, "speaker_ids": speaker_ids,
                "submission_code": item.submission.code if item.submission else None,
                "track_id": session.track_id, "room_id": session.room_id, "sequence": 0, "cancelled": False,
                "language": item.language, "subtitle": item.subtitle, "description": item.description,
                "links": [dict(link) for link in item.links or []],
                **_translated(item, translation_languages(event, item.language)),
            })
            _add_type(snapshot["items"][-1], _item_type(item, others))
    snapshot["speakers"] = [
        {"id": s.id, "guid": guid(event.id, f"speaker-{s.id}"), "name": s.name, "affiliation": s.affiliation,
         "bio": s.bio}
        for s in sorted((speakers[i] for i in used_speakers if i in speakers), key=lambda s: (s.name.lower(), s.id))
    ]
    if previous is not None:
        _carry_over(snapshot, previous)
    return snapshot


# Keys items gained later: an older release's entry without them has them empty, so that the first
# release after them does not mark every item changed (nor raise every iCal sequence).
_LATER_ITEM_KEYS = ("subtitle", "description", "links", "type_name")


def _changed(old: dict, new: dict, fields) -> bool:
    def value(entry: dict, field: str):
        return (entry.get(field) or None) if field in _LATER_ITEM_KEYS else entry.get(field)
    return any(value(old, f) != value(new, f) for f in fields)


def _carry_over(snapshot: dict, previous: dict) -> None:
    for kind in ("sessions", "items"):
        before = {e["uid"]: e for e in previous.get(kind, [])}
        now = {e["uid"] for e in snapshot[kind]}
        for entry in snapshot[kind]:
            old = before.get(entry["uid"])
            if old is None:
                continue
            moved_or_changed = old.get("cancelled") or _changed(old, entry, MOVE_FIELDS + CONTENT_FIELDS)
            entry["sequence"] = old["sequence"] + (1 if moved_or_changed else 0)
        for uid, old in before.items():
            if uid not in now:
                gone = dict(old)
                if not old.get("cancelled"):
                    gone["sequence"] = old["sequence"] + 1
                gone["cancelled"] = True
                snapshot[kind].append(gone)
    # Speakers of cancelled items stay known, so their names can still be shown.
    known = {s["id"] for s in snapshot["speakers"]}
    for speaker in previous.get("speakers", []):
        if speaker["id"] not in known:
            snapshot["speakers"].append(speaker)


def changelog(old: dict | None, new: dict) -> dict[str, list[dict]]:
    """What changed from release ``old`` to ``new``: entries (sessions and items) that are new,
    moved (time or room), changed (content) or cancelled."""
    result: dict[str, list[dict]] = {"new": [], "moved": [], "changed": [], "cancelled": []}
    for kind in ("sessions", "items"):
        before = {e["uid"]: e for e in (old or {}).get(kind, [])}
        for entry in new.get(kind, []):
            previous = before.get(entry["uid"])
            if entry.get("cancelled"):
                if previous is not None and not previous.get("cancelled"):
                    result["cancelled"].append(entry)
            elif previous is None or previous.get("cancelled"):
                result["new"].append(entry)
            elif _changed(previous, entry, MOVE_FIELDS):
                result["moved"].append({**entry, "previous": previous})
            elif _changed(previous, entry, CONTENT_FIELDS):
                result["changed"].append({**entry, "previous": previous})
    return result
