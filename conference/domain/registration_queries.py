"""Read-side queries about registration, for pages: which forms an event offers, how full
each category is, and where a person's own registration stands. Each runs a fixed number of
queries whatever the event's size."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..enums import PLACE_HOLDING_STATES, AttendanceMode, RegistrationState
from ..extensions import db
from ..models import (
    Event,
    ParticipantCategory,
    Registration,
    RegistrationForm,
    RegistrationQuestion,
)
from . import places
from .registration import active_registration


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


def waiting_counts(event: Event) -> Counter:
    """How many wait for each mode: waiting registrations and requests to switch to it."""
    rows = db.session.execute(
        sa.select(Registration.mode, Registration.switch_to, Registration.state).where(
            Registration.event_id == event.id,
            sa.or_(Registration.state == RegistrationState.WAITLISTED,
                   sa.and_(Registration.state.in_(PLACE_HOLDING_STATES), Registration.switch_to.is_not(None))))
    ).all()
    counts: Counter = Counter()
    for mode, switch_to, state in rows:
        counts[switch_to if switch_to is not None else mode] += 1
    return counts


def full_modes(event: Event, categories: list[ParticipantCategory]) -> dict[int, set[AttendanceMode]]:
    """For each category, the modes in which a newcomer would join the waiting list (no room,
    or others already wait)."""
    settings = places.settings_for(event)
    taken = places.occupancy(event)
    waiting = waiting_counts(event)
    result: dict[int, set[AttendanceMode]] = {}
    for category in categories:
        full = set()
        for mode in places.modes_of(event):
            room = taken.room(category, mode, settings)
            if waiting[mode] or (room is not None and room <= 0):
                full.add(mode)
        result[category.id] = full
    return result
