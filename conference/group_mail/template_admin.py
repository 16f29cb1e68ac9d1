"""The organisers' mail template editor: which templates the event has changed, the text a
template is sent with, saving and resetting the event's own version, and a preview with a
real record of the event.

An event's version of a template (``MailTemplate``) replaces the shipped default subject and
body; ``mailer.queue_mail`` sends it from the next message on. Only the placeholders the
template offers may be used: a text naming another is refused on save, by name, so no mail
goes out with a ``{typo}`` in it.

Each version is written in one language (one of LANGUAGES): a recipient whose language has no
version of the event's gets the shipped default in their language (the catalogue's translation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from conference.core.audit import record
from conference.core.types import utcnow
from conference.errors import DomainError
from conference.events.models import Event
from conference.extensions import db
from conference.i18n import default_language, supported
from conference.mail import mailer, registry
from conference.mail import text as mail_text
from conference.mail.models import MailTemplate
from conference.mail.registry import MailContext, Rendered, TemplateSpec


@dataclass(frozen=True)
class TemplateRow:
    """One template in the editor's list; ``languages``: those the event has its own version in."""

    spec: TemplateSpec
    customised: bool
    updated_at: dt.datetime | None = None
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class TemplateText:
    """The subject and body a template is sent with for an event, and whose they are."""

    spec: TemplateSpec
    subject: str
    body: str
    customised: bool


@dataclass(frozen=True)
class Preview:
    """A template rendered with a real record of the event: ``rendered`` (subject, text part,
    whole HTML part), ``content`` (the HTML part's message content, sanitised Markdown with
    escaped values, to show in a page) and the recipient it was rendered for. When the event
    has no record to render with, ``rendered`` is None and ``missing`` says so."""

    rendered: Rendered | None
    content: Markup = Markup("")
    recipient_name: str = ""
    recipient_email: str = ""
    missing: str = ""


def editable(key: str) -> TemplateSpec | None:
    """The template ``key`` if organisers may change it for their event (the account mails
    belong to no event), else None."""
    spec = registry.TEMPLATES.get(key)
    return spec if spec is not None and spec.per_event else None


def _spec(key: str) -> TemplateSpec:
    spec = editable(key)
    if spec is None:
        raise KeyError(f"no per-event mail template {key!r}")
    return spec


def _override(event: Event, key: str, language: str) -> MailTemplate | None:
    return db.session.scalars(
        sa.select(MailTemplate).filter_by(event_id=event.id, key=key, language=language)).first()


def edited_language(event: Event, language: str | None) -> str:
    """The language a version is edited in: ``language`` when it is one of the site's, else the
    event's default."""
    return supported(language) or supported(event.default_language) or default_language()


def template_rows(event: Event) -> list[TemplateRow]:
    """Every template an organiser may change, in the registry's order, with whether the event
    has its own version and in which languages (one query, whatever the number of templates)."""
    versions: dict[str, list[tuple[str, dt.datetime]]] = {}
    for key, language, updated_at in db.session.execute(
        sa.select(MailTemplate.key, MailTemplate.language, MailTemplate.updated_at)
        .where(MailTemplate.event_id == event.id).order_by(MailTemplate.key, MailTemplate.language)
    ):
        versions.setdefault(key, []).append((language, updated_at))
    rows = []
    for spec in registry.per_event():
        own = versions.get(spec.key, [])
        rows.append(TemplateRow(spec=spec, customised=bool(own), languages=tuple(language for language, _ in own),
                                updated_at=max((when for _, when in own), default=None)))
    return rows


def by_group(rows: list[TemplateRow]) -> list[tuple[str, list[TemplateRow]]]:
    """``rows`` grouped by their template's group, groups and rows kept in the registry's order."""
    groups: dict[str, list[TemplateRow]] = {}
    for row in rows:
        groups.setdefault(str(row.spec.group), []).append(row)
    return list(groups.items())


def current_text(event: Event, key: str, *, language: str | None = None) -> TemplateText:
    """The subject and body ``key`` is sent with for ``event`` to people of ``language`` (by
    default the event's): its own version in that language, else the default translated into it."""
    spec = _spec(key)
    language = edited_language(event, language)
    own = _override(event, key, language)
    if own is not None:
        return TemplateText(spec=spec, subject=own.subject, body=own.body, customised=True)
    with force_locale(language):
        return TemplateText(spec=spec, subject=str(spec.subject), body=str(spec.body), customised=False)


def _check_manager(event: Event, actor) -> None:
    event.require_manager(actor, _("Only organisers change the event's mail templates."))


def save_template(event: Event, key: str, *, subject: str, body: str, actor,
                  language: str | None = None) -> MailTemplate:
    """Store the event's own version of ``key`` in ``language``. The subject and body must not be
    empty and may use only the placeholders the template offers. Sent from the next message on
    to the people whose language it is."""
    _check_manager(event, actor)
    spec = _spec(key)
    if language is not None and not supported(language):
        raise DomainError(_("Choose one of the languages offered."))
    language = edited_language(event, language)
    subject, body = mail_text.checked(subject, body, spec=spec)
    own = _override(event, key, language)
    created = own is None
    if own is None:
        own = MailTemplate(event_id=event.id, key=key, language=language)
        db.session.add(own)
    own.subject, own.body = subject, body
    own.updated_by_id = getattr(actor, "id", None)
    own.updated_at = utcnow()
    db.session.flush()
    mailer.forget_template_text()
    record("mail.template_saved", actor=actor, obj=own, event=event, key=key, created=created,
           subject=subject, language=language)
    return own


def reset_template(event: Event, key: str, *, actor, language: str | None = None) -> bool:
    """Delete the event's own version of ``key`` in ``language``: the shipped default of that
    language is sent from the next message on. Returns whether there was a version to delete
    (resetting twice is harmless)."""
    _check_manager(event, actor)
    _spec(key)
    language = edited_language(event, language)
    own = _override(event, key, language)
    if own is None:
        return False
    record("mail.template_reset", actor=actor, obj=own, event=event, key=key, subject=own.subject,
           language=language)
    db.session.delete(own)
    db.session.flush()
    mailer.forget_template_text()
    return True


def preview(event: Event, key: str, *, subject: str, body: str, language: str | None = None) -> Preview:
    """The given subject and body (typed, not saved) rendered as the template would send them
    for a real record of the event (the template's ``sample``), or a result saying there is
    none yet. The text is checked as on save, so the preview never shows a broken placeholder."""
    spec = _spec(key)
    subject, body = mail_text.checked(subject, body, spec=spec)
    found = spec.sample(event) if spec.sample is not None else None
    if found is None:
        return Preview(rendered=None, missing=_(
            "There is no record to preview with yet: this message is about something the event does not "
            "have so far. The preview works once there is one."))
    data, name, email, user = found
    context = MailContext(event=event, recipient_name=name, recipient_email=email, user=user, data=data)
    with force_locale(edited_language(event, language)):  # dates and numbers as the people of that language get them
        rendered = registry.render(spec, context, subject=subject, body=body)
    # The message content alone: the whole HTML part is a document with inline styles, which a
    # page under our Content-Security-Policy cannot show.
    return Preview(rendered=rendered, content=rendered.content, recipient_name=name, recipient_email=email)
