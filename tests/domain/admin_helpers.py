"""Helpers of the organisers' registration tests: reading the outbox and the audit log."""

from __future__ import annotations

import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.extensions import db
from conference.mail.models import OutboxMessage


def mail_to(template: str) -> list[str]:
    """The addresses ``template`` was queued to, in order."""
    return list(db.session.scalars(sa.select(OutboxMessage.to_address).where(OutboxMessage.template == template)
                                   .order_by(OutboxMessage.id)))


def one_mail(template: str, address: str) -> OutboxMessage:
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == template,
                                                             OutboxMessage.to_address == address)).one()


def actions_on(registration) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_type == "Registration", AuditEntry.object_id == registration.id).order_by(AuditEntry.id)))


def event_actions(event, prefix: str = "registration.") -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.event_id == event.id, AuditEntry.object_type == "Event",
        AuditEntry.action.like(prefix + "%")).order_by(AuditEntry.id)))
