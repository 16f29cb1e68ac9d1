"""Registering for an event and everything a registration goes through afterwards: approval,
cancellation, offers from the waiting list, switching between in-person and online.

Capacity and the waiting list are decided in :mod:`.places`, under the event's lock; this
module checks who may do what, stores the answers, writes the audit log and queues the mail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.accounts.models import User
from conference.accounts.users import normalise_email
from conference.core.audit import record
from conference.core.ical import event_calendar
from conference.core.links import external_url, site_host
from conference.core.questions import clean_answers as clean_each_answer
from conference.core.tokens import make_token, read_token
from conference.core.types import utcnow
from conference.errors import (
    AlreadyExists,
    DeadlinePassed,
    DomainError,
    InvalidState,
    InvalidToken,
    NotAllowed,
    ValidationFailed,
)
from conference.events.models import Event
from conference.extensions import db
from conference.i18n import format_datetime, supported
from conference.mail import opt_outs
from conference.mail.mailer import mail_language, queue_mail
from conference.registration import places
from conference.registration.enums import (
    AttendanceMode,
    CancelReason,
    RegistrationState,
)
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
    RegistrationInvitation,
    RegistrationQuestion,
)
from conference.registration.organisations import organisation_source

_ORGANISERS_ONLY = _l("Only the event's organisers can do this.")

MANAGE_LINK_MAX_AGE = 3 * 366 * 24 * 3600  # a registration's own link works for years


# Links ----------------------------------------------------------------------------------------------

def manage_token(registration: Registration) -> str:
    return make_token("registration", {"id": registration.id})


def manage_url(registration: Registration) -> str:
    """The participant's own page; the signed link works without an account."""
    return external_url("registration.manage", token=manage_token(registration))


def registration_from_token(token: str) -> Registration:
    payload = read_token("registration", token, max_age=MANAGE_LINK_MAX_AGE)
    registration = db.session.get(Registration, payload.get("id"))
    if registration is None:
        raise InvalidToken(_("This registration does not exist any more."))
    return registration


def invitation_token(invitation: RegistrationInvitation) -> str:
    return make_token("registration-invitation", {"id": invitation.id})


def invitation_from_token(token: str) -> RegistrationInvitation:
    payload = read_token("registration-invitation", token, max_age=current_app.config["INVITATION_MAX_AGE"])
    invitation = db.session.get(RegistrationInvitation, payload.get("id"))
    if invitation is None or invitation.revoked_at is not None:
        raise InvalidToken(_("This invitation was withdrawn and no longer works."))
    if invitation.used_at is not None:
        raise InvalidToken(_("This invitation has already been used to register."))
    return invitation


# Reading ----------------------------------------------------------------------------------------------

def active_registration(event: Event, *, email: str | None = None, user=None) -> Registration | None:
    """This person's registration for the event that is still in play, by address or account
    (by the account's address only once it is verified: anyone can sign up with any address)."""
    conditions = []
    if email:
        conditions.append(Registration.email == email)
    if getattr(user, "is_authenticated", False):
        conditions.append(Registration.user_id == user.id)
        if user.is_verified:
            conditions.append(Registration.email == user.email)
    if not conditions:
        return None
    return db.session.scalar(
        sa.select(Registration).where(Registration.event_id == event.id, Registration.state.in_(
            [RegistrationState.PENDING, RegistrationState.CONFIRMED, RegistrationState.WAITLISTED,
             RegistrationState.OFFERED]), sa.or_(*conditions)).limit(1)
    )


def questions_for_category(form: RegistrationForm, category_id: int | None) -> list[RegistrationQuestion]:
    """The form's questions that apply to the category: those for every category, and those
    limited to some categories among which this one is."""
    return [q for q in form.questions if q.applies_to(category_id)]


