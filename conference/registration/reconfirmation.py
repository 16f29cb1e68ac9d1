"""Reconfirmation of places: the organisers ask confirmed participants to say by a date that
they still come; a reminder goes out some hours before it; at the date, the places of those who
did not reconfirm are released to the waiting list and they are told.

Who is asked: confirmed registrations attending in the modes the organisers chose (in person,
online or both; a virtual event's are online), outside the categories exempt from it (invited
resource persons, VIPs), confirmed before the request (someone who confirms later has just said
they come). The same rule (``_is_asked_sql`` and ``is_asked``) chooses who gets the request,
the reminder and the release. A new request after an earlier one closed asks everyone again.
The reminder and the release are done by the worker's periodic round
(:func:`run_reconfirmation`), not when someone visits a page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.core.audit import record
from conference.core.types import utcnow
from conference.errors import DeadlinePassed, InvalidState, ValidationFailed
from conference.events.models import Event
from conference.extensions import db
from conference.i18n import format_datetime
from conference.mail.mailer import queue_mail
from conference.registration import places
from conference.registration import registrations as ops
from conference.registration.enums import (
    AttendanceMode,
    CancelReason,
    RegistrationState,
)
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationSettings,
)

MAX_REMINDER_HOURS = 720


@dataclasses.dataclass(frozen=True)
class OpenRequest:
    """A request under way: its settings, the date to reconfirm by and when it was asked."""

    settings: RegistrationSettings
    by: dt.datetime
    requested_at: dt.datetime


def open_request(settings: RegistrationSettings | None) -> OpenRequest | None:
    """The request under way (None: none was made, or it closed)."""
    if settings is None or settings.reconfirm_closed_at is not None:
        return None
    if settings.reconfirm_by is None or settings.reconfirm_requested_at is None:
        return None
    return OpenRequest(settings, settings.reconfirm_by, settings.reconfirm_requested_at)


def is_open(settings: RegistrationSettings | None) -> bool:
    return open_request(settings) is not None


def reminder_time(settings: RegistrationSettings | None) -> dt.datetime | None:
    """When the reminder of the open request goes (None: no request, or no reminder)."""
    request = open_request(settings)
    if request is None or not request.settings.reconfirm_reminder_hours:
        return None
    return request.by - dt.timedelta(hours=request.settings.reconfirm_reminder_hours)


def _concerned_sql(event: Event, settings: RegistrationSettings):
    """Confirmed registrations of the event in the modes asked, outside the exempt categories."""
    exempt = sa.select(ParticipantCategory.id).where(ParticipantCategory.event_id == event.id,
                                                     ParticipantCategory.reconfirmation_exempt.is_(True))
    return sa.and_(Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED,
                   Registration.mode.in_(sorted(settings.reconfirm_modes())), Registration.category_id.not_in(exempt))


def _is_asked_sql(event: Event, settings: RegistrationSettings):
    """Those who must still reconfirm: concerned, not reconfirmed, confirmed before the request."""
    return sa.and_(_concerned_sql(event, settings), Registration.reconfirmed_at.is_(None),
                   sa.or_(Registration.confirmed_at.is_(None),
                          Registration.confirmed_at <= settings.reconfirm_requested_at))


def _asked(event: Event, settings: RegistrationSettings, *, lock: bool = False) -> list[Registration]:
    """Those who must still reconfirm, in the order they registered (``lock``: read afresh)."""
    stmt = sa.select(Registration).where(_is_asked_sql(event, settings)).order_by(Registration.id)
    if lock:
        stmt = stmt.execution_options(populate_existing=True)
    return list(db.session.scalars(stmt))


def _mail(template: str, registration: Registration, settings: RegistrationSettings) -> None:
    event = registration.event
    queue_mail(template, to=registration.email, to_name=registration.name, event=event, user=registration.user,
               context={"registration": registration, "link": ops.manage_url(registration),
                        "reconfirm_by": settings.reconfirm_by})


def default_modes(event: Event) -> tuple[AttendanceMode, ...]:
    """The modes asked when the organisers do not say: in person where the event has it (an
    online place costs nobody a seat), else online."""
    modes = places.modes_of(event)
    return (AttendanceMode.IN_PERSON,) if AttendanceMode.IN_PERSON in modes else modes


def request_reconfirmation(event: Event, *, actor, by: dt.datetime, reminder_hours: int = 48,
                           modes=None, now: dt.datetime | None = None) -> int:
    """Ask every confirmed participant attending in ``modes`` (default: ``default_modes``)
    outside the exempt categories who has not reconfirmed yet to reconfirm by ``by``; returns
    how many were asked. While a request is open this moves its date and may change its modes
    (those who reconfirmed already stay reconfirmed); after one closed, it starts a new round."""
    now = now or utcnow()
    event.require_manager(actor, _("Only the event's organisers can do this."))
    errors = {}
    if by is None or by <= now:
        errors["by"] = _("Choose a date and time in the future.")
    if reminder_hours is None or not 0 <= reminder_hours <= MAX_REMINDER_HOURS:
        errors["reminder_hours"] = _("Enter a whole number of hours between 0 and %(max)d.", max=MAX_REMINDER_HOURS)
    wanted = set(default_modes(event) if modes is None else modes)
    modes = frozenset(mode for mode in places.modes_of(event) if mode in wanted)  # a StrEnum: "online" is in
    if not modes or len(modes) != len(wanted):
        errors["modes"] = _("Choose whom to ask among the ways this event is attended.")
    if errors:
        raise ValidationFailed(errors)
    settings = places.lock_event(event)
    moved = is_open(settings)
    if not moved:
        # A new round: everyone says again that they come.
        db.session.execute(sa.update(Registration).where(Registration.event_id == event.id)
                           .values(reconfirmed_at=None).execution_options(synchronize_session="fetch"))
        settings.reconfirm_requested_at = now
    settings.reconfirm_by = by
    settings.reconfirm_in_person = AttendanceMode.IN_PERSON in modes
    settings.reconfirm_online = AttendanceMode.ONLINE in modes
    settings.reconfirm_reminder_hours = reminder_hours
    settings.reconfirm_reminded_at = None
    settings.reconfirm_closed_at = None
    db.session.flush()
    asked = _asked(event, settings)
    for registration in asked:
        _mail("reconfirmation_request", registration, settings)
    record("registration.reconfirmation_requested", actor=actor, obj=event, event=event, by=by.isoformat(),
           reminder_hours=reminder_hours, modes=sorted(m.value for m in modes), asked=len(asked),
           moved=moved or None)
    return len(asked)


def exempt_categories(event: Event) -> list[ParticipantCategory]:
    """The categories whose participants are never asked (set on each category)."""
    return list(db.session.scalars(
        sa.select(ParticipantCategory).where(ParticipantCategory.event_id == event.id,
                                             ParticipantCategory.reconfirmation_exempt.is_(True))
        .order_by(ParticipantCategory.form_id, ParticipantCategory.position)))


def _is_concerned(registration: Registration, settings: RegistrationSettings) -> bool:
    """``_concerned_sql`` for one registration."""
    return (registration.state == RegistrationState.CONFIRMED and registration.mode in settings.reconfirm_modes()
            and not registration.category.reconfirmation_exempt)


def is_asked(registration: Registration, now: dt.datetime) -> bool:
    """Whether this participant is asked to reconfirm now (``_is_asked_sql`` for one)."""
    request = open_request(registration.event.registration_settings)
    return (
        request is not None and now < request.by and _is_concerned(registration, request.settings)
        and registration.reconfirmed_at is None
        and (registration.confirmed_at is None or registration.confirmed_at <= request.requested_at)
    )


def reconfirm(registration: Registration, *, actor, now: dt.datetime | None = None) -> None:
    """The participant says they still come, while the request is open."""
    now = now or utcnow()
    request = open_request(registration.event.registration_settings)
    if request is None:
        raise InvalidState(_("The organisers are not asking for reconfirmation at the moment."))
    if not _is_concerned(registration, request.settings):
        raise InvalidState(_("The organisers do not ask this registration to reconfirm."))
    if now >= request.by:
        raise DeadlinePassed(_("Reconfirmation was possible until %(when)s.", when=format_datetime(request.by)))
    if registration.reconfirmed_at is not None:
        return
    registration.reconfirmed_at = now
    db.session.flush()
    record("registration.reconfirmed", actor=actor, obj=registration, event=registration.event)


def progress(event: Event) -> dict[str, int]:
    """How many of the participants concerned reconfirmed, and how many have not yet."""
    settings = event.registration_settings
    if settings is None or settings.reconfirm_requested_at is None:  # never asked (an open request was)
        return {"reconfirmed": 0, "waiting": 0, "released": 0}
    rows = db.session.execute(
        sa.select(Registration.reconfirmed_at.is_not(None), sa.func.count()).where(_concerned_sql(event, settings))
        .group_by(Registration.reconfirmed_at.is_not(None))
    ).all()
    counts = {bool(done): count for done, count in rows}
    released = db.session.scalar(
        sa.select(sa.func.count()).where(Registration.event_id == event.id,
                                         Registration.cancel_reason == CancelReason.NOT_RECONFIRMED,
                                         Registration.cancelled_at >= settings.reconfirm_requested_at)) or 0
    waiting = len(_asked(event, settings)) if is_open(settings) else 0
    return {"reconfirmed": counts.get(True, 0), "waiting": waiting, "released": released}


def run_reconfirmation(*, now: dt.datetime | None = None) -> dict[str, int]:
    """For every open request: the reminder (once, ``reminder_hours`` before the date, unless
    the request itself came later than that), and at the date the release of the places of
    those who did not reconfirm, which go down the waiting list."""
    now = now or utcnow()
    result = {"reminded": 0, "released": 0, "offered": 0}
    event_ids = db.session.scalars(
        sa.select(RegistrationSettings.event_id).where(
            RegistrationSettings.reconfirm_by.is_not(None), RegistrationSettings.reconfirm_requested_at.is_not(None),
            RegistrationSettings.reconfirm_closed_at.is_(None))
        .order_by(RegistrationSettings.event_id)
    ).all()
    for event_id in event_ids:
        event = db.session.get_one(Event, event_id)
        request = open_request(places.lock_event(event))
        if request is None:  # closed by another worker meanwhile
            continue
        if now >= request.by:
            _release(event, request.settings, now, result)
        else:
            _remind(event, request, now, result)
    return result


def _remind(event: Event, request: OpenRequest, now: dt.datetime, result: dict) -> None:
    settings = request.settings
    remind_at = reminder_time(settings)
    if remind_at is None or settings.reconfirm_reminded_at is not None or now < remind_at:
        return
    settings.reconfirm_reminded_at = now
    if request.requested_at >= remind_at:
        return  # asked within the reminder's window: the request was the reminder
    asked = _asked(event, settings)
    for registration in asked:
        _mail("reconfirmation_reminder", registration, settings)
    db.session.flush()
    record("registration.reconfirmation_reminded", actor=None, obj=event, event=event, reminded=len(asked))
    result["reminded"] += len(asked)


def _release(event: Event, settings: RegistrationSettings, now: dt.datetime, result: dict) -> None:
    released = _asked(event, settings, lock=True)
    for registration in released:
        places.cancel_place(registration, reason=CancelReason.NOT_RECONFIRMED, now=now)
        record("registration.released", actor=None, obj=registration, event=event,
               reason=CancelReason.NOT_RECONFIRMED.value)
        _mail("reconfirmation_released", registration, settings)
    settings.reconfirm_closed_at = now
    db.session.flush()
    filled = places.fill_places(event, now=now)
    ops.notify_filled(event, filled)
    record("registration.reconfirmation_closed", actor=None, obj=event, event=event, released=len(released),
           offered=len(filled.offered))
    result["released"] += len(released)
    result["offered"] += len(filled.offered)
