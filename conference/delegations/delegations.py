"""Delegations: organisations take part in an event with a quota of places, and their focal
points decide who goes.

* Organisers keep the event's organisations (name, acronym, kind, country or region, email
  domains, quota per mode, the delegation's category) and their focal points.
* A focal point nominates colleagues by email: the invitation registers them straight into
  the delegation's category, skipping approval.
* A registration that names an organisation with focal points waits for them (state pending:
  "awaiting approval by the focal point of X"), not for the organisers. The focal point
  approves (a quota place is taken), puts them on the delegation's waiting list, or declines.
  After the event's focal point deadline, the organisers are told and decide themselves
  (they may always decide: they run the event).
* Quotas are checked under the event's registration lock (``places.lock_event``), like
  category capacity: concurrent approvals never overbook a delegation.
* A focal point may replace a delegate (substitution): the place is kept for the substitute
  (a reserved invitation counts as taken) and never goes to the general waiting list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from conference.accounts.models import User
from conference.accounts.users import normalise_email
from conference.core.audit import record
from conference.core.bounds import int_in_range
from conference.core.links import external_url
from conference.core.types import utcnow
from conference.delegations.enums import OrganisationKind
from conference.delegations.models import FocalPoint, Organisation
from conference.errors import (
    AlreadyExists,
    DomainError,
    InvalidState,
    NotAllowed,
    ValidationFailed,
)
from conference.events.enums import TeamRole
from conference.events.models import Event
from conference.extensions import db
from conference.mail.mailer import queue_mail
from conference.registration import places
from conference.registration.enums import (
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
from conference.registration.registrations import invitation_token, mail_state, manage_url, notify_filled
from conference.registration.setup import invitee_problem

# Permission -------------------------------------------------------------------------------------

def may_manage(organisation: Organisation, user) -> bool:
    """A focal point of this organisation, or an organiser of the event."""
    return organisation.is_focal_point(user) or organisation_event(organisation).can_manage(user)


def organisation_event(organisation: Organisation) -> Event:
    return db.session.get_one(Event, organisation.event_id)


def require_organiser(event: Event, actor) -> None:
    event.require_manager(actor, _("Only the event's organisers can do this."))


def _require_delegation(organisation: Organisation, actor) -> None:
    if not may_manage(organisation, actor):
        raise NotAllowed(_("Only a focal point of %(organisation)s or an organiser can do this.",
                           organisation=organisation.name))


# Reading ------------------------------------------------------------------------------------------

def organisations_of(event: Event) -> list[Organisation]:
    return list(db.session.scalars(
        sa.select(Organisation).where(Organisation.event_id == event.id)
        .options(selectinload(Organisation.focal_points)).order_by(sa.func.lower(Organisation.name))
    ))


def organisation_of(event: Event, ident: int | None) -> Organisation | None:
    if ident is None:
        return None
    organisation = db.session.get(Organisation, ident)
    return organisation if organisation is not None and organisation.event_id == event.id else None


def _mine(user) -> list:
    mine = [FocalPoint.user_id == user.id]
    if user.is_verified:  # an invitation by address, for a verified account of that address
        mine.append(sa.and_(FocalPoint.user_id.is_(None), FocalPoint.email == user.email))
    return mine


def focal_organisations(event: Event, user) -> list[Organisation]:
    """The organisations ``user`` is a focal point of, or invited to be by their (verified)
    address. Only reads: ``claim_invitations`` makes an invitation theirs."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(
        sa.select(Organisation).where(
            Organisation.event_id == event.id,
            Organisation.id.in_(sa.select(FocalPoint.organisation_id).where(sa.or_(*_mine(user)))),
        ).options(selectinload(Organisation.focal_points)).order_by(Organisation.name)
    ))


def claim_invitations(event: Event, user, *, now: dt.datetime | None = None) -> bool:
    """Focal point invitations of the event sent to ``user``'s verified address become theirs;
    True when one just did (the caller commits)."""
    if not getattr(user, "is_authenticated", False) or not user.is_verified:
        return False
    invited = db.session.scalars(
        sa.select(FocalPoint).join(Organisation).where(
            Organisation.event_id == event.id, FocalPoint.user_id.is_(None), FocalPoint.email == user.email)
    ).all()
    for focal in invited:
        focal.user_id, focal.accepted_at = user.id, now or utcnow()
        record("organisation.focal_point_accepted", actor=user, obj=focal.organisation, event=event)
    return bool(invited)


