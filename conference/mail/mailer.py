"""Composing mail: ``queue_mail`` renders a named template (conference/mail_templates) into an
outbox row in the current transaction; the worker turns a row into bytes with
``conference.mail.wire.build_message``. ``list_headers`` are those of bulk mail."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from email.utils import parseaddr

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, get_locale

from conference.core.links import site_host
from conference.extensions import db
from conference.i18n import default_language, supported
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


def mail_language(*, user=None, language: str | None = None, event=None) -> str:
    """The language a message is written in: the recipient's account's, else ``language`` (that of
    a registration without an account, or the page it was made on), else the event's default,
    else the site's. Only one of LANGUAGES."""
    return (supported(getattr(user, "language", None)) or supported(language)
            or supported(getattr(event, "default_language", None)) or default_language())


def template_text(spec, event, language: str | None = None) -> tuple[str, str]:
    """The subject and body ``spec`` is sent with for ``event`` in ``language`` (by default the
    current locale's): the organisers' version for that language, else the default, which the
    catalogue translates (call it under that locale). Looked up once per event, template,
    language and database session, so a release that writes hundreds of mails asks once per
    language."""
    if event is None or not spec.per_event:
        return str(spec.subject), str(spec.body)
    language = language or str(get_locale() or default_language())
    cache = db.session.info.setdefault(TEMPLATE_CACHE, {})
    key = (event.id, spec.key, language)
    if key not in cache:
        row = db.session.execute(
            sa.select(MailTemplate.subject, MailTemplate.body)
            .filter_by(event_id=event.id, key=spec.key, language=language)
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
    written: tuple[str, str] | Callable[[], tuple[str, str]] | None = None,
    language: str | None = None,
) -> OutboxMessage:
    """Render the named template (conference/mail_templates: the event's own version where
    its organisers wrote one, else the shipped default) and queue it.

    It is written in the recipient's language (``mail_language``: their account's; else
    ``language``, or the language of the ``registration`` in ``context``; else the event's),
    whoever's request queued it: the template, its translation, and every date, time and number.

    ``written`` is a subject and body written for this one sending (group mail), rendered
    with the template's placeholders (or a function giving them, called in the recipient's
    language). An unknown template name is a KeyError: every message
    comes from a registered template. Nothing is sent here: the worker delivers the row after
    the caller's transaction commits. A ``hold`` message waits (state held) until an
    organiser releases it from the event's outbox.
    """
    spec = registry.get(template)
    registration = context.get("registration")
    own = language or getattr(registration, "language", None)
    written_in = mail_language(user=user, language=own, event=event)
    with force_locale(written_in):
        if callable(written):
            written = written()
        subject, body = written or template_text(spec, event, written_in)
        rendered = registry.render(
            spec, registry.MailContext(event=event, recipient_name=to_name, recipient_email=to, user=user,
                                       data=context),
            subject=subject, body=body)
    if reply_to is None and event is not None:
        reply_to = event.contact_email
    message = OutboxMessage(
        template=template,
        language=written_in,
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
