"""Queueing mail: render a named template and add it to the outbox in the current transaction."""

from __future__ import annotations

from email.utils import formataddr, make_msgid, parseaddr

from flask import current_app, render_template
from jinja2 import TemplateNotFound

from ..extensions import db
from ..models import OutboxAttachment, OutboxMessage


def _sender_domain() -> str:
    address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    return address.rpartition("@")[2] or "localhost"


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
) -> OutboxMessage:
    """Render ``emails/<template>.txt`` (and ``.html`` where it exists) and queue it.

    The subject is the first line of the text template, after ``Subject:``. Nothing is sent
    here: the worker delivers the row after the caller's transaction commits.
    """
    context = {"event": event, "recipient_name": to_name, **context}
    rendered = render_template(f"emails/{template}.txt", **context)
    subject_line, _, body_text = rendered.partition("\n")
    if not subject_line.startswith("Subject:"):
        raise ValueError(f"emails/{template}.txt must start with a 'Subject:' line")
    try:
        body_html = render_template(f"emails/{template}.html", **context)
    except TemplateNotFound:
        body_html = None
    if reply_to is None and event is not None:
        reply_to = event.contact_email
    message = OutboxMessage(
        template=template,
        to_address=to,
        to_name=to_name,
        reply_to=reply_to,
        subject=subject_line.removeprefix("Subject:").strip(),
        body_text=body_text.lstrip("\n"),
        body_html=body_html,
        headers=headers or {},
        message_id=make_msgid(domain=_sender_domain()),
        event_id=getattr(event, "id", None),
        user_id=getattr(user, "id", None),
    )
    for filename, content_type, data in attachments:
        message.attachments.append(
            OutboxAttachment(filename=filename, content_type=content_type, data=data)
        )
    db.session.add(message)
    # Lets the development server deliver right after the response (see create_app).
    db.session.info["mail_queued"] = True
    return message


def recipient_address(message: OutboxMessage) -> str:
    return formataddr((message.to_name, message.to_address)) if message.to_name else message.to_address
