"""Mail about delegations: focal points are invited, told who waits for them and reminded;
nominees get their link; delegates hear the focal point's decision; organisers are told
when the focal point deadline passed with people still waiting."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.core.links import external_url
from conference.delegations.models import Organisation
from conference.extensions import db
from conference.mail.placeholders import when
from conference.mail.registry import (
    MailContext,
    Placeholder,
    TemplateSpec,
    add_set,
    register,
)
from conference.registration.models import Registration, RegistrationInvitation
from conference.registration.registrations import manage_url

GROUP = _l("Delegations")


def _people(c: MailContext) -> str:
    return "\n".join(f"- {r.name} <{r.email}>" for r in c.get("registrations") or ())


add_set("organisation", [
    Placeholder("organisation_name", _l("The organisation's name"), lambda c: c["organisation"].name),
    Placeholder("organisation_acronym", _l("The organisation's acronym"), lambda c: c["organisation"].acronym),
])


def _organisation(event):
    return db.session.scalars(sa.select(Organisation).where(Organisation.event_id == event.id)
                              .order_by(Organisation.id).limit(1)).first()


def _delegate(event, *states):
    query = sa.select(Registration).where(Registration.event_id == event.id,
                                          Registration.organisation_id.is_not(None)).order_by(Registration.id)
    if states:
        query = query.where(Registration.state.in_(states))
    return db.session.scalars(query.limit(1)).first()


def _focal_sample(event):
    organisation = _organisation(event)
    if organisation is None:
        return None
    focal = organisation.focal_points[0] if organisation.focal_points else None
    link = external_url("registration.delegation", slug=event.slug, organisation_id=organisation.id)
    data = {"organisation": organisation, "link": link, "has_account": bool(focal and focal.user_id),
            "registrations": [r for r in [_delegate(event)] if r is not None], "deadline": None}
    if focal is None:
        return data, organisation.name, "focal.point@example.org", None
    return data, focal.name, focal.email, focal.user


def _delegate_sample(event):
    registration = _delegate(event)
    if registration is None:
        return None
    return ({"registration": registration, "organisation": registration.organisation, "message": "",
             "link": manage_url(registration)}, registration.name, registration.email, registration.user)


def _pending_sample(event):
    delegate, focal = _delegate_sample(event), _focal_sample(event)
    if delegate is None or focal is None:
        return None
    focal_data, name, email, user = focal
    return {**delegate[0], "link": focal_data["link"]}, name, email, user


def _nomination_sample(event):
    invitation = db.session.scalars(sa.select(RegistrationInvitation).where(
        RegistrationInvitation.event_id == event.id, RegistrationInvitation.organisation_id.is_not(None))
        .order_by(RegistrationInvitation.id).limit(1)).first()
    if invitation is None:
        return None
    return ({"organisation": invitation.organisation, "link": external_url("events.show_event", slug=event.slug),
             "message": "", "nominated_by": "", "substitute": invitation.reserved_mode is not None},
            invitation.name, invitation.email, None)


def _escalated_sample(event):
    registration = _delegate(event)
    if registration is None:
        return None
    organiser = next((r.user for r in event.roles if r.role.value == "organiser"), None)
    if organiser is None:
        return None
    link = external_url("registration.delegations_overview", slug=event.slug)
    return {"registrations": [registration], "link": link}, organiser.name, organiser.email, organiser


register(TemplateSpec(
    key="focal_point_invitation",
    group=GROUP,
    label=_l("Focal point: invitation"),
    when=_l("To a person an organiser makes focal point of an organisation."),
    subject=_l("You are the focal point of {organisation_name} for {event_title}"),
    body=_l("""Hello {recipient_name},

The organisers of {event_title} ({event_dates}) have made you a focal point of {organisation_name}: you nominate your \
organisation's delegates and approve the people who register claiming it.

Your delegation's page (log in or create an account with this address):

{link}"""),
    sets=("recipient", "event", "organisation", "link"),
    sample=_focal_sample,
))

register(TemplateSpec(
    key="delegation_nomination",
    group=GROUP,
    label=_l("Delegation: nomination"),
    when=_l("To a colleague a focal point nominates (or names as a substitute)."),
    subject=_l("You are nominated for {event_title} with {organisation_name}"),
    body=_l("""Hello {recipient_name},

