"""Builders of the registration tests:

* an event with a registration form on a fixed timeline (``make_form``: the domain tests pass
  ``now=``), categories, and people registering (``register``);
* a form open now (``open_form``: the pages use the clock), its questions, and people registering
  now (``register_now``);
* a check-in desk: a hybrid event with two categories and people in every state that matters at
  the door;
* reading what registration wrote: audit entries, and the text and errors of a page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from html import unescape

import sqlalchemy as sa

from conference.accounts.models import User
from conference.core.enums import QuestionKind
from conference.core.models import AuditEntry
from conference.core.types import utcnow
from conference.events.enums import EventFormat
from conference.extensions import db
from conference.registration import registrations as ops
from conference.registration.enums import AttendanceMode, RegistrationState
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
    RegistrationQuestion,
)
from conference.registration.places import ensure_registration_settings

from .. import factories

UTC = dt.UTC
OPENS = dt.datetime(2030, 1, 10, 9, 0, tzinfo=UTC)
CLOSES = dt.datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
DURING = OPENS + dt.timedelta(days=10)
_people = itertools.count(1)
_people_now = itertools.count(1)


# A form on a fixed timeline --------------------------------------------------------------------

def make_form(*, format: EventFormat = EventFormat.IN_PERSON, organiser=None, slug: str | None = None,
              capacity_in_person: int | None = None, capacity_online: int | None = None,
              hold_hours: int = 48, **form_fields) -> RegistrationForm:
    organiser = organiser or factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, published=True, format=format, venue="Vienna International Centre",
                                 **({"slug": slug} if slug else {}))
    settings = ensure_registration_settings(event)
    settings.capacity_in_person, settings.capacity_online = capacity_in_person, capacity_online
    settings.offer_hold_hours = hold_hours
    form = RegistrationForm(event_id=event.id, title=form_fields.pop("title", "Members and observers"),
                            opens_at=OPENS, closes_at=CLOSES, **form_fields)
    db.session.add(form)
    db.session.flush()
    form.event = event
    return form


def organised_form(*, format: EventFormat = EventFormat.IN_PERSON, **kwargs):
    """(organiser, form) of a published event."""
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    return organiser, make_form(format=format, organiser=organiser, **kwargs)


def add_category(form: RegistrationForm, name: str = "Member agency", *, in_person: int | None = None,
                 online: int | None = None, approval: bool = False, invitation_only: bool = False):
    category = ParticipantCategory(event_id=form.event_id, form=form, name=name, capacity_in_person=in_person,
                                   capacity_online=online, requires_approval=approval,
                                   invitation_only=invitation_only, position=len(form.categories))
    db.session.add(category)
    db.session.flush()
    return category


def register(form, category, *, name: str | None = None, email: str | None = None, mode=None, now=DURING,
             **extra):
    n = next(_people)
    return ops.register(form, category=category, name=name or f"Participant {n}",
                        email=email or f"participant{n}@example.org", mode=mode, privacy_consent=True,
                        now=now, **extra)


# A form open now, for the pages ----------------------------------------------------------------

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
    n = next(_people_now)
    return ops.register(form, category=category, name=name or f"Waiting Person {n}",
                        email=email or f"someone{n}@example.org", privacy_consent=True, **extra)


# A check-in desk -------------------------------------------------------------------------------

@dataclasses.dataclass
class Desk:
    form: RegistrationForm
    members: ParticipantCategory
    observers: ParticipantCategory
    organiser: User

    @property
    def event(self):
        return self.form.event


def make_desk(*, slug: str | None = None) -> Desk:
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    form = make_form(format=EventFormat.HYBRID, slug=slug, organiser=organiser)
    members = add_category(form, "Member agency")
    observers = add_category(form, "Observer", approval=True)
    return Desk(form=form, members=members, observers=observers, organiser=organiser)


def confirmed(desk: Desk, name: str, *, category=None, mode=AttendanceMode.IN_PERSON, **extra) -> Registration:
    registration = register(desk.form, category or desk.members, name=name, mode=mode.value, **extra)
    assert registration.state == RegistrationState.CONFIRMED, registration
    return registration


def cancelled(desk: Desk, name: str) -> Registration:
    registration = confirmed(desk, name, mode=AttendanceMode.ONLINE)
    ops.cancel(registration, actor=None, now=DURING)
    return registration


def pending(desk: Desk, name: str) -> Registration:
    registration = register(desk.form, desk.observers, name=name, mode=AttendanceMode.IN_PERSON.value)
    assert registration.state == RegistrationState.PENDING, registration
    return registration


# Reading what registration wrote ---------------------------------------------------------------

def actions_on(registration) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_type == "Registration", AuditEntry.object_id == registration.id).order_by(AuditEntry.id)))


def event_actions(event, prefix: str = "registration.") -> list[str]:
    """The actions on ``event`` itself (not on its registrations) starting with ``prefix``."""
    return list(db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.event_id == event.id, AuditEntry.object_type == "Event",
        AuditEntry.action.like(prefix + "%")).order_by(AuditEntry.id)))


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def error_of(html: str, field: str) -> str:
    start = html.index(f'<p class="invalid-feedback d-block" id="error-{field}">')
    return unescape(html[start:html.index("</p>", start)])
