"""Retention of the outbox: a sent message's body (and attachments) is removed
RETAIN_OUTBOX_BODIES_DAYS after it was written; the row stays (recipient placeholder aside,
its template, subject, state and times) for the outbox's counts and the organisers' log.
Registered as a periodic job by the privacy area (the mail machinery has no init_app)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from conference.core.audit import record
from conference.core.rows import affected_rows
from conference.core.types import utcnow
from conference.extensions import db
from conference.mail.enums import MailState
from conference.mail.models import OutboxAttachment, OutboxMessage


def remove_old_bodies(*, now: dt.datetime | None = None) -> int:
    """Blank the bodies of messages sent more than the retention ago; how many. Idempotent:
    a blanked message is not counted again. Failed messages keep theirs, to be retried."""
    days = current_app.config["RETAIN_OUTBOX_BODIES_DAYS"]
    if days is None:
        return 0
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    old = sa.select(OutboxMessage.id).where(
        OutboxMessage.state == MailState.SENT, OutboxMessage.created_at < cutoff,
        sa.or_(OutboxMessage.body_text != "", OutboxMessage.body_html.is_not(None),
               OutboxMessage.id.in_(sa.select(OutboxAttachment.message_id))))
    ids = list(db.session.scalars(old))
    if not ids:
        return 0
    db.session.execute(sa.delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(ids))
                       .execution_options(synchronize_session=False))
    count = affected_rows(db.session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(body_text="", body_html=None)
        .execution_options(synchronize_session=False)))
    record("outbox.bodies_removed", actor=None, count=count, retention_days=days)
    db.session.expire_all()
    return count