{nominated_by} nominated you as a member of the delegation of {organisation_name} to {event_title} ({event_dates}).

{message}

Register from this link; no further approval is needed:

{link}"""),
    sets=("recipient", "event", "organisation", "link"),
    extra=(
        Placeholder("nominated_by", _l("The focal point who nominated"), lambda c: c.get("nominated_by") or ""),
        Placeholder("message", _l("The focal point's message (may be empty)"), lambda c: c.get("message") or "",
                    kind="block"),
    ),
    sample=_nomination_sample,
))

register(TemplateSpec(
    key="delegation_pending",
    group=GROUP,
    label=_l("Delegation: someone waits for the focal point"),
    when=_l("To the focal points of an organisation when someone registers claiming it."),
    subject=_l("{registrant_name} waits for your approval for {event_title}"),
    body=_l("""Hello {recipient_name},

{registrant_name} ({registrant_email}) registered for {event_title} as a member of {organisation_name} and waits for \
your approval.

Approve or decline on your delegation's page:

{link}"""),
    sets=("recipient", "event", "organisation", "link"),
    extra=(
        Placeholder("registrant_name", _l("The registrant's name"), lambda c: c["registration"].name),
        Placeholder("registrant_email", _l("The registrant's address"), lambda c: c["registration"].email),
    ),
    sample=_pending_sample,
))

register(TemplateSpec(
    key="delegation_approved",
    group=GROUP,
    label=_l("Delegation: approved by the focal point"),
    when=_l("To a delegate the focal point approved (with the calendar file)."),
    subject=_l("Confirmed: your registration for {event_title} with {organisation_name}"),
    body=_l("""Hello {recipient_name},

The focal point of {organisation_name} approved your registration: your place at {event_title} \
({registration_category}, {registration_mode}) is confirmed.

Your ticket, your answers and the way to cancel are on your registration page:

{registration_link}

The calendar file attached adds the event to your calendar."""),
    sets=("recipient", "event", "organisation", "registration"),
    sample=_delegate_sample,
))

register(TemplateSpec(
    key="delegation_declined",
    group=GROUP,
    label=_l("Delegation: declined by the focal point"),
    when=_l("To a registrant the focal point declined."),
    subject=_l("Your registration for {event_title} was declined"),
    body=_l("""Hello {recipient_name},

The focal point of {organisation_name} declined your registration for {event_title}.

{message}

Questions? Reply to this mail to reach the organisers."""),
    sets=("recipient", "event", "organisation", "registration"),
    extra=(Placeholder("message", _l("The focal point's message (may be empty)"), lambda c: c.get("message") or "",
                       kind="block"),),
    sample=_delegate_sample,
))

register(TemplateSpec(
    key="delegation_reminder",
    group=GROUP,
    label=_l("Delegation: reminder to the focal point"),
    when=_l("To focal points with people waiting, before the focal point deadline (or when organisers ask)."),
    subject=_l("Reminder: people wait for your approval for {event_title}"),
    body=_l("""Hello {recipient_name},

These people registered for {event_title} as members of {organisation_name} and wait for your approval:

{waiting_people}

{deadline_note}

{link}"""),
    sets=("recipient", "event", "organisation", "link"),
    extra=(
        Placeholder("waiting_people", _l("The people waiting, one per line"), _people, kind="block"),
        Placeholder("deadline_note", _l("When the organisers decide instead (empty without a deadline)"),
                    lambda c: _("After %(when)s the organisers decide instead.", when=when(c, c.get("deadline")))
                    if c.get("deadline") else "", kind="block"),
    ),
    sample=_focal_sample,
))

register(TemplateSpec(
    key="delegation_escalated",
    group=GROUP,
    label=_l("Delegation: deadline passed"),
    when=_l("To the organisers when the focal point deadline passed with people still waiting."),
    subject=_l("{waiting_count} registrations for {event_title} wait for you"),
    body=_l("""Hello {recipient_name},

The focal point deadline for {event_title} has passed. These people still wait for a decision, which is now yours:

{waiting_people}

{link}"""),
    sets=("recipient", "event", "link"),
    extra=(
        Placeholder("waiting_people", _l("The people waiting, one per line"), _people, kind="block"),
        Placeholder("waiting_count", _l("How many wait"), lambda c: format_number(len(c.get("registrations") or ()))),
    ),
    sample=_escalated_sample,
))
