"""Shared by the operations kit's tests: outbox rows in a given state and age."""

from __future__ import annotations

import datetime as dt
import uuid

from conference.core.types import utcnow
from conference.extensions import db
from conference.mail.enums import MailState
from conference.mail.models import OutboxMessage


def outbox_message(state: MailState, *, age_seconds: float = 0) -> OutboxMessage:
    created = utcnow() - dt.timedelta(seconds=age_seconds)
    message = OutboxMessage(template="test", to_address="someone@example.org", subject="Hello", body_text="Hi",
                            message_id=f"<{uuid.uuid4().hex}@conference.test>", state=state, created_at=created,
                            next_attempt_at=created)
    db.session.add(message)
    db.session.flush()
    return message
