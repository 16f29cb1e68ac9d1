"""The warnings shown while editing the programme: a speaker in two places at once, two sessions
in one room at once (poster sessions may share one on purpose), an item outside the event's days
or its session, a speaker outside the availability they gave, a room smaller than the in-person
registrations. Warnings never block saving; they are listed before releasing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.agenda.enums import SessionKind
from conference.agenda.models import AgendaSession
from conference.agenda.programme import event_bounds, rooms_of, sessions_of, speakers_of
from conference.events.models import Event
from conference.extensions import db
from conference.i18n import format_datetime
from conference.registration.enums import AttendanceMode, RegistrationState
from conference.registration.models import Registration


@dataclass(frozen=True)
class Warning:  # noqa: A001  (the organisers' word; shadows nothing we use)
    kind: str  # speaker_clash, room_clash, outside_session, outside_event, speaker_unavailable, room_capacity
    message: str
    uids: tuple[str, ...] = field(default=())


def _when(value: dt.datetime, event: Event) -> str:
    return format_datetime(value, "short", tz=event.timezone)


def expected_attendance(event: Event) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Registration).where(
        Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED,
        Registration.mode == AttendanceMode.IN_PERSON)) or 0


def warnings(event: Event, *, sessions: list[AgendaSession] | None = None) -> list[Warning]:
    """What looks wrong in the programme. Warnings never block saving; they are listed before
    releasing. Runs a fixed number of queries (``sessions``, from sessions_of, saves some)."""
    if sessions is None:
        sessions = sessions_of(event)
    scheduled = [s for s in sessions if s.starts_at is not None]
    rooms = {r.id: r for r in rooms_of(event)}
    speakers = {s.id: s for s in speakers_of(event)}
    found: list[Warning] = []
    first, last = event_bounds(event)

    # Each speaker's commitments: (start, end, uid, label, session id, is_chair).
    busy: dict[int, list[tuple]] = defaultdict(list)
    for session in scheduled:
        uid = f"session-{session.id}"
        if not (first <= session.starts_at and session.ends_at <= last):
            found.append(Warning("outside_event", _("%(session)s is outside the event's days.", session=session.title),
                                 (uid,)))
        for chair in session.chairs:
            busy[chair.id].append((session.starts_at, session.ends_at, uid, session.title, session.id, True))
        for item in session.items:
            if item.starts_at is None:
                continue
            item_uid = f"item-{item.id}"
            if not (first <= item.starts_at and item.ends_at <= last):
                found.append(Warning("outside_event", _("%(item)s is outside the event's days.", item=item.title),
                                     (item_uid,)))
            elif not (session.starts_at <= item.starts_at and item.ends_at <= session.ends_at):
                found.append(Warning("outside_session", _("%(item)s (%(start)s) is outside its session %(session)s.",
                                                          item=item.title, start=_when(item.starts_at, event),
                                                          session=session.title), (item_uid, uid)))
            for link in item.speaker_links:
                busy[link.speaker_id].append((item.starts_at, item.ends_at, item_uid, item.title, session.id, False))

    for speaker_id, commitments in busy.items():
        speaker = speakers.get(speaker_id)
        if speaker is None:
            continue
        commitments.sort(key=lambda c: (c[0], c[2]))
        for n, a in enumerate(commitments):
            for b in commitments[n + 1:]:
                if b[0] >= a[1]:
                    break
                if a[4] == b[4] and (a[5] or b[5]):
                    continue  # chairing a session while speaking in it is fine
                found.append(Warning("speaker_clash", _("%(speaker)s is in two places at once: %(a)s and %(b)s "
                                                        "(%(start)s).", speaker=speaker.name, a=a[3], b=b[3],
                                                        start=_when(max(a[0], b[0]), event)),
                                     (a[2], b[2], f"speaker-{speaker_id}")))
        windows = [(dt.datetime.fromisoformat(s), dt.datetime.fromisoformat(e)) for s, e in speaker.availability]
        if windows:
            for start, end, uid, label, _session, _chair in commitments:
                if not any(ws <= start and end <= we for ws, we in windows):
                    found.append(Warning("speaker_unavailable", _("%(speaker)s is not available for %(what)s "
                                                                  "(%(start)s).", speaker=speaker.name, what=label,
                                                                  start=_when(start, event)),
                                         (uid, f"speaker-{speaker_id}")))

    by_room: dict[int, list[AgendaSession]] = defaultdict(list)
    for session in scheduled:
        if session.room_id is not None:
            by_room[session.room_id].append(session)
    for room_id, in_room in by_room.items():
        in_room.sort(key=lambda s: (s.starts_at, s.id))
        for n, a in enumerate(in_room):
            for b in in_room[n + 1:]:
                if b.starts_at >= a.ends_at:
                    break
                if a.kind == SessionKind.POSTER and b.kind == SessionKind.POSTER:
                    continue  # poster sessions share a room on purpose
                found.append(Warning("room_clash", _("%(room)s holds two sessions at once: %(a)s and %(b)s.",
                                                     room=rooms[room_id].name, a=a.title, b=b.title),
                                     (f"session-{a.id}", f"session-{b.id}", f"room-{room_id}")))

    expected = expected_attendance(event)
    for room in sorted((rooms[r] for r in by_room if r in rooms), key=lambda r: (r.position, r.id)):
        if not room.is_virtual and room.capacity is not None and room.capacity < expected:
            found.append(Warning("room_capacity", _("%(room)s seats %(capacity)d but %(expected)d people are "
                                                    "registered to attend in person.", room=room.name,
                                                    capacity=room.capacity, expected=expected),
                                 (f"room-{room.id}",)))
    return found
