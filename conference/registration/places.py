"""Places: who holds one, who waits, and how freed places pass down the waiting list.

The rules, in one module:

* Every operation that may change who holds a place first locks the event's registration
  settings row (``lock_event``: SELECT ... FOR UPDATE on PostgreSQL; SQLite has one writer at
  a time anyway). The count of places taken and the decision made on it are therefore never
  based on a stale count: two registrations at the same moment are decided one after the
  other, and capacity is never exceeded, whatever the number of app workers.
* A place is taken by a registration that is pending approval, confirmed, or offered (held
  for someone from the waiting list). Capacity is per category and mode, and optionally per
  event and mode on top; None means unlimited.
* A delegation (an organisation, see ``delegations``) may have a quota per mode on top: its
  confirmed and offered registrations, and places reserved for a substitute, count against it
  (a registration pending its focal point's approval does not: approving it is what takes a
  quota place, under the same lock).
* Newcomers never overtake the waiting list: a new registrant gets a place only where nobody
  waiting could take it (people waiting for a full category do not hold up another category
  that has room, unless the event's own capacity is what is full).
* The waiting lists are in the order people were put on them, under the lock: each newcomer
  gets the next ``waiting_number`` of the event (``join_queue``), so two people are never given
  the same place in line, whatever the clocks of the requests that put them there said.
* When places free up, ``fill_places`` goes down each mode's waiting list in that order: a
  waiting registration gets an *offer* (its place is held until ``offer_expires_at``), a
  participant waiting to switch modes is switched at once (they asked for it; their old place
  frees up in turn).
* Places held never exceed a capacity. A capacity cannot be lowered below the places that
  belong to someone (confirmed, pending approval, reserved for a substitute:
  ``lowest_capacity``); lowering it below the places also held by open offers withdraws the
  offers of those last in line (``withdraw_excess_offers``): they go back to the waiting list
  where they were, and are told.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections import Counter

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from conference.core.audit import record
from conference.errors import InvalidState
from conference.events.enums import EventFormat
from conference.events.models import Event
from conference.extensions import db
from conference.registration.enums import (
    PLACE_HOLDING_STATES,
    REGISTRATION_TRANSITIONS,
    AttendanceMode,
    CancelReason,
    RegistrationState,
)
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationInvitation,
    RegistrationSettings,
)

MODES_BY_FORMAT = {
    EventFormat.IN_PERSON: (AttendanceMode.IN_PERSON,),
    EventFormat.VIRTUAL: (AttendanceMode.ONLINE,),
    EventFormat.HYBRID: (AttendanceMode.IN_PERSON, AttendanceMode.ONLINE),
}


def modes_of(event: Event) -> tuple[AttendanceMode, ...]:
    return MODES_BY_FORMAT[event.format]


def ensure_registration_settings(event: Event) -> RegistrationSettings:
    """The event's registration settings, created (and flushed) with their defaults the first time."""
    if event.registration_settings is None:
        event.registration_settings = RegistrationSettings()
        db.session.flush()
    return event.registration_settings


def lock_event(event: Event) -> RegistrationSettings:
    """Take the event's registration lock for the rest of the transaction (see the module's
    docstring), and return its settings as they are now."""
    settings = ensure_registration_settings(event)
    db.session.execute(
        sa.select(RegistrationSettings).where(RegistrationSettings.id == settings.id)
        .with_for_update().execution_options(populate_existing=True)
    ).scalar_one()
    return settings


def lock_registration(registration: Registration) -> RegistrationSettings:
    """``lock_event`` for the registration's event, then read the registration again: what the
    transaction that held the lock before changed (an offer withdrawn, a place cancelled) is seen
    before anything is decided on it."""
    settings = lock_event(registration.event)
    db.session.refresh(registration)
    return settings


def move(registration: Registration, target: RegistrationState) -> None:
    """The one place a registration changes state."""
    if target not in REGISTRATION_TRANSITIONS[registration.state]:
        raise InvalidState(_("This registration is %(state)s and cannot become %(target)s.",
                             state=state_label(registration.state), target=state_label(target)))
    registration.state = target


