"""What the programme editor warns its organisers of, as to-dos on their Home: speakers in two
places at once, sessions sharing a room at once, items not scheduled yet, and changes made since
the last release. Each links straight to the editor.

The editor computes its warnings one event at a time (conference.agenda.programme_warnings);
here they are counted for all the events a person organises at once, in three queries whatever
their number or size: the rooms, unscheduled items and changes are counted in SQL, and the
speaker clashes from the speakers' commitments, by the editor's rule (chairing a session while
speaking in it is no clash)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

import sqlalchemy as sa
from flask_babel import ngettext
from sqlalchemy.orm import aliased

from conference.agenda.enums import SessionKind
from conference.agenda.models import AgendaItem, AgendaItemSpeaker, AgendaSession, ScheduleRelease, session_chair
from conference.events.models import Event
from conference.extensions import db


@dataclasses.dataclass(frozen=True)
class ProgrammeProblems:
    """What the editor would show for one event, counted."""

    event: Event
    speaker_clashes: int
    room_clashes: int
    unscheduled: int
    unreleased: int


def _room_clashes():
    """Pairs of sessions in one room at overlapping times (two poster sessions share one on purpose)."""
    a, b = aliased(AgendaSession), aliased(AgendaSession)
    return (sa.select(sa.func.count())
            .select_from(a).join(b, sa.and_(b.event_id == a.event_id, b.room_id == a.room_id, b.id > a.id))
            .where(a.event_id == Event.id, a.room_id.is_not(None), a.starts_at.is_not(None), b.starts_at.is_not(None),
                   b.starts_at < a.ends_at, a.starts_at < b.ends_at,
                   ~sa.and_(a.kind == SessionKind.POSTER, b.kind == SessionKind.POSTER))
            .correlate(Event).scalar_subquery())


def _unscheduled():
    return (sa.select(sa.func.count(AgendaItem.id))
            .where(AgendaItem.event_id == Event.id, AgendaItem.starts_at.is_(None))
            .correlate(Event).scalar_subquery())


def _unreleased():
    """Sessions and items changed since the last release (none counted before the first: the
    editor's release form says what releasing does). Deletions leave no row to count."""
    released = (sa.select(sa.func.max(ScheduleRelease.released_at)).where(ScheduleRelease.event_id == Event.id)
                .correlate(Event).scalar_subquery())
    sessions = (sa.select(sa.func.count(AgendaSession.id))
                .where(AgendaSession.event_id == Event.id, AgendaSession.updated_at > released)
                .correlate(Event).scalar_subquery())
    items = (sa.select(sa.func.count(AgendaItem.id))
             .where(AgendaItem.event_id == Event.id, AgendaItem.updated_at > released)
             .correlate(Event).scalar_subquery())
    return sessions + items


@dataclasses.dataclass(frozen=True)
class _Commitment:
    start: dt.datetime
    end: dt.datetime
    session_id: int
    chairing: bool


def _speaker_clashes(event_ids) -> dict[int, int]:
    """By event, the pairs of a speaker's commitments (items they speak in, sessions they chair,
    both in scheduled sessions) that overlap, but for chairing a session while speaking in it."""
    busy: dict[tuple[int, int], list[_Commitment]] = defaultdict(list)
    spoken = db.session.execute(
        sa.select(AgendaSession.event_id, AgendaItemSpeaker.speaker_id, AgendaItem.session_id, AgendaItem.starts_at,
                  AgendaItem.duration_minutes)
        .join(AgendaItem, AgendaItem.id == AgendaItemSpeaker.item_id)
        .join(AgendaSession, AgendaSession.id == AgendaItem.session_id)
        .where(AgendaSession.event_id.in_(event_ids), AgendaSession.starts_at.is_not(None),
               AgendaItem.starts_at.is_not(None)))
    for event_id, speaker_id, session_id, starts, minutes in spoken:
        if starts is None or session_id is None:  # the query leaves them out: for the type checker
            continue
        busy[event_id, speaker_id].append(_Commitment(starts, starts + dt.timedelta(minutes=minutes), session_id,
                                                      chairing=False))
    chaired = db.session.execute(
        sa.select(AgendaSession.event_id, session_chair.c.speaker_id, AgendaSession.id, AgendaSession.starts_at,
                  AgendaSession.ends_at)
        .join(session_chair, session_chair.c.session_id == AgendaSession.id)
        .where(AgendaSession.event_id.in_(event_ids), AgendaSession.starts_at.is_not(None)))
    for event_id, speaker_id, session_id, starts, ends in chaired:
        if starts is None or ends is None:
            continue
        busy[event_id, speaker_id].append(_Commitment(starts, ends, session_id, chairing=True))
    clashes: dict[int, int] = defaultdict(int)
    for (event_id, _speaker), commitments in busy.items():
        commitments.sort(key=lambda c: c.start)
        for n, a in enumerate(commitments):
            for b in commitments[n + 1:]:
                if b.start >= a.end:
                    break
                if not (a.session_id == b.session_id and (a.chairing or b.chairing)):
                    clashes[event_id] += 1
    return clashes


def programme_problems(organised: sa.Select) -> list[ProgrammeProblems]:
    """The programme problems of the events whose ids ``organised`` selects, for those with any."""
    rows = db.session.execute(sa.select(Event, _room_clashes(), _unscheduled(), _unreleased())
                              .where(Event.id.in_(organised))).all()
    speakers = _speaker_clashes(organised) if rows else {}
    found = [ProgrammeProblems(event, speakers.get(event.id, 0), rooms, unscheduled, unreleased or 0)
             for event, rooms, unscheduled, unreleased in rows]
    return [p for p in found if p.speaker_clashes or p.room_clashes or p.unscheduled or p.unreleased]


def editor_sentences(problems: ProgrammeProblems) -> list[tuple[str, str]]:
    """(sentence, the editor's section it is seen in) for each kind of problem the event has."""
    found = []
    if problems.speaker_clashes:
        found.append((ngettext("The programme has %(num)d speaker clash: a speaker in two places at once",
                               "The programme has %(num)d speaker clashes: speakers in two places at once",
                               problems.speaker_clashes), "warnings-title"))
    if problems.room_clashes:
        found.append((ngettext("The programme has %(num)d room clash: two sessions in one room at once",
                               "The programme has %(num)d room clashes: sessions sharing a room at once",
                               problems.room_clashes), "warnings-title"))
    if problems.unscheduled:
        found.append((ngettext("%(num)d programme item is not scheduled yet",
                               "%(num)d programme items are not scheduled yet", problems.unscheduled),
                      "unscheduled-title"))
    if problems.unreleased:
        found.append((ngettext("%(num)d change to the programme is not released yet",
                               "%(num)d changes to the programme are not released yet", problems.unreleased),
                      "release-title"))
    return found
