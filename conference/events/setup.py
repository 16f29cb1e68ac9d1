"""Events: creating, editing, publishing and listing them."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, lazyload

from conference.core.audit import record
from conference.core.bounds import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_EVENT_DAYS,
    date_in_range,
)
from conference.core.models import AuditEntry
from conference.core.timezones import is_valid_timezone
from conference.core.translations import clean_translations
from conference.core.types import utcnow
from conference.errors import DomainError, InvalidState, NotAllowed, ValidationFailed
from conference.events.enums import EventFormat, EventKind, EventStatus, TeamRole
from conference.events.models import Event, EventRole, Series
from conference.extensions import db
from conference.i18n import default_language, format_date, languages, supported

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
# Paths under /events/ that a slug must not shadow.
RESERVED_SLUGS = frozenset({"new", "mine", "admin", "api", "static"})

EDITABLE_FIELDS = (
    "kind", "title", "slug", "start_date", "end_date", "timezone", "format",
    "venue", "online_details", "contact_email", "description", "default_language", "languages",
    "title_translations", "description_translations", "series_id",
)
# Settings an event may be created without: the site's default language, only that language,
# no translations.
OPTIONAL_FIELDS = frozenset({"default_language", "languages", "title_translations", "description_translations",
                             "series_id"})


def _clean(values: dict) -> dict:
    """The submitted values in the form they are stored in; a wrong kind or format is refused."""
    values = dict(values)
    for name in ("venue", "online_details", "contact_email", "description"):
        values[name] = (values.get(name) or "").strip()
    # One line: the title also goes into mail subjects.
    values["title"] = " ".join((values.get("title") or "").split())
    values["slug"] = (values.get("slug") or "").strip().lower()
    for name, enum_class in (("kind", EventKind), ("format", EventFormat)):
        try:
            values[name] = enum_class(values[name])
        except ValueError as exc:
            raise DomainError(_("Choose one of the options."), field=name) from exc
    values["default_language"] = values.get("default_language") or default_language()
    if not supported(values["default_language"]):
        raise DomainError(_("Choose one of the languages offered."), field="default_language")
    values["languages"] = _event_languages(values["default_language"], values.get("languages"))
    others = values["languages"][1:]
    values["title_translations"] = clean_translations(values.get("title_translations"), field="title_translations",
                                                      languages=others, max_length=200, one_line=True)
    values["description_translations"] = clean_translations(
        values.get("description_translations"), field="description_translations", languages=others,
        max_length=50000)
    if values.get("series_id") is not None and db.session.get(Series, values["series_id"]) is None:
        raise DomainError(_("Choose one of the options."), field="series_id")
    return values


def _event_languages(main: str, chosen) -> list[str]:
    """The event's languages: its default language first, then the others chosen, in the site's
    order; a language the site does not offer is refused."""
    chosen = set(chosen or ())
    if any(not supported(code) for code in chosen):
        raise DomainError(_("Choose one of the languages offered."), field="languages")
    return [main] + [code for code in languages() if code in chosen and code != main]


def _validate(values: dict, *, exclude_id: int | None) -> None:
    """Refuse the values, every problem at once, when they break a rule (event_problems)."""
    problems = event_problems(values, exclude_id=exclude_id)
    if problems:
        raise ValidationFailed(problems)


def event_problems(values: dict, *, exclude_id: int | None) -> dict[str, str]:
    """What is wrong with an event's values, by field: every rule each event keeps, checked before
    anything is changed (the database would refuse a taken slug or reversed dates only at flush, as
    an error page). Its dates lie in the range the app accepts and span at most MAX_EVENT_DAYS
    (conference.core.bounds): its pages list every day, and compute with each.

    A value the form already refused is None: the rules about it wait, the others are all
    checked, so a page can show every problem after one submit."""
    problems: dict[str, str] = {}
    if not (values.get("title") or "").strip() and values.get("title") is not None:
        problems["title"] = _("Give the event a title.")
    slug = (values.get("slug") or "").strip().lower()
    if slug and (not SLUG_RE.match(slug) or slug in RESERVED_SLUGS):
        problems["slug"] = _("Use lower-case letters, digits and hyphens (e.g. symposium-2027), "
                             "not starting or ending with a hyphen.")
    elif slug:
        taken = sa.select(Event.id).where(Event.slug == slug)
        if exclude_id is not None:
            taken = taken.where(Event.id != exclude_id)
        if db.session.scalar(taken) is not None:
            problems["slug"] = _("Another event already uses this address. Choose a different one.")
    start, end = values.get("start_date"), values.get("end_date")
    for name, day in (("start_date", start), ("end_date", end)):
        if day is not None and not date_in_range(day):
            problems[name] = _("Choose a date from %(first)s to %(last)s.", first=format_date(EARLIEST_DATE, "long"),
                               last=format_date(LATEST_DATE, "long"))
    if start is not None and end is not None and not problems.keys() & {"start_date", "end_date"}:
        if end < start:
            problems["end_date"] = _("The end date must be on or after the start date.")
        elif (end - start).days >= MAX_EVENT_DAYS:
            problems["end_date"] = _("An event lasts at most %(days)d days. Shorten it, or create one event per part.",
                                     days=MAX_EVENT_DAYS)
    if values.get("timezone") is not None and not is_valid_timezone(values["timezone"]):
        problems["timezone"] = _("Choose a time zone from the list, e.g. Europe/Zurich.")
    in_person = values.get("format") in (EventFormat.IN_PERSON, EventFormat.HYBRID,
                                         EventFormat.IN_PERSON.value, EventFormat.HYBRID.value)
    if in_person and not (values.get("venue") or "").strip():
        problems["venue"] = _("Give the venue of an in-person or hybrid event.")
    if values.get("contact_email"):
        try:
            values["contact_email"] = validate_email(values["contact_email"].strip(),
                                                     check_deliverability=False).normalized
        except EmailNotValidError:
            problems["contact_email"] = _("Enter a valid email address.")
    elif values.get("contact_email") is not None:
        problems["contact_email"] = _("Enter a valid email address.")
    return problems


def create_event(*, actor, **fields) -> Event:
    """Create a draft event; its creator becomes its first organiser."""
    if not actor.can_create_event():
        raise NotAllowed(_("You do not have the right to create events. Ask a site administrator."))
    values = _clean({name: fields.get(name) if name in OPTIONAL_FIELDS else fields[name] for name in EDITABLE_FIELDS})
    _validate(values, exclude_id=None)
    event = Event(status=EventStatus.DRAFT, created_by_id=actor.id, **values)
    event.roles.append(EventRole(user_id=actor.id, role=TeamRole.ORGANISER))
    db.session.add(event)
    db.session.flush()
    record("event.created", actor=actor, obj=event, event=event, title=event.title)
    return event


def update_event(event: Event, *, actor, **fields) -> Event:
    """Change an event's settings; nothing changes unless every rule holds."""
    event.require_manager(actor, _("Only the event's organisers can change it."))
    values = _clean({name: fields.get(name, getattr(event, name)) for name in EDITABLE_FIELDS})
    _validate(values, exclude_id=event.id)
    changed = sorted(name for name in EDITABLE_FIELDS if getattr(event, name) != values[name])
    for name in changed:
        setattr(event, name, values[name])
    db.session.flush()
    if changed:
        record("event.updated", actor=actor, obj=event, event=event, fields=changed)
    return event


