"""A small programme for the agenda tests: an in-person event in Zurich on 16-18 March 2030
with three rooms, two tracks, speakers in three time zones, two scheduled sessions with items
and one unscheduled item; ``release`` releases it. Others may import this module read-only.

    Main hall (200 seats)   16 March 09:00-10:30  "Opening plenary" (plenary, chaired by Ada)
                                                   09:00 Keynote (60 min, Ada)
    Room B (40 seats)       16 March 11:00-12:30  "Data standards" (parallel, track Data standards)
                                                   11:00 Talk one (30 min, Ben), 11:30 Talk two (30 min, Chloe)
    Online room (virtual)   (no session)
    Unscheduled:            Panel on privacy (45 min, Ben and Chloe)

``extra_sessions=n`` adds n sessions (one per hour on the event's days, alternating rooms), each
with two 20-minute items by new speakers: the "large programme" of the query-count tests.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from conference.accounts.models import User
from conference.agenda import programme, programme_warnings
from conference.agenda import releases as release_ops
from conference.agenda.enums import ItemKind, SessionKind
from conference.agenda.models import (
    AgendaItem,
    AgendaSession,
    Room,
    ScheduleRelease,
    Speaker,
)
from conference.events.enums import EventFormat
from conference.events.models import Event, Track

from .. import factories

ZONE = "Europe/Zurich"
FIRST_DAY = dt.date(2030, 3, 16)
LAST_DAY = dt.date(2030, 3, 18)
RELEASED_AT = dt.datetime(2030, 2, 1, 12, 0, tzinfo=dt.UTC)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """Day ``day`` of the event (1 = 16 March) at hour:minute in Zurich, as aware UTC."""
    local = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=day - 1), dt.time(hour, minute),
                                tzinfo=zoneinfo.ZoneInfo(ZONE))
    return local.astimezone(dt.UTC)


@dataclass
class Programme:
    event: Event
    organiser: User
    main: Room
    room_b: Room
    online: Room
    data: Track
    privacy: Track
    ada: Speaker  # Europe/Zurich
    ben: Speaker  # America/New_York
    chloe: Speaker  # Asia/Tokyo
    opening: AgendaSession
    standards: AgendaSession
    keynote: AgendaItem
    talk_one: AgendaItem
    talk_two: AgendaItem
    panel: AgendaItem  # unscheduled
    extra: list[AgendaSession] = field(default_factory=list)


def make_programme(*, extra_sessions: int = 0, slug: str | None = None, organiser: User | None = None,
                   event: Event | None = None) -> Programme:
    """``event`` (with its ``organiser``): build the programme in an existing event (e.g. one with a
    registration form), moved to the days and zone above."""
    organiser = organiser or factories.make_user(name="Olga Organiser", may_create_events=True)
    if event is not None:
        event.start_date, event.end_date, event.timezone = FIRST_DAY, LAST_DAY, ZONE
    event = event or factories.make_event(organiser=organiser, published=True, title="Conference on Data", timezone=ZONE,
                                 start_date=FIRST_DAY, end_date=LAST_DAY, format=EventFormat.IN_PERSON,
                                 venue="Kongresshaus Zurich", **({"slug": slug} if slug else {}))
    o = organiser
    main = programme.save_room(event, actor=o, name="Main hall", capacity=200)
    room_b = programme.save_room(event, actor=o, name="Room B", capacity=40)
    online = programme.save_room(event, actor=o, name="Online room", is_virtual=True,
                                 join_link="https://meet.example.org/conf")
    data = Track(event_id=event.id, name="Data standards", colour="#0b5cab", position=0)
    privacy = Track(event_id=event.id, name="Privacy", colour="#7a3e00", position=1)
    factories.db.session.add_all([data, privacy])
    factories.db.session.flush()
    ada = programme.save_speaker(event, actor=o, name="Ada Lovelace", email="ada@example.org", timezone=ZONE)
    ben = programme.save_speaker(event, actor=o, name="Ben Franklin", email="ben@example.org",
                                 timezone="America/New_York")
    chloe = programme.save_speaker(event, actor=o, name="Chloe Tanaka", email="chloe@example.org",
                                   timezone="Asia/Tokyo")
    opening = programme.save_session(event, actor=o, title="Opening plenary", kind=SessionKind.PLENARY,
                                     room_id=main.id, starts_at=at(1, 9), ends_at=at(1, 10, 30), chair_ids=[ada.id])
    standards = programme.save_session(event, actor=o, title="Data standards", kind=SessionKind.PARALLEL,
                                       track_id=data.id, room_id=room_b.id, starts_at=at(1, 11), ends_at=at(1, 12, 30))
    keynote = _placed(event, o, "Keynote", ItemKind.KEYNOTE, [ada], 60, opening, at(1, 9))
    talk_one = _placed(event, o, "Talk one", ItemKind.TALK, [ben], 30, standards, at(1, 11))
    talk_two = _placed(event, o, "Talk two", ItemKind.TALK, [chloe], 30, standards, at(1, 11, 30))
    panel = programme.save_item(event, actor=o, title="Panel on privacy", kind=ItemKind.PANEL,
                                speaker_ids=[ben.id, chloe.id], duration=45)
    extra = []
    for n in range(extra_sessions):
        day, hour = 1 + (n // 8) % 3, 9 + n % 8
        room = (main, room_b)[n % 2]
        session = programme.save_session(event, actor=o, title=f"Extra session {n + 1}", kind=SessionKind.PARALLEL,
                                         room_id=room.id, starts_at=at(day, hour),
                                         ends_at=at(day, hour, 50))
        for k in range(2):
            speaker = programme.save_speaker(event, actor=o, name=f"Speaker {n}-{k}", email=f"s{n}-{k}@example.org")
            _placed(event, o, f"Extra talk {n + 1}.{k + 1}", ItemKind.TALK, [speaker], 20, session,
                    at(day, hour, 20 * k))
        extra.append(session)
    return Programme(event=event, organiser=o, main=main, room_b=room_b, online=online, data=data, privacy=privacy,
                     ada=ada, ben=ben, chloe=chloe, opening=opening, standards=standards, keynote=keynote,
                     talk_one=talk_one, talk_two=talk_two, panel=panel, extra=extra)


def _placed(event, actor, title, kind, speakers, duration, session, starts_at) -> AgendaItem:
    item = programme.save_item(event, actor=actor, title=title, kind=kind, speaker_ids=[s.id for s in speakers],
                               duration=duration)
    return programme.place_item(item, actor=actor, session=session, starts_at=starts_at)


def release(p: Programme, name: str = "First programme", *, comment: str = "", now=RELEASED_AT) -> ScheduleRelease:
    return release_ops.release(p.event, actor=p.organiser, name=name, comment=comment, now=now)


def warning_kinds(event: Event) -> list[str]:
    return [w.kind for w in programme_warnings.warnings(event)]