def clean_answers(form: RegistrationForm, category_id: int | None, raw: dict) -> dict[str, object]:
    """Check every applicable question's answer; required ones must be given. Raises
    ValidationFailed with a message per field (``q_<id>``). A file's answer is what the
    upload stored (``answer_files``)."""
    errors: dict[str, str] = {}
    cleaned = clean_each_answer(questions_for_category(form, category_id), raw, field_of=lambda q: f"q_{q.id}",
                                errors=errors)
    if errors:
        raise ValidationFailed(errors)
    return {str(question_id): value for question_id, value in cleaned.items() if value is not None}


# Registering -----------------------------------------------------------------------------------------

class AlreadyRegistered(AlreadyExists):
    """The address (or account) already has a registration in play for the event: ``registration``."""

    def __init__(self, registration: Registration):
        super().__init__(_("You are already registered for this event (%(state)s). Your registration page shows "
                           "it and lets you change or cancel it.", state=places.state_label(registration.state)),
                         field="email")
        self.registration = registration


@dataclasses.dataclass(frozen=True)
class _Checked:
    """A registration form's fields once checked: the tidied name and address, the mode, the
    organisation claimed (a nomination's own) and the cleaned answers."""

    name: str
    address: str
    mode: AttendanceMode
    organisation: Any
    answers: dict[str, object]


def _chosen_mode(event: Event, mode: AttendanceMode | str | None) -> AttendanceMode | None:
    """The mode asked for among the event's, the only one when it has one; None otherwise."""
    modes = places.modes_of(event)
    if mode is None and len(modes) == 1:
        return modes[0]
    return next((m for m in modes if m.value == mode), None)


def registration_problems(form: RegistrationForm, *, category: ParticipantCategory | None, name: str, email: str,
                          mode: AttendanceMode | str | None, answers: dict | None, privacy_consent: bool,
                          invitation: RegistrationInvitation | None, organisation: Any) -> dict[str, str]:
    """What is wrong with a registration's fields, by field, without registering; a category
    not chosen (None) is one of the problems, and the others are all found too."""
    try:
        _check(form, category=category, name=name, email=email, mode=mode, answers=answers,
               privacy_consent=privacy_consent, invitation=invitation, organisation=organisation)
    except ValidationFailed as failed:
        return dict(failed.errors)
    return {}


def _check(form: RegistrationForm, *, category: ParticipantCategory | None, name: str, email: str,
           mode: AttendanceMode | str | None, answers: dict | None, privacy_consent: bool,
           invitation: RegistrationInvitation | None, organisation: Any) -> _Checked:
    """Check every field at once; raises ValidationFailed with a message per field."""
    event = form.event
    errors: dict[str, str] = {}
    if category is None or category.form_id != form.id:
        errors["category_id"] = _("Choose one of the categories listed.")
    elif category.invitation_only and (invitation is None or invitation.category_id != category.id):
        errors["category_id"] = _("This category is by invitation only. Use the link in your invitation.")
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("Enter your name.")
    try:
        address = normalise_email(email or "")
    except DomainError as error:
        errors["email"] = error.message
        address = ""
    chosen = _chosen_mode(event, mode)
    if chosen is None:
        errors["mode"] = _("Choose how you will attend.")
    if not privacy_consent:
        errors["privacy_consent"] = _("Registering needs your consent to the privacy notice.")
    if invitation is not None and invitation.organisation_id is not None:
        organisation = invitation.organisation
        if invitation.reserved_mode is not None:
            chosen = invitation.reserved_mode  # the replaced delegate's place
    elif organisation is not None and organisation.event_id != event.id:
        errors["organisation_id"] = _("Choose one of the organisations listed.")
    try:  # without a category, the questions every category answers
        cleaned = clean_answers(form, category.id if category is not None else None, answers or {})
    except ValidationFailed as failed:
        errors.update(failed.errors)
        cleaned = {}
    if errors or chosen is None or category is None:  # no mode or category chosen is one of the errors
        raise ValidationFailed(errors)
    return _Checked(name=name, address=address, mode=chosen, organisation=organisation, answers=cleaned)


