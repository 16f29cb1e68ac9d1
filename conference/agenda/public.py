"""The public agenda: what a release's snapshot looks like to a viewer (in their time zone,
filtered, searched), the changes between releases, and the personal agenda (stars, clashes).

Everything public reads a ScheduleRelease's snapshot (see agenda_snapshot), never the live
programme. The functions that turn a snapshot into pages are pure; the few that touch the
database run one query each. Texts (titles, abstracts, descriptions, room and track names) are
given in the reader's language when the snapshot has them in it, else in their own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.agenda import release_cache
from conference.agenda import snapshot as agenda_snapshot
from conference.agenda.models import AgendaStar, ScheduleRelease
from conference.agenda.releases import latest_release
from conference.errors import InvalidState
from conference.events.models import Event
from conference.extensions import db
from conference.registration.enums import RegistrationState
from conference.registration.models import Registration

# Releases ---------------------------------------------------------------------------------------

def release_by_number(event: Event, number: int) -> ScheduleRelease | None:
    return db.session.scalar(sa.select(ScheduleRelease).where(ScheduleRelease.event_id == event.id,
                                                             ScheduleRelease.number == number))


def releases(event: Event) -> list[ScheduleRelease]:
    """Every release of the event, newest first."""
    return list(db.session.scalars(sa.select(ScheduleRelease).where(ScheduleRelease.event_id == event.id)
                                   .order_by(ScheduleRelease.number.desc())))


# The agenda as a viewer sees it -------------------------------------------------------------------

@dataclasses.dataclass
class Entry:
    """A session or an item of a snapshot, with its times in the viewer's zone. On a day
    other than its first, ``continued`` is set; before its last, ``continues``."""

    uid: str
    kind: str  # "session" or "item"
    id: int
    title: str
    start: dt.datetime
    end: dt.datetime
    type: str  # the session's or item's kind (parallel, talk, keynote...)
    text: str  # description or abstract
    room: dict | None
    track: dict | None
    speakers: list[dict]
    session_uid: str | None = None
    items: list[Entry] = dataclasses.field(default_factory=list)
    continued: bool = False
    continues: bool = False
    cancelled: bool = False
    lang: str | None = None  # the language of the title shown (None: not known)
    text_lang: str | None = None  # of the text shown
    searched: tuple[str, ...] = ()  # the title and text in every language the snapshot has
    # An item's (empty for sessions, and in snapshots released before items had them):
    subtitle: str = ""
    subtitle_lang: str | None = None
    description: str = ""  # longer than the abstract, in the item's language
    description_lang: str | None = None
    type_name: str = ""  # a talk's submission type
    links: list[dict] = dataclasses.field(default_factory=list)  # [{"kind", "title", "url"}]


@dataclasses.dataclass
class Day:
    date: dt.date
    entries: list[Entry]


@dataclasses.dataclass
class Agenda:
    tz: str
    days: list[Day]  # what passes the filters
    all_days: list[dt.date]  # every local day with something on it, for the day filter
    tracks: list[dict]
    rooms: list[dict]
    event: dict
    sessions: dict[str, Entry]  # by uid: every entry that is not cancelled, unfiltered
    items: dict[str, Entry]
    speakers: dict[int, dict]


def _local(value: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.fromisoformat(value).astimezone(zone)


def _named(entries: list[dict], language: str | None) -> list[dict]:
    """Rooms or tracks with their name in ``language`` (copies: the snapshot is shared)."""
    return [{**e, "name": agenda_snapshot.text(e, "name", language)} for e in entries]


@dataclasses.dataclass
class Lookups:
    snapshot: dict
    language: str | None
    rooms: dict  # by id
    tracks: dict
    speakers: dict[int, dict]


def _lookups(snapshot: dict | None, language: str | None) -> Lookups:
    snapshot = snapshot or {}
    return Lookups(snapshot, language, {r["id"]: r for r in _named(snapshot.get("rooms", []), language)},
                   {t["id"]: t for t in _named(snapshot.get("tracks", []), language)},
                   {s["id"]: s for s in snapshot.get("speakers", [])})


def _entry(raw: dict, lookups: Lookups, zone: zoneinfo.ZoneInfo) -> Entry:
    kind = "item" if raw["uid"].startswith("item-") else "session"
    ids = raw.get("speaker_ids") if kind == "item" else raw.get("chair_ids")
    field = "abstract" if kind == "item" else "description"
    title, lang = agenda_snapshot.shown(lookups.snapshot, raw, "title", lookups.language)
    text, text_lang = agenda_snapshot.shown(lookups.snapshot, raw, field, lookups.language)
    searched = [raw.get("title") or "", raw.get(field) or ""]
    searched += [text for texts in (raw.get("translations") or {}).values() for text in texts.values()]
    entry = Entry(uid=raw["uid"], kind=kind, id=raw["id"], title=title, start=_local(raw["start"], zone),
                  end=_local(raw["end"], zone), type=raw["kind"],
                  text=text,
                  room=lookups.rooms.get(raw.get("room_id")), track=lookups.tracks.get(raw.get("track_id")),
                  speakers=[lookups.speakers[i] for i in ids or [] if i in lookups.speakers],
                  session_uid=raw.get("session_uid"), cancelled=bool(raw.get("cancelled")), lang=lang,
                  text_lang=text_lang, searched=tuple(searched))
    if kind == "item":
        entry.subtitle, entry.subtitle_lang = agenda_snapshot.shown(lookups.snapshot, raw, "subtitle",
                                                                    lookups.language)
        entry.description, entry.description_lang = agenda_snapshot.shown(lookups.snapshot, raw, "description",
                                                                          lookups.language)
        entry.type_name = agenda_snapshot.text(raw, "type_name", lookups.language)
        entry.links = list(raw.get("links") or [])
    return entry


def _entries(snapshot: dict, zone: zoneinfo.ZoneInfo, language: str | None):
    lookups = _lookups(snapshot, language)
    speakers = lookups.speakers
    sessions = {s["uid"]: _entry(s, lookups, zone) for s in snapshot.get("sessions", []) if not s.get("cancelled")}
    items = {i["uid"]: _entry(i, lookups, zone) for i in snapshot.get("items", []) if not i.get("cancelled")}
    for item in sorted(items.values(), key=lambda e: (e.start, e.id)):
        if item.session_uid in sessions:
            sessions[item.session_uid].items.append(item)
    return sessions, items, speakers


def _days_of(entry: Entry) -> list[dt.date]:
    """The local days an entry runs on: one ending exactly at midnight does not reach the next."""
    last = (entry.end - dt.timedelta(microseconds=1)).date() if entry.end > entry.start else entry.start.date()
    days, day = [], entry.start.date()
    while day <= last:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def _matches(entry: Entry, needle: str) -> bool:
    haystack = [*entry.searched, *(s["name"] for s in entry.speakers)]
    return any(needle in value.casefold() for value in haystack)


def view_model(snapshot: dict, *, tz: str, language: str | None = None, day: dt.date | None = None,
               track_id: int | None = None, room_id: int | None = None, q: str = "") -> Agenda:
    """The snapshot's sessions (with their items) per local day in zone ``tz``, without
    cancelled entries, their texts in ``language`` where the snapshot has them. A session
    crossing midnight in that zone appears on each of its days. A search over titles, abstracts
    (in every language given) and speaker names keeps a session when it or one of its items
    matches (then only the matching items, unless the session itself matched)."""
    zone = zoneinfo.ZoneInfo(tz)
    sessions, items, speakers = _entries(snapshot, zone, language)
    needle = q.strip().casefold()
    per_day: dict[dt.date, list[Entry]] = {}
    all_days: set[dt.date] = set()
    for session in sorted(sessions.values(), key=lambda e: (e.start, (e.room or {}).get("position", 0), e.id)):
        days = _days_of(session)
        all_days.update(days)
        if track_id is not None and (session.track or {}).get("id") != track_id:
            continue
        if room_id is not None and (session.room or {}).get("id") != room_id:
            continue
        shown_items = session.items
        if needle and not _matches(session, needle):
            shown_items = [i for i in session.items if _matches(i, needle)]
            if not shown_items:
                continue
        for n, local_day in enumerate(days):
            if day is not None and local_day != day:
                continue
            on_day = [i for i in shown_items if i.start.date() == local_day]
            part = dataclasses.replace(session, items=on_day, continued=n > 0, continues=n < len(days) - 1)
            per_day.setdefault(local_day, []).append(part)
    return Agenda(
        tz=tz, days=[Day(d, per_day[d]) for d in sorted(per_day)], all_days=sorted(all_days),
        tracks=_named(snapshot.get("tracks", []), language),
        rooms=sorted(_named(snapshot.get("rooms", []), language), key=lambda r: (r["position"], r["id"])),
        event=snapshot.get("event", {}), sessions=sessions, items=items, speakers=speakers,
    )


# The grid view: rooms across, times down ---------------------------------------------------------

GRID_STEPS = (30, 15)  # minutes per row: the largest every start and end falls on, else the last


@dataclasses.dataclass
class GridCell:
    entry: Entry | None  # None: nothing in this room (or lane) at this time
    rowspan: int = 1


@dataclasses.dataclass
class GridColumn:
    room: dict | None  # None: sessions without a room
    lanes: int  # sessions sharing the room at the same time (poster sessions) sit side by side


@dataclasses.dataclass
class GridRow:
    start: dt.datetime  # in the viewer's zone
    cells: list[GridCell]  # the cells that begin on this row, left to right; slots covered from above are left out


@dataclasses.dataclass
class GridDay:
    date: dt.date
    step: int
    columns: list[GridColumn]
    rows: list[GridRow]


def _utc(value: dt.datetime) -> dt.datetime:
    # Arithmetic in UTC: two datetimes of one ZoneInfo subtract as wall-clock times, wrong on DST days.
    return value.astimezone(dt.UTC)


def _grid_step(times: list[dt.datetime]) -> int:
    return next((step for step in GRID_STEPS
                 if all(t.minute % step == 0 and not t.second and not t.microsecond for t in times)), GRID_STEPS[-1])


Placed = tuple[int, int, Entry]  # first row, row after the last, entry


def _lanes(placed: list[Placed], rooms: list[dict]) -> tuple[list[GridColumn], list[list[Placed]]]:
    """A column per room in use (in the rooms' order, no room last), each with as many lanes
    as it has sessions at once (first fit, by start); and every lane, left to right."""
    by_room: dict[int | None, list[list[Placed]]] = {}
    for first_row, end_row, entry in sorted(placed, key=lambda p: (p[0], p[1], p[2].id)):
        lanes = by_room.setdefault((entry.room or {}).get("id"), [])
        lane = next((lane for lane in lanes if lane[-1][1] <= first_row), None)
        if lane is None:
            lanes.append(lane := [])
        lane.append((first_row, end_row, entry))
    order = {r["id"]: n for n, r in enumerate(rooms)}
    keys = sorted(by_room, key=lambda k: (k is None, order.get(k, len(order)), k or 0))
    columns = [GridColumn(rooms[order[k]] if k is not None else None, len(by_room[k])) for k in keys]
    return columns, [lane for k in keys for lane in by_room[k]]


def _grid_day(day: Day, rooms: list[dict], zone: zoneinfo.ZoneInfo, step: int) -> GridDay:
    midnight = dt.datetime.combine(day.date, dt.time(), zone)
    next_midnight = dt.datetime.combine(day.date + dt.timedelta(days=1), dt.time(), zone)
    parts = [(e, max(e.start, midnight), min(e.end, next_midnight)) for e in day.entries]
    first = min(start for _e, start, _end in parts).astimezone(zone)
    origin = _utc(first.replace(minute=first.minute - first.minute % step, second=0, microsecond=0))
    size = dt.timedelta(minutes=step)

    def row_of(moment: dt.datetime, *, up: bool) -> int:
        rows, rest = divmod(_utc(moment) - origin, size)
        return rows + (1 if up and rest else 0)

    placed = [(row_of(start, up=False), max(row_of(end, up=True), row_of(start, up=False) + 1), e)
              for e, start, end in parts]
    columns, lanes = _lanes(placed, rooms)
    starts = [{first_row: GridCell(entry, end_row - first_row) for first_row, end_row, entry in lane} for lane in lanes]
    covered = [{r for first_row, end_row, _e in lane for r in range(first_row + 1, end_row)} for lane in lanes]
    rows = []
    for n in range(max(end_row for _first, end_row, _e in placed)):
        cells = [begins.get(n) or GridCell(None)
                 for begins, hidden in zip(starts, covered, strict=True) if n not in hidden]
        rows.append(GridRow((origin + n * size).astimezone(zone), cells))
    return GridDay(day.date, step, columns, rows)


def grid(agenda: Agenda) -> list[GridDay]:
    """The agenda's days (already filtered and split at midnight in the viewer's zone) as
    tables: a column per room in use that day (in the rooms' order, sessions without a room
    last), a row per step from the first start to the last end. A session spans the rows it
    overlaps, clipped to the day; sessions overlapping in one room get lanes side by side.
    One step for the whole agenda, so every day reads alike."""
    if not agenda.days:
        return []
    zone = zoneinfo.ZoneInfo(agenda.tz)
    step = _grid_step([t for d in agenda.days for e in d.entries for t in (e.start, e.end)])
    return [_grid_day(day, agenda.rooms, zone, step) for day in agenda.days]


# One entry of a release, read from its index (agenda.release_cache) -----------------------------
# What the pages about one session, talk or speaker show, built from that entry alone: the same
# entries as view_model's (cancelled ones left out, a session with its items by start), at a cost
# that does not depend on the programme's size.

def _indexed_lookups(indexed: release_cache.IndexedRelease, language: str | None) -> Lookups:
    return release_cache.lookups(indexed, language, lambda: _lookups(indexed.snapshot, language))


def _session_entry(indexed: release_cache.IndexedRelease, raw: dict, lookups: Lookups,
                   zone: zoneinfo.ZoneInfo) -> Entry:
    session = _entry(raw, lookups, zone)
    session.items = sorted((_entry(i, lookups, zone) for i in indexed.items_of_session.get(raw["uid"], [])),
                           key=lambda e: (e.start, e.id))
    return session


def session_view(indexed: release_cache.IndexedRelease, session_id: int, *, tz: str,
                 language: str | None = None) -> Entry | None:
    """The session (with its items) as view_model shows it; None when cancelled or not there."""
    raw = indexed.sessions.get(session_id)
    if raw is None:
        return None
    return _session_entry(indexed, raw, _indexed_lookups(indexed, language), zoneinfo.ZoneInfo(tz))


def item_view(indexed: release_cache.IndexedRelease, item_id: int, *, tz: str,
              language: str | None = None) -> tuple[Entry, Entry | None] | None:
    """The item and its session (None when it has none, or a cancelled one)."""
    raw = indexed.items.get(item_id)
    if raw is None:
        return None
    lookups, zone = _indexed_lookups(indexed, language), zoneinfo.ZoneInfo(tz)
    session = indexed.session_of_uid.get(raw.get("session_uid") or "")
    return _entry(raw, lookups, zone), (_session_entry(indexed, session, lookups, zone) if session else None)


def speaker_view(indexed: release_cache.IndexedRelease, speaker_id: int, *, tz: str,
                 language: str | None = None) -> tuple[dict, list[Entry]] | None:
    """The speaker and the sessions they chair and items they speak in, by start (as
    speaker_entries); None when they have none."""
    speaker = indexed.speakers.get(speaker_id)
    raws = indexed.of_speaker.get(speaker_id)
    if speaker is None or not raws:
        return None
    lookups, zone = _indexed_lookups(indexed, language), zoneinfo.ZoneInfo(tz)
    entries = [_session_entry(indexed, raw, lookups, zone) if raw["uid"].startswith("session-")
               else _entry(raw, lookups, zone) for raw in raws]
    return speaker, sorted(entries, key=lambda e: (e.start, e.id))


def speaker_entries(agenda: Agenda, speaker_id: int) -> list[Entry]:
    """The sessions a speaker chairs and the items they speak in, by start."""
    found = [e for e in list(agenda.sessions.values()) + list(agenda.items.values())
             if any(s["id"] == speaker_id for s in e.speakers)]
    return sorted(found, key=lambda e: (e.start, e.id))


def clashes(entries: list[Entry]) -> dict[str, list[Entry]]:
    """For each entry, the others of ``entries`` that overlap it in time. A session and one of
    its own items do not clash."""
    result: dict[str, list[Entry]] = {e.uid: [] for e in entries}
    ordered = sorted(entries, key=lambda e: (e.start, e.uid))
    for n, first in enumerate(ordered):
        for second in ordered[n + 1:]:
            if second.start >= first.end:
                break
            if first.uid == second.session_uid or second.uid == first.session_uid:
                continue
            result[first.uid].append(second)
            result[second.uid].append(first)
    return result


# The personal agenda ------------------------------------------------------------------------------

def starred_uids(event: Event, user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(db.session.scalars(sa.select(AgendaStar.uid).where(AgendaStar.event_id == event.id,
                                                                  AgendaStar.user_id == user.id)))


def starrable_uids(release: ScheduleRelease | None) -> set[str]:
    """The uids one may star: the sessions and items of ``release`` (the latest) that are not
    cancelled. An entry shown on an earlier release's page is starrable while its uid is here."""
    snapshot = release.snapshot if release else {}
    return {e["uid"] for kind in ("sessions", "items") for e in snapshot.get(kind, []) if not e.get("cancelled")}


