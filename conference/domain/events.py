"""Events: creating, editing, publishing and listing them."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from flask_babel import gettext as _

from ..enums import EventFormat, EventKind, EventStatus, TeamRole
from ..errors import AlreadyExists, DomainError, InvalidState, NotAllowed
from ..extensions import db
from ..models import Event, EventRole
from ..models.types import utcnow
from ..timezones import is_valid_timezone
from .audit import record

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
# Paths under /events/ that a slug must not shadow.
RESERVED_SLUGS = frozenset({"new", "mine", "admin", "api", "static"})

EDITABLE_FIELDS = (
    "kind", "title", "slug", "start_date", "end_date", "timezone", "format",
    "venue", "online_details", "contact_email", "description",
)


def _validate(event: Event, *, exclude_id: int | None) -> None:
    if not SLUG_RE.match(event.slug or "") or event.slug in RESERVED_SLUGS:
        raise DomainError(
            _("Use lower-case letters, digits and hyphens (e.g. symposium-2027), not starting or ending with a hyphen."),
            field="slug",
        )
    taken = sa.select(Event.id).where(Event.slug == event.slug)
    if exclude_id is not None:
        taken = taken.where(Event.id != exclude_id)
    if db.session.scalar(taken) is not None:
        raise AlreadyExists(_("Another event already uses this address. Choose a different one."), field="slug")
    if event.end_date < event.start_date:
        raise DomainError(_("The end date must be on or after the start date."), field="end_date")
    if not is_valid_timezone(event.timezone):
        raise DomainError(_("Choose a time zone from the list, e.g. Europe/Zurich."), field="timezone")
    if event.format in (EventFormat.IN_PERSON, EventFormat.HYBRID) and not (event.venue or "").strip():
        raise DomainError(_("Give the venue of an in-person or hybrid event."), field="venue")


def create_event(*, actor, **fields) -> Event:
    """Create a draft event; its creator becomes its first organiser."""
    if not actor.can_create_event():
        raise NotAllowed(_("You do not have the right to create events. Ask a site administrator."))
    event = Event(status=EventStatus.DRAFT, created_by_id=actor.id)
    for name in EDITABLE_FIELDS:
        setattr(event, name, fields[name])
    event.kind = EventKind(event.kind)
    event.format = EventFormat(event.format)
    _validate(event, exclude_id=None)
    event.roles.append(EventRole(user_id=actor.id, role=TeamRole.ORGANISER))
    db.session.add(event)
    db.session.flush()
    record("event.created", actor=actor, obj=event, event=event, title=event.title)
    return event


def update_event(event: Event, *, actor, **fields) -> Event:
    if not event.can_manage(actor):
        raise NotAllowed(_("Only the event's organisers can change it."))
    changed = {}
    for name in EDITABLE_FIELDS:
        if name in fields and getattr(event, name) != fields[name]:
            changed[name] = str(fields[name]) if not isinstance(fields[name], str) else fields[name]
            setattr(event, name, fields[name])
    _validate(event, exclude_id=event.id)
    db.session.flush()
    if changed:
        record("event.updated", actor=actor, obj=event, event=event, fields=sorted(changed))
    return event


def publish_event(event: Event, *, actor) -> None:
    if not event.can_manage(actor):
        raise NotAllowed(_("Only the event's organisers can publish it."))
    if event.is_published:
        raise InvalidState(_("The event is already published."))
    event.status = EventStatus.PUBLISHED
    event.published_at = utcnow()
    record("event.published", actor=actor, obj=event, event=event)
    db.session.flush()


def unpublish_event(event: Event, *, actor) -> None:
    if not event.can_manage(actor):
        raise NotAllowed(_("Only the event's organisers can unpublish it."))
    if not event.is_published:
        raise InvalidState(_("The event is not published."))
    event.status = EventStatus.DRAFT
    record("event.unpublished", actor=actor, obj=event, event=event)
    db.session.flush()


def published_events(*, today: dt.date) -> tuple[list[Event], list[Event]]:
    """Published events split into (upcoming or running, soonest first) and (past, latest first)."""
    published = Event.status == EventStatus.PUBLISHED
    upcoming = db.session.scalars(
        sa.select(Event).where(published, Event.end_date >= today).order_by(Event.start_date, Event.title)
    ).all()
    past = db.session.scalars(
        sa.select(Event).where(published, Event.end_date < today).order_by(Event.start_date.desc()).limit(50)
    ).all()
    return list(upcoming), list(past)


def events_of(user) -> list[Event]:
    """Events in which ``user`` holds a team role, newest first."""
    return list(
        db.session.scalars(
            sa.select(Event)
            .join(EventRole, EventRole.event_id == Event.id)
            .where(EventRole.user_id == user.id)
            .distinct()
            .order_by(Event.start_date.desc())
        )
    )