def register(form: RegistrationForm, *, category: ParticipantCategory, name: str, email: str, affiliation: str = "",
             user: User | None = None, mode: AttendanceMode | str | None = None, answers: dict | None = None,
             privacy_consent: bool, listed: bool = False, agenda_updates: bool = False,
             invitation: RegistrationInvitation | None = None, organisation=None,
             now: dt.datetime | None = None, language: str | None = None) -> Registration:
    """Register one person. The result is confirmed, pending approval, or on the waiting list
    (also when places are free but others already wait: nobody overtakes the list).

    ``organisation`` is the delegation the person claims. One with focal points decides
    itself: the registration waits for them (pending) and they are told. A focal point's
    nomination (``invitation.organisation``) joins the delegation without approval, within its
    quota; a substitute's invitation holds the replaced delegate's place, so it is confirmed.

    ``user`` is the account the registration belongs to (the registration form gives the
    signed-in person's only for their own verified address: ``registration_participants.submit``).
    ``agenda_updates``: the person asks for the summary mail
    when the agenda changes, unless their address unsubscribed from it (only they can undo that,
    from their registration page). ``language``: that of the page registered on, the language of
    the registration's mail while it has no account with one of its own."""
    now = now or utcnow()
    event = form.event
    if now < form.opens_at:
        raise DeadlinePassed(_("Registration opens on %(when)s.", when=format_datetime(form.opens_at)))
    if now >= form.closes_at:
        raise DeadlinePassed(_("Registration closed on %(when)s.", when=format_datetime(form.closes_at)))
    if form.requires_account and user is None:
        raise NotAllowed(_("Log in or create an account to register with this form."))
    checked = _check(form, category=category, name=name, email=email, mode=mode, answers=answers,
                     privacy_consent=privacy_consent, invitation=invitation, organisation=organisation)
    organisation, address, mode = checked.organisation, checked.address, checked.mode

    places.lock_event(event)
    existing = active_registration(event, email=address, user=user)
    if existing is not None:
        raise AlreadyRegistered(existing)
    nominated = invitation is not None and invitation.organisation_id is not None
    for_focal_point = organisation is not None and organisation.has_focal_points and not nominated
    if invitation is not None and nominated and invitation.reserved_mode is not None:
        state = RegistrationState.CONFIRMED  # the place was kept for them (see delegations.substitute)
    else:
        needs_approval = category.requires_approval and not (invitation is not None and invitation.skip_approval)
        state = places.initial_state(event, category, mode, needs_approval=needs_approval or for_focal_point,
                                     organisation=None if for_focal_point else organisation)
    registration = Registration(
        event_id=event.id, form_id=form.id, category_id=category.id, user_id=getattr(user, "id", None),
        invitation_id=getattr(invitation, "id", None), organisation_id=getattr(organisation, "id", None),
        email=address, name=checked.name, language=supported(language),
        affiliation=" ".join((affiliation or "").split()), mode=mode, state=state, answers=checked.answers,
        privacy_consent_at=now, listed=bool(listed), ticket_token=secrets.token_urlsafe(24),
        agenda_updates=bool(agenda_updates) and address not in opt_outs.opted_out(event, "agenda_updates"),
        waitlisted_at=now if state == RegistrationState.WAITLISTED else None,
        confirmed_at=now if state == RegistrationState.CONFIRMED else None, created_at=now,
    )
    if state == RegistrationState.WAITLISTED:
        places.join_queue(registration, event)
    db.session.add(registration)
    if invitation is not None:
        invitation.used_at = now
    db.session.flush()
    registration.event, registration.form, registration.category = event, form, category
    record("registration.created", actor=user, obj=registration, event=event, state=state.value, mode=mode.value,
           category=category.name, organisation=getattr(organisation, "name", None))
    mail_state(registration)
    if for_focal_point and state == RegistrationState.PENDING:
        organisation_source().tell_focal_points(registration)
    return registration


# Organisers decide -------------------------------------------------------------------------------------

