"""Building a programme with models and releasing it by storing a ScheduleRelease directly
(the editor's release function is not needed to test what the public sees)."""

from __future__ import annotations

import datetime as dt

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

UTC = dt.timezone.utc


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A UTC time on ``day``."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def add_room(event, name: str = "Main hall", *, virtual: bool = False, join_link: str = "", position: int = 0) -> Room:
    room = Room(event_id=event.id, name=name, is_virtual=virtual, join_link=join_link, position=position)
    db.session.add(room)
    db.session.flush()
    return room


def add_track(event, name: str = "Numerics") -> Track:
    track = Track(event_id=event.id, name=name)
    db.session.add(track)
    db.session.flush()
    return track


def add_speaker(event, name: str, *, affiliation: str = "", bio: str = "") -> Speaker:
    speaker = Speaker(event_id=event.id, name=name, affiliation=affiliation, bio=bio)
    db.session.add(speaker)
    db.session.flush()
    return speaker


def add_session(event, title: str, start: dt.datetime, end: dt.datetime, *, room=None, track=None,
                kind: SessionKind = SessionKind.PARALLEL, description: str = "", chairs=()) -> AgendaSession:
    session = AgendaSession(event_id=event.id, title=title, kind=kind, starts_at=start, ends_at=end,
                            room_id=room.id if room else None, track_id=track.id if track else None,
                            description=description)
    session.chairs = list(chairs)
    db.session.add(session)
    db.session.flush()
    return session


def add_item(session: AgendaSession, title: str, start: dt.datetime, minutes: int = 20, *, abstract: str = "",
             speakers=(), kind: ItemKind = ItemKind.TALK) -> AgendaItem:
    item = AgendaItem(event_id=session.event_id, session_id=session.id, title=title, starts_at=start,
                      duration_minutes=minutes, abstract=abstract, kind=kind)
    item.speaker_links = [AgendaItemSpeaker(speaker_id=s.id, position=n) for n, s in enumerate(speakers)]
    db.session.add(item)
    db.session.flush()
    return item


def release(event, name: str | None = None) -> ScheduleRelease:
    """Release the programme as it is now, numbered after the last release."""
    db.session.flush()
    db.session.expire_all()
    previous = db.session.scalar(sa.select(ScheduleRelease).where(ScheduleRelease.event_id == event.id)
                                 .order_by(ScheduleRelease.number.desc()).limit(1))
    number = previous.number + 1 if previous else 1
    row = ScheduleRelease(event_id=event.id, number=number, name=name or f"Version {number}",
                          snapshot=agenda_snapshot.build(event, previous.snapshot if previous else None))
    db.session.add(row)
    db.session.flush()
    return row


def small_programme(event):
    """Two rooms (one virtual), a track, three speakers; a morning session with two talks and
    a virtual evening session on the first day (times in UTC)."""
    day = event.start_date
    hall = add_room(event, "Main hall", position=0)
    online = add_room(event, "Online room", virtual=True, join_link="https://meet.example.org/secret-room",
                      position=1)
    numerics = add_track(event, "Numerics")
    ada = add_speaker(event, "Ada Lovelace", affiliation="Analytical Engines", bio="Wrote the first program.")
    grace = add_speaker(event, "Grace Hopper", affiliation="Navy")
    alan = add_speaker(event, "Alan Turing")
    morning = add_session(event, "Morning models", at(day, 8), at(day, 10), room=hall, track=numerics,
                          description="Models of the atmosphere.", chairs=[alan])
    talk = add_item(morning, "Ensemble forecasts", at(day, 8), 30, abstract="Perturbed initial conditions.",
                    speakers=[ada, grace])
    other = add_item(morning, "Data assimilation", at(day, 8, 30), 30, abstract="Kalman filters.",
                     speakers=[grace])
    evening = add_session(event, "Evening online", at(day, 20), at(day, 22), room=online,
                          description="Across the date line.")
    late = add_item(evening, "Late talk", at(day, 21), 30, abstract="Night shifts.", speakers=[alan])
    return {"hall": hall, "online": online, "track": numerics, "ada": ada, "grace": grace, "alan": alan,
            "morning": morning, "talk": talk, "other": other, "evening": evening, "late": late}
