"""Helpers for the participants' pages: a registration form open now (the pages use the clock),
questions, registering through the domain, reading mails and pages."""

from __future__ import annotations

import datetime as dt
import itertools
from html import unescape

import sqlalchemy as sa

from conference.core.enums import QuestionKind
from conference.core.types import utcnow
from conference.events.enums import EventFormat
from conference.extensions import db
from conference.mail.models import OutboxMessage
from conference.registration import registrations as ops
from conference.registration.models import RegistrationQuestion

from .registration_helpers import make_form

_people = itertools.count(1)


def open_form(*, format: EventFormat = EventFormat.IN_PERSON, opened: dt.timedelta = dt.timedelta(days=-5),
              closes: dt.timedelta = dt.timedelta(days=20), modification: dt.timedelta | None = None, **fields):
    """A registration form that opened ``-opened`` ago and closes in ``closes``, on a published event."""
    form = make_form(format=format, **fields)
    now = utcnow()
    form.opens_at, form.closes_at = now + opened, now + closes
    form.modification_deadline = now + modification if modification is not None else None
    db.session.flush()
    return form


def add_question(form, label: str, kind: QuestionKind = QuestionKind.SHORT_TEXT, *, required: bool = False,
                 options: list[str] | None = None, categories=()) -> RegistrationQuestion:
    question = RegistrationQuestion(form=form, kind=kind, label=label, required=required, options=options or [],
                                    position=len(form.questions))
    question.categories = list(categories)
    db.session.add(question)
    db.session.flush()
    return question


def register_now(form, category, *, email: str | None = None, name: str | None = None, **extra):
    n = next(_people)
    return ops.register(form, category=category, name=name or f"Waiting Person {n}",
                        email=email or f"someone{n}@example.org", privacy_consent=True, **extra)


def mails(template: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == template)
                                   .order_by(OutboxMessage.id)))


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def error_of(html: str, field: str) -> str:
    start = html.index(f'<p class="error" id="error-{field}">')
    return unescape(html[start:html.index("</p>", start)])