def mode_label(mode: AttendanceMode) -> str:
    return _("in person") if mode == AttendanceMode.IN_PERSON else _("online")


def state_label(state: RegistrationState) -> str:
    return {
        RegistrationState.PENDING: _("pending approval"),
        RegistrationState.CONFIRMED: _("confirmed"),
        RegistrationState.WAITLISTED: _("on the waiting list"),
        RegistrationState.OFFERED: _("offered a place"),
        RegistrationState.REJECTED: _("rejected"),
        RegistrationState.CANCELLED: _("cancelled"),
    }[state]


# Counting ------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Occupancy:
    """Places taken per (category id, mode) and per mode, for one event, from one query."""

    by_category: Counter
    by_mode: Counter
    by_organisation: Counter = dataclasses.field(default_factory=Counter)  # quota places, (org id, mode)

    def room(self, category: ParticipantCategory, mode: AttendanceMode, settings: RegistrationSettings,
             organisation=None) -> int | None:
        """Free places for ``category`` in ``mode`` (None: unlimited), within ``organisation``'s
        quota when one is given."""
        limits = []
        in_category, in_event = category.capacity(mode), settings.capacity(mode)
        if in_category is not None:
            limits.append(in_category - self.by_category[(category.id, mode)])
        if in_event is not None:
            limits.append(in_event - self.by_mode[mode])
        if organisation is not None and organisation.quota(mode) is not None:
            limits.append(organisation.quota(mode) - self.by_organisation[(organisation.id, mode)])
        return max(0, min(limits)) if limits else None

    def quota_room(self, organisation, mode: AttendanceMode) -> int | None:
        quota = organisation.quota(mode)
        return None if quota is None else max(0, quota - self.by_organisation[(organisation.id, mode)])

    def take(self, category_id: int, mode: AttendanceMode, n: int = 1, organisation_id: int | None = None) -> None:
        self.by_category[(category_id, mode)] += n
        self.by_mode[mode] += n
        if organisation_id is not None:
            self.by_organisation[(organisation_id, mode)] += n


# A delegation's quota counts these (and reserved places); pending ones wait for its focal point.
QUOTA_STATES = frozenset({RegistrationState.CONFIRMED, RegistrationState.OFFERED})
# The places that belong to someone: all held places but open offers (which can be withdrawn).
FIRM_STATES = frozenset({RegistrationState.CONFIRMED, RegistrationState.PENDING})


def occupancy(event: Event, *, states: frozenset[RegistrationState] = PLACE_HOLDING_STATES) -> Occupancy:
    """Places held (``states``: those that hold one) and places reserved for substitutes."""
    rows = db.session.execute(
        sa.select(Registration.category_id, Registration.mode, Registration.organisation_id, Registration.state,
                  sa.func.count())
        .where(Registration.event_id == event.id, Registration.state.in_(states))
        .group_by(Registration.category_id, Registration.mode, Registration.organisation_id, Registration.state)
    ).all()
    # A substitute's invitation keeps the replaced delegate's place until it is used or withdrawn.
    reserved = db.session.execute(
        sa.select(RegistrationInvitation.category_id, RegistrationInvitation.reserved_mode,
                  RegistrationInvitation.organisation_id, sa.func.count())
        .where(RegistrationInvitation.event_id == event.id, RegistrationInvitation.reserved_mode.is_not(None),
               RegistrationInvitation.used_at.is_(None), RegistrationInvitation.revoked_at.is_(None))
        .group_by(RegistrationInvitation.category_id, RegistrationInvitation.reserved_mode,
                  RegistrationInvitation.organisation_id)
    ).all()
    counts = Occupancy(Counter(), Counter(), Counter())
    for category_id, mode, organisation_id, state, count in rows:
        counts.take(category_id, mode, count, organisation_id if state in QUOTA_STATES else None)
    for category_id, reserved_mode, organisation_id, count in reserved:
        if reserved_mode is not None:  # always (the query keeps reserved places only)
            counts.take(category_id, reserved_mode, count, organisation_id)
    return counts


