"""The organisers' programme: rooms, speakers, sessions and their items. The editor's time grid
is built in domain.programme_grid, the warnings shown while editing in domain.programme_warnings.
Nothing here is public: the public sees only released snapshots (see domain.releases and
domain.agenda_snapshot).

Times arrive as aware datetimes (a naive one is read in the event's zone) and are stored in UTC.
Sessions and items carry a version (SQLAlchemy's version_id_col): a save based on an older
version is refused, so two organisers never silently overwrite each other's edits.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from typing import overload

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from conference.agenda.enums import ItemKind, SessionKind
from conference.agenda.languages import cleaned_translations, item_language, translation_languages
from conference.agenda.models import (
    AgendaItem,
    AgendaItemSpeaker,
    AgendaSession,
    Room,
    Speaker,
    cleaned_links,
)
from conference.cfp.enums import SubmissionState
from conference.cfp.models import Submission
from conference.core import audit
from conference.core.bounds import EARLIEST_DATE, LATEST_DATE, clamped, date_in_range, id_or_none
from conference.core.links import check_web_address
from conference.core.timezones import is_valid_timezone
from conference.errors import AlreadyExists, DomainError, InvalidState
from conference.events.models import Event, Track
from conference.extensions import db
from conference.i18n import format_date

SCHEDULED_STATES = (SubmissionState.ACCEPTED, SubmissionState.CONFIRMED)


# Shared checks ------------------------------------------------------------------------------------

def require_organiser(event: Event, actor) -> None:
    event.require_manager(actor, _("Only the event's organisers may edit the programme."))


@overload
def _utc(value: dt.datetime, event: Event, field: str = ...) -> dt.datetime: ...
@overload
def _utc(value: None, event: Event, field: str = ...) -> None: ...
def _utc(value: dt.datetime | None, event: Event, field: str = "starts_at") -> dt.datetime | None:
    """``value`` in UTC (a naive one read in the event's zone), refused outside the dates the app
    accepts (see conference.core.bounds), where converting it could overflow."""
    if value is None:
        return None
    if not date_in_range(value):
        raise DomainError(_("Choose a time between %(first)s and %(last)s.", first=format_date(EARLIEST_DATE, "long"),
                            last=format_date(LATEST_DATE, "long")), field=field)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zoneinfo.ZoneInfo(event.timezone))
    return value.astimezone(dt.UTC)


def event_bounds(event: Event) -> tuple[dt.datetime, dt.datetime]:
    """The event's days as UTC instants: from midnight of its first day to midnight after its
    last, in the event's zone."""
    zone = zoneinfo.ZoneInfo(event.timezone)
    # Clamped: an event stored with dates beyond the accepted range (year 9999) must not overflow.
    start = dt.datetime.combine(clamped(event.start_date), dt.time(), tzinfo=zone)
    end = dt.datetime.combine(clamped(event.end_date) + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _within_event(event: Event, start: dt.datetime, end: dt.datetime) -> bool:
    first, last = event_bounds(event)
    return first <= start and end <= last


def _outside_days_message(event: Event) -> str:
    return _("The event runs from %(start)s to %(end)s (%(zone)s): choose a time on those days.",
             start=format_date(event.start_date, "long"), end=format_date(event.end_date, "long"),
             zone=event.timezone)


def _check_version(obj, expected_version: int | None, label: str) -> None:
    if expected_version is not None and obj is not None and obj.version != expected_version:
        raise DomainError(_("%(what)s was changed by someone else meanwhile (reload to see it).", what=label))


def _flush(label: str) -> None:
    """Flush, turning a concurrent update (the row's version moved on under us) into the same
    refusal as a stale form."""
    try:
        db.session.flush()
    except StaleDataError as error:
        raise DomainError(_("%(what)s was changed by someone else meanwhile (reload to see it).",
                            what=label)) from error


def _load_choice(model, event: Event, ident: int | None, field_name: str):
    """The row chosen in ``field_name`` (None when nothing is chosen); a DomainError on that
    field when it does not exist or belongs to another event (as cfp's _load_choice)."""
    if ident is None:
        return None
    key = id_or_none(ident)  # a tampered form's number beyond the column is no row (not a database error)
    obj = db.session.get(model, key) if key is not None else None
    if obj is None or obj.event_id != event.id:
        raise DomainError(_("Choose one of this event's entries."), field=field_name)
    return obj


# Rooms --------------------------------------------------------------------------------------------

def rooms_of(event: Event) -> list[Room]:
    return list(db.session.scalars(sa.select(Room).where(Room.event_id == event.id)
                                   .order_by(Room.position, Room.name, Room.id)))


def save_room(event: Event, *, actor, room: Room | None = None, name: str, capacity: int | None = None,
              is_virtual: bool = False, join_link: str = "", position: int | None = None,
              name_translations: dict[str, str] | None = None) -> Room:
    """Names are unique per event; a virtual room needs its join link, an http(s) address. Its
    name may be given in the event's other languages too."""
    require_organiser(event, actor)
    name = name.strip()
    if not name:
        raise DomainError(_("Give the room a name."), field="name")
    translations = cleaned_translations(name_translations, field="name_translations",
                                        languages=event.other_languages, max_length=100, one_line=True)
    if capacity is not None and capacity < 0:
        raise DomainError(_("The capacity cannot be negative."), field="capacity")
    join_link = check_web_address(join_link, field="join_link")
    if is_virtual and not join_link:
        raise DomainError(_("A virtual room needs the link participants use to join."), field="join_link")
    clash = db.session.scalar(sa.select(Room.id).where(Room.event_id == event.id, Room.name == name,
                                                       Room.id != (room.id if room else -1)))
    if clash is not None:
        raise AlreadyExists(_("There is already a room called %(name)s.", name=name), field="name")
    if room is None:
        if position is None:
            position = (db.session.scalar(sa.select(sa.func.max(Room.position))
                                          .where(Room.event_id == event.id)) or 0) + 1
        room = Room(event_id=event.id)
        db.session.add(room)
    room.name, room.capacity, room.is_virtual = name, capacity, is_virtual
    room.join_link = join_link if is_virtual else ""
    if translations is not None:
        room.name_translations = translations
    if position is not None:
        room.position = position
    db.session.flush()
    audit.record("agenda.room_saved", actor=actor, obj=room, event=event, name=name)
    return room


def delete_room(room: Room, *, actor, event: Event) -> None:
    """A room some session uses is kept: move the sessions first."""
    require_organiser(event, actor)
    used = db.session.scalar(sa.select(sa.func.count()).select_from(AgendaSession)
                             .where(AgendaSession.room_id == room.id))
    if used:
        raise InvalidState(_("%(name)s is used by %(count)d session(s): move them to another room first.",
                             name=room.name, count=used))
    audit.record("agenda.room_deleted", actor=actor, obj=room, event=event, name=room.name)
    db.session.delete(room)
    db.session.flush()


# Speakers -----------------------------------------------------------------------------------------

def speakers_of(event: Event) -> list[Speaker]:
    return list(db.session.scalars(sa.select(Speaker).where(Speaker.event_id == event.id)
                                   .order_by(Speaker.name, Speaker.id)))


def save_speaker(event: Event, *, actor, speaker: Speaker | None = None, name: str, email: str = "",
                 affiliation: str = "", bio: str = "", timezone: str = "UTC",
                 availability: Sequence[tuple[dt.datetime, dt.datetime]] = ()) -> Speaker:
    """Availability is a list of (start, end) windows; none means any time."""
    require_organiser(event, actor)
    if not name.strip():
        raise DomainError(_("Give the speaker's name."), field="name")
    if not is_valid_timezone(timezone):
        raise DomainError(_("Choose a time zone from the list, e.g. Europe/Zurich."), field="timezone")
    windows = []
    for start, end in availability:
        start, end = _utc(start, event, "availability"), _utc(end, event, "availability")
        if end <= start:
            raise DomainError(_("Each availability window must end after it starts."), field="availability")
        windows.append([start.isoformat(), end.isoformat()])
    if speaker is None:
        speaker = Speaker(event_id=event.id)
        db.session.add(speaker)
    speaker.name, speaker.email = name.strip(), (email or "").strip().lower()
    speaker.affiliation, speaker.bio, speaker.timezone = affiliation.strip(), bio.strip(), timezone
    speaker.availability = sorted(windows)
    db.session.flush()
    audit.record("agenda.speaker_saved", actor=actor, obj=speaker, event=event, name=speaker.name)
    return speaker


def speakers_from_submission(submission: Submission, *, known: dict[str, Speaker] | None = None) -> list[Speaker]:
    """Speakers for a submission's presenting authors (all its authors when none is marked as
    presenting), reusing the event's speaker with the same email. ``known`` maps emails to the
    event's speakers, for callers that do many submissions at once."""
    if known is None:
        known = {s.email: s for s in db.session.scalars(
            sa.select(Speaker).where(Speaker.event_id == submission.event_id, Speaker.email != ""))}
    authors = [a for a in submission.authors if a.is_presenter] or list(submission.authors)
    speakers = []
    for author in authors:
        email = author.email.strip().lower()
        speaker = known.get(email) if email else None
        if speaker is None:
            speaker = Speaker(event_id=submission.event_id, user_id=author.user_id, name=author.name, email=email,
                              affiliation=author.affiliation,
                              timezone=getattr(author.user, "timezone", None) or "UTC")
            db.session.add(speaker)
            if email:
                known[email] = speaker
        if speaker not in speakers:
            speakers.append(speaker)
    return speakers


# Sessions -----------------------------------------------------------------------------------------

def sessions_of(event: Event) -> list[AgendaSession]:
    """The event's sessions with their items, speakers and chairs, in a fixed number of queries."""
    return list(db.session.scalars(
        sa.select(AgendaSession).where(AgendaSession.event_id == event.id)
        .options(selectinload(AgendaSession.items).selectinload(AgendaItem.speaker_links),
                 selectinload(AgendaSession.chairs))
        .order_by(AgendaSession.starts_at, AgendaSession.id)))


def _session_times(event: Event, starts_at: dt.datetime | None,
                   ends_at: dt.datetime | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    starts_at, ends_at = _utc(starts_at, event), _utc(ends_at, event, "ends_at")
    if starts_at is None and ends_at is None:
        return None, None
    if starts_at is None or ends_at is None:
        raise DomainError(_("Give both the start and the end, or neither to leave the session unscheduled."),
                          field="starts_at" if starts_at is None else "ends_at")
    if ends_at <= starts_at:
        raise DomainError(_("The session must end after it starts."), field="ends_at")
    if not _within_event(event, starts_at, ends_at):
        raise DomainError(_outside_days_message(event), field="starts_at")
    return starts_at, ends_at


def save_session(event: Event, *, actor, session: AgendaSession | None = None, title: str,
                 kind: SessionKind = SessionKind.PARALLEL, track_id: int | None = None, room_id: int | None = None,
                 starts_at: dt.datetime | None = None, ends_at: dt.datetime | None = None, description: str = "",
                 chair_ids: Sequence[int] = (), expected_version: int | None = None,
                 title_translations: dict[str, str] | None = None,
                 description_translations: dict[str, str] | None = None) -> AgendaSession:
    """A session lies within the event's days and ends after it starts; a save based on an older
    version of it is refused. Its title and description may be given in the event's other
    languages too."""
    require_organiser(event, actor)
    label = session.title if session else title
    _check_version(session, expected_version, label)
    if not title.strip():
        raise DomainError(_("Give the session a title."), field="title")
    titles = cleaned_translations(title_translations, field="title_translations", languages=event.other_languages,
                                  max_length=300, one_line=True)
    descriptions = cleaned_translations(description_translations, field="description_translations",
                                        languages=event.other_languages, max_length=20000)
    _load_choice(Track, event, track_id, "track_id")
    _load_choice(Room, event, room_id, "room_id")
    starts_at, ends_at = _session_times(event, starts_at, ends_at)
    chairs = [_load_choice(Speaker, event, i, "chair_ids") for i in dict.fromkeys(chair_ids)]
    if session is None:
        session = AgendaSession(event_id=event.id)
        db.session.add(session)
    session.title, session.kind, session.description = title.strip(), SessionKind(kind), description.strip()
    session.track_id, session.room_id = track_id, room_id
    session.starts_at, session.ends_at = starts_at, ends_at
    session.chairs = chairs
    if titles is not None:
        session.title_translations = titles
    if descriptions is not None:
        session.description_translations = descriptions
    _flush(label)
    audit.record("agenda.session_saved", actor=actor, obj=session, event=event, title=session.title)
    return session


def move_session(session: AgendaSession, *, actor, room_id: int | None, starts_at: dt.datetime,
                 ends_at: dt.datetime, expected_version: int | None = None) -> AgendaSession:
    """Moves or resizes the session (within the event's days), and its items with it (each keeps
    its offset from the session's start); a move based on an older version of it is refused."""
    event = db.session.get_one(Event, session.event_id)
    require_organiser(event, actor)
    _check_version(session, expected_version, session.title)
    _load_choice(Room, event, room_id, "room_id")
    new_start, new_end = _session_times(event, starts_at, ends_at)
    if new_start is None:
        raise DomainError(_("Give the session's new start and end."), field="starts_at")
    if session.starts_at is not None:
        shift = new_start - session.starts_at
        for item in session.items:
            if item.starts_at is not None and shift:
                item.starts_at = item.starts_at + shift
    session.room_id, session.starts_at, session.ends_at = room_id, new_start, new_end
    _flush(session.title)
    audit.record("agenda.session_moved", actor=actor, obj=session, event=event, starts_at=new_start.isoformat(),
                 room_id=room_id)
    return session


# Items --------------------------------------------------------------------------------------------

def unscheduled_items(event: Event) -> list[AgendaItem]:
    return list(db.session.scalars(
        sa.select(AgendaItem).where(AgendaItem.event_id == event.id, AgendaItem.starts_at.is_(None))
        .options(selectinload(AgendaItem.speaker_links), selectinload(AgendaItem.submission))  # its track
        .order_by(AgendaItem.title, AgendaItem.id)))


def add_submissions(event: Event, *, actor) -> list[AgendaItem]:
    """An unscheduled talk for every accepted or confirmed submission not yet in the programme,
    with its type's default duration and its presenting authors as speakers. A talk takes its
    submission's title and abstract as they are now, with their language and translations."""
    require_organiser(event, actor)
    submissions = db.session.scalars(
        sa.select(Submission)
        .outerjoin(AgendaItem, AgendaItem.submission_id == Submission.id)
        .where(Submission.event_id == event.id, Submission.state.in_(SCHEDULED_STATES), AgendaItem.id.is_(None))
        .options(selectinload(Submission.authors), selectinload(Submission.type))
        .order_by(Submission.id)).all()
    known = {s.email: s for s in db.session.scalars(
        sa.select(Speaker).where(Speaker.event_id == event.id, Speaker.email != ""))}
    items = []
    for submission in submissions:
        speakers = speakers_from_submission(submission, known=known)
        item = AgendaItem(event_id=event.id, submission_id=submission.id, kind=ItemKind.TALK, title=submission.title,
                          abstract=submission.abstract, language=submission.language,
                          duration_minutes=submission.type.default_duration if submission.type else 20)
        item.title_translations = submission.title_translations
        item.abstract_translations = submission.abstract_translations
        db.session.add(item)
        db.session.flush()
        item.speaker_links = [AgendaItemSpeaker(item_id=item.id, speaker_id=s.id, position=n)
                              for n, s in enumerate(speakers)]
        items.append(item)
    db.session.flush()
    audit.record("agenda.submissions_added", actor=actor, event=event, count=len(items))
    return items


def save_item(event: Event, *, actor, item: AgendaItem | None = None, title: str, abstract: str = "",
              kind: ItemKind = ItemKind.OTHER, speaker_ids: Sequence[int] = (), duration: int = 20,
              expected_version: int | None = None, language: str | None = None,
              title_translations: dict[str, str] | None = None,
              abstract_translations: dict[str, str] | None = None, subtitle: str | None = None,
              subtitle_translations: dict[str, str] | None = None, description: str | None = None,
              description_translations: dict[str, str] | None = None,
              links: Sequence[dict] | None = None) -> AgendaItem:
    """A free item (keynote, panel, opening...) or an edit of any item; its speakers are the
    event's speakers, in the order given. Its title, subtitle, abstract and description are
    written in its language (see languages.item_language) and may be given in the event's other languages too;
    its links are checked web addresses of a known kind (see models.cleaned_links). None: the
    subtitle, description or links stay as they are."""
    require_organiser(event, actor)
    label = item.title if item else title
    _check_version(item, expected_version, label)
    if not title.strip():
        raise DomainError(_("Give the item a title."), field="title")
    if duration is None or duration <= 0:
        raise DomainError(_("The duration must be at least one minute."), field="duration")
    language = item_language(event, item, language)
    others = translation_languages(event, language)
    titles = cleaned_translations(title_translations, field="title_translations", languages=others, max_length=300,
                                  one_line=True)
    abstracts = cleaned_translations(abstract_translations, field="abstract_translations", languages=others,
                                     max_length=20000)
    subtitles = cleaned_translations(subtitle_translations, field="subtitle_translations", languages=others,
                                     max_length=300, one_line=True)
    descriptions = cleaned_translations(description_translations, field="description_translations",
                                        languages=others, max_length=20000)
    cleaned = cleaned_links(links) if links is not None else None
    speakers = [_load_choice(Speaker, event, i, "speaker_ids") for i in dict.fromkeys(speaker_ids)]
    if item is None:
        item = AgendaItem(event_id=event.id)
        db.session.add(item)
    item.title, item.abstract, item.kind = title.strip(), abstract.strip(), ItemKind(kind)
    item.duration_minutes, item.language = duration, language
    if subtitle is not None:
        item.subtitle = subtitle.strip()
    if description is not None:
        item.description = description.strip()
    if cleaned is not None:
        item.links = cleaned
    # A text's translation into the item's own language goes (it was another language before).
    main = {language or event.default_language: ""}
    item.title_translations = {**(titles or {}), **main}
    item.abstract_translations = {**(abstracts or {}), **main}
    item.subtitle_translations = {**(subtitles or {}), **main}
    item.description_translations = {**(descriptions or {}), **main}
    if item.id is None:
        db.session.flush()
    item.speaker_links = [AgendaItemSpeaker(item_id=item.id, speaker_id=s.id, position=n)
                          for n, s in enumerate(speakers)]
    _flush(label)
    audit.record("agenda.item_saved", actor=actor, obj=item, event=event, title=item.title)
    return item


def place_item(item: AgendaItem, *, actor, session: AgendaSession, starts_at: dt.datetime | None = None,
               expected_version: int | None = None) -> AgendaItem:
    """Puts the item into a scheduled session, at ``starts_at`` or, without one, right after the
    session's last item. A start outside the event's days is refused; one outside the session
    only warned about."""
    event = db.session.get_one(Event, item.event_id)
    require_organiser(event, actor)
    _check_version(item, expected_version, item.title)
    if session is None or session.event_id != event.id:
        raise DomainError(_("Choose one of this event's sessions."), field="session_id")
    if session.starts_at is None:
        raise DomainError(_("%(session)s has no time yet: schedule the session first.", session=session.title),
                          field="session_id")
    if starts_at is None:
        ends = [end for i in session.items if i.id != item.id and (end := i.ends_at) is not None]
        starts_at = max([*ends, session.starts_at])
    starts_at = _utc(starts_at, event)
    if not _within_event(event, starts_at, starts_at + dt.timedelta(minutes=item.duration_minutes)):
        raise DomainError(_outside_days_message(event), field="starts_at")
    item.session_id, item.starts_at = session.id, starts_at
    item.session = session
    _flush(item.title)
    audit.record("agenda.item_placed", actor=actor, obj=item, event=event, session_id=session.id,
                 starts_at=starts_at.isoformat())
    return item


def unschedule_item(item: AgendaItem, *, actor, expected_version: int | None = None) -> AgendaItem:
    event = db.session.get_one(Event, item.event_id)
    require_organiser(event, actor)
    _check_version(item, expected_version, item.title)
    item.session_id, item.starts_at, item.session = None, None, None
    _flush(item.title)
    audit.record("agenda.item_unscheduled", actor=actor, obj=item, event=event)
    return item
