"""A subject and body an organiser writes (an event's template, a group mail, a held message
edited in the outbox): tidied and checked in one place."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from conference.core.lists import format_list
from conference.errors import ValidationFailed
from conference.mail import registry

SUBJECT_MAX = 300  # the subject columns of OutboxMessage, MailTemplate and GroupMail
TEMPLATE_BODY_MAX = 20_000  # a template or a group mail, before its placeholders are filled in
MESSAGE_TEXT_MAX = 100_000  # a message as it goes out (reviews included)


def unknown_placeholder_message(names: list[str]) -> str:
    listed = format_list(f"{{{name}}}" for name in names)
    return ngettext("Unknown placeholder %(names)s: use one of the placeholders listed.",
                    "Unknown placeholders %(names)s: use the placeholders listed.", len(names), names=listed)


def checked(subject: str, body: str, *, spec: registry.TemplateSpec | None = None, body_field: str = "body",
            body_max: int = TEMPLATE_BODY_MAX, unknown_message=unknown_placeholder_message) -> tuple[str, str]:
    """The subject on one line and the body with Unix line ends; or every field's problem (a
    ValidationFailed keyed ``subject`` and ``body_field``): empty, too long, or (with ``spec``)
    a placeholder the template does not offer, named."""
    subject = registry.one_line(subject or "")  # a header: one line, no control characters
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    errors: dict[str, str] = {}
    for field, text, limit in (("subject", subject, SUBJECT_MAX), (body_field, body, body_max)):
        if not text.strip():
            errors[field] = _("Write a subject.") if field == "subject" else _("Write the message.")
        elif len(text) > limit:
            errors[field] = (_("Keep the subject to at most %(max)d characters.", max=limit) if field == "subject"
                             else _("Keep the message to at most %(max)d characters.", max=limit))
        elif spec is not None and (unknown := registry.unknown_placeholders(spec, text)):
            errors[field] = unknown_message(unknown)
    if errors:
        raise ValidationFailed(errors)
    return subject, body