def waiting_list(event: Event, mode: AttendanceMode) -> list[Registration]:
    """Everyone waiting for a place in ``mode``, first come first served: waiting registrations
    and participants asking to switch to it, in the order they were put on the list."""
    return list(db.session.scalars(
        sa.select(Registration).where(
            Registration.event_id == event.id,
            sa.or_(
                sa.and_(Registration.state == RegistrationState.WAITLISTED, Registration.mode == mode),
                sa.and_(Registration.state.in_(PLACE_HOLDING_STATES), Registration.switch_to == mode),
            ),
        ).options(selectinload(Registration.organisation), selectinload(Registration.category))
        .order_by(Registration.waiting_number)
    ))


def join_queue(registration: Registration, event: Event) -> None:
    """Put ``registration`` at the end of the event's waiting lines; call with the event locked,
    so the numbers follow the order in which people are put on a list, and before changing the
    registration's state (the query here flushes)."""
    last = db.session.scalar(sa.select(sa.func.max(Registration.waiting_number))
                             .where(Registration.event_id == event.id))
    registration.waiting_number = (last or 0) + 1


def put_on_waiting_list(registration: Registration, *, now: dt.datetime) -> None:
    """An existing registration joins its mode's waiting list, at the end (event locked)."""
    join_queue(registration, registration.event)  # first: its query flushes what changed so far
    move(registration, RegistrationState.WAITLISTED)
    registration.waitlisted_at = now


def position(registration: Registration) -> int | None:
    """1 for the first in line; None when not waiting."""
    mode = registration.switch_to or (registration.mode if registration.state == RegistrationState.WAITLISTED else None)
    if mode is None:
        return None
    queue = waiting_list(registration.event, mode)
    return next((n for n, r in enumerate(queue, start=1) if r.id == registration.id), None)


class Availability(enum.StrEnum):
    """What a newcomer gets in a category and mode."""

    OPEN = "open"  # a place
    QUEUE = "queue"  # there is room, but people already waiting come first
    FULL = "full"  # no room: the waiting list


def availability(counts: Occupancy, settings: RegistrationSettings, category: ParticipantCategory,
                 mode: AttendanceMode, queue: list[Registration], organisation=None) -> Availability:
    """The one rule deciding whether a newcomer gets a place (``queue``: the mode's waiting list).
    Newcomers never overtake it: someone waiting who could take a free place comes first (places
    are handed down the list as they free up, so this only happens within a change that has not
    filled yet); people waiting for a full category or delegation hold up nobody else."""
    room = counts.room(category, mode, settings, organisation)
    if room is not None and room <= 0:
        return Availability.FULL
    if any(counts.room(w.category, mode, settings, w.organisation) != 0 for w in queue):
        return Availability.QUEUE
    return Availability.OPEN


def initial_state(event: Event, category: ParticipantCategory, mode: AttendanceMode, *,
                  needs_approval: bool, organisation=None) -> RegistrationState:
    """What a new registration becomes; call with the event locked. ``organisation`` is the
    delegation whose quota applies now (None for someone who waits for their focal point: the
    quota applies when the focal point approves)."""
    found = availability(occupancy(event), ensure_registration_settings(event), category, mode,
                         waiting_list(event, mode), organisation)
    if found != Availability.OPEN:
        return RegistrationState.WAITLISTED
    return RegistrationState.PENDING if needs_approval else RegistrationState.CONFIRMED


# Passing freed places down the list ----------------------------------------------------------------

@dataclasses.dataclass
class Filled:
    offered: list[Registration] = dataclasses.field(default_factory=list)
    switched: list[Registration] = dataclasses.field(default_factory=list)
    withdrawn: list[Registration] = dataclasses.field(default_factory=list)  # offers taken back


