"""Writing the audit log."""

from __future__ import annotations

from conference.core.models import AuditEntry
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
