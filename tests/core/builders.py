"""Readers every area's tests share: the audit log and row counts."""

from __future__ import annotations

import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.extensions import db


def audit_actions(event, prefix: str = "") -> list[str]:
    """The actions written to ``event``'s audit log, oldest first; only those starting with
    ``prefix`` when one is given (``"registration."``)."""
    stmt = sa.select(AuditEntry.action).where(AuditEntry.event_id == event.id)
    if prefix:
        stmt = stmt.where(AuditEntry.action.like(prefix + "%"))
    return list(db.session.scalars(stmt.order_by(AuditEntry.id)))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
