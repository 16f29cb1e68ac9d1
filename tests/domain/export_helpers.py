"""A programme built with models, and releases stored directly as ScheduleRelease rows with
agenda_snapshot.build: the exports read only releases, so they need nothing else. Also where
the frab schemas are (../shared/schemas next to the repository)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from conference.agenda import snapshot as agenda_snapshot
from conference.agenda.enums import ItemKind, SessionKind
from conference.agenda.models import (
    AgendaItem,
    AgendaItemSpeaker,
    AgendaSession,
    Room,
    ScheduleRelease,
    Speaker,
)
from conference.events.models import Track
from conference.extensions import db

UTC = dt.UTC
JOIN_LINK = "https://meet.example.org/secret-room-7f3a"
# ../shared/schemas next to the repository, or wherever SCHEMAS_DIR points (CI sets it).
SCHEMAS = Path(os.environ.get("SCHEMAS_DIR") or Path(__file__).resolve().parents[2] / "../shared/schemas")


def schema_path(name: str) -> Path:
    """A schema file; skips when the shared folder is absent, except in CI or with
    REQUIRE_SCHEMAS=1, where that is a failure."""
    path = SCHEMAS / name
    if not path.is_file():
        reason = (f"the frab schema {path} is missing (the shared schemas folder sits next to the repository, "
                  "or set SCHEMAS_DIR)")
        if os.environ.get("CI") or os.environ.get("REQUIRE_SCHEMAS") == "1":
            pytest.fail(reason + "; CI / REQUIRE_SCHEMAS=1 forbid skipping", pytrace=False)
        pytest.skip(reason)
    return path


def at(event, day: int, hour: int, minute: int = 0) -> dt.datetime:
    """UTC time on the event's ``day`` (0: its first)."""
    date = event.start_date + dt.timedelta(days=day)
    return dt.datetime(date.year, date.month, date.day, hour, minute, tzinfo=UTC)


def _add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def session(event, title, start, end, *, room=None, track=None, kind=SessionKind.PARALLEL, chairs=(), description=""):
    row = AgendaSession(event_id=event.id, title=title, kind=kind, starts_at=start, ends_at=end, description=description,
                        room_id=room.id if room else None, track_id=track.id if track else None)
    row.chairs = list(chairs)
    return _add(row)


def item(agenda_session, title, start, minutes=20, *, speakers=(), abstract="", kind=ItemKind.TALK):
    row = AgendaItem(event_id=agenda_session.event_id, session_id=agenda_session.id, title=title, starts_at=start,
                     duration_minutes=minutes, abstract=abstract, kind=kind)
    row.speaker_links = [AgendaItemSpeaker(speaker_id=s.id, position=n) for n, s in enumerate(speakers)]
    return _add(row)


def programme(event) -> dict:
    """Two rooms (one virtual with a join link), two tracks, two sessions with three talks,
    a chair, and a break without items."""
    p = {
        "hall": _add(Room(event_id=event.id, name="Main hall", position=0, capacity=200)),
        "online": _add(Room(event_id=event.id, name="Online room", is_virtual=True, join_link=JOIN_LINK, position=1)),
        "numerics": _add(Track(event_id=event.id, name="Numerics", colour="#0b5cab")),
        "systems": _add(Track(event_id=event.id, name="Systems", colour="#aa3300")),
        "ada": _add(Speaker(event_id=event.id, name="Ada Lovelace", affiliation="Analytical", bio="Engines.")),
        "grace": _add(Speaker(event_id=event.id, name="Grace Hopper", affiliation="Navy")),
        "chair": _add(Speaker(event_id=event.id, name="Carl Chair")),
    }
    p["morning"] = session(event, "Solvers", at(event, 0, 8), at(event, 0, 10), room=p["hall"],
                           track=p["numerics"], chairs=[p["chair"]])
    p["talk1"] = item(p["morning"], "Fast solvers", at(event, 0, 8), 30, speakers=[p["ada"]], abstract="Faster.")
    p["talk2"] = item(p["morning"], "Stable solvers", at(event, 0, 8, 30), 30, speakers=[p["grace"]])
    p["afternoon"] = session(event, "Systems", at(event, 1, 12), at(event, 1, 14), room=p["online"],
                             track=p["systems"])
    p["talk3"] = item(p["afternoon"], "Kernels", at(event, 1, 12), 45, speakers=[p["ada"], p["grace"]],
                      abstract="About kernels.")
    p["break"] = session(event, "Coffee", at(event, 0, 10), at(event, 0, 10, 30), room=p["hall"],
                         kind=SessionKind.BREAK)
    return p


def add_talks(event, count: int, *, day: int = 2) -> None:
    """``count`` more sessions, each in a room and a track of its own with a talk by a new speaker."""
    for n in range(count):
        room = _add(Room(event_id=event.id, name=f"Room {n} {os.urandom(3).hex()}", position=10 + n))
        track = _add(Track(event_id=event.id, name=f"Track {n}"))
        speaker = _add(Speaker(event_id=event.id, name=f"Speaker {n}"))
        block = session(event, f"Session {n}", at(event, day, 8), at(event, day, 9), room=room, track=track)
        item(block, f"Talk {n}", at(event, day, 8), 30, speakers=[speaker])


def release(event, name: str | None = None) -> ScheduleRelease:
    """Release the programme as it is now, after the latest release."""
    db.session.flush()
    db.session.expire_all()
    previous = db.session.scalars(sa.select(ScheduleRelease).where(ScheduleRelease.event_id == event.id)
                                  .order_by(ScheduleRelease.number.desc()).limit(1)).first()
    number = previous.number + 1 if previous else 1
    row = ScheduleRelease(event_id=event.id, number=number, name=name or f"Version {number}",
                          snapshot=agenda_snapshot.build(event, previous.snapshot if previous else None))
    return _add(row)


def second_release(event, p) -> ScheduleRelease:
    """Release 2: talk 1 moves, talk 2 changes its title, talk 3 is removed."""
    p["talk1"].starts_at = at(event, 0, 9)
    p["talk2"].title = "Stable solvers, revised"
    db.session.delete(p["talk3"])
    return release(event, "Version 2")
