"""The demo conference's agenda: rooms, an opening plenary with a keynote, a break, parallel
sessions with the accepted papers, a poster session, released as a first version. Through the
domain functions (the release's mail is deleted again). Runs once per event: when the event
has rooms it changes nothing."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import sqlalchemy as sa

from conference.accounts.models import User
from conference.agenda import programme, releases
from conference.agenda.enums import ItemKind, SessionKind
from conference.agenda.models import Room
from conference.events.models import Event, Track
from conference.extensions import db
from conference.mail.models import OutboxMessage


def load_agenda(event: Event, *, organiser: User) -> str:
    if db.session.scalar(sa.select(Room.id).where(Room.event_id == event.id).limit(1)):
        return f"Agenda of {event.slug}: already loaded."
    queued_before = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    zone = zoneinfo.ZoneInfo(event.timezone)

    def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(event.start_date + dt.timedelta(days=day), dt.time(hour, minute), tzinfo=zone)

    o = organiser
    plenary = programme.save_room(event, actor=o, name="Plenary hall", capacity=400)
    m1 = programme.save_room(event, actor=o, name="Room M1", capacity=60)
    m2 = programme.save_room(event, actor=o, name="Room M2", capacity=60)
    programme.save_room(event, actor=o, name="Online stage", is_virtual=True,
                        join_link="https://meet.example.org/icdd-online-stage")
    tracks = {t.name: t for t in db.session.scalars(sa.select(Track).where(Track.event_id == event.id))}
    keynote_speaker = programme.save_speaker(
        event, actor=o, name="Dr. Leila Haddad", affiliation="Task Force Secretariat", timezone="Europe/Vienna",
        bio="Chairs the task force's working group on data standards.")
    opening = programme.save_session(event, actor=o, title="Opening plenary", kind=SessionKind.PLENARY,
                                     room_id=plenary.id, starts_at=at(0, 9), ends_at=at(0, 10, 30))
    keynote = programme.save_item(event, actor=o, title="Keynote: Ten years of data for development",
                                  kind=ItemKind.KEYNOTE, speaker_ids=[keynote_speaker.id], duration=60,
                                  abstract="What changed since the first conference, and what did not.")
    programme.place_item(keynote, actor=o, session=opening, starts_at=at(0, 9, 15))
    programme.save_session(event, actor=o, title="Coffee break", kind=SessionKind.BREAK, room_id=plenary.id,
                           starts_at=at(0, 10, 30), ends_at=at(0, 11))
    sessions = [
        programme.save_session(event, actor=o, title="Statistical methods", kind=SessionKind.PARALLEL,
                               track_id=getattr(tracks.get("Statistical methods"), "id", None), room_id=m1.id,
                               starts_at=at(0, 11), ends_at=at(0, 12, 30)),
        programme.save_session(event, actor=o, title="Data standards and privacy", kind=SessionKind.PARALLEL,
                               track_id=getattr(tracks.get("Data standards"), "id", None), room_id=m2.id,
                               starts_at=at(0, 11), ends_at=at(0, 12, 30)),
    ]
    programme.save_session(event, actor=o, title="Poster session", kind=SessionKind.POSTER, room_id=plenary.id,
                           starts_at=at(1, 14), ends_at=at(1, 15, 30))
    talks = programme.add_submissions(event, actor=o)
    for n, talk in enumerate(talks):
        programme.place_item(talk, actor=o, session=sessions[n % 2])
    release = releases.release(event, actor=o, name="First programme",
                               comment="The first version of the programme; rooms may still change.")
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id > queued_before))
    db.session.flush()
    return (f"Agenda of {event.slug}: 4 rooms, {len(talks)} accepted papers scheduled with a keynote, released as "
            f"version {release.number} ({release.name}).")
