"""The event's outbox as organisers see it: mail held for them to look over (decision
notifications), sent on their word or discarded, and what went out recently."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..enums import MailState
from ..errors import InvalidState, NotAllowed
from ..extensions import db
from ..models import Event, OutboxMessage
from ..models.types import utcnow
from .audit import record

RECENT_LIMIT = 50


def held_messages(event: Event) -> list[OutboxMessage]:
    """The event's held messages, oldest first."""
    return list(db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.event_id == event.id, OutboxMessage.state == MailState.HELD)
        .order_by(OutboxMessage.id)
    ))


def recent_messages(event: Event, *, limit: int = RECENT_LIMIT) -> list[OutboxMessage]:
    """The event's latest messages on their way or gone (queued, sending, sent, failed), newest first."""
    return list(db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.event_id == event.id, OutboxMessage.state != MailState.HELD)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    ))


def _held(event: Event, actor, message_ids) -> list[OutboxMessage]:
    if not event.can_manage(actor):
        raise NotAllowed(_("Only organisers send or discard the event's held mail."))
    stmt = sa.select(OutboxMessage).where(OutboxMessage.event_id == event.id, OutboxMessage.state == MailState.HELD)
    if message_ids is not None:
        ids = [int(i) for i in message_ids]
        if not ids:
            raise InvalidState(_("Choose at least one message."))
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    found = list(db.session.scalars(stmt.order_by(OutboxMessage.id)))
    if not found:
        raise InvalidState(_("There is no held message to act on: it may have been sent or discarded already."))
    return found


def release_held(event: Event, *, actor, message_ids=None) -> int:
    """Queue held messages (all, or those in ``message_ids``) for the worker to send now."""
    messages = _held(event, actor, message_ids)
    now = utcnow()
    for message in messages:
        message.state = MailState.QUEUED
        message.next_attempt_at = now
    db.session.flush()
    db.session.info["mail_queued"] = True
    record("mail.released", actor=actor, obj=None, event=event, count=len(messages),
           message_ids=[m.id for m in messages])
    return len(messages)


def discard_held(event: Event, *, actor, message_ids) -> int:
    """Delete held messages: they are never sent."""
    messages = _held(event, actor, message_ids)
    record("mail.discarded", actor=actor, obj=None, event=event, count=len(messages),
           recipients=[m.to_address for m in messages], subjects=sorted({m.subject for m in messages}))
    for message in messages:
        db.session.delete(message)
    db.session.flush()
    return len(messages)