def star(event: Event, *, user, uid: str) -> None:
    """Star a session or item of the released agenda (by its uid, which stays the same across
    releases, so the star survives them). Starring twice changes nothing."""
    if uid not in starrable_uids(latest_release(event)):
        raise InvalidState(_("This session or talk is not in the released agenda."))
    if uid not in starred_uids(event, user):
        db.session.add(AgendaStar(user_id=user.id, event_id=event.id, uid=uid))
    db.session.flush()


def unstar(event: Event, *, user, uid: str) -> None:
    db.session.execute(sa.delete(AgendaStar).where(AgendaStar.event_id == event.id, AgendaStar.user_id == user.id,
                                                   AgendaStar.uid == uid))
    db.session.flush()


def personal_entries(agenda: Agenda, uids: set[str]) -> list[Entry]:
    """The starred entries still in the agenda, by start (a cancelled one drops out)."""
    found = [agenda.sessions.get(uid) or agenda.items.get(uid) for uid in uids]
    return sorted((e for e in found if e is not None), key=lambda e: (e.start, e.uid))


def may_see_join_links(event: Event, user) -> bool:
    """Join links of virtual rooms are for the event's organisers and its confirmed
    participants: a confirmed registration by account, or by the address of a verified user."""
    if not getattr(user, "is_authenticated", False):
        return False
    if event.can_manage(user):
        return True
    mine = Registration.user_id == user.id
    if user.is_verified:
        mine = sa.or_(mine, Registration.email == user.email)
    return db.session.scalar(sa.select(sa.exists().where(
        Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED, mine))) or False


