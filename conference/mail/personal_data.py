"""What the mail machinery holds about a person: the messages sent (or to be sent) to them, and
their refusals of an event's announcements; for the export and for erasure (see
conference.core.personal_data). Mail templates an organiser edited refer to the account only.

Erasure drops the messages still waiting to go to them (queued or held), and keeps the others
for the outbox's counts, with no address, no name, no body and no attachment; in mail to other
people their name and address are replaced by the account's label and placeholder."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from conference.core.personal_data import Person, iso, scrub
from conference.extensions import db
from conference.mail.enums import MailState
from conference.mail.models import MailOptOut, OutboxMessage

TABLES = ("outbox_message", "mail_template", "mail_opt_out")
WAITING = (MailState.QUEUED, MailState.HELD)


def _messages(user_id: int, email: str | None) -> list[OutboxMessage]:
    match = OutboxMessage.user_id == user_id
    if email:
        match = sa.or_(match, OutboxMessage.to_address == email)
    return list(db.session.scalars(sa.select(OutboxMessage).where(match).order_by(OutboxMessage.id)))


def export(user) -> dict:
    email = user.email if user.is_verified else None
    opt_outs: list[MailOptOut] = list(db.session.scalars(
        sa.select(MailOptOut).where(MailOptOut.email == email).order_by(MailOptOut.id))) if email else []
    return {
        "messages": [{"template": m.template, "to": m.to_address, "subject": m.subject, "body": m.body_text,
                      "state": m.state.value, "created_at": iso(m.created_at), "sent_at": iso(m.sent_at)}
                     for m in _messages(user.id, email)],
        "opt_outs": [{"event_id": o.event_id, "kind": o.kind, "created_at": iso(o.created_at)} for o in opt_outs],
    }


def erase(user, *, person: Person, actor, now: dt.datetime) -> None:
    for message in _messages(user.id, person.owned_email):
        if message.state in WAITING:
            db.session.delete(message)
            continue
        message.to_address, message.to_name = person.placeholder, ""
        message.subject = scrub(message.subject, person)
        message.body_text, message.body_html = "", None
        message.headers = scrub(dict(message.headers or {}), person)
        message.last_error = scrub(message.last_error, person)
        message.attachments = []
    if person.verified:
        db.session.execute(sa.delete(MailOptOut).where(MailOptOut.email == person.email))
    # Mail to others that names them (a discussion's notification, a co-author's invitation).
    needles = [value for value in (person.email, person.name) if value.strip()]
    columns = (OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.body_html, OutboxMessage.to_name)
    naming = sa.or_(*(column.contains(needle) for column in columns for needle in needles))
    for message in db.session.scalars(sa.select(OutboxMessage).where(naming)):
        message.subject, message.body_text = scrub(message.subject, person), scrub(message.body_text, person)
        message.body_html, message.to_name = scrub(message.body_html, person), scrub(message.to_name, person)
