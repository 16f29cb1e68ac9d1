"""Composing mail: ``queue_mail`` renders a named template (conference/mail_templates) into an
outbox row in the current transaction; ``build_message`` turns a row into the message the
worker hands to Flask-Mail."""

from __future__ import annotations

import email.generator
import email.policy
import io
import secrets
import sys
from email.utils import make_msgid, parseaddr

import flask_mail
import sqlalchemy as sa
from flask import current_app

from .. import mail_templates
from ..enums import MailState
from ..extensions import db
from ..models import MailTemplate, OutboxAttachment, OutboxMessage

TEMPLATE_CACHE = "mail_template_text"


def _sender_domain() -> str:
    address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    return address.rpartition("@")[2] or "localhost"


def template_text(spec, event) -> tuple[str, str]:
    """The subject and body ``spec`` is sent with for ``event``: the organisers' version, else
    the default. Looked up once per event, template and database session, so a release that
    writes hundreds of mails asks once."""
    if event is None or not spec.per_event:
        return str(spec.subject), str(spec.body)
    cache = db.session.info.setdefault(TEMPLATE_CACHE, {})
    key = (event.id, spec.key)
    if key not in cache:
        row = db.session.execute(
            sa.select(MailTemplate.subject, MailTemplate.body).filter_by(event_id=event.id, key=spec.key)
        ).first()
        cache[key] = (row.subject, row.body) if row else None
    return cache[key] or (str(spec.subject), str(spec.body))


def forget_template_text() -> None:
    """Called when an organiser saves or resets a template."""
    db.session.info.pop(TEMPLATE_CACHE, None)


def queue_mail(
    template: str,
    *,
    to: str,
    to_name: str = "",
    context: dict,
    event=None,
    user=None,
    reply_to: str | None = None,
    headers: dict | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
    hold: bool = False,
    group_mail=None,
    written: tuple[str, str] | None = None,
) -> OutboxMessage:
    """Render the named template (conference/mail_templates: the event's own version where
    its organisers wrote one, else the shipped default) and queue it.

    ``written`` is a subject and body written for this one sending (group mail), rendered
    with the template's placeholders. An unknown template name is a KeyError: every message
    comes from a registered template. Nothing is sent here: the worker delivers the row after
    the caller's transaction commits. A ``hold`` message waits (state held) until an
    organiser releases it from the event's outbox.
    """
    spec = mail_templates.get(template)
    subject, body = written or template_text(spec, event)
    rendered = mail_templates.render(
        spec, mail_templates.MailContext(event=event, recipient_name=to_name, recipient_email=to, user=user,
                                         data=context),
        subject=subject, body=body)
    if reply_to is None and event is not None:
        reply_to = event.contact_email
    message = OutboxMessage(
        template=template,
        to_address=to,
        to_name=to_name,
        reply_to=reply_to,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        headers=headers or {},
        message_id=make_msgid(domain=_sender_domain()),
        event_id=getattr(event, "id", None),
        user_id=getattr(user, "id", None),
        group_mail_id=getattr(group_mail, "id", None),
        state=MailState.HELD if hold else MailState.QUEUED,
    )
    for filename, content_type, data in attachments:
        message.attachments.append(
            OutboxAttachment(filename=filename, content_type=content_type, data=data)
        )
    db.session.add(message)
    # Lets the development server deliver right after the response (see create_app).
    db.session.info["mail_queued"] = True
    return message


def recipient(message) -> str | tuple[str, str]:
    """The recipient as Flask-Mail takes it. A name goes as a (name, address) pair, which
    Flask-Mail encodes for the header: an already formatted ``Name <address>`` would have
    a non-ASCII name encoded twice (the reader would see ``=?utf-8?b?...?=``)."""
    return (message.to_name, message.to_address) if message.to_name else message.to_address


def display_address(address: str | tuple[str, str]) -> str:
    """``Name <address>`` for people to read (logs), not for headers."""
    return f"{address[0]} <{address[1]}>" if isinstance(address, tuple) else address


class _WirePolicy(email.policy.EmailPolicy):
    """``email.policy.SMTP``, except that reading a header gives its text instead of a
    parsed header object. Writing a message reads Content-Type and its parameters over and
    over, and parsing them each time doubled the cost of writing it (the largest part of the
    worker's time per message). Headers are written by the same folding code as with
    ``SMTP``, so the bytes are the same (a test compares them, boundaries aside)."""

    def header_fetch_parse(self, name, value):
        if hasattr(value, "name"):  # already a header object (set through this policy)
            return value
        return email.policy.compat32.header_fetch_parse(name, value)


_WIRE_POLICY = _WirePolicy(linesep="\r\n")


class OutboxMail(flask_mail.Message):
    """Flask-Mail's message, written with :class:`_WirePolicy` (Flask-Mail's own ``as_bytes``
    is ``self._message().as_bytes()`` with ``email.policy.SMTP``).

    The MIME boundaries are drawn here, in the generator's format, rather than by the
    generator, which compiles a regular expression for each one to check that the text does
    not contain it (the other large cost of writing a message). The check is not needed: a
    text composed before the boundary is drawn cannot guess 63 random bits."""

    def as_bytes(self) -> bytes:
        mime = self._message()
        mime.policy = email.policy.compat32  # for the edits below; the generator sets its own
        for part in mime.walk():
            if part.is_multipart():
                part.set_boundary("=" * 15 + f"{secrets.randbelow(sys.maxsize):019d}==")
        buffer = io.BytesIO()
        email.generator.BytesGenerator(buffer, policy=_WIRE_POLICY).flatten(mime)
        return buffer.getvalue()


def build_message(row) -> flask_mail.Message:
    """The message for a claimed outbox row (the worker's ``ClaimedMessage``: the row's
    columns, attachments as ``(filename, content_type, data)``), with the Message-ID fixed
    when it was queued."""
    extra = dict(row.headers or {})
    message = OutboxMail(
        subject=row.subject,
        recipients=[recipient(row)],
        body=row.body_text,
        html=row.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        reply_to=row.reply_to,
        extra_headers=extra or None,
    )
    message.msgId = row.message_id
    for filename, content_type, data in row.attachments:
        message.attach(filename, content_type, data)
    return message
