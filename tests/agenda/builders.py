"""Builders of the agenda tests.

Through the domain (``make_programme``): an in-person event in Zurich on 16-18 March 2030 with
three rooms, two tracks, speakers in three time zones, two scheduled sessions with items and one
unscheduled item; ``release`` releases it as organisers do.

    Main hall (200 seats)   16 March 09:00-10:30  "Opening plenary" (plenary, chaired by Ada)
                                                   09:00 Keynote (60 min, Ada)
    Room B (40 seats)       16 March 11:00-12:30  "Data standards" (parallel, track Data standards)
                                                   11:00 Talk one (30 min, Ben), 11:30 Talk two (30 min, Chloe)
    Online room (virtual)   (no session)
    Unscheduled:            Panel on privacy (45 min, Ben and Chloe)

``extra_sessions=n`` adds n sessions (one per hour on the event's days, alternating rooms), each
with two 20-minute items by new speakers: the "large programme" of the query-count tests.
``translate_programme`` gives some of its texts in French (the event in English, French and
Spanish, ``in_languages``).

With models (``add_room``, ``add_session``, ``small_programme``, ``two_day_programme``...), released
by ``store_release``, which stores a ScheduleRelease with its snapshot directly: what the public
sees and the exports read only releases, so they need nothing else. Also where the frab schemas
are (``schema_path``).
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from conference.accounts.models import User
from conference.agenda import programme, programme_warnings
from conference.agenda import releases as release_ops
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
from conference.events import setup as event_ops
from conference.events.enums import EventFormat
from conference.events.models import Event, Track
from conference.extensions import db

from .. import factories

UTC = dt.UTC
ZONE = "Europe/Zurich"
FIRST_DAY = dt.date(2030, 3, 16)
LAST_DAY = dt.date(2030, 3, 18)
RELEASED_AT = dt.datetime(2030, 2, 1, 12, 0, tzinfo=UTC)
JOIN_LINK = "https://meet.example.org/secret-room-7f3a"
# ../shared/schemas next to the repository, or wherever SCHEMAS_DIR points (CI sets it).
SCHEMAS = Path(os.environ.get("SCHEMAS_DIR") or Path(__file__).resolve().parents[2] / "../shared/schemas")


# Through the domain ----------------------------------------------------------------------------


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
    db.session.add_all([data, privacy])
    db.session.flush()
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


def in_languages(event: Event, organiser: User, *others: str) -> None:
    """The event's texts in its default language (English) and ``others``, as its settings say."""
    event_ops.update_event(event, actor=organiser, languages=list(others))


def multilingual_programme() -> Programme:
    """``make_programme``'s at /events/multi, in English, French and Spanish (nothing translated yet)."""
    p = make_programme(slug="multi")
    in_languages(p.event, p.organiser, "fr", "es")
    return p


def translate_programme(p: Programme) -> None:
    """``make_programme``'s in an event in English, French and Spanish (``in_languages``): the main
    hall, the opening plenary (title, description), the keynote and a track translated into
    French; talk one given in French, with its English title (not its abstract's); nothing in Spanish."""
    o, event = p.organiser, p.event
    programme.save_room(event, actor=o, room=p.main, name="Main hall", capacity=200,
                        name_translations={"fr": "Grande salle"})
    programme.save_session(event, actor=o, session=p.opening, title="Opening plenary", kind=SessionKind.PLENARY,
                           room_id=p.main.id, starts_at=at(1, 9), ends_at=at(1, 10, 30), chair_ids=[p.ada.id],
                           description="Welcome.", title_translations={"fr": "Plénière d'ouverture"},
                           description_translations={"fr": "Bienvenue."})
    programme.save_item(event, actor=o, item=p.keynote, title="Keynote", kind=ItemKind.KEYNOTE,
                        speaker_ids=[p.ada.id], duration=60, abstract="On engines.",
                        title_translations={"fr": "Conférence inaugurale"},
                        abstract_translations={"fr": "Sur les machines."})
    programme.save_item(event, actor=o, item=p.talk_one, title="Les normes", kind=ItemKind.TALK,
                        speaker_ids=[p.ben.id], duration=30, language="fr", abstract="Sur les normes.",
                        title_translations={"en": "Standards"})
    p.data.name_translations = {"fr": "Normes de données"}
    db.session.flush()


def release(p: Programme, name: str = "First programme", *, comment: str = "", now=RELEASED_AT) -> ScheduleRelease:
    return release_ops.release(p.event, actor=p.organiser, name=name, comment=comment, now=now)