def suggested_organisation(event: Event, email: str) -> Organisation | None:
    """The organisation whose email domains include the address's (for the registration form)."""
    domain = email.rpartition("@")[2].lower()
    if not domain:
        return None
    return next((o for o in organisations_of(event) if domain in (o.email_domains or [])), None)


def awaiting_focal_point(registration: Registration) -> bool:
    """Pending because its organisation's focal point has not decided yet."""
    organisation = registration.organisation
    return (registration.state == RegistrationState.PENDING and organisation is not None
            and organisation.has_focal_points and registration.escalated_at is None)


def waits_for_quota(registration: Registration) -> bool:
    """On the waiting list because their delegation's quota is full (rather than the category)."""
    organisation = registration.organisation
    if registration.state != RegistrationState.WAITLISTED or organisation is None \
            or organisation.quota(registration.mode) is None:
        return False
    return delegation_counts(registration.event).left(organisation, registration.mode) == 0


@dataclasses.dataclass
class DelegationCounts:
    """Per organisation and mode: approved (confirmed or offered), pending, waiting, checked in;
    and open nominations per organisation."""

    approved: Counter
    pending: Counter
    waiting: Counter
    checked_in: Counter
    nominated: Counter
    reserved: Counter

    def left(self, organisation: Organisation, mode: AttendanceMode) -> int | None:
        quota = organisation.quota(mode)
        if quota is None:
            return None
        taken = self.approved[(organisation.id, mode)] + self.reserved[(organisation.id, mode)]
        return max(0, quota - taken)


def delegation_counts(event: Event) -> DelegationCounts:
    """Two queries, whatever the number of organisations and registrations."""
    rows = db.session.execute(
        sa.select(Registration.organisation_id, Registration.mode, Registration.state,
                  Registration.checked_in_at.is_not(None), sa.func.count())
        .where(Registration.event_id == event.id, Registration.organisation_id.is_not(None))
        .group_by(Registration.organisation_id, Registration.mode, Registration.state,
                  Registration.checked_in_at.is_not(None))
    ).all()
    counts = DelegationCounts(Counter(), Counter(), Counter(), Counter(), Counter(), Counter())
    for organisation_id, mode, state, checked_in, count in rows:
        key = (organisation_id, mode)
        if state in places.QUOTA_STATES:
            counts.approved[key] += count
        elif state == RegistrationState.PENDING:
            counts.pending[key] += count
        elif state == RegistrationState.WAITLISTED:
            counts.waiting[key] += count
        if checked_in:
            counts.checked_in[key] += count
    invitations = db.session.execute(
        sa.select(RegistrationInvitation.organisation_id, RegistrationInvitation.reserved_mode, sa.func.count())
        .where(RegistrationInvitation.event_id == event.id, RegistrationInvitation.organisation_id.is_not(None),
               RegistrationInvitation.used_at.is_(None), RegistrationInvitation.revoked_at.is_(None))
        .group_by(RegistrationInvitation.organisation_id, RegistrationInvitation.reserved_mode)
    ).all()
    for organisation_id, reserved_mode, count in invitations:
        counts.nominated[organisation_id] += count
        if reserved_mode is not None:
            counts.reserved[(organisation_id, reserved_mode)] += count
    return counts


def delegation(organisation: Organisation) -> list[Registration]:
    """Everyone registered with the organisation, newest first (cancelled and rejected too)."""
    return list(db.session.scalars(
        sa.select(Registration).where(Registration.organisation_id == organisation.id)
        .options(selectinload(Registration.category)).order_by(Registration.created_at.desc(), Registration.id.desc())
    ))


def open_nominations(organisation: Organisation) -> list[RegistrationInvitation]:
    return list(db.session.scalars(
        sa.select(RegistrationInvitation).where(
            RegistrationInvitation.organisation_id == organisation.id, RegistrationInvitation.used_at.is_(None),
            RegistrationInvitation.revoked_at.is_(None)).order_by(RegistrationInvitation.created_at)
    ))


# Organisations -----------------------------------------------------------------------------------

def _domains(raw) -> list[str]:
    if isinstance(raw, str):
        raw = raw.replace(",", " ").replace(";", " ").split()
    found = []
    for item in raw or ():
        domain = item.strip().lower().lstrip("@")
        if domain and domain not in found:
            found.append(domain)
    return found


