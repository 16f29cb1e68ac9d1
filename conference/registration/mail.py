"""Mail about registrations: where a registration stands (received, confirmed, approved, on the
waiting list, offered a place, offer withdrawn, rejected, cancelled, switched), invitations to
register, the registration link sent again, and the reconfirmation of places.

What the callers pass (``context=`` of ``queue_mail``): ``registration`` (every template but
the invitation), ``link`` (the participant's page; computed when absent), and per template
``position`` (waiting list, computed when absent), ``message`` (the organisers' words),
``reconfirm_by`` (a moment), or for the invitation ``invitation``, ``category``, ``link``
and ``message``.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.core.links import external_url
from conference.extensions import db
from conference.mail.placeholders import when
from conference.mail.registry import (
    MailContext,
    Placeholder,
    TemplateSpec,
    add_set,
    register,
)
from conference.registration.enums import CancelReason, RegistrationState
from conference.registration.models import ParticipantCategory, Registration, RegistrationInvitation
from conference.registration.organisations import organisation_source
from conference.registration.places import mode_label, position, state_label
from conference.registration.registrations import manage_url


def _registration_link(c: MailContext) -> str:
    return c.get("link") or manage_url(c["registration"])


def _mode(c: MailContext) -> str:
    return mode_label(c["registration"].mode)


def _status(c: MailContext) -> str:
    return state_label(c["registration"].state)


add_set("registration", [
    # Mail is rendered in its recipient's language (force_locale): tr() gives the category's name in it.
    Placeholder("registration_category", _l("The registration's category"),
                lambda c: c["registration"].category.tr("name")),
    Placeholder("registration_status", _l("The registration's status"), _status),
    Placeholder("registration_mode", _l("How the participant attends: in person or online"), _mode),
    Placeholder("registration_link", _l("The participant's own registration page"), _registration_link, kind="url"),
])


GROUP = _l("Registration")
RECONFIRMATION_GROUP = _l("Reconfirmation of places")
SETS = ("recipient", "event", "registration")

# Preview links carry this instead of a real token: the participant's link lets whoever opens
# it change or cancel the registration, an invitation's lets them register.
PREVIEW_TOKEN = "preview"


# Placeholders of these templates -------------------------------------------------------------------

def _mode_label(mode) -> str:
    return "" if mode is None else mode_label(mode)


def _join_details(c: MailContext) -> str:
    registration = c["registration"]
    details = (registration.event.online_details or "").strip()
    if not details or not registration.sees_online_details():
        return ""
    return _("How to join online:") + "\n" + details


def _position(c: MailContext) -> str:
    value = c.get("position")
    if value is None:
        value = position(c["registration"])
    return "" if value is None else format_number(value)


def _invitation_expires(c: MailContext) -> str:
    invitation = c["invitation"]
    return when(c, invitation.created_at + dt.timedelta(seconds=current_app.config["INVITATION_MAX_AGE"]))


def _invitation_approval(c: MailContext) -> str:
    if c["invitation"].skip_approval and c["category"].requires_approval:
        return _("Your registration will not need to be approved.")
    return ""


JOIN_DETAILS = Placeholder(
    "join_details", _l("How to join online, for confirmed participants of an online or hybrid event (empty otherwise)"),
    _join_details, kind="block")
WAITING_POSITION = Placeholder("waiting_position", _l("The participant's number on the waiting list"), _position)
SWITCH_MODE = Placeholder("switch_mode", _l("How the participant asked to attend instead: in person or online"),
                          lambda c: _mode_label(c["registration"].switch_to))
OFFER_EXPIRES = Placeholder("offer_expires", _l("Until when the offered place is held, in the recipient's time zone"),
                            lambda c: when(c, c["registration"].offer_expires_at))
ORGANISER_MESSAGE = Placeholder("organiser_message", _l("The message the organisers wrote with it (empty if none)"),
                                lambda c: (c.get("message") or "").strip(), kind="block")
RECONFIRM_BY = Placeholder("reconfirm_by", _l("The date to reconfirm by, in the recipient's time zone"),
                           lambda c: when(c, c.get("reconfirm_by")))


# Samples: a real record of the event for the preview ------------------------------------------------

def _preview_link(endpoint: str) -> str:
    return external_url(endpoint, token=PREVIEW_TOKEN)


def _registration_sample(event, *states, where=None, **data):
    """The event's latest registration in one of ``states`` (and matching ``where``), else its
    latest of any kind, to its participant."""
    latest = (sa.select(Registration).where(Registration.event_id == event.id)
              .order_by(Registration.id.desc()).limit(1))
    fitting = latest.where(Registration.state.in_(states)) if states else latest
    if where is not None:
        fitting = fitting.where(where)
    registration = db.session.scalars(fitting).first() or db.session.scalars(latest).first()
    if registration is None:
        return None
    data = {"registration": registration, "link": _preview_link("registration.manage"), **data}
    return data, registration.name, registration.email, registration.user


def _states(*names):
    return tuple(RegistrationState(name) for name in names)


def _state_sample(*names):
    return lambda event: _registration_sample(event, *_states(*names))


def _switch_sample(event):
    return _registration_sample(event, *_states("confirmed", "pending"), where=Registration.switch_to.is_not(None))


def _reconfirmation_sample(*names, where=None):
    """A registration of the kind the event's reconfirmation asks (its modes, not exempt)."""
    def sample(event):
        settings = event.registration_settings
        asked = Registration.category_id.not_in(
            sa.select(ParticipantCategory.id).where(ParticipantCategory.event_id == event.id,
                                                    ParticipantCategory.reconfirmation_exempt.is_(True)))
        if settings is not None:
            asked = asked & Registration.mode.in_(sorted(settings.reconfirm_modes()))
        return _registration_sample(event, *_states(*names), where=asked if where is None else asked & where,
                                    reconfirm_by=settings.reconfirm_by if settings else None)

    return sample