def fill_places(event: Event, *, now: dt.datetime, actor=None) -> Filled:
    """Give free places to those waiting, in order; call with the event locked. The caller
    mails the people in the result (see ``registration.notify_filled``)."""
    settings = ensure_registration_settings(event)
    hold = dt.timedelta(hours=settings.offer_hold_hours)
    filled = Filled()
    changed = True
    while changed:  # a switch frees a place in the other mode: go round until nothing moves
        changed = False
        counts = occupancy(event)
        for mode in modes_of(event):
            for waiting in waiting_list(event, mode):
                room = counts.room(waiting.category, mode, settings, waiting.organisation)
                if room is not None and room <= 0:
                    continue  # full for this category (or delegation); someone else may fit
                if waiting.switch_to is not None:
                    old = waiting.mode
                    quota_org = waiting.organisation_id if waiting.state in QUOTA_STATES else None
                    waiting.mode, waiting.switch_to, waiting.switch_requested_at = mode, None, None
                    counts.take(waiting.category_id, mode, organisation_id=quota_org)
                    counts.take(waiting.category_id, old, -1, organisation_id=quota_org)
                    filled.switched.append(waiting)
                    record("registration.switched", actor=actor, obj=waiting, event=event, mode=mode.value)
                    changed = True
                else:
                    move(waiting, RegistrationState.OFFERED)
                    waiting.offer_expires_at = now + hold
                    counts.take(waiting.category_id, mode, organisation_id=waiting.organisation_id)
                    filled.offered.append(waiting)
                    record("registration.offered", actor=actor, obj=waiting, event=event,
                           expires=waiting.offer_expires_at.isoformat())
        db.session.flush()
    return filled


def cancel_place(registration: Registration, *, reason: CancelReason, now: dt.datetime) -> None:
    """Cancel with the event locked; the caller then fills the freed place."""
    move(registration, RegistrationState.CANCELLED)
    registration.cancelled_at = now
    registration.cancel_reason = reason
    registration.offer_expires_at = None
    registration.switch_to = registration.switch_requested_at = None
    db.session.flush()


# Lowering a capacity -----------------------------------------------------------------------------------

def lowest_capacity(event: Event, mode: AttendanceMode, category: ParticipantCategory | None = None) -> int:
    """The fewest places ``category`` (None: the event as a whole) may have in ``mode``: those
    that belong to someone, confirmed, pending approval or reserved for a substitute. Call with
    the event locked."""
    firm = occupancy(event, states=FIRM_STATES)
    return firm.by_mode[mode] if category is None else firm.by_category[(category.id, mode)]


def withdraw_excess_offers(event: Event, *, actor=None) -> list[Registration]:
    """Where open offers hold more places than a capacity (or a delegation's quota) now allows,
    because it was lowered, withdraw the offers of those last in line until it fits; they go back
    to the waiting list where they were. Call with the event locked; the caller mails them (a
    ``Filled`` with them as ``withdrawn``, see ``registration.notify_filled``)."""
    settings = ensure_registration_settings(event)
    counts = occupancy(event)
    offers = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id,
                                      Registration.state == RegistrationState.OFFERED)
        .options(selectinload(Registration.category), selectinload(Registration.organisation))
        .order_by(Registration.waiting_number.desc(), Registration.id.desc())
    ).all()
    withdrawn = []
    for offer in offers:
        category, mode, organisation = offer.category, offer.mode, offer.organisation
        over = [(category.capacity(mode), counts.by_category[(category.id, mode)]),
                (settings.capacity(mode), counts.by_mode[mode])]
        if organisation is not None:
            over.append((organisation.quota(mode), counts.by_organisation[(organisation.id, mode)]))
        if not any(limit is not None and held > limit for limit, held in over):
            continue
        move(offer, RegistrationState.WAITLISTED)
        offer.offer_expires_at = None
        counts.take(category.id, mode, -1, organisation_id=offer.organisation_id)
        withdrawn.append(offer)
        record("registration.offer_withdrawn", actor=actor, obj=offer, event=event)
    db.session.flush()
    return withdrawn
