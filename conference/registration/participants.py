"""What participants do around their registration besides the registration itself: sending the
form (which answers by mail where the address is not known to be theirs), files given as
answers, getting their registration link again by mail, and the agenda-change summary.

Nothing on a page tells a visitor whether an address has a registration: whoever sends the form
with an address that is not theirs to prove (no account with it verified, no invitation sent to
it) is told only that a mail went to the address, whether the registration is new or the
address already had one; the result (or the link to the existing registration) is in that mail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import BinaryIO

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.accounts.users import normalise_email
from conference.core import files
from conference.core.audit import record
from conference.core.models import AuditEntry
from conference.core.types import utcnow
from conference.errors import DomainError, InvalidState, ValidationFailed
from conference.events.models import Event
from conference.extensions import db
from conference.mail import opt_outs
from conference.mail.mailer import queue_mail
from conference.registration.enums import ACTIVE_REGISTRATION_STATES
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
    RegistrationInvitation,
)
from conference.registration.registrations import (
    AlreadyRegistered,
    active_registration,
    manage_url,
    questions_for_category,
    register,
)

ANSWER_FILE_FORMATS = ["pdf", "png", "jpeg", "docx", "odt"]
ANSWER_FILE_MAX_MB = 10
# One registration link per registration in this time at most, however often it is asked for
# (by the form or the "send me the link" button): nobody can bury an address in our mail.
LINK_MAIL_EVERY = dt.timedelta(minutes=10)


def answer_files(form: RegistrationForm, category_id: int | None,
                 uploads: dict[int, tuple[str, bytes | BinaryIO]]) -> dict:
    """Check and store the files uploaded as answers (by question id); return the answers to
    keep, ``{"<question id>": {"sha256", "filename", "size", "content_type"}}``. Files are
    stored by their content, once, so a refused registration leaves nothing half-way."""
    answers, errors = {}, {}
    for question in questions_for_category(form, category_id):
        if question.kind.value != "file" or question.id not in uploads:
            continue
        filename, data = uploads[question.id]
        field = f"q_{question.id}"
        try:
            received = files.receive(filename, data, accepted=ANSWER_FILE_FORMATS, max_mb=ANSWER_FILE_MAX_MB,
                                     field=field)
        except DomainError as error:
            errors[field] = error.message
            continue
        answers[str(question.id)] = {"sha256": received.sha256, "filename": received.filename,
                                     "size": received.size, "content_type": received.format.content_type}
    if errors:
        raise ValidationFailed(errors)
    return answers


def answer_file_digests() -> Iterator[str]:
    """The SHA-256 of every file given as an answer (see :func:`answer_files`): what the collection
    of unreferenced files keeps. Only registrations whose answers hold a file are read whole."""
    holding = sa.cast(Registration.answers, sa.Text).like('%"sha256"%')
    for answers in db.session.scalars(sa.select(Registration.answers).where(holding).execution_options(yield_per=500)):
        for value in (answers or {}).values():
            if isinstance(value, dict) and isinstance(value.get("sha256"), str):
                yield value["sha256"]


# Sending the form -------------------------------------------------------------------------------------

def account_of(user, address: str):
    """The account a registration made with ``address`` belongs to: the signed-in person's when
    it is their account's verified address, else none (anyone may type anyone's address)."""
    if getattr(user, "is_authenticated", False) and user.is_verified and user.email == address:
        return user
    return None


def proves_address(address: str, *, user, invitation: RegistrationInvitation | None) -> bool:
    """Whether whoever sends the form has shown they read mail at ``address``: it is their
    account's verified address, or the one the invitation they hold was mailed to."""
    return account_of(user, address) is not None or (invitation is not None and invitation.email == address)


def _check_account(form: RegistrationForm, user, address: str) -> None:
    """A form that needs an account registers its holder, with the account's verified address."""
    if not form.requires_account or not getattr(user, "is_authenticated", False):
        return
    if user.email != address:
        raise DomainError(_("This form registers the holder of the account you are logged in with: use its address, "
                            "%(email)s.", email=user.email), field="email")
    if not user.is_verified:
        raise DomainError(_("Confirm your account's address first: follow the link in the mail we sent to "
                            "%(email)s.", email=user.email), field="email")


@dataclasses.dataclass(frozen=True)
class Submitted:
    """What sending the registration form did. ``registration`` is None when the address already
    had one (its owner was mailed the link); ``by_mail``: the page says only that a mail went to
    ``address``, whatever happened, because the address is not known to be the sender's."""

    registration: Registration | None
    by_mail: bool
    address: str