def _released_sample(event):
    return _reconfirmation_sample("cancelled", where=Registration.cancel_reason == CancelReason.NOT_RECONFIRMED)(event)


def _invitation_sample(event):
    invitation = db.session.scalars(
        sa.select(RegistrationInvitation).where(RegistrationInvitation.event_id == event.id)
        .order_by(RegistrationInvitation.id.desc()).limit(1)).first()
    if invitation is None:
        return None
    data = {"invitation": invitation, "category": invitation.category, "message": "",
            "link": _preview_link("registration.register_invited")}
    return data, invitation.name, invitation.email, None


# Where a registration stands --------------------------------------------------------------------------

def _decided_by(c: MailContext) -> str:
    registration = c["registration"]
    if organisation_source().awaiting_focal_point(registration):
        return _("the focal point of %(organisation)s", organisation=registration.organisation.name)
    return _("the organisers")


register(TemplateSpec(
    key="registration_received",
    group=GROUP,
    label=_l("Registration received (pending approval)"),
    when=_l("To a participant whose category needs the organisers' approval, or whose organisation's focal point "
            "decides, when they register or take an offered place."),
    subject=_l("Received: your registration for {event_title}"),
    body=_l("""Hello {recipient_name},

We received your registration for {event_title} ({registration_category}). It awaits approval by {decided_by}; you \
will get a mail when they have decided. Your place is held meanwhile.

{registration_link}"""),
    sets=SETS,
    extra=(Placeholder("decided_by", _l("Who decides: the organisers, or the focal point of the participant's "
                                        "organisation"), _decided_by),),
    sample=_state_sample("pending"),
))

register(TemplateSpec(
    key="registration_confirmed",
    group=GROUP,
    label=_l("Registration confirmed"),
    when=_l("To a participant whose registration is confirmed straight away, when they register or take a place "
            "offered from the waiting list; with the event as a calendar file."),
    subject=_l("Confirmed: your registration for {event_title}"),
    body=_l("""Hello {recipient_name},

Your registration for {event_title} is confirmed ({registration_category}, {registration_mode}).

Your ticket, your answers and the way to cancel are on your registration page:

{registration_link}

{join_details}

The calendar file attached adds the event to your calendar."""),
    sets=SETS,
    extra=(JOIN_DETAILS,),
    sample=_state_sample("confirmed"),
))

register(TemplateSpec(
    key="registration_approved",
    group=GROUP,
    label=_l("Registration approved"),
    when=_l("To a participant pending approval, when the organisers approve their registration; with the event as "
            "a calendar file."),
    subject=_l("Approved: your registration for {event_title}"),
    body=_l("""Hello {recipient_name},

The organisers of {event_title} approved your registration: it is confirmed ({registration_category}, \
{registration_mode}).

Your ticket, your answers and the way to cancel are on your registration page:

{registration_link}

{join_details}

The calendar file attached adds the event to your calendar."""),
    sets=SETS,
    extra=(JOIN_DETAILS,),
    sample=_state_sample("confirmed"),
))

