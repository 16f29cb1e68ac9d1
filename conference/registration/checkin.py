"""Tickets and check-in at the venue.

Each registration carries an unguessable ticket token (``Registration.ticket_token``); its
ticket page shows it as a QR code. Organisers find a registration by that code (scanned,
typed, or the whole ticket URL) or by name, and check the person in; so does the event's
check-in desk staff, who may open nothing else. Checking in twice is
harmless: the second time changes nothing and says when the first was and who did it, also
when two desks scan the same ticket at the same moment (one conditional UPDATE decides).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import cast
from urllib.parse import urlsplit

import segno
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import joinedload

from conference.accounts.models import User
from conference.core.audit import record
from conference.core.links import external_url
from conference.core.types import utcnow
from conference.errors import InvalidState, InvalidToken, NotAllowed
from conference.events.models import Event
from conference.extensions import db
from conference.registration import places
from conference.registration.enums import AttendanceMode, RegistrationState
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
)

_DESK_ONLY = _l("Only the event's organisers and check-in desk staff can check people in.")


def _require_desk(event: Event, actor) -> None:
    if actor is None or not event.can_check_in(actor):
        raise NotAllowed(str(_DESK_ONLY))

TOKEN_MAX_LENGTH = 64  # the column's width: anything longer is no ticket of ours


@dataclasses.dataclass(frozen=True)
class CheckIn:
    """The outcome of a check-in: ``first_time`` is False when the person was already checked
    in, and then ``at`` and ``by`` are the first check-in's."""

    registration: Registration
    first_time: bool
    at: dt.datetime
    by: User | None


@dataclasses.dataclass(frozen=True)
class CountRow:
    category_id: int
    category: str
    mode: AttendanceMode
    confirmed: int
    checked_in: int


@dataclasses.dataclass(frozen=True)
class Counts:
    rows: list[CountRow]
    modes: dict[AttendanceMode, tuple[int, int]]  # mode -> (confirmed, checked in)
    confirmed: int
    checked_in: int

    def as_json(self) -> dict:
        return {
            "categories": [{"id": r.category_id, "name": r.category, "mode": r.mode.value,
                            "confirmed": r.confirmed, "checked_in": r.checked_in} for r in self.rows],
            "modes": [{"mode": mode.value, "confirmed": c, "checked_in": i} for mode, (c, i) in self.modes.items()],
            "total": {"confirmed": self.confirmed, "checked_in": self.checked_in},
        }


# Tickets -----------------------------------------------------------------------------------------------

def ticket_url(registration: Registration) -> str:
    """The ticket page; its token is the only secret, so the link works without logging in."""
    return external_url("registration.ticket", token=registration.ticket_token)


def ticket_qr_svg(token_url: str) -> bytes:
    """The QR code of ``token_url`` as an SVG document. segno draws with presentation
    attributes only (fill, stroke), never ``style=""``, so the strict CSP has nothing to refuse
    even when the image is opened on its own; a white background keeps it readable on dark
    screens."""
    out = io.BytesIO()
    segno.make(token_url, error="m").save(out, kind="svg", scale=6, border=4, light="#fff", xmldecl=False,
                                           svgclass=None, lineclass=None, title=_("Ticket QR code"), nl=False)
    return out.getvalue()


def clean_code(text: str) -> str:
    """The token in what was typed or scanned: spaces anywhere are dropped (the ticket shows
    the code in groups), and of a whole ticket URL only its last path segment counts."""
    text = "".join((text or "").split())
    if "/" in text:
        segments = [s for s in urlsplit(text).path.split("/") if s]
        if segments and segments[-1] == "qr.svg":
            segments.pop()
        text = segments[-1] if segments else ""
    return text


def find_by_ticket(event: Event, token: str) -> Registration | None:
    """The event's registration with this ticket code (any state), or None."""
    code = clean_code(token)
    if not code or len(code) > TOKEN_MAX_LENGTH:
        return None
    return db.session.scalar(
        sa.select(Registration).where(Registration.event_id == event.id, Registration.ticket_token == code)
        .options(joinedload(Registration.category))
    )


