"""A large released agenda for measuring: ``flask demo --talks N`` builds the event
``agenda-scale`` with N talks over 3 days in 12 rooms (sessions of six talks each, speakers
with and without co-speakers), released as one version. Rebuilt from scratch each time.

The rows are inserted in bulk (a programme of 1,500 talks through the editor's one-at-a-time
functions would take minutes); the release goes through ``domain.releases.release``, so the
snapshot is the one the public pages and exports read. Speakers have no address: no mail.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo

import sqlalchemy as sa

from conference.accounts.models import User
from conference.agenda import releases
from conference.agenda.enums import ItemKind, SessionKind
from conference.agenda.models import (
    AgendaItem,
    AgendaItemSpeaker,
    AgendaSession,
    Room,
    Speaker,
)
from conference.events import setup as event_ops
from conference.events.enums import EventFormat, EventKind
from conference.events.models import Event, Track
from conference.extensions import db

SLUG = "agenda-scale"
DAYS, ROOMS, PER_SESSION = 3, 12, 6
TRACKS = ["Data standards", "Privacy and ethics", "Statistical methods", "Humanitarian data"]


def load_agenda_at_scale(talks: int, *, organiser: User) -> str:
    existing = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
    start = dt.date.today() + dt.timedelta(days=200)
    event = event_ops.create_event(
        actor=organiser, slug=SLUG, kind=EventKind.CONFERENCE, title=f"Agenda at scale ({talks} talks)",
        start_date=start, end_date=start + dt.timedelta(days=DAYS - 1), timezone="Europe/Vienna",
        format=EventFormat.HYBRID, venue="Vienna International Centre", online_details="Streamed.",
        contact_email="scale@example.org", description="A large programme for measuring the agenda.")
    event_ops.publish_event(event, actor=organiser)
    zone = zoneinfo.ZoneInfo(event.timezone)
    rooms = [Room(event_id=event.id, name=f"Room {n + 1}", capacity=50 + 10 * n, position=n,
                  is_virtual=n == ROOMS - 1, join_link="https://meet.example.org/scale" if n == ROOMS - 1 else "")
             for n in range(ROOMS)]
    tracks = [Track(event_id=event.id, name=name, position=n) for n, name in enumerate(TRACKS)]
    speakers = [Speaker(event_id=event.id, name=f"Speaker {n + 1}", affiliation=f"Agency {n % 40 + 1}",
                        timezone="Europe/Vienna") for n in range(max(1, talks // 2))]
    db.session.add_all([*rooms, *tracks, *speakers])
    db.session.flush()

    sessions_needed = math.ceil(talks / PER_SESSION)
    per_room_day = math.ceil(sessions_needed / (DAYS * ROOMS))
    minutes = max(10, min(30, (11 * 60) // (per_room_day * PER_SESSION) - 2))
    session_rows: list[AgendaSession] = []
    session_starts: list[dt.datetime] = []
    placed = 0
    for n in range(sessions_needed):
        slot, cell = divmod(n, DAYS * ROOMS)
        day, room = divmod(cell, ROOMS)
        begins = dt.datetime.combine(start + dt.timedelta(days=day), dt.time(8), tzinfo=zone) + dt.timedelta(
            minutes=slot * (PER_SESSION * minutes + 10))
        count = min(PER_SESSION, talks - placed)
        session_rows.append(AgendaSession(
            event_id=event.id, title=f"Session {n + 1}", kind=SessionKind.PARALLEL, track_id=tracks[n % 4].id,
            room_id=rooms[room].id, starts_at=begins, ends_at=begins + dt.timedelta(minutes=count * minutes),
            description=f"Six talks on {TRACKS[n % 4].lower()}."))
        session_starts.append(begins)
        placed += count
    db.session.add_all(session_rows)
    db.session.flush()

    items, links, placed = [], [], 0
    for session, session_start in zip(session_rows, session_starts, strict=True):
        for k in range(min(PER_SESSION, talks - placed)):
            items.append(AgendaItem(
                event_id=event.id, session_id=session.id, kind=ItemKind.TALK, title=f"Talk {placed + 1}",
                abstract=f"What talk {placed + 1} found, in a paragraph or two of text for the agenda. " * 3,
                starts_at=session_start + dt.timedelta(minutes=k * minutes), duration_minutes=minutes,
                position=k))
            placed += 1
    db.session.add_all(items)
    db.session.flush()
    for n, item in enumerate(items):
        links.append(AgendaItemSpeaker(item_id=item.id, speaker_id=speakers[n % len(speakers)].id, position=0))
        if n % 3 == 0:
            links.append(AgendaItemSpeaker(item_id=item.id, speaker_id=speakers[(n + 7) % len(speakers)].id,
                                           position=1))
    db.session.add_all(links)
    db.session.flush()
    db.session.expire_all()
    reloaded = db.session.get(Event, event.id)
    if reloaded is None:
        raise RuntimeError("the event just made is gone")
    release = releases.release(reloaded, actor=organiser, name="Measured programme")
    return (f"Agenda at scale: /events/{SLUG}/agenda with {talks} talks in {len(session_rows)} sessions, "
            f"{ROOMS} rooms, {DAYS} days, released as version {release.number}.")