def _check_domains(domains: list[str]) -> str | None:
    for domain in domains:
        if "." not in domain or any(c in domain for c in " /:@") or len(domain) > 253:
            return _("%(domain)s is not an email domain: write e.g. who.int.", domain=domain)
    return None


def _quota(value, field: str, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = _("Enter a whole number, or leave it empty for no quota.")
        return None
    if number < 0:
        errors[field] = _("A quota cannot be negative.")
        return None
    if not int_in_range(number):
        errors[field] = _("Enter a smaller number, or leave it empty for no quota.")
        return None
    return number


def save_organisation(event: Event, *, actor, organisation: Organisation | None = None, name: str,
                      acronym: str = "", kind: OrganisationKind | str = OrganisationKind.MEMBER, country: str = "",
                      email_domains=(), quota_in_person=None, quota_online=None,
                      category: ParticipantCategory | None = None) -> Organisation:
    require_organiser(event, actor)
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("Enter the organisation's name.")
    elif len(name) > 200:
        errors["name"] = _("Keep the name under 200 characters.")
    elif db.session.scalar(sa.select(Organisation.id).where(
            Organisation.event_id == event.id, sa.func.lower(Organisation.name) == name.lower(),
            Organisation.id != getattr(organisation, "id", None))):
        errors["name"] = _("%(name)s is already in the list.", name=name)
    acronym = " ".join((acronym or "").split())
    if len(acronym) > 40:
        errors["acronym"] = _("Keep the acronym under 40 characters.")
    try:
        chosen_kind: OrganisationKind | None = OrganisationKind(kind)
    except ValueError:
        chosen_kind = None
        errors["kind"] = _("Choose member, observer, partner or other.")
    domains = _domains(email_domains)
    if (problem := _check_domains(domains)) is not None:
        errors["email_domains"] = problem
    quotas = {"quota_in_person": _quota(quota_in_person, "quota_in_person", errors),
              "quota_online": _quota(quota_online, "quota_online", errors)}
    if category is not None and category.event_id != event.id:
        errors["category_id"] = _("Choose a category of this event.")
    if errors or chosen_kind is None:  # no kind is one of the errors
        raise ValidationFailed(errors)
    created = organisation is None
    if organisation is None:
        organisation = Organisation(event_id=event.id)
        db.session.add(organisation)
    organisation.name, organisation.acronym, organisation.kind = name, acronym, chosen_kind
    organisation.country = " ".join((country or "").split())[:100]
    organisation.email_domains = domains
    organisation.quota_in_person, organisation.quota_online = quotas["quota_in_person"], quotas["quota_online"]
    organisation.category_id = getattr(category, "id", None)
    db.session.flush()
    record("organisation.created" if created else "organisation.changed", actor=actor, obj=organisation, event=event,
           name=name, quota_in_person=organisation.quota_in_person, quota_online=organisation.quota_online)
    return organisation


def delete_organisation(organisation: Organisation, *, actor) -> None:
    event = organisation_event(organisation)
    require_organiser(event, actor)
    active = db.session.scalar(sa.select(sa.func.count()).select_from(Registration).where(
        Registration.organisation_id == organisation.id, Registration.state.in_(
            [RegistrationState.PENDING, RegistrationState.CONFIRMED, RegistrationState.WAITLISTED,
             RegistrationState.OFFERED])))
    if active:
        raise InvalidState(_("%(name)s has %(count)d people registered: it cannot be deleted while they are.",
                             name=organisation.name, count=active))
    record("organisation.deleted", actor=actor, obj=organisation, event=event, name=organisation.name)
    db.session.delete(organisation)
    db.session.flush()


# Focal points ------------------------------------------------------------------------------------------

def add_focal_point(organisation: Organisation, *, actor, email: str, name: str = "") -> FocalPoint:
    """Make someone a focal point: at once when they have an account with that address,
    else by an invitation they accept by signing up or logging in with it."""
    event = organisation_event(organisation)
    require_organiser(event, actor)
    address = normalise_email(email or "")
    if any(f.email == address for f in organisation.focal_points):
        raise AlreadyExists(_("%(email)s is already a focal point of %(organisation)s.", email=address,
                              organisation=organisation.name), field="email")
    user = db.session.scalar(sa.select(User).where(User.email == address))
    focal = FocalPoint(email=address, name=" ".join((name or "").split())[:200] or getattr(user, "name", ""),
                       invited_by_id=getattr(actor, "id", None), user_id=getattr(user, "id", None),
                       accepted_at=utcnow() if user is not None else None)
    organisation.focal_points.append(focal)
    db.session.flush()
    record("organisation.focal_point_added", actor=actor, obj=organisation, event=event, email=address)
    queue_mail("focal_point_invitation", to=address, to_name=focal.name, event=event, user=user,
               context={"organisation": organisation, "has_account": user is not None,
                        "link": external_url("registration.delegation", slug=event.slug,
                                             organisation_id=organisation.id)})
    return focal


def remove_focal_point(focal: FocalPoint, *, actor) -> None:
    organisation = focal.organisation
    event = organisation_event(organisation)
    require_organiser(event, actor)
    record("organisation.focal_point_removed", actor=actor, obj=organisation, event=event, email=focal.email)
    organisation.focal_points.remove(focal)
    db.session.flush()


# Nominating -----------------------------------------------------------------------------------------

def _nomination(organisation: Organisation, *, actor, email: str, name: str, message: str,
                reserved_mode: AttendanceMode | None = None, substitute_for: Registration | None = None,
                now: dt.datetime) -> RegistrationInvitation:
    event = organisation_event(organisation)
    if organisation.category is None:
        raise InvalidState(_("The organisers have not chosen the category %(organisation)s's delegates register in; "
                             "ask them to set it.", organisation=organisation.name))
    address = normalise_email(email or "")
    name = " ".join((name or "").split())
    if len(name) > 200:
        raise DomainError(_("Keep the name under 200 characters."), field="name")
    refused = invitee_problem(event, address)
    if refused:
        raise AlreadyExists(refused, field="email")
    invitation = RegistrationInvitation(
        event_id=event.id, category_id=organisation.category_id, email=address, name=name, skip_approval=True,
        invited_by_id=getattr(actor, "id", None), created_at=now, organisation_id=organisation.id,
        reserved_mode=reserved_mode, substitute_for_id=getattr(substitute_for, "id", None),
    )
    db.session.add(invitation)
    db.session.flush()
    link = external_url("registration.register_invited", token=invitation_token(invitation))
    queue_mail("delegation_nomination", to=address, to_name=name, event=event,
               context={"organisation": organisation, "link": link, "message": (message or "").strip(),
                        "nominated_by": getattr(actor, "name", ""), "substitute": substitute_for is not None})
    return invitation


def nominate(organisation: Organisation, *, actor, email: str, name: str = "", message: str = "",
             now: dt.datetime | None = None) -> RegistrationInvitation:
    """A focal point nominates a colleague: they get a link that registers them straight into
    the delegation's category. Refused when the quota is already full in every mode."""
    _require_delegation(organisation, actor)
    now = now or utcnow()
    event = organisation_event(organisation)
    places.lock_event(event)
    counts = delegation_counts(event)
    lefts = [counts.left(organisation, mode) for mode in places.modes_of(event)]
    limited = [left for left in lefts if left is not None]
    if lefts and len(limited) == len(lefts) and sum(limited) - counts.nominated[organisation.id] <= 0:
        raise InvalidState(_("The delegation's quota is full: no places are left to nominate for. Replace a "
                             "delegate instead, or ask the organisers for a larger quota."))
    invitation = _nomination(organisation, actor=actor, email=email, name=name, message=message, now=now)
    record("delegation.nominated", actor=actor, obj=organisation, event=event, email=invitation.email)
    return invitation


def withdraw_nomination(invitation: RegistrationInvitation, *, actor, now: dt.datetime | None = None) -> None:
    """Withdraw an unused nomination; a place it reserved (substitution) is freed."""
    organisation = invitation.organisation
    _require_delegation(organisation, actor)
    if not invitation.is_open:
        raise InvalidState(_("This nomination was already used or withdrawn."))
    now = now or utcnow()
    event = organisation_event(organisation)
    places.lock_event(event)
    invitation.revoked_at = now
    db.session.flush()
    record("delegation.nomination_withdrawn", actor=actor, obj=organisation, event=event, email=invitation.email)
    if invitation.reserved_mode is not None:
        notify_filled(event, places.fill_places(event, now=now, actor=actor))


def substitute(registration: Registration, *, actor, email: str, name: str = "", message: str = "",
               now: dt.datetime | None = None) -> RegistrationInvitation:
    """Replace a delegate: their registration is cancelled and their place (category and mode)
    is kept for the colleague named, who registers from the mailed link. The place never goes
    to the general waiting list in between."""
    organisation = registration.organisation
    if organisation is None:
        raise InvalidState(_("This registration belongs to no delegation."))
    _require_delegation(organisation, actor)
    if registration.state not in places.QUOTA_STATES:
        raise InvalidState(_("Only a confirmed delegate can be replaced; this registration is %(state)s.",
                             state=places.state_label(registration.state)))
    now = now or utcnow()
    event = organisation_event(organisation)
    places.lock_event(event)
    if organisation.category_id is None:
        organisation.category_id = registration.category_id  # the place being handed on is in this category
    invitation = _nomination(organisation, actor=actor, email=email, name=name, message=message,
                             reserved_mode=registration.mode, substitute_for=registration, now=now)
    invitation.category_id = registration.category_id
    places.cancel_place(registration, reason=CancelReason.SUBSTITUTED, now=now)
    record("delegation.substituted", actor=actor, obj=registration, event=event, organisation=organisation.name,
           replaced=registration.email, by=invitation.email)
    queue_mail("registration_cancelled", to=registration.email, to_name=registration.name, event=event,
               user=registration.user, context={"registration": registration, "by_organiser": True})
    return invitation


# Deciding ----------------------------------------------------------------------------------------------

def _pending_of(registration: Registration, actor) -> Organisation:
    organisation = registration.organisation
    if organisation is None:
        raise InvalidState(_("This registration belongs to no delegation."))
    _require_delegation(organisation, actor)
    if registration.state != RegistrationState.PENDING:
        raise InvalidState(_("Only a registration pending approval can be decided; this one is %(state)s.",
                             state=places.state_label(registration.state)))
    return organisation


def approve(registration: Registration, *, actor, waitlist_if_full: bool = False,
            now: dt.datetime | None = None) -> RegistrationState:
    """The focal point (or an organiser) approves a pending delegate. The delegation's quota is
    checked under the event's lock: past it, the approval is refused with the quota named, or
    (``waitlist_if_full``) the person goes on the delegation's waiting list. Returns the new state."""
    organisation = _pending_of(registration, actor)
    now = now or utcnow()
    event = organisation_event(organisation)
    places.lock_event(event)
    counts = places.occupancy(event)
    room = counts.quota_room(organisation, registration.mode)
    if room is not None and room <= 0:
        if not waitlist_if_full:
            raise InvalidState(_("The delegation's quota of %(quota)d %(mode)s is full. Replace a delegate, put "
                                 "this person on the delegation's waiting list, or ask the organisers for a larger "
                                 "quota.", quota=organisation.quota(registration.mode),
                                 mode=places.mode_label(registration.mode)))
        places.put_on_waiting_list(registration, now=now)
        db.session.flush()
        record("delegation.waitlisted", actor=actor, obj=registration, event=event, organisation=organisation.name)
        mail_state(registration)
        notify_filled(event, places.fill_places(event, now=now, actor=actor))  # its category place is free
        return registration.state
    places.move(registration, RegistrationState.CONFIRMED)
    registration.confirmed_at = now
    db.session.flush()
    record("delegation.approved", actor=actor, obj=registration, event=event, organisation=organisation.name)
    # Approved by the focal point, the mail says so; by an organiser, it is the usual approval mail.
    mail_state(registration, approved=True,
               focal_point_of=organisation if organisation.is_focal_point(actor) else None)
    return registration.state


def decline(registration: Registration, *, actor, message: str = "", now: dt.datetime | None = None) -> None:
    """The focal point (or an organiser) declines a pending delegate; the place they held in
    their category goes down the waiting list."""
    organisation = _pending_of(registration, actor)
    now = now or utcnow()
    event = organisation_event(organisation)
    places.lock_event(event)
    places.move(registration, RegistrationState.REJECTED)
    db.session.flush()
    record("delegation.declined", actor=actor, obj=registration, event=event, organisation=organisation.name)
    queue_mail("delegation_declined", to=registration.email, to_name=registration.name, event=event,
               user=registration.user, context={"registration": registration, "organisation": organisation,
                                                "message": (message or "").strip(), "link": manage_url(registration)})
    notify_filled(event, places.fill_places(event, now=now, actor=actor))


def tell_focal_points(registration: Registration) -> None:
    """Mail the focal points of the registration's organisation that someone waits for them."""
    organisation = registration.organisation
    event = organisation_event(organisation)
    link = external_url("registration.delegation", slug=event.slug, organisation_id=organisation.id)
    for focal in organisation.focal_points:
        queue_mail("delegation_pending", to=focal.email, to_name=focal.name, event=event, user=focal.user,
                   context={"registration": registration, "organisation": organisation, "link": link})


# The focal point deadline ------------------------------------------------------------------------------

REMIND_BEFORE = dt.timedelta(hours=48)


def _awaiting(event_ids=None):
    query = (sa.select(Registration).join(Organisation, Registration.organisation_id == Organisation.id)
             .where(Registration.state == RegistrationState.PENDING, Registration.escalated_at.is_(None),
                    sa.exists().where(FocalPoint.organisation_id == Organisation.id))
             .options(selectinload(Registration.organisation).selectinload(Organisation.focal_points)))
    if event_ids is not None:
        query = query.where(Registration.event_id.in_(event_ids))
    return list(db.session.scalars(query))


def remind_focal_points(event: Event, *, actor=None, now: dt.datetime | None = None) -> int:
    """Mail each focal point with people waiting for them a reminder listing them; returns the
    number of mails. ``actor`` None is the periodic job; a person must be an organiser. A
    round that mails nobody does not count as the reminder (the automatic one still comes).
    Done under the event's lock, so the periodic job, which decides under it too, sees an
    organiser's reminder committed meanwhile and does not send its own."""
    if actor is not None:
        require_organiser(event, actor)
    now = now or utcnow()
    settings = places.lock_event(event)
    waiting: dict[int, list[Registration]] = {}
    for registration in _awaiting([event.id]):
        waiting.setdefault(registration.organisation_id, []).append(registration)
    sent = 0
    for registrations in waiting.values():
        organisation = registrations[0].organisation
        link = external_url("registration.delegation", slug=event.slug, organisation_id=organisation.id)
        for focal in organisation.focal_points:
            queue_mail("delegation_reminder", to=focal.email, to_name=focal.name, event=event, user=focal.user,
                       context={"organisation": organisation, "registrations": registrations, "link": link,
                                "deadline": settings.focal_point_deadline})
            sent += 1
    if sent:
        settings.focal_point_reminded_at = now
        record("delegation.reminded", actor=actor, event=event, mails=sent)
    return sent


def run_deadlines(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic job: remind focal points once, REMIND_BEFORE the deadline; at the deadline,
    hand what is still pending to the organisers and tell them. Each event's is decided under
    its lock (events in id order, as the other jobs take them), on the reminder's time and the
    registrations as they are then: a reminder or a hand-over committed meanwhile by another
    process is seen, and not done again."""
    now = now or utcnow()
    done = {"focal_points_reminded": 0, "escalated": 0}
    event_ids = db.session.scalars(sa.select(RegistrationSettings.event_id).where(
        RegistrationSettings.focal_point_deadline.is_not(None)).order_by(RegistrationSettings.event_id)).all()
    for event_id in event_ids:
        event = db.session.get_one(Event, event_id)
        settings = places.lock_event(event)
        deadline = settings.focal_point_deadline
        if deadline is None:  # removed since the query
            continue
        if settings.focal_point_reminded_at is None and deadline - REMIND_BEFORE <= now < deadline:
            done["focal_points_reminded"] += remind_focal_points(event, now=now)
        if now >= deadline:
            late = _awaiting([event.id])
            if late:
                for registration in late:
                    registration.escalated_at = now
                    record("delegation.escalated", actor=None, obj=registration, event=event,
                           organisation=registration.organisation.name)
                link = external_url("registration.delegations_overview", slug=event.slug)
                for role in event.roles:
                    if role.role == TeamRole.ORGANISER:
                        queue_mail("delegation_escalated", to=role.user.email, to_name=role.user.name, event=event,
                                   user=role.user, context={"registrations": late, "link": link})
                done["escalated"] += len(late)
    return done

