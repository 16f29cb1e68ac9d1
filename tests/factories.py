"""Plain factory functions: ``make_user(**overrides)`` and friends. They flush, never commit."""

from __future__ import annotations

import datetime as dt
import itertools

from conference.accounts import users as accounts
from conference.events import setup as event_ops
from conference.events.enums import EventFormat, EventKind, TeamRole
from conference.events.models import EventRole
from conference.extensions import db

DEFAULT_PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_user(*, email: str | None = None, name: str | None = None, password: str = DEFAULT_PASSWORD,
              verified: bool = True, is_admin: bool = False, may_create_events: bool = False, **profile):
    n = next(_counter)
    user = accounts.create_user(
        email=email or f"person{n}@example.org",
        name=name or f"Person {n}",
        password=password,
        verified=verified,
        **profile,
    )
    user.is_admin = is_admin
    user.may_create_events = may_create_events
    db.session.flush()
    return user


def event_fields(**overrides) -> dict:
    n = next(_counter)
    start = overrides.pop("start_date", dt.date.today() + dt.timedelta(days=60))
    fields = {
        "kind": EventKind.SYMPOSIUM,
        "title": f"Technical Symposium {n}",
        "slug": f"symposium-{n}",
        "start_date": start,
        "end_date": start + dt.timedelta(days=2),
        "timezone": "Europe/Zurich",
        "format": EventFormat.VIRTUAL,
        "venue": "",
        "online_details": "Video conference",
        "contact_email": "symposium@example.org",
        "description": "A *technical* symposium.",
    }
    fields.update(overrides)
    return fields


def make_event(*, organiser=None, published: bool = False, **overrides):
    organiser = organiser or make_user(may_create_events=True)
    if not organiser.may_create_events and not organiser.is_admin:
        organiser.may_create_events = True
    event = event_ops.create_event(actor=organiser, **event_fields(**overrides))
    if published:
        event_ops.publish_event(event, actor=organiser)
    db.session.flush()
    return event


def add_role(event, user, role: TeamRole):
    event.roles.append(EventRole(user_id=user.id, role=role))
    db.session.flush()
