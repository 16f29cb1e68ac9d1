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
from conference.agenda.models import AgendaSession, Room, Speaker
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
    return format_datetime(value, tz=event.timezone)


def expected_attendance(event: Event) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Registration).where(
        Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED,
        Registration.mode == AttendanceMode.IN_PERSON)) or 0


@dataclass(frozen=True)
class _Commitment:
    """Where a speaker (or chair) is due: a session they chair or an item they speak in."""

    start: dt.datetime
    end: dt.datetime
    uid: str
    label: str
    session_id: int
    chairing: bool


def warnings(event: Event, *, sessions: list[AgendaSession] | None = None) -> list[Warning]:
    """What looks wrong in the programme. Warnings never block saving; they are listed before
    releasing. Runs a fixed number of queries (``sessions``, from sessions_of, saves some)."""
    if sessions is None:
        sessions = sessions_of(event)
    scheduled = [s for s in sessions if s.starts_at is not None]
    rooms = {r.id: r for r in rooms_of(event)}
    speakers = {s.id: s for s in speakers_of(event)}
    found, busy = _outside_warnings(event, scheduled)
    for speaker_id, commitments in busy.items():
        speaker = speakers.get(speaker_id)
        if speaker is not None:
            found += _speaker_warnings(event, speaker, commitments)
    found += _room_warnings(event, scheduled, rooms)
    return found


def _outside_warnings(event: Event, scheduled: list[AgendaSession]
                      ) -> tuple[list[Warning], dict[int, list[_Commitment]]]:
    """Sessions and items outside the event's days, items outside their session; and, for the
    checks of each speaker, their commitments (by speaker id)."""
    found: list[Warning] = []
    busy: dict[int, list[_Commitment]] = defaultdict(list)
    first, last = event_bounds(event)
    for session in scheduled:
        starts, ends = session.starts_at, session.ends_at
        if starts is None or ends is None:  # set together (a constraint): not scheduled
            continue
        uid = f"session-{session.id}"
        if not (first <= starts and ends <= last):
            found.append(Warning("outside_event", _("%(session)s is outside the event's days.", session=session.title),
                                 (uid,)))
        for chair in session.chairs:
            busy[chair.id].append(_Commitment(starts, ends, uid, session.title, session.id, chairing=True))
        for item in session.items:
            item_starts, item_ends = item.starts_at, item.ends_at
            if item_starts is None or item_ends is None:
                continue
            item_uid = f"item-{item.id}"
            if not (first <= item_starts and item_ends <= last):
                found.append(Warning("outside_event", _("%(item)s is outside the event's days.", item=item.title),
                                     (item_uid,)))
            elif not (starts <= item_starts and item_ends <= ends):
                found.append(Warning("outside_session", _("%(item)s (%(start)s) is outside its session %(session)s.",
                                                          item=item.title, start=_when(item_starts, event),
                                                          session=session.title), (item_uid, uid)))
            for link in item.speaker_links:
                busy[link.speaker_id].append(_Commitment(item_starts, item_ends, item_uid, item.title, session.id,
                                                         chairing=False))
    return found, busy


def _speaker_warnings(event: Event, speaker: Speaker, commitments: list[_Commitment]) -> list[Warning]:
    """A speaker in two places at once (chairing a session while speaking in it is fine), and
    outside the availability they gave."""
    found: list[Warning] = []
    commitments.sort(key=lambda c: (c.start, c.uid))
    for n, a in enumerate(commitments):
        for b in commitments[n + 1:]:
            if b.start >= a.end:
                break
            if a.session_id == b.session_id and (a.chairing or b.chairing):
                continue  # chairing a session while speaking in it is fine
            found.append(Warning("speaker_clash", _("%(speaker)s is in two places at once: %(a)s and %(b)s "
                                                    "(%(start)s).", speaker=speaker.name, a=a.label, b=b.label,
                                                    start=_when(max(a.start, b.start), event)),
                                 (a.uid, b.uid, f"speaker-{speaker.id}")))
    windows = [(dt.datetime.fromisoformat(s), dt.datetime.fromisoformat(e)) for s, e in speaker.availability]
    if windows:
        for c in commitments:
            if not any(ws <= c.start and c.end <= we for ws, we in windows):
                found.append(Warning("speaker_unavailable", _("%(speaker)s is not available for %(what)s "
                                                              "(%(start)s).", speaker=speaker.name, what=c.label,
                                                              start=_when(c.start, event)),
                                     (c.uid, f"speaker-{speaker.id}")))
    return found


def _room_warnings(event: Event, scheduled: list[AgendaSession], rooms: dict[int, Room]) -> list[Warning]:
    """Two sessions in one room at once (poster sessions share a room on purpose), and rooms
    smaller than the in-person registrations."""
    found: list[Warning] = []
    by_room: dict[int, list[tuple[dt.datetime, dt.datetime, AgendaSession]]] = defaultdict(list)
    for session in scheduled:
        if session.room_id is not None and session.starts_at is not None and session.ends_at is not None:
            by_room[session.room_id].append((session.starts_at, session.ends_at, session))
    for room_id, in_room in by_room.items():
        in_room.sort(key=lambda timed: (timed[0], timed[2].id))
        for n, (_starts, a_ends, a) in enumerate(in_room):
            for b_starts, _ends, b in in_room[n + 1:]:
                if b_starts >= a_ends:
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
