"""Builders of the group mail and outbox tests: messages queued as a sending queues them, and a
group mail to attach them to."""

from __future__ import annotations

from conference.extensions import db
from conference.group_mail.models import GroupMail
from conference.mail.mailer import queue_mail


def queue(event, address: str, *, name: str = "", subject: str = "News for {recipient_name}",
          body: str = "Hello {recipient_name},\n\nnews from {event_title}.", hold: bool = False,
          group_mail=None, key: str = "group_team", attachments=(), headers=None):
    """A message written for one sending (as group mail is) and queued as the app does."""
    message = queue_mail(key, to=address, to_name=name, event=event, context={}, written=(subject, body),
                         hold=hold, group_mail=group_mail, attachments=attachments, headers=headers)
    db.session.flush()
    return message


def make_group_mail(event, organiser, *, subject: str, held: bool = True) -> GroupMail:
    group = GroupMail(event_id=event.id, audience="team", filters={}, held=held, subject=subject,
                      body="Hello {recipient_name}", created_by_id=organiser.id)
    db.session.add(group)
    db.session.flush()
    return group
