"""The event's outbox as organisers see it: every message in every state, with filters; one
message whole; mail held for them to look over (decision notifications, group mail), edited,
sent on their word or discarded; failed mail queued again.

Messages discarded from the held list are deleted (the audit log keeps who discarded what, to
whom): there is no "discarded" state."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

import nh3
import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import defer, raiseload

from conference.core.audit import record
from conference.core.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from conference.core.types import utcnow
from conference.errors import InvalidState
from conference.events.models import Event
from conference.extensions import db
from conference.group_mail.models import GroupMail
from conference.i18n import default_language
from conference.mail import outbox, registry
from conference.mail import text as mail_text
from conference.mail.enums import MailState
from conference.mail.models import OutboxAttachment, OutboxMessage

PAGE_SIZE = 50


# Reading ---------------------------------------------------------------------------------

def messages_of(event: Event, *, state: MailState | None = None, template: str | None = None,
                group_mail_id: int | None = None, search: str = "", address: str | None = None) -> sa.Select:
    """The event's messages matching the filters, newest first, as a query to read a page of:
    ``search`` is part of the recipient's address or name, ``address`` one whole address
    (any case). The list shows no attachment and no HTML part, so neither is loaded."""
    stmt = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.event_id == event.id)
        .options(raiseload(OutboxMessage.attachments), defer(OutboxMessage.body_html), defer(OutboxMessage.headers))
        .order_by(OutboxMessage.id.desc())
    )
    if state is not None:
        stmt = stmt.where(OutboxMessage.state == state)
    if template:
        stmt = stmt.where(OutboxMessage.template == template)
    if group_mail_id is not None:
        stmt = stmt.where(OutboxMessage.group_mail_id == group_mail_id)
    if search:
        stmt = stmt.where(sa.or_(OutboxMessage.to_address.icontains(search, autoescape=True),
                                 OutboxMessage.to_name.icontains(search, autoescape=True)))
    if address is not None:
        stmt = stmt.where(sa.func.lower(OutboxMessage.to_address) == address.strip().lower())
    return stmt


def counts_by_state(event: Event) -> dict[MailState, int]:
    return outbox.counts_by_state(event=event)


def template_label(key: str) -> str:
    spec = registry.TEMPLATES.get(key)
    return str(spec.label) if spec is not None else key


def templates_used(event: Event) -> list[tuple[str, str]]:
    """The templates of the event's messages, as (key, label), by label."""
    keys = db.session.scalars(
        sa.select(OutboxMessage.template).where(OutboxMessage.event_id == event.id).distinct()
    )
    return sorted(((key, template_label(key)) for key in keys), key=lambda pair: pair[1].lower())


def group_mails_of(event: Event) -> list[GroupMail]:
    """The event's group mails, newest first (to filter the outbox by)."""
    return list(db.session.scalars(
        sa.select(GroupMail).where(GroupMail.event_id == event.id)
        .options(defer(GroupMail.body), defer(GroupMail.filters))
        .order_by(GroupMail.id.desc())
    ))


def group_mail_of(message: OutboxMessage) -> GroupMail | None:
    if message.group_mail_id is None:
        return None
    return db.session.get(GroupMail, message.group_mail_id, options=[defer(GroupMail.body), defer(GroupMail.filters)])


def message_of(event: Event, message_id: int) -> OutboxMessage | None:
    """One message of the event (None for another event's: its existence must not leak)."""
    return db.session.scalar(
        sa.select(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.event_id == event.id)
        .options(raiseload(OutboxMessage.attachments))
    )


@dataclass(frozen=True)
class AttachmentInfo:
    filename: str
    content_type: str
    size: int


def attachments_of(message: OutboxMessage) -> list[AttachmentInfo]:
    """The message's attachments, without their content."""
    rows = db.session.execute(
        sa.select(OutboxAttachment.filename, OutboxAttachment.content_type, sa.func.length(OutboxAttachment.data))
        .where(OutboxAttachment.message_id == message.id)
        .order_by(OutboxAttachment.id)
    )
    return [AttachmentInfo(filename, content_type, size or 0) for filename, content_type, size in rows]


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)


