"""What registration holds about a person: their registrations (with the account, or made without
one from the address the account has confirmed) with their answers, and the invitations sent to
that address; for the export and for erasure (see conference.core.personal_data).

Erasure cancels the registrations for events that are not over (the place goes to the next
person waiting, as with any cancellation), then keeps every registration for the counts (who
registered, attended, checked in) while naming no one: a label for the name, an address nothing
is delivered to, no affiliation, no answers (files given as answers go with them: their stored
bytes are collected once nothing refers to them)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from conference.core.personal_data import Person, iso, not_over_since
from conference.extensions import db
from conference.registration import registrations
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
    RegistrationInvitation,
    RegistrationQuestion,
)

TABLES = ("registration", "registration_invitation")


def _registrations(user, email: str | None) -> list[Registration]:
    match = Registration.user_id == user.id
    if email:
        match = sa.or_(match, Registration.email == email)
    return list(db.session.scalars(sa.select(Registration).where(match).order_by(Registration.id).options(
        joinedload(Registration.event), joinedload(Registration.form), joinedload(Registration.category),
        joinedload(Registration.organisation))))


def _invitations(email: str) -> list[RegistrationInvitation]:
    return list(db.session.scalars(
        sa.select(RegistrationInvitation).where(RegistrationInvitation.email == email)
        .options(joinedload(RegistrationInvitation.category).joinedload(ParticipantCategory.form)
                 .joinedload(RegistrationForm.event))
        .order_by(RegistrationInvitation.id)))


def _exported(registration: Registration, labels: dict[str, str]) -> dict:
    return {
        "event": registration.event.slug, "form": registration.form.title, "category": registration.category.name,
        "name": registration.name, "email": registration.email, "affiliation": registration.affiliation,
        "mode": registration.mode.value, "state": registration.state.value,
        "organisation": registration.organisation.name if registration.organisation else None,
        "answers": [{"question": labels.get(key, key), "value": value}
                    for key, value in (registration.answers or {}).items()],
        "listed": registration.listed, "agenda_updates": registration.agenda_updates,
        "created_at": iso(registration.created_at), "confirmed_at": iso(registration.confirmed_at),
        "reconfirmed_at": iso(registration.reconfirmed_at), "checked_in_at": iso(registration.checked_in_at),
        "cancelled_at": iso(registration.cancelled_at),
    }


def export(user) -> dict:
    email = user.email if user.is_verified else None
    rows = _registrations(user, email)
    labels = {str(q.id): q.label for q in db.session.scalars(
        sa.select(RegistrationQuestion).where(RegistrationQuestion.form_id.in_({r.form_id for r in rows})))}
    return {
        "registrations": [_exported(r, labels) for r in rows],
        "invitations": [{"event": i.category.form.event.slug, "category": i.category.name, "name": i.name,
                         "created_at": iso(i.created_at), "used_at": iso(i.used_at), "revoked_at": iso(i.revoked_at)}
                        for i in (_invitations(email) if email else [])],
    }


def anonymise(registration: Registration, *, name: str, email: str, now: dt.datetime) -> None:
    """The registration stays for the counts, naming no one and keeping no answers."""
    registration.name, registration.email, registration.affiliation = name, email, ""
    registration.answers = {}
    registration.listed = registration.agenda_updates = False
    registration.anonymised_at = now


def erase(user, *, person: Person, actor, now: dt.datetime) -> None:
    over_before = not_over_since(now)
    for registration in _registrations(user, person.owned_email):
        if registration.is_active and registration.event.end_date >= over_before:
            registrations.cancel(registration, actor=actor, now=now)
        anonymise(registration, name=person.label, email=person.placeholder, now=now)
    for invitation in _invitations(person.email) if person.verified else []:
        invitation.email, invitation.name = person.placeholder, ""
        if invitation.is_open:
            invitation.revoked_at = now


def binds(user, *, now: dt.datetime) -> list[str]:
    over_before = not_over_since(now)
    titles = sorted({r.event.title for r in _registrations(user, user.email if user.is_verified else None)
                     if r.is_active and r.event.end_date >= over_before})
    return [_("You are registered for %(event)s: cancel your registration first.", event=title) for title in titles]

