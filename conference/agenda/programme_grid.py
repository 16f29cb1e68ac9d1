"""The programme editor's time grid: for the day shown, rows of GRID_STEP by rooms, each session in
its room from the row it starts in over the rows it lasts, and free slots elsewhere where a
session can be dropped. Built from sessions already loaded (programme.sessions_of), so the
editor page runs the same queries whatever the event's size.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from conference.agenda.enums import SessionKind
from conference.agenda.models import AgendaSession, Room
from conference.core.bounds import clamped, event_days
from conference.events.models import Event

GRID_STEP = dt.timedelta(minutes=15)
STEP_MINUTES = int(GRID_STEP.total_seconds() // 60)
# A day's grid shows at least these hours, so that there are free slots to drop sessions on, and
# stretches to hold every session starting that day (up to midnight).
GRID_OPENS, GRID_CLOSES = dt.time(9), dt.time(18)
# How long a session without times lasts once it is dropped in the grid, by kind.
USUAL_MINUTES = {SessionKind.PLENARY: 60, SessionKind.PARALLEL: 90, SessionKind.WORKSHOP: 120,
                 SessionKind.POSTER: 90, SessionKind.BREAK: 30, SessionKind.SOCIAL: 120}


def planned_minutes(session: AgendaSession) -> int:
    """A session's length: its own once it has times; otherwise its kind's usual length (see
    USUAL_MINUTES), stretched to whole grid steps that hold its items."""
    if session.starts_at is not None and session.ends_at is not None:
        return int((session.ends_at - session.starts_at).total_seconds() // 60)
    needed = sum(item.duration_minutes for item in session.items)
    return max(USUAL_MINUTES[session.kind], -(-needed // STEP_MINUTES) * STEP_MINUTES)


@dataclass
class GridCell:
    """A room's cell in a row: the sessions starting there, over ``rowspan`` rows (sessions that
    overlap in one room share a cell); or none, a free slot."""

    room_id: int
    sessions: list[AgendaSession]
    rowspan: int = 1


@dataclass
class GridRow:
    """One step of a day, as wall-clock times in the event's zone. ``cells`` leaves out the rooms
    whose cell is taken by a session from a row above."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    cells: list[GridCell]


@dataclass
class GridDay:
    day: dt.date
    rows: list[GridRow]
    sessions: list[AgendaSession]  # placed on this day, by start


@dataclass
class Grid:
    days: list[GridDay]  # every day, with its sessions; only the shown one has rows
    shown: GridDay | None  # the day whose grid the editor shows (None only without days)
    placed: list[AgendaSession]  # in the grid, by start
    elsewhere: list[AgendaSession]  # without a time or a room
    minutes: dict[int, int]  # every session's length (planned_minutes), by id
    step_minutes: int = STEP_MINUTES


def grid(event: Event, sessions: list[AgendaSession], rooms: list[Room], *, day: dt.date | None = None) -> Grid:
    """Every event day, and any other day a session starts on (in the event's zone), with its
    sessions; the day shown (``day`` if the grid has it, else the first day with sessions, else
    the first day) as rows by ``rooms``. Sessions without a time or a room are listed apart.
    Runs no query."""
    zone = zoneinfo.ZoneInfo(event.timezone)
    room_ids = [room.id for room in rooms]
    by_day: dict[dt.date, list[AgendaSession]] = defaultdict(list)
    placed, elsewhere = [], []
    for session in sessions:
        if session.starts_at is None or session.room_id not in room_ids:
            elsewhere.append(session)
        else:
            placed.append(session)
            by_day[clamped(session.starts_at.astimezone(zone).date())].append(session)
    dates = sorted(set(event_days(event.start_date, event.end_date)) | by_day.keys())
    if day not in dates:
        day = next((d for d in dates if d in by_day), dates[0] if dates else None)
    days = [_day(d, by_day.get(d, []), room_ids, zone) if d == day
            else GridDay(d, [], sorted(by_day.get(d, []), key=lambda s: (s.starts_at, s.id))) for d in dates]
    placed.sort(key=lambda s: (s.starts_at, s.id))
    return Grid(days=days, shown=next((d for d in days if d.day == day), None), placed=placed, elsewhere=elsewhere,
                minutes={s.id: planned_minutes(s) for s in sessions})


def day_of(session: AgendaSession, zone: zoneinfo.ZoneInfo) -> dt.date | None:
    """The day (in the event's zone) whose grid shows ``session``; None without a start."""
    return clamped(session.starts_at.astimezone(zone).date()) if session.starts_at is not None else None


def _steps(moment: dt.datetime, origin: dt.datetime, *, up: bool = False) -> int:
    """Grid steps from ``origin`` to ``moment``, rounded down (or up)."""
    steps, rest = divmod(moment - origin, GRID_STEP)
    return steps + (1 if up and rest else 0)


def _day(day: dt.date, sessions: list[AgendaSession], room_ids: list[int], zone: zoneinfo.ZoneInfo) -> GridDay:
    def instant(on: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(on, time, tzinfo=zone).astimezone(dt.UTC)

    midnight, next_midnight = instant(day, dt.time()), instant(day + dt.timedelta(days=1), dt.time())
    # Every session here is scheduled (grid() passes those with a time); start and end are set together.
    timed = [(s.starts_at, s.ends_at, s) for s in sessions if s.starts_at is not None and s.ends_at is not None]
    first = min([instant(day, GRID_OPENS)] + [start for start, _end, _session in timed])
    last = min(max([instant(day, GRID_CLOSES)] + [end for _start, end, _session in timed]), next_midnight)
    # Counted in UTC from midnight, the rows stay whole steps on the days the clocks change.
    first = midnight + _steps(first, midnight) * GRID_STEP
    count = _steps(last, first, up=True)

    starting: dict[tuple[int, int], GridCell] = {}  # (row, room id): the cell that starts there
    covered: set[tuple[int, int]] = set()
    for room_id in room_ids:
        spans = sorted(((_steps(start, first), _steps(end, first, up=True), s.id, s)
                        for start, end, s in timed if s.room_id == room_id), key=lambda span: span[:3])
        cell, top, bottom = None, 0, 0
        for row, end, _id, session in spans:
            end = min(max(end, row + 1), count)
            if cell is not None and row < bottom:  # overlaps the cell above: shares it
                cell.sessions.append(session)
                bottom = max(bottom, end)
                cell.rowspan = bottom - top
                continue
            cell, top, bottom = GridCell(room_id, [session], end - row), row, end
            starting[(row, room_id)] = cell
    for (row, room_id), cell in starting.items():
        covered.update((below, room_id) for below in range(row + 1, row + cell.rowspan))

    rows = []
    for n in range(count):
        starts = first + n * GRID_STEP
        cells = [starting.get((n, room_id)) or GridCell(room_id, []) for room_id in room_ids
                 if (n, room_id) not in covered]
        rows.append(GridRow(starts.astimezone(zone), (starts + GRID_STEP).astimezone(zone), cells))
    return GridDay(day, rows, sorted(sessions, key=lambda s: (s.starts_at, s.id)))
