"""Read-side queries about registration, for pages: which forms an event offers, how full
each category is, and where a person's own registration stands. Each runs a fixed number of
queries whatever the event's size."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from conference.events.models import Event
from conference.extensions import db
from conference.i18n import format_datetime
from conference.registration import places
from conference.registration.enums import AttendanceMode
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
    RegistrationQuestion,
    RegistrationSettings,
)
from conference.registration.registrations import active_registration
from conference.web.page_values import Standing


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
    standing: Standing | None = None  # where registration stands (None without forms)


def entry_for(event: Event, user, now: dt.datetime) -> EventRegistrationEntry:
    forms, open_forms, next_opening, open_until = db.session.execute(
        sa.select(sa.func.count(), sa.func.count().filter(RegistrationForm.opens_at <= now,
                                                         RegistrationForm.closes_at > now),
                  sa.func.min(RegistrationForm.opens_at).filter(RegistrationForm.opens_at > now),
                  sa.func.max(RegistrationForm.closes_at).filter(RegistrationForm.opens_at <= now,
                                                                RegistrationForm.closes_at > now))
        .where(RegistrationForm.event_id == event.id)
    ).one()
    own = active_registration(event, user=user) if getattr(user, "is_authenticated", False) and forms else None
    return EventRegistrationEntry(has_forms=forms > 0, can_register=open_forms > 0, own=own,
                                  standing=_standing(event, forms, open_until, next_opening, now))


def _standing(event: Event, forms: int, open_until: dt.datetime | None, next_opening: dt.datetime | None,
              now: dt.datetime) -> Standing | None:
    if not forms:
        return None
    if open_until is not None:
        text = (_("Full: new registrations go on the waiting list.") if is_full(event, now)
                else _("Open until %(date)s.", date=format_datetime(open_until)))
    elif next_opening is not None:
        text = _("Not open yet: opens on %(date)s.", date=format_datetime(next_opening))
    else:
        text = _("Closed.")
    return Standing(_("Registration"), text)


def is_full(event: Event, now: dt.datetime) -> bool:
    """Whether a newcomer would go on the waiting list whatever open category and attendance mode
    they chose (invitation-only categories aside): every one has no room left. Three queries."""
    categories = list(db.session.scalars(
        sa.select(ParticipantCategory).join(ParticipantCategory.form)
        .where(ParticipantCategory.event_id == event.id, ParticipantCategory.invitation_only.is_(False),
               RegistrationForm.opens_at <= now, RegistrationForm.closes_at > now)))
    if not categories:
        return False
    taken = places.occupancy(event)
    settings = event.registration_settings or RegistrationSettings()  # not saved: no event-wide limits
    return all(taken.room(category, mode, settings) == 0 for category in categories for mode in places.modes_of(event))


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
