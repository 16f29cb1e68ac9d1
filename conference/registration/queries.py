"""Read-side queries about registration, for pages: which forms an event offers, how full
each category is, and where a person's own registration stands. Each runs a fixed number of
queries whatever the event's size."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from conference.events.models import Event
from conference.extensions import db
from conference.registration import places
from conference.registration.enums import AttendanceMode
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
    RegistrationQuestion,
)
from conference.registration.registrations import active_registration


def forms_of(event: Event) -> list[RegistrationForm]:
    """The event's registration forms in their order, with categories and questions loaded."""
    return list(db.session.scalars(
        sa.select(RegistrationForm).where(RegistrationForm.event_id == event.id)
        .options(selectinload(RegistrationForm.categories),
                 selectinload(RegistrationForm.questions).selectinload(RegistrationQuestion.categories))
        .order_by(RegistrationForm.position, RegistrationForm.id)
    ))


@dataclasses.dataclass(frozen=True)
class EventRegistrationEntry:
    """What the event page offers about registration."""

    has_forms: bool
    can_register: bool  # a form is open now
    own: Registration | None


def entry_for(event: Event, user, now: dt.datetime) -> EventRegistrationEntry:
    forms, open_forms = db.session.execute(
        sa.select(sa.func.count(), sa.func.count().filter(RegistrationForm.opens_at <= now,
                                                         RegistrationForm.closes_at > now))
        .where(RegistrationForm.event_id == event.id)
    ).one()
    own = active_registration(event, user=user) if getattr(user, "is_authenticated", False) and forms else None
    return EventRegistrationEntry(has_forms=forms > 0, can_register=open_forms > 0, own=own)


def availability(event: Event, categories: list[ParticipantCategory]) -> dict[int, dict[AttendanceMode, str]]:
    """For each category, the modes in which a newcomer would not get a place, with why:
    ``"full"`` (no room) or ``"queue"`` (room, but people already waiting come first). Decided by
    ``places.availability``, the rule registering applies; one query per mode and one in all."""
    settings = places.ensure_registration_settings(event)
    taken = places.occupancy(event)
    result: dict[int, dict[AttendanceMode, str]] = {c.id: {} for c in categories}
    for mode in places.modes_of(event):
        queue = places.waiting_list(event, mode)
        for category in categories:
            found = places.availability(taken, settings, category, mode, queue)
            if found != places.Availability.OPEN:
                result[category.id][mode] = found.value
    return result
