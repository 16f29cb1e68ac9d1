"""What mail to groups holds about a person: the mails they wrote to a group as an organiser
(the messages each recipient got are the outbox's; see conference.mail.personal_data). Erasure
keeps them, written by the erased account."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from conference.core.personal_data import Person, iso
from conference.extensions import db
from conference.group_mail.models import GroupMail

TABLES = ("group_mail",)


def export(user) -> dict:
    mails = db.session.scalars(sa.select(GroupMail).where(GroupMail.created_by_id == user.id).order_by(GroupMail.id))
    return {"group_mails_written": [{"subject": m.subject, "audience": m.audience, "recipients": m.recipients,
                                     "created_at": iso(m.created_at)} for m in mails]}


def erase(user, *, person: Person, actor, now: dt.datetime) -> None:
    """Nothing to remove: an organiser's mail to a group is the event's, and its author the erased account."""
