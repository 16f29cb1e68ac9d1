"""Writing the audit log."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.core.personal_data import Person, iso, scrub
from conference.extensions import db


def record(action: str, *, actor, obj=None, event=None, **details) -> AuditEntry:
    """Add an audit entry for ``action`` done by ``actor`` (a User, or None for the system)."""
    # Callers may pass Flask-Login's current_user: record the user behind the proxy.
    obj = getattr(obj, "_get_current_object", lambda: obj)()
    if event is None and obj is not None:
        event = getattr(obj, "event", None)
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        event_id=getattr(event, "id", None),
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        details={k: v for k, v in details.items() if v is not None},
    )
    db.session.add(entry)
    return entry


# People's data (see core.personal_data) ----------------------------------------------------------------

PERSONAL_TABLES = ("audit_entry",)


def personal_data(user) -> dict:
    """What the person did, as the log recorded it: what and when, without the details (which
    may name other people)."""
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id))
    return {"actions": [{"action": e.action, "object_type": e.object_type, "object_id": e.object_id,
                         "event_id": e.event_id, "at": iso(e.created_at)} for e in entries]}


def erase_person(user, *, person: Person, actor, now: dt.datetime) -> None:
    """The log keeps every entry, their actor the erased account; the person's name and address
    are replaced wherever an entry's details mention them."""
    text = sa.cast(AuditEntry.details, sa.Text)
    # Matched as the JSON text stores them (non-ASCII letters escaped), then replaced in Python.
    needles = [json.dumps(value)[1:-1] for value in (person.email, person.name) if value.strip()]
    if not needles:
        return
    for entry in db.session.scalars(sa.select(AuditEntry).where(sa.or_(*(text.contains(n) for n in needles)))):
        entry.details = scrub(dict(entry.details or {}), person)
