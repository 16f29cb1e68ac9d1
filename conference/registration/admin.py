"""What the organisers read and do about an event's registrations as a whole: the filtered list,
the counts per category and mode against capacity, the CSV export, decisions on many
registrations at once, and the participant list. Every reading runs a fixed number of SQL
statements whatever the number of registrations."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections import Counter

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from conference.core.bounds import id_or_none
from conference.core.csv_files import safe_cell
from conference.core.enums import QuestionKind
from conference.core.models import AuditEntry
from conference.core.questions import answer_text
from conference.errors import DomainError
from conference.events.models import Event
from conference.extensions import db
from conference.registration import places
from conference.registration import registrations as ops
from conference.registration.enums import (
    AttendanceMode,
    ListVisibility,
    RegistrationState,
)
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
    RegistrationQuestion,
)

BULK_ACTIONS = ("approve", "reject", "cancel")


# The list ----------------------------------------------------------------------------------------------

def list_registrations(event: Event, *, form_id: int | None = None, category_id: int | None = None,
                       state: RegistrationState | str | None = None, checked_in: bool | None = None,
                       search: str = "") -> list[Registration]:
    """The event's registrations matching the filters (None or "" means any), oldest first, with
    their form and category loaded. ``search`` looks in the name, address and affiliation."""
    stmt = (
        sa.select(Registration).where(Registration.event_id == event.id)
        .options(joinedload(Registration.form), joinedload(Registration.category))
        .order_by(Registration.created_at, Registration.id)
    )
    if form_id is not None:
        stmt = stmt.where(Registration.form_id == form_id)
    if category_id is not None:
        stmt = stmt.where(Registration.category_id == category_id)
    if state:
        stmt = stmt.where(Registration.state == RegistrationState(state))
    if checked_in is True:
        stmt = stmt.where(Registration.checked_in_at.is_not(None))
    elif checked_in is False:
        stmt = stmt.where(Registration.checked_in_at.is_(None))
    text = " ".join((search or "").split()).lower()[:200]
    if text:
        stmt = stmt.where(sa.or_(*(sa.func.lower(column).contains(text, autoescape=True)
                                   for column in (Registration.name, Registration.email, Registration.affiliation))))
    return list(db.session.scalars(stmt).unique())


def registrations_by_id(event: Event, registration_ids) -> list[Registration]:
    """The event's registrations among ``registration_ids`` (others are ignored), in list order."""
    ids = {i for i in map(id_or_none, registration_ids or ()) if i is not None}
    if not ids:
        return []
    return list(db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id, Registration.id.in_(ids))
        .options(joinedload(Registration.category), joinedload(Registration.form),
                 joinedload(Registration.event), selectinload(Registration.user))
        .order_by(Registration.created_at, Registration.id)
    ).unique())


def categories_of(event: Event) -> list[ParticipantCategory]:
    """Every category of the event, form by form, with its form."""
    return list(db.session.scalars(
        sa.select(ParticipantCategory).join(ParticipantCategory.form)
        .where(ParticipantCategory.event_id == event.id)
        .options(joinedload(ParticipantCategory.form))
        .order_by(RegistrationForm.position, RegistrationForm.id, ParticipantCategory.position, ParticipantCategory.id)
    ))


def forms_of(event: Event) -> list[RegistrationForm]:
    return list(db.session.scalars(
        sa.select(RegistrationForm).where(RegistrationForm.event_id == event.id)
        .order_by(RegistrationForm.position, RegistrationForm.id)
    ))


# Counts against capacity ----------------------------------------------------------------------------------

@dataclasses.dataclass
class ModeCount:
    """One line of the counts: a category (None for the event as a whole) in one mode."""

    category: ParticipantCategory | None
    mode: AttendanceMode
    capacity: int | None
    confirmed: int = 0
    pending: int = 0
    offered: int = 0
    waiting: int = 0
    checked_in: int = 0

    @property
    def taken(self) -> int:
        return self.confirmed + self.pending + self.offered

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken)


@dataclasses.dataclass
class Counts:
    by_category: list[ModeCount]
    totals: list[ModeCount]


def category_counts(event: Event) -> Counts:
    """Per category and mode, and for the event per mode: places taken (pending, confirmed,
    offered), waiting, checked in, against the capacity (None: unlimited)."""
    settings = places.ensure_registration_settings(event)
    modes = places.modes_of(event)
    rows = db.session.execute(
        sa.select(Registration.category_id, Registration.mode, Registration.state,
                  sa.func.count(), sa.func.count(Registration.checked_in_at))
        .where(Registration.event_id == event.id)
        .group_by(Registration.category_id, Registration.mode, Registration.state)
    ).all()
    by_key: dict[tuple, Counter] = {}
    for category_id, mode, state, count, checked in rows:
        for key in ((category_id, mode), (None, mode)):
            tally = by_key.setdefault(key, Counter())
            tally[RegistrationState(state)] += count
            tally["checked_in"] += checked

    def line(category, mode) -> ModeCount:
        tally = by_key.get((category.id if category else None, mode), Counter())
        capacity = category.capacity(mode) if category else settings.capacity(mode)
        return ModeCount(category=category, mode=mode, capacity=capacity,
                         confirmed=tally[RegistrationState.CONFIRMED], pending=tally[RegistrationState.PENDING],
                         offered=tally[RegistrationState.OFFERED], waiting=tally[RegistrationState.WAITLISTED],
                         checked_in=tally["checked_in"])

    return Counts(by_category=[line(category, mode) for category in categories_of(event) for mode in modes],
                  totals=[line(None, mode) for mode in modes])