def publish_event(event: Event, *, actor) -> None:
    event.require_manager(actor, _("Only the event's organisers can publish it."))
    if event.is_published:
        raise InvalidState(_("The event is already published."))
    event.status = EventStatus.PUBLISHED
    event.published_at = utcnow()
    record("event.published", actor=actor, obj=event, event=event)
    db.session.flush()


def unpublish_event(event: Event, *, actor) -> None:
    event.require_manager(actor, _("Only the event's organisers can unpublish it."))
    if not event.is_published:
        raise InvalidState(_("The event is not published."))
    event.status = EventStatus.DRAFT
    record("event.unpublished", actor=actor, obj=event, event=event)
    db.session.flush()


def published_events(*, today: dt.date) -> tuple[list[Event], list[Event]]:
    """Published events split into (upcoming or running, soonest first) and (past, latest first)."""
    published = Event.status == EventStatus.PUBLISHED
    # Lists show no team: skip the roles (and their people) that Event loads by default.
    listing = sa.select(Event).where(published).options(lazyload(Event.roles))
    upcoming = db.session.scalars(
        listing.where(Event.end_date >= today).order_by(Event.start_date, Event.title)
    ).all()
    past = db.session.scalars(
        listing.where(Event.end_date < today).order_by(Event.start_date.desc(), Event.title).limit(50)
    ).all()
    return list(upcoming), list(past)


def events_of(user) -> list[Event]:
    """Events in which ``user`` holds a team role, newest first."""
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(Event.id.in_(sa.select(EventRole.event_id).where(EventRole.user_id == user.id)))
            .options(lazyload(Event.roles))
            .order_by(Event.start_date.desc(), Event.title)
        )
    )


def audit_log_of(event: Event) -> sa.Select:
    """The event's audit entries with who made them, newest first (for paging)."""
    return (
        sa.select(AuditEntry)
        .where(AuditEntry.event_id == event.id)
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.id.desc())
    )