def approve(registration: Registration, *, actor, now: dt.datetime | None = None) -> None:
    registration.event.require_manager(actor, _ORGANISERS_ONLY)
    places.lock_registration(registration)
    if registration.state != RegistrationState.PENDING:
        raise InvalidState(_("Only a registration pending approval can be approved; this one is %(state)s.",
                             state=places.state_label(registration.state)))
    if registration.organisation_id is not None:
        organisation_source().approve(registration, actor=actor, now=now)  # within the delegation's quota
        return
    places.move(registration, RegistrationState.CONFIRMED)
    registration.confirmed_at = now or utcnow()
    db.session.flush()
    record("registration.approved", actor=actor, obj=registration, event=registration.event)
    mail_state(registration, approved=True)


def reject(registration: Registration, *, actor, message: str = "", now: dt.datetime | None = None) -> None:
    """Reject a pending or waiting registration; a place it held goes down the waiting list."""
    now = now or utcnow()
    registration.event.require_manager(actor, _ORGANISERS_ONLY)
    event = registration.event
    places.lock_registration(registration)
    if registration.state not in (RegistrationState.PENDING, RegistrationState.WAITLISTED):
        raise InvalidState(_("Only a registration pending approval or waiting can be rejected; this one is "
                             "%(state)s.", state=places.state_label(registration.state)))
    places.move(registration, RegistrationState.REJECTED)
    registration.switch_to = registration.switch_requested_at = None
    db.session.flush()
    record("registration.rejected", actor=actor, obj=registration, event=event)
    queue_mail("registration_rejected", to=registration.email, to_name=registration.name, event=event,
               user=registration.user, context={"registration": registration, "message": message.strip()})
    notify_filled(event, places.fill_places(event, now=now, actor=actor))


# The participant (or an organiser) ---------------------------------------------------------------------

def cancel(registration: Registration, *, actor, now: dt.datetime | None = None) -> None:
    """Cancel a registration; its place goes to the first person waiting. ``actor`` is the
    participant (None when they came by their signed link) or an organiser."""
    now = now or utcnow()
    event = registration.event
    places.lock_registration(registration)
    if not registration.is_active:
        raise InvalidState(_("This registration is already %(state)s.", state=places.state_label(registration.state)))
    by_organiser = actor is not None and event.can_manage(actor) and not registration.is_owner(actor)
    reason = CancelReason.BY_ORGANISER if by_organiser else CancelReason.BY_PARTICIPANT
    places.cancel_place(registration, now=now, reason=reason)
    record("registration.cancelled", actor=actor, obj=registration, event=event, reason=reason.value)
    queue_mail("registration_cancelled", to=registration.email, to_name=registration.name, event=event,
               user=registration.user, context={"registration": registration, "by_organiser": by_organiser})
    notify_filled(event, places.fill_places(event, now=now, actor=actor))


def accept_offer(registration: Registration, *, actor, now: dt.datetime | None = None) -> None:
    """Take the place offered from the waiting list, before the offer expires (decided under the
    event's lock on the registration as it is then: the offer may just have been withdrawn)."""
    now = now or utcnow()
    places.lock_registration(registration)
    expires = registration.offer_expires_at  # set while offered (a constraint)
    if registration.state != RegistrationState.OFFERED or expires is None:
        raise InvalidState(_("There is no place on offer for this registration (it is %(state)s).",
                             state=places.state_label(registration.state)))
    if now >= expires:
        raise DeadlinePassed(_("This offer expired on %(when)s and the place has passed to the next person.",
                               when=format_datetime(expires)))
    invitation = registration.invitation
    needs_approval = registration.category.requires_approval and not (invitation and invitation.skip_approval)
    places.move(registration, RegistrationState.PENDING if needs_approval else RegistrationState.CONFIRMED)
    registration.offer_expires_at = None
    if registration.state == RegistrationState.CONFIRMED:
        registration.confirmed_at = now
    db.session.flush()
    record("registration.offer_accepted", actor=actor, obj=registration, event=registration.event,
           state=registration.state.value)
    mail_state(registration)