register(TemplateSpec(
    key="registration_waitlisted",
    group=GROUP,
    label=_l("On the waiting list"),
    when=_l("To a participant who registers when there is no place left for them."),
    subject=_l("Waiting list: {event_title}"),
    body=_l("""Hello {recipient_name},

{event_title} is full for now. You are number {waiting_position} on the waiting list ({registration_mode}).

When a place frees up, the first person waiting gets it on offer by mail, for a limited time.

{registration_link}"""),
    sets=SETS,
    extra=(WAITING_POSITION,),
    sample=_state_sample("waitlisted"),
))

register(TemplateSpec(
    key="registration_offer",
    group=GROUP,
    label=_l("A place offered from the waiting list"),
    when=_l("To the first person waiting, when a place frees up; the place is held for them for a limited time."),
    subject=_l("Action required: a place for you at {event_title}"),
    body=_l("""Hello {recipient_name},

A place has freed up at {event_title} and it is yours if you want it. It is held for you until {offer_expires}; after \
that it passes to the next person waiting.

Take the place (or let it go) on your registration page:

{registration_link}"""),
    sets=SETS,
    extra=(OFFER_EXPIRES,),
    sample=_state_sample("offered"),
))

register(TemplateSpec(
    key="registration_offer_withdrawn",
    group=GROUP,
    label=_l("Offer withdrawn (fewer places)"),
    when=_l("To a participant offered a place from the waiting list, when the organisers lower the number of places "
            "so that the offer no longer fits: they are back on the waiting list where they were."),
    subject=_l("Waiting list again: {event_title}"),
    body=_l("""Hello {recipient_name},

The organisers of {event_title} have reduced the number of places, so the place we offered you is no longer available. \
We are sorry.

You are back on the waiting list ({registration_mode}), at number {waiting_position}, ahead of everyone who joined it \
after you. We will offer you the next place that frees up.

{registration_link}"""),
    sets=SETS,
    extra=(WAITING_POSITION,),
    sample=_state_sample("waitlisted"),
))

register(TemplateSpec(
    key="registration_offer_expired",
    group=GROUP,
    label=_l("Offer expired"),
    when=_l("To a participant who did not take an offered place in time."),
    subject=_l("Offer expired: {event_title}"),
    body=_l("""Hello {recipient_name},

The place we offered you at {event_title} was not taken in time and has passed to the next person waiting. You can \
register again if registration is still open:

{event_link}"""),
    sets=SETS,
    sample=_state_sample("cancelled"),
))

register(TemplateSpec(
    key="registration_rejected",
    group=GROUP,
    label=_l("Registration rejected"),
    when=_l("To a participant pending approval or waiting, when the organisers reject the registration; with "
            "their message if they wrote one."),
    subject=_l("Your registration for {event_title}"),
    body=_l("""Hello {recipient_name},

We are sorry: the organisers of {event_title} could not accept your registration.

{organiser_message}"""),
    sets=SETS,
    extra=(ORGANISER_MESSAGE,),
    sample=_state_sample("rejected"),
))

register(TemplateSpec(
    key="registration_cancelled",
    group=GROUP,
    label=_l("Registration cancelled"),
    when=_l("To a participant when their registration is cancelled, by themselves or by the organisers."),
    subject=_l("Cancelled: your registration for {event_title}"),
    body=_l("""Hello {recipient_name},

Your registration for {event_title} is cancelled."""),
    sets=SETS,
    sample=_state_sample("cancelled"),
))

register(TemplateSpec(
    key="registration_switched",
    group=GROUP,
    label=_l("Attendance switched"),
    when=_l("To a participant who asked to attend the other way (in person or online), once the switch is made."),
    subject=_l("You now attend {event_title} {registration_mode}"),
    body=_l("""Hello {recipient_name},

Your registration for {event_title} now attends {registration_mode}, as you asked.

{registration_link}"""),
    sets=SETS,
    sample=_state_sample("confirmed"),
))

register(TemplateSpec(
    key="registration_switch_waiting",
    group=GROUP,
    label=_l("Waiting to switch attendance"),
    when=_l("To a participant who asked to attend the other way when there is no room that way: the request waits "
            "and they keep their place."),
    subject=_l("Waiting to attend {switch_mode}: {event_title}"),
    body=_l("""Hello {recipient_name},

There is no room {switch_mode} at {event_title} right now. Your request waits at number {waiting_position}; you keep \
your current place until it comes through, and we will tell you when it does.

{registration_link}"""),
    sets=SETS,
    extra=(SWITCH_MODE, WAITING_POSITION),
    sample=_switch_sample,
))


