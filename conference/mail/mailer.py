"""Composing mail: ``queue_mail`` renders a named template (conference/mail_templates) into an
outbox row in the current transaction; the worker turns a row into bytes with
``conference.mail.wire.build_message``. ``list_headers`` are those of bulk mail."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from email.utils import parseaddr

import sqlalchemy as sa
from flask import current_app

from conference.core.links import site_host
from conference.extensions import db
from conference.mail import registry
from conference.mail.enums import MailState
from conference.mail.models import MailTemplate, OutboxAttachment, OutboxMessage

TEMPLATE_CACHE = "mail_template_text"


def _sender_domain() -> str:
    address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    return address.rpartition("@")[2] or "localhost"


def new_message_id() -> str:
    """A Message-ID unique to this message: 128 random bits from ``secrets`` at our domain.
    (``email.utils.make_msgid`` draws on the ``random`` module, whose state a library or a test
    may seed: two messages within 10 ms then got the same id and the outbox refused the second.)
    Short enough that the header is never folded."""
    return f"<{secrets.token_hex(16)}@{_sender_domain()}>"


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
    attachments: Sequence[tuple[str, str, bytes]] = (),
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
    spec = registry.get(template)
    subject, body = written or template_text(spec, event)
    rendered = registry.render(
        spec, registry.MailContext(event=event, recipient_name=to_name, recipient_email=to, user=user,
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
        message_id=new_message_id(),
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


def list_headers(event) -> dict[str, str]:
    """The headers of bulk mail about ``event`` (group mail, the agenda's change summaries):
    ``Precedence: bulk``, which auto-responders honour, and a ``List-Id`` (RFC 2919) unique to
    the event and the site, by which mail clients and providers group and filter it."""
    return {"List-Id": f"{event.title} <{event.slug}.events.{site_host()}>", "Precedence": "bulk"}