def readable_html(body_html: str | None) -> Markup:
    """The HTML part as content of a page: what is inside its <body>, with what a page of
    ours may not hold taken out: style attributes and remote images, which the Content
    Security Policy refuses, and scripts, which the app never writes. The app wrote and
    escaped the part; this is a second net. (The page also shows the source as it is.)"""
    if not body_html:
        return Markup("")
    match = _BODY.search(body_html)
    inner = match.group(1) if match else body_html
    return Markup(nh3.clean(inner, tags=(ALLOWED_TAGS - {"img"}) | {"div", "span"}, attributes=ALLOWED_ATTRIBUTES,
                            url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer"))


# Held messages ------------------------------------------------------------------------------

def _check_organiser(event: Event, actor) -> None:
    event.require_manager(actor, _("Only organisers look after the event's outbox."))


def _chosen(event: Event, actor, state: MailState, message_ids, *, what, none_left: str) -> list:
    """The event's messages in ``state`` (all, or those in ``message_ids``), for an organiser;
    ``what`` is the column or entity to select. Refused when nothing is chosen or left."""
    _check_organiser(event, actor)
    stmt = sa.select(what).where(OutboxMessage.event_id == event.id, OutboxMessage.state == state)
    if message_ids is not None:
        ids = [int(i) for i in message_ids]
        if not ids:
            raise InvalidState(_("Choose at least one message."))
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    found = list(db.session.scalars(stmt.order_by(OutboxMessage.id)))
    if not found:
        raise InvalidState(none_left)
    return found


def _held(event: Event, actor, message_ids) -> list[OutboxMessage]:
    return _chosen(event, actor, MailState.HELD, message_ids, what=OutboxMessage, none_left=_(
        "There is no held message to act on: it may have been sent or discarded already."))


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


def edit_held(event: Event, message: OutboxMessage, *, actor, subject: str, body_text: str) -> list[str]:
    """Rewrite a held message before it goes: its subject and plain text. The HTML part is
    made again from the new text (escaped: what an organiser types never becomes markup).
    Only while it is held: the change is made on that condition, so a message sent or
    discarded meanwhile by someone else is refused rather than changed. Returns the fields
    that changed."""
    _check_organiser(event, actor)
    subject, text = mail_text.checked(subject, body_text, body_field="body_text", body_max=mail_text.MESSAGE_TEXT_MAX)
    text += "\n"
    changed = [name for name, new in (("subject", subject), ("body_text", text)) if getattr(message, name) != new]
    with force_locale(message.language or default_language()):  # the frame in the message's language
        html = registry.text_to_html(text, subject=subject, event=event)
    # An UPDATE's result is a CursorResult; SQLAlchemy types Session.execute's as Result.
    result = cast(CursorResult, db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.event_id == event.id,
               OutboxMessage.state == MailState.HELD)
        .values(subject=subject, body_text=text, body_html=html)
    ))
    if result.rowcount != 1:
        raise InvalidState(_("This message is no longer held (sent or discarded meanwhile): it cannot be edited."))
    record("mail.edited", actor=actor, obj=message, event=event, fields=changed, to=message.to_address)
    db.session.flush()
    return changed


# Failed messages ------------------------------------------------------------------------------

def retry_failed(event: Event, *, actor, message_ids=None) -> int:
    """Queue the event's failed messages again (all, or those in ``message_ids``), due now and
    with a fresh count of attempts."""
    found = _chosen(event, actor, MailState.FAILED, message_ids, what=OutboxMessage.id, none_left=_(
        "There is no failed message to retry: it may have been retried already."))
    count = outbox.retry_failed(message_ids=found, event_id=event.id)
    db.session.info["mail_queued"] = True
    record("mail.retried", actor=actor, obj=None, event=event, count=count, message_ids=found)
    db.session.flush()
    return count