def decline_offer(registration: Registration, *, actor, now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    event = registration.event
    places.lock_registration(registration)
    if registration.state != RegistrationState.OFFERED:
        raise InvalidState(_("There is no place on offer for this registration."))
    places.cancel_place(registration, reason=CancelReason.OFFER_DECLINED, now=now)
    record("registration.offer_declined", actor=actor, obj=registration, event=event)
    notify_filled(event, places.fill_places(event, now=now, actor=actor))


def expire_offers(*, now: dt.datetime | None = None) -> int:
    """Cancel every offer whose time is up and pass its place on. Run by the worker's periodic
    round (``flask registrations tick`` does one round by hand). Each event's offers are read
    again under its lock (events in id order, as the other jobs take them): an offer another
    process expired, or its holder accepted, meanwhile is not expired again."""
    now = now or utcnow()
    event_ids = db.session.scalars(
        sa.select(Registration.event_id).where(Registration.state == RegistrationState.OFFERED,
                                               Registration.offer_expires_at <= now)
        .distinct().order_by(Registration.event_id)
    ).all()
    expired = 0
    for event_id in event_ids:
        event = db.session.get_one(Event, event_id)
        places.lock_event(event)
        due = db.session.scalars(
            sa.select(Registration).where(Registration.event_id == event_id,
                                          Registration.state == RegistrationState.OFFERED,
                                          Registration.offer_expires_at <= now)
            .execution_options(populate_existing=True)
        ).all()
        for registration in due:
            places.cancel_place(registration, reason=CancelReason.OFFER_EXPIRED, now=now)
            record("registration.offer_expired", actor=None, obj=registration, event=event)
            queue_mail("registration_offer_expired", to=registration.email, to_name=registration.name, event=event,
                       user=registration.user, context={"registration": registration})
            expired += 1
        notify_filled(event, places.fill_places(event, now=now))
    return expired


def request_mode_switch(registration: Registration, *, actor, mode: AttendanceMode | str,
                        now: dt.datetime | None = None) -> bool:
    """Ask to attend the other way. Where that mode has a place for them by the rule a newcomer
    meets (``places.availability``: room, and nobody waiting who could take it) the switch happens
    at once; otherwise the request joins the end of that mode's waiting list and the current place
    is kept. Returns whether the switch happened."""
    now = now or utcnow()
    event = registration.event
    mode = AttendanceMode(mode)
    if mode not in places.modes_of(event) or len(places.modes_of(event)) < 2:
        raise DomainError(_("This event cannot be attended that way."), field="mode")
    settings = places.lock_registration(registration)
    if registration.state not in (RegistrationState.CONFIRMED, RegistrationState.PENDING):
        raise InvalidState(_("Only a registration with a place can switch how it attends."))
    if mode == registration.mode:
        raise DomainError(_("You already attend this way."), field="mode")
    quota = registration.organisation if registration.state in places.QUOTA_STATES else None
    found = places.availability(places.occupancy(event), settings, registration.category, mode,
                                places.waiting_list(event, mode), quota)
    if found == places.Availability.OPEN:  # the rule a newcomer meets: nobody who could take it waits
        registration.mode, registration.switch_to, registration.switch_requested_at = mode, None, None
        db.session.flush()
        record("registration.switched", actor=actor, obj=registration, event=event, mode=mode.value)
        queue_mail("registration_switched", to=registration.email, to_name=registration.name, event=event,
                   user=registration.user, context={"registration": registration, "link": manage_url(registration)})
        notify_filled(event, places.fill_places(event, now=now, actor=actor))
        return True
    places.join_queue(registration, event)
    registration.switch_to, registration.switch_requested_at = mode, now
    db.session.flush()
    record("registration.switch_requested", actor=actor, obj=registration, event=event, mode=mode.value)
    queue_mail("registration_switch_waiting", to=registration.email, to_name=registration.name, event=event,
               user=registration.user, context={"registration": registration, "position": places.position(registration),
                                                "link": manage_url(registration)})
    return False


def withdraw_mode_switch(registration: Registration, *, actor) -> None:
    places.lock_registration(registration)
    if registration.switch_to is None:
        raise InvalidState(_("There is no request to switch to withdraw."))
    registration.switch_to = registration.switch_requested_at = None
    db.session.flush()
    record("registration.switch_withdrawn", actor=actor, obj=registration, event=registration.event)


def update_answers(registration: Registration, *, actor, answers: dict, listed: bool, name: str | None = None,
                   affiliation: str | None = None, now: dt.datetime | None = None) -> None:
    """Change one's answers until the form's modification deadline."""
    now = now or utcnow()
    if not registration.is_active:
        raise InvalidState(_("This registration is %(state)s and can no longer be changed.",
                             state=places.state_label(registration.state)))
    organiser = actor is not None and registration.event.can_manage(actor)
    if now >= registration.form.changes_until() and not organiser:
        raise DeadlinePassed(_("Changes were possible until %(when)s.",
                               when=format_datetime(registration.form.changes_until())))
    errors = {}
    if name is not None:
        name = " ".join(name.split())
        if not name:
            errors["name"] = _("Enter your name.")
    try:
        cleaned = clean_answers(registration.form, registration.category_id, answers)
    except ValidationFailed as failed:
        errors.update(failed.errors)
    if errors:
        raise ValidationFailed(errors)
    registration.answers = cleaned
    registration.listed = bool(listed)
    if name is not None:
        registration.name = name
    if affiliation is not None:
        registration.affiliation = " ".join(affiliation.split())
    db.session.flush()
    record("registration.changed", actor=actor, obj=registration, event=registration.event)


# Mail ------------------------------------------------------------------------------------------------------

def notify_filled(event: Event, filled: places.Filled) -> None:
    for registration in filled.offered:
        queue_mail("registration_offer", to=registration.email, to_name=registration.name, event=event,
                   user=registration.user, context={"registration": registration, "link": manage_url(registration)})
    for registration in filled.switched:
        queue_mail("registration_switched", to=registration.email, to_name=registration.name, event=event,
                   user=registration.user, context={"registration": registration, "link": manage_url(registration)})
    for registration in filled.withdrawn:
        queue_mail("registration_offer_withdrawn", to=registration.email, to_name=registration.name, event=event,
                   user=registration.user, context={"registration": registration, "link": manage_url(registration),
                                                    "position": places.position(registration)})


def calendar_attachment(event: Event, *, language: str | None = None) -> tuple[str, str, bytes]:
    """The event as a calendar file, titled in ``language`` (the mail's)."""
    data = event_calendar(
        uid=f"event-{event.id}@{site_host()}", title=event.tr("title", language), start=event.start_date,
        end=event.end_date,
        zone_name=event.timezone, url=external_url("events.show_event", slug=event.slug),
        location=event.venue or "", stamp=utcnow(),
    )
    return (f"{event.slug}.ics", "text/calendar; method=PUBLISH", data)


def mail_state(registration: Registration, *, approved: bool = False, focal_point_of=None) -> None:
    """The mail that tells a person where their registration stands now (``approved``: it was
    just approved, which has its own mail: the organisers', or ``focal_point_of`` an
    organisation's focal point's)."""
    event = registration.event
    context = {"registration": registration, "link": manage_url(registration)}
    to, to_name, user = registration.email, registration.name, registration.user
    if registration.state == RegistrationState.CONFIRMED:
        template = "registration_confirmed"
        if approved:
            template = "registration_approved" if focal_point_of is None else "delegation_approved"
            context["organisation"] = focal_point_of
        queue_mail(template, to=to, to_name=to_name, event=event, user=user, context=context,
                   attachments=[calendar_attachment(event, language=mail_language(
                       user=user, language=registration.language, event=event))])
    elif registration.state == RegistrationState.PENDING:
        queue_mail("registration_received", to=to, to_name=to_name, event=event, user=user, context=context)
    elif registration.state == RegistrationState.WAITLISTED:
        queue_mail("registration_waitlisted", to=to, to_name=to_name, event=event, user=user,
                   context={**context, "position": places.position(registration)})
