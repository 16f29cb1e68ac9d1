"""A new edition keeps the organisers' versions of the mail templates, in each language; no mail
queued or sent, no group mail, no opt-out."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from conference.events.cloning import clone_event
from conference.events.enums import TeamRole
from conference.extensions import db as _db
from conference.group_mail.models import GroupMail
from conference.group_mail.template_admin import save_template
from conference.mail.models import MailOptOut, MailTemplate, OutboxMessage

from .. import factories
from .builders import make_group_mail, queue


def count(model, event) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.event_id == event.id))


def templates_of(event) -> list[tuple[str, str, str, str]]:
    return [(t.key, t.language, t.subject, t.body) for t in _db.session.scalars(
        sa.select(MailTemplate).where(MailTemplate.event_id == event.id).order_by(MailTemplate.key, MailTemplate.language))]


def test_a_new_edition_keeps_the_mail_templates_and_nothing_sent(db, organiser):
    event = factories.make_event(organiser=organiser, languages=["en", "fr"])
    key = "group_authors"
    save_template(event, key, subject="Our subject", body="Our body {event_title}", actor=organiser)
    save_template(event, key, subject="Notre sujet", body="Notre texte", actor=organiser, language="fr")
    make_group_mail(event, organiser, subject="News")
    queue(event, "someone@example.org")
    _db.session.add(MailOptOut(event_id=event.id, email="someone@example.org", kind="announcements"))
    _db.session.flush()
    colleague = factories.make_user(may_create_events=True)
    factories.add_role(event, colleague, TeamRole.ORGANISER)
    target = clone_event(event, title="Next", slug="next-mail", starts_on=event.start_date + dt.timedelta(days=30),
                         actor=colleague)
    assert templates_of(target) == templates_of(event) and len(templates_of(target)) == 2
    assert {t.updated_by_id for t in _db.session.scalars(sa.select(MailTemplate)
                                                         .where(MailTemplate.event_id == target.id))} == {colleague.id}
    for model in (GroupMail, OutboxMessage, MailOptOut):
        assert count(model, target) == 0, model