def warning_kinds(event: Event) -> list[str]:
    return [w.kind for w in programme_warnings.warnings(event)]


# With models, released directly ----------------------------------------------------------------

def utc_on(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A UTC time on ``day``."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def on_day(event, day: int, hour: int, minute: int = 0) -> dt.datetime:
    """UTC time on the event's ``day`` (0: its first)."""
    return utc_on(event.start_date + dt.timedelta(days=day), hour, minute)


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


def store_release(event, name: str | None = None) -> ScheduleRelease:
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
    morning = add_session(event, "Morning models", utc_on(day, 8), utc_on(day, 10), room=hall, track=numerics,
                          description="Models of the atmosphere.", chairs=[alan])
    talk = add_item(morning, "Ensemble forecasts", utc_on(day, 8), 30, abstract="Perturbed initial conditions.",
                    speakers=[ada, grace])
    other = add_item(morning, "Data assimilation", utc_on(day, 8, 30), 30, abstract="Kalman filters.",
                     speakers=[grace])
    evening = add_session(event, "Evening online", utc_on(day, 20), utc_on(day, 22), room=online,
                          description="Across the date line.")
    late = add_item(evening, "Late talk", utc_on(day, 21), 30, abstract="Night shifts.", speakers=[alan])
    return {"hall": hall, "online": online, "track": numerics, "ada": ada, "grace": grace, "alan": alan,
            "morning": morning, "talk": talk, "other": other, "evening": evening, "late": late}


def _add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def two_day_programme(event) -> dict:
    """Two rooms (one virtual with a join link), two tracks, two sessions with three talks on the
    event's first two days, a chair, and a break without items: what the exports are tested on."""
    p = {
        "hall": _add(Room(event_id=event.id, name="Main hall", position=0, capacity=200)),
        "online": _add(Room(event_id=event.id, name="Online room", is_virtual=True, join_link=JOIN_LINK, position=1)),
        "numerics": _add(Track(event_id=event.id, name="Numerics", colour="#0b5cab")),
        "systems": _add(Track(event_id=event.id, name="Systems", colour="#aa3300")),
        "ada": _add(Speaker(event_id=event.id, name="Ada Lovelace", affiliation="Analytical", bio="Engines.")),
        "grace": _add(Speaker(event_id=event.id, name="Grace Hopper", affiliation="Navy")),
        "chair": _add(Speaker(event_id=event.id, name="Carl Chair")),
    }
    p["morning"] = add_session(event, "Solvers", on_day(event, 0, 8), on_day(event, 0, 10), room=p["hall"],
                               track=p["numerics"], chairs=[p["chair"]])
    p["talk1"] = add_item(p["morning"], "Fast solvers", on_day(event, 0, 8), 30, speakers=[p["ada"]],
                          abstract="Faster.")
    p["talk2"] = add_item(p["morning"], "Stable solvers", on_day(event, 0, 8, 30), 30, speakers=[p["grace"]])
    p["afternoon"] = add_session(event, "Systems", on_day(event, 1, 12), on_day(event, 1, 14), room=p["online"],
                                 track=p["systems"])
    p["talk3"] = add_item(p["afternoon"], "Kernels", on_day(event, 1, 12), 45, speakers=[p["ada"], p["grace"]],
                          abstract="About kernels.")
    p["break"] = add_session(event, "Coffee", on_day(event, 0, 10), on_day(event, 0, 10, 30), room=p["hall"],
                             kind=SessionKind.BREAK)
    return p


def add_talks(event, count: int, *, day: int = 2) -> None:
    """``count`` more sessions, each in a room and a track of its own with a talk by a new speaker."""
    for n in range(count):
        room = _add(Room(event_id=event.id, name=f"Room {n} {os.urandom(3).hex()}", position=10 + n))
        track = _add(Track(event_id=event.id, name=f"Track {n}"))
        speaker = _add(Speaker(event_id=event.id, name=f"Speaker {n}"))
        block = add_session(event, f"Session {n}", on_day(event, day, 8), on_day(event, day, 9), room=room,
                            track=track)
        add_item(block, f"Talk {n}", on_day(event, day, 8), 30, speakers=[speaker])


def second_release(event, p) -> ScheduleRelease:
    """Release 2: talk 1 moves, talk 2 changes its title, talk 3 is removed."""
    p["talk1"].starts_at = on_day(event, 0, 9)
    p["talk2"].title = "Stable solvers, revised"
    db.session.delete(p["talk3"])
    return store_release(event, "Version 2")


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
