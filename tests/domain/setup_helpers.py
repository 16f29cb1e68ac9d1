"""Helpers of the registration set-up tests: an organiser with an event and a form, and
reading what the set-up wrote (mail, audit entries)."""

from __future__ import annotations

import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.events.enums import EventFormat
from conference.extensions import db
from conference.mail.models import OutboxMessage

from .. import factories
from .registration_helpers import make_form


def organised_form(*, format: EventFormat = EventFormat.IN_PERSON, **kwargs):
    """(organiser, form) of a published event."""
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    return organiser, make_form(format=format, organiser=organiser, **kwargs)


def mails(template: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == template)
                                   .order_by(OutboxMessage.id)))


def audit_actions(event) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.event_id == event.id,
                                                                      AuditEntry.action.like("registration.%"))
                                   .order_by(AuditEntry.id)))
