"""Plain factories for registration tests: an event with a registration form on a fixed
timeline, categories, and people registering."""

from __future__ import annotations

import datetime as dt
import itertools

from conference.events.enums import EventFormat
from conference.extensions import db
from conference.registration import registrations as ops
from conference.registration.models import ParticipantCategory, RegistrationForm
from conference.registration.places import settings_for

from .. import factories

UTC = dt.timezone.utc
OPENS = dt.datetime(2030, 1, 10, 9, 0, tzinfo=UTC)
CLOSES = dt.datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
DURING = OPENS + dt.timedelta(days=10)
_people = itertools.count(1)


def make_form(*, format: EventFormat = EventFormat.IN_PERSON, organiser=None, slug: str | None = None,
              capacity_in_person: int | None = None, capacity_online: int | None = None,
              hold_hours: int = 48, **form_fields) -> RegistrationForm:
    organiser = organiser or factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, published=True, format=format, venue="Vienna International Centre",
                                 **({"slug": slug} if slug else {}))
    settings = settings_for(event)
    settings.capacity_in_person, settings.capacity_online = capacity_in_person, capacity_online
    settings.offer_hold_hours = hold_hours
    form = RegistrationForm(event_id=event.id, title=form_fields.pop("title", "Members and observers"),
                            opens_at=OPENS, closes_at=CLOSES, **form_fields)
    db.session.add(form)
    db.session.flush()
    form.event = event
    return form


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