# CSV export -------------------------------------------------------------------------------------------------

def _utc_iso(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else ""


def _answer_cell(question: RegistrationQuestion, value) -> str:
    if question.kind == QuestionKind.FILE and isinstance(value, dict):
        return str(value.get("filename", ""))
    return answer_text(value)


def registrations_csv(event: Event) -> str:
    """Every registration of the event with its answers (one column per question), as CSV text
    with a byte-order mark so spreadsheets read it as UTF-8. Times are in UTC."""
    questions = list(db.session.scalars(
        sa.select(RegistrationQuestion).join(RegistrationQuestion.form).where(RegistrationForm.event_id == event.id)
        .options(joinedload(RegistrationQuestion.form))
        .order_by(RegistrationForm.position, RegistrationForm.id, RegistrationQuestion.position,
                  RegistrationQuestion.id)
    ))
    several_forms = len({q.form_id for q in questions}) > 1
    header = [_("ID"), _("Name"), _("Email"), _("Affiliation"), _("Form"), _("Category"), _("Mode"), _("State"),
              _("Registered at (UTC)"), _("Confirmed at (UTC)"), _("Checked in at (UTC)"),
              _("Privacy consent at (UTC)"), _("Listed in the participant list"), _("Cancelled at (UTC)"),
              _("Cancel reason")]
    # Forms, categories and questions by their main-language names, not the reader's: the file is
    # data that spreadsheets sort and filter, and the same whoever downloads it.
    header += [f"{q.form.title}: {q.label}" if several_forms else q.label for q in questions]
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for registration in list_registrations(event):
        row = [registration.id, registration.name, registration.email, registration.affiliation,
               registration.form.title, registration.category.name, registration.mode.value,
               registration.state.value, _utc_iso(registration.created_at), _utc_iso(registration.confirmed_at),
               _utc_iso(registration.checked_in_at), _utc_iso(registration.privacy_consent_at),
               _("Yes") if registration.listed else _("No"), _utc_iso(registration.cancelled_at),
               registration.cancel_reason.value if registration.cancel_reason else ""]
        answers = registration.answers or {}
        row += [_answer_cell(q, answers.get(str(q.id))) if q.form_id == registration.form_id else ""
                for q in questions]
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


# Audit trail of one registration ------------------------------------------------------------------------------

def history_of(registration: Registration) -> list[AuditEntry]:
    """What happened to the registration, oldest first, with who did it."""
    return list(db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.event_id == registration.event_id, AuditEntry.object_type == "Registration",
               AuditEntry.object_id == registration.id)
        .order_by(AuditEntry.created_at, AuditEntry.id)
    ))


# Decisions on many ---------------------------------------------------------------------------------------------

def bulk(event: Event, *, actor, action: str, registration_ids, message: str = "",
         now: dt.datetime | None = None) -> tuple[int, list[tuple[str, str]]]:
    """Approve, reject or cancel the chosen registrations one by one, each with its mail. Those
    refused (a state that does not allow it) are listed as (name, reason) and left as they were;
    ``message`` goes with rejections."""
    event.require_manager(actor, _("Only the event's organisers can do this."))
    if action not in BULK_ACTIONS:
        raise DomainError(_("Choose what to do with the selected registrations."), field="action")
    chosen = registrations_by_id(event, registration_ids)
    if not chosen:
        raise DomainError(_("Choose at least one registration: tick the box next to its name."),
                          field="registration_ids")
    done, refused = 0, []
    for registration in chosen:
        try:
            if action == "approve":
                ops.approve(registration, actor=actor, now=now)
            elif action == "reject":
                ops.reject(registration, actor=actor, message=message, now=now)
            else:
                ops.cancel(registration, actor=actor, now=now)
        except DomainError as error:
            refused.append((registration.name, error.message))
        else:
            done += 1
    return done, refused


# The participant list ----------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class ListedParticipant:
    name: str
    affiliation: str


def visibility_of(event: Event) -> ListVisibility:
    settings = event.registration_settings
    return settings.participant_list if settings is not None else ListVisibility.HIDDEN


def may_see_participants(event: Event, viewer) -> bool:
    """Organisers always (to check it); otherwise per the event's setting: the team and people
    with a confirmed registration under their account, or everyone."""
    signed_in = getattr(viewer, "is_authenticated", False)
    if signed_in and event.can_manage(viewer):
        return True
    visibility = visibility_of(event)
    if visibility == ListVisibility.PUBLIC:
        return True
    if visibility == ListVisibility.HIDDEN or not signed_in:
        return False
    if event.is_team_member(viewer):
        return True
    return bool(db.session.scalar(
        sa.select(sa.exists().where(Registration.event_id == event.id, Registration.user_id == viewer.id,
                                    Registration.state == RegistrationState.CONFIRMED))
    ))


def participant_list(event: Event, viewer) -> list[ListedParticipant] | None:
    """The confirmed participants who agreed to be listed, by name (names and affiliations
    only); None when ``viewer`` may not see the list."""
    if not may_see_participants(event, viewer):
        return None
    rows = db.session.execute(
        sa.select(Registration.name, Registration.affiliation)
        .where(Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED,
               Registration.listed.is_(True))
    ).all()
    return sorted((ListedParticipant(name, affiliation or "") for name, affiliation in rows),
                  key=lambda p: (p.name.casefold(), p.affiliation.casefold()))