# Invitations and links ----------------------------------------------------------------------------------

register(TemplateSpec(
    key="registration_invitation",
    group=GROUP,
    label=_l("Invitation to register"),
    when=_l("To a person the organisers invite to register in a category, with their message."),
    subject=_l("Invitation to register for {event_title}"),
    body=_l("""Hello {recipient_name},

You are invited to register for {event_title} as {invitation_category}.

{organiser_message}

Register with this link (it is for you alone):

{link}

{invitation_approval}

The invitation is valid until {invitation_expires}."""),
    sets=("recipient", "event", "link"),
    extra=(
        # An invitation may be addressed without a name: greet the address then.
        Placeholder("recipient_name", _l("The recipient's name (their email address when the invitation has none)"),
                    lambda c: c.recipient_name or c.recipient_email),
        Placeholder("invitation_category", _l("The category the invitation is for"),
                    lambda c: c["category"].tr("name")),
        Placeholder("invitation_approval",
                    _l("\"Your registration will not need to be approved.\" where the category needs approval and "
                       "the invitation skips it (empty otherwise)"), _invitation_approval),
        Placeholder("invitation_expires", _l("Until when the invitation works, in the recipient's time zone"),
                    _invitation_expires),
        ORGANISER_MESSAGE,
    ),
    sample=_invitation_sample,
))

register(TemplateSpec(
    key="registration_link",
    group=GROUP,
    label=_l("Registration link sent again"),
    when=_l("To a participant who asks for the link to their registration page again, or when the registration "
            "form is sent again with their address (at most one every 10 minutes)."),
    subject=_l("Your registration link for {event_title}"),
    body=_l("""Hello {recipient_name},

Someone, probably you, asked for the link to your registration for {event_title}, or sent the registration form again \
with your address. You are already registered: nothing has changed. On your registration page you see where your \
registration stands, change your answers and cancel it:

{registration_link}

If it was not you, you can ignore this message."""),
    sets=SETS,
    sample=_state_sample("confirmed", "pending", "waitlisted", "offered"),
))


# Reconfirmation of places -------------------------------------------------------------------------------

register(TemplateSpec(
    key="reconfirmation_request",
    group=RECONFIRMATION_GROUP,
    label=_l("Request to reconfirm"),
    when=_l("To every confirmed participant the organisers ask to reconfirm by a date (those attending the ways they "
            "chose, outside the categories exempt from it)."),
    subject=_l("Action required: reconfirm your place at {event_title} by {reconfirm_by}"),
    body=_l("""Hello {recipient_name},

You have a confirmed place at {event_title} ({registration_mode}). The organisers ask participants to confirm that \
they still take part, by {reconfirm_by}.

If you do not reconfirm by then, your place goes to the next person on the waiting list.

Reconfirm (or cancel, if you cannot come) on your registration page:

{registration_link}"""),
    sets=SETS,
    extra=(RECONFIRM_BY,),
    sample=_reconfirmation_sample("confirmed"),
))

register(TemplateSpec(
    key="reconfirmation_reminder",
    group=RECONFIRMATION_GROUP,
    label=_l("Reminder to reconfirm"),
    when=_l("To the participants asked who have not reconfirmed yet, the chosen number of hours before the date."),
    subject=_l("Action required: reminder to reconfirm your place at {event_title} by {reconfirm_by}"),
    body=_l("""Hello {recipient_name},

You have not yet reconfirmed your place at {event_title} ({registration_mode}). Please do so by {reconfirm_by}; after \
that, your place goes to the next person on the waiting list.

Reconfirm (or cancel, if you cannot come) on your registration page:

{registration_link}"""),
    sets=SETS,
    extra=(RECONFIRM_BY,),
    sample=_reconfirmation_sample("confirmed"),
))

register(TemplateSpec(
    key="reconfirmation_released",
    group=RECONFIRMATION_GROUP,
    label=_l("Place released (not reconfirmed)"),
    when=_l("To the participants asked who did not reconfirm by the date: their registration is cancelled and the "
            "place goes down the waiting list."),
    subject=_l("Cancelled: your place at {event_title} was released"),
    body=_l("""Hello {recipient_name},

You did not reconfirm your place at {event_title} ({registration_mode}) by {reconfirm_by}, so your registration is \
cancelled and the place has gone to the next person on the waiting list.

If you would still like to come, you can register again while registration is open; you will join the waiting list if \
the event is full. Questions go to the organisers at {event_contact}."""),
    sets=SETS,
    extra=(RECONFIRM_BY,),
    sample=_released_sample,
))