# Changes between releases -------------------------------------------------------------------------

@dataclasses.dataclass
class Change:
    kind: str  # new, moved, changed, cancelled
    entry: Entry
    previous: Entry | None = None


@dataclasses.dataclass
class ReleaseChanges:
    release: ScheduleRelease
    changes: list[Change]


CHANGE_KINDS = ("new", "moved", "changed", "cancelled")


def changelog_entries(event: Event, *, tz: str, language: str | None = None) -> list[ReleaseChanges]:
    """What each release changed from the one before (the first: everything is new), newest
    first, with times in zone ``tz`` and texts in ``language`` where given."""
    zone = zoneinfo.ZoneInfo(tz)
    ordered = sorted(releases(event), key=lambda r: r.number)
    result, previous = [], None
    for release in ordered:
        diff = agenda_snapshot.changelog(previous, release.snapshot)
        now, then = _lookups(release.snapshot, language), _lookups(previous, language)
        changes = []
        for kind in CHANGE_KINDS:
            for raw in sorted(diff[kind], key=lambda e: (e["start"], e["uid"])):
                before = raw.get("previous")
                changes.append(Change(kind, _entry(raw, now, zone), _entry(before, then, zone) if before else None))
        result.append(ReleaseChanges(release, changes))
        previous = release.snapshot
    return list(reversed(result))