def submit(form: RegistrationForm, *, category: ParticipantCategory, email: str, user=None,
           invitation: RegistrationInvitation | None = None, now: dt.datetime | None = None, **details) -> Submitted:
    """``registration.register`` for whoever sends the form (``user``: who is signed in, if
    anyone; ``details``: register's other arguments). The registration belongs to the account
    only when made with its verified address. Where the address already has a registration
    that is not the sender's own, nothing is registered and its owner gets the link to it
    instead; the sender learns only that a mail went to the address, as when it is new."""
    try:
        address = normalise_email(email or "")
    except DomainError:
        address = ""  # register() says so next to the field
    _check_account(form, user, address)
    owner = account_of(user, address) if address else None
    proven = bool(address) and proves_address(address, user=user, invitation=invitation)
    try:
        registration = register(form, category=category, email=email, user=owner, invitation=invitation, now=now,
                                **details)
    except AlreadyRegistered as already:
        existing = already.registration
        if proven or existing.is_owner(user) or existing.email != address:
            raise  # their own: they may see it (matched by their account or its verified address)
        send_link(existing, now=now)
        return Submitted(None, by_mail=True, address=address)
    return Submitted(registration, by_mail=not proven, address=address)


# The registration link ----------------------------------------------------------------------------------

def send_link(registration: Registration, *, now: dt.datetime | None = None) -> bool:
    """Mail the link to the registration page to its participant, unless one went less than
    ``LINK_MAIL_EVERY`` ago; returns whether a mail was queued."""
    now = now or utcnow()
    recent = db.session.scalar(
        sa.select(AuditEntry.id).where(AuditEntry.event_id == registration.event_id,
                                       AuditEntry.action == "registration.link_sent",
                                       AuditEntry.object_id == registration.id,
                                       AuditEntry.created_at > now - LINK_MAIL_EVERY).limit(1))
    if recent is not None:
        return False
    queue_mail("registration_link", to=registration.email, to_name=registration.name, event=registration.event,
               user=registration.user, context={"registration": registration, "link": manage_url(registration)})
    entry = record("registration.link_sent", actor=None, obj=registration, event=registration.event)
    entry.created_at = now
    db.session.flush()
    return True


def send_registration_link(event: Event, *, email: str, now: dt.datetime | None = None) -> bool:
    """Mail the link to the registration page to ``email`` if it has an active registration
    for the event. The caller tells the person the same thing either way, so the answer
    reveals nothing about who registered; returns whether a mail was queued."""
    try:
        address = normalise_email(email or "")
    except DomainError:
        return False
    registration = active_registration(event, email=address)
    if registration is None:
        return False
    return send_link(registration, now=now)


# The agenda-change summary ---------------------------------------------------------------------------------

def set_agenda_updates(registration: Registration, *, actor, wanted: bool) -> None:
    """Whether the participant gets the summary mail when the organisers release a changed
    agenda. Asking for it from one's registration page (reached by the link mailed to the
    address) also lifts an earlier unsubscribe from a mail's link: one rule, the person's latest
    word (``opt_outs.opt_back_in``)."""
    if not registration.is_active:
        raise InvalidState(_("This registration is no longer active."))
    event = registration.event
    if wanted:
        opt_outs.opt_back_in(event, registration.email, "agenda_updates")
    registration.agenda_updates = bool(wanted)
    db.session.flush()
    record("registration.agenda_updates_changed", actor=actor, obj=registration, event=event, wanted=bool(wanted))


def follow_opt_out(event: Event, *, email: str, kind: str) -> None:
    """Someone opted out of the agenda's updates (from a message's unsubscribe link): none of
    their registrations for the event asks for them any more. Connected to
    ``opt_outs.opt_out_recorded`` by the registration area's ``init_app``."""
    if kind == "agenda_updates":
        db.session.execute(
            sa.update(Registration)
            .where(Registration.event_id == event.id, sa.func.lower(Registration.email) == email)
            .values(agenda_updates=False)
        )


def follow_opt_back_in(event: Event, *, email: str, kind: str) -> None:
    """Undoing the opt-out: the person's active registrations ask for the agenda's updates again."""
    if kind == "agenda_updates":
        db.session.execute(
            sa.update(Registration)
            .where(Registration.event_id == event.id, sa.func.lower(Registration.email) == email,
                   Registration.state.in_(ACTIVE_REGISTRATION_STATES))
            .values(agenda_updates=True)
        )
