"""A per-process cache of parsed releases, their entries addressable one by one, so that the
pages about one session, talk or speaker read only what they show, whatever the programme's size.

A release's snapshot never changes once released (but for an erasure, which rewrites it and raises
its revision), so its parsed form is kept under the release's tag (agenda.exports.release_tag: id,
release time and revision) in a small least-recently-used cache of each app. A page first loads the
latest release without its snapshot (agenda.exports.latest_release_without_snapshot); only a miss
reads the snapshot column.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict

from flask import current_app

from conference.agenda.exports import release_tag
from conference.agenda.models import ScheduleRelease

CACHE_SIZE = 8  # releases per process: the latest of a few events
_lock = threading.Lock()


@dataclasses.dataclass
class IndexedRelease:
    """A release's snapshot with its entries by id. Cancelled sessions and items are left out of
    the indexes (the public pages do not show them); everything here is shared: read only."""

    snapshot: dict
    sessions: dict[int, dict]  # by id
    session_of_uid: dict[str, dict]
    items: dict[int, dict]
    items_of_session: dict[str, list[dict]]  # by the session's uid, in the snapshot's order
    speakers: dict[int, dict]
    of_speaker: dict[int, list[dict]]  # the sessions a speaker chairs and the items they speak in
    views: dict = dataclasses.field(default_factory=dict)  # per language: the lookups (agenda.public)


def index(snapshot: dict) -> IndexedRelease:
    sessions = {s["id"]: s for s in snapshot.get("sessions", []) if not s.get("cancelled")}
    items = {i["id"]: i for i in snapshot.get("items", []) if not i.get("cancelled")}
    items_of_session: dict[str, list[dict]] = {}
    of_speaker: dict[int, list[dict]] = {}
    for item in items.values():
        items_of_session.setdefault(item.get("session_uid"), []).append(item)
        for speaker_id in dict.fromkeys(item.get("speaker_ids") or []):
            of_speaker.setdefault(speaker_id, []).append(item)
    for session in sessions.values():
        for speaker_id in dict.fromkeys(session.get("chair_ids") or []):
            of_speaker.setdefault(speaker_id, []).append(session)
    return IndexedRelease(snapshot=snapshot, sessions=sessions, session_of_uid={s["uid"]: s for s in sessions.values()},
                          items=items, items_of_session=items_of_session,
                          speakers={s["id"]: s for s in snapshot.get("speakers", [])}, of_speaker=of_speaker)


def indexed(release: ScheduleRelease) -> IndexedRelease:
    """The release's snapshot, indexed; its snapshot column is read only when this process has
    not indexed this release (in its current revision) yet."""
    cache: OrderedDict = current_app.extensions.setdefault("agenda_release_cache", OrderedDict())
    key = release_tag(release)
    with _lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = index(release.snapshot)
    with _lock:
        cache[key] = value
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return value


def lookups(entry: IndexedRelease, language: str | None, build):
    """``build()``: the release's rooms, tracks and speakers in ``language``, made once per language."""
    with _lock:
        found = entry.views.get(language)
    if found is None:
        found = build()
        with _lock:
            entry.views.setdefault(language, found)
    return found