def ticket_registration(token: str) -> Registration | None:
    """The registration whose ticket this is, with its event and category, or None."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return db.session.scalar(
        sa.select(Registration).where(Registration.ticket_token == token)
        .options(joinedload(Registration.event), joinedload(Registration.category))
    )


# Finding people ----------------------------------------------------------------------------------------

def search(event: Event, text: str, limit: int = 20) -> list[Registration]:
    """Confirmed registrations whose name, email or affiliation contains ``text`` (case does not
    matter), by name."""
    text = " ".join((text or "").split())
    if not text:
        return []
    columns = (Registration.name, Registration.email, Registration.affiliation)
    return list(db.session.scalars(
        sa.select(Registration)
        .where(Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED,
               sa.or_(*(column.icontains(text, autoescape=True) for column in columns)))
        .options(joinedload(Registration.category))
        .order_by(Registration.name, Registration.id).limit(limit)
    ))


def recent_check_ins(event: Event, limit: int = 10) -> list[tuple[Registration, str]]:
    """The latest check-ins, newest first, each with the name of whoever checked them in."""
    rows = db.session.execute(
        sa.select(Registration, User.name).outerjoin(User, User.id == Registration.checked_in_by_id)
        .where(Registration.event_id == event.id, Registration.checked_in_at.is_not(None))
        .options(joinedload(Registration.category))
        .order_by(Registration.checked_in_at.desc(), Registration.id.desc()).limit(limit)
    )
    return [(registration, name or "") for registration, name in rows]


def counts(event: Event) -> Counts:
    """Confirmed and checked-in people per category and mode (every category of the event in
    each of its modes, empty ones too), per mode, and in all."""
    # The names in the desk's language (the page's, or its JSON's: the same reader).
    categories = [(category.id, category.tr("name")) for category in db.session.scalars(
        sa.select(ParticipantCategory)
        .join(RegistrationForm, RegistrationForm.id == ParticipantCategory.form_id)
        .where(ParticipantCategory.event_id == event.id)
        .order_by(RegistrationForm.position, RegistrationForm.id, ParticipantCategory.position, ParticipantCategory.id)
    )]
    tallies = {
        (category_id, mode): (confirmed, checked_in)
        for category_id, mode, confirmed, checked_in in db.session.execute(
            sa.select(Registration.category_id, Registration.mode, sa.func.count(),
                      sa.func.count(Registration.checked_in_at))
            .where(Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED)
            .group_by(Registration.category_id, Registration.mode)
        )
    }
    modes = list(places.modes_of(event))
    modes += sorted({mode for _, mode in tallies} - set(modes))
    rows = [CountRow(category_id, name, mode, *tallies.get((category_id, mode), (0, 0)))
            for category_id, name in categories for mode in modes]
    by_mode = {mode: (sum(r.confirmed for r in rows if r.mode == mode),
                      sum(r.checked_in for r in rows if r.mode == mode)) for mode in modes}
    return Counts(rows=rows, modes=by_mode, confirmed=sum(c for c, _ in by_mode.values()),
                  checked_in=sum(i for _, i in by_mode.values()))


# Checking in -------------------------------------------------------------------------------------------

def _refuse_unconfirmed(registration: Registration) -> None:
    if registration.state != RegistrationState.CONFIRMED:
        raise InvalidState(_("%(name)s cannot be checked in: their registration is %(state)s, not confirmed.",
                             name=registration.name, state=places.state_label(registration.state)))


def check_in(registration: Registration, *, actor, now: dt.datetime | None = None) -> CheckIn:
    """Check a confirmed participant in. The first check-in wins: one UPDATE that only
    changes a row not yet checked in, so of two desks scanning the same ticket at once one
    is first and the other is told when and by whom. Only confirmed registrations."""
    _require_desk(registration.event, actor)
    _refuse_unconfirmed(registration)
    now = now or utcnow()
    # An UPDATE's result is a CursorResult; SQLAlchemy types Session.execute's as Result.
    changed = cast(CursorResult, db.session.execute(
        sa.update(Registration)
        .where(Registration.id == registration.id, Registration.checked_in_at.is_(None),
               Registration.state == RegistrationState.CONFIRMED)
        .values(checked_in_at=now, checked_in_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )).rowcount
    # Read back what the database holds now: ours, or the first check-in's (and a
    # cancellation that came in between).
    db.session.refresh(registration, ["checked_in_at", "checked_in_by_id", "state", "updated_at"])
    if changed != 1:
        _refuse_unconfirmed(registration)
        first_at = registration.checked_in_at
        if first_at is None:  # confirmed and not checked in, yet the UPDATE did not find it so
            raise RuntimeError(f"Registration {registration.id} is confirmed and not checked in, yet the UPDATE "
                               "changed nothing")
        by = db.session.get(User, registration.checked_in_by_id) if registration.checked_in_by_id else None
        return CheckIn(registration=registration, first_time=False, at=first_at, by=by)
    record("registration.checked_in", actor=actor, obj=registration, event=registration.event)
    db.session.flush()
    return CheckIn(registration=registration, first_time=True, at=now, by=actor)


def check_in_by_code(event: Event, code: str, *, actor, now: dt.datetime | None = None) -> CheckIn:
    """Check in whoever holds the ticket with this code (see :func:`find_by_ticket`)."""
    registration = find_by_ticket(event, code)
    if registration is None:
        raise InvalidToken(_("No confirmed registration with this code."), field="code")
    try:
        return check_in(registration, actor=actor, now=now)
    except InvalidState as refused:
        raise InvalidState(refused.message, field="code") from None


def undo_check_in(registration: Registration, *, actor) -> None:
    """Take back a check-in made by mistake."""
    _require_desk(registration.event, actor)
    if registration.checked_in_at is None:
        raise InvalidState(_("%(name)s is not checked in.", name=registration.name))
    first = registration.checked_in_at
    registration.checked_in_at = None
    registration.checked_in_by_id = None
    record("registration.check_in_undone", actor=actor, obj=registration, event=registration.event,
           checked_in_at=first.isoformat())
    db.session.flush()
