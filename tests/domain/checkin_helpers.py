"""A check-in desk to test against: a hybrid event with two categories and people in every
state that matters at the door."""

from __future__ import annotations

import dataclasses

from conference.accounts.models import User
from conference.events.enums import EventFormat
from conference.registration import registrations as ops
from conference.registration.enums import AttendanceMode, RegistrationState
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
)

from .. import factories
from .registration_helpers import DURING, add_category, make_form, register


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
