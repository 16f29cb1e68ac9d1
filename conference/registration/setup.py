"""Setting up registration: the event's settings (overall capacity, offer hold time, who sees
the participant list), its forms, their participant categories and questions, and
invitations. Only the event's organisers may change these; every change is audited.

A capacity is never lower than the places that belong to someone (confirmed or pending
approval): lowering it below them is refused with the number named, as Indico refuses a
registration limit below the registrations already there; cancelling registrations is the
organisers' decision, not a side effect. Lowering it below the places also held by open offers
withdraws the offers of those last in line (they go back to the waiting list where they were,
and are told by mail), so an offer taken later never overbooks. Raising a capacity (or removing
it) passes the new room down the waiting list at once. All of it under the event's lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import cast

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import joinedload

from conference.accounts.users import normalise_email
from conference.core import csv_files as csv_import
from conference.core.audit import record
from conference.core.enums import QuestionKind
from conference.core.links import external_url
from conference.core.lists import format_list
from conference.core.translations import clean_translations
from conference.core.types import utcnow
from conference.errors import (
    AlreadyExists,
    DomainError,
    InvalidState,
    ValidationFailed,
)
from conference.events.models import Event
from conference.extensions import db
from conference.mail.mailer import queue_mail
from conference.registration import categories, places
from conference.registration import registrations as registration
from conference.registration.enums import AttendanceMode, ListVisibility
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
    RegistrationInvitation,
    RegistrationQuestion,
    RegistrationSettings,
    registration_question_category,
)

_ORGANISERS_ONLY = _l("Only the event's organisers can set up registration.")

MAX_HOLD_HOURS = 720
CAPACITY_FIELDS = {AttendanceMode.IN_PERSON: "capacity_in_person", AttendanceMode.ONLINE: "capacity_online"}
# The longest text of each translated field: its column's length, or the form's limit for a Text column.
TITLE_MAX, INTRO_MAX, NAME_MAX, DESCRIPTION_MAX = 200, 20000, 100, 5000


def _check_capacities(event: Event, capacities: dict[AttendanceMode, int | None], errors: dict) -> None:
    """A capacity is a whole number of places, 0 or more, or None for no limit; only the modes
    the event is attended in take one."""
    modes = places.modes_of(event)
    for mode, value in capacities.items():
        field = CAPACITY_FIELDS[mode]
        if value is None:
            continue
        if mode not in modes:
            errors[field] = (_("This event is not attended in person.") if mode == AttendanceMode.IN_PERSON
                             else _("This event is not attended online."))
        elif value < 0:
            errors[field] = _("Enter 0 or more places, or leave the field empty for no limit.")


def _check_lowered(event: Event, capacities: dict[AttendanceMode, int | None],
                   before: dict[AttendanceMode, int | None], errors: dict,
                   category: ParticipantCategory | None = None) -> None:
    """A capacity lowered (the event locked) keeps at least the places that belong to someone:
    ``places.lowest_capacity`` of ``category``, or of the event as a whole."""
    for mode, value in capacities.items():
        was = before[mode]
        if value is None or CAPACITY_FIELDS[mode] in errors or (was is not None and value >= was):
            continue
        lowest = places.lowest_capacity(event, mode, category)
        if value < lowest:
            where = _("in this category") if category is not None else _("at this event")
            errors[CAPACITY_FIELDS[mode]] = ngettext(
                "%(num)d person has a place %(mode)s %(where)s (confirmed or awaiting approval), so there cannot be "
                "fewer than %(num)d places. To go lower, cancel registrations first.",
                "%(num)d people have a place %(mode)s %(where)s (confirmed or awaiting approval), so there cannot "
                "be fewer than %(num)d places. To go lower, cancel registrations first.",
                lowest, mode=places.mode_label(mode), where=where)


def _translated(event: Event, values: dict[str, str] | None, errors: dict, *, field: str, max_length: int,
                one_line: bool = False) -> dict[str, str] | None:
    """The translations of one text into the event's other languages, cleaned (None when not
    given: they stay as they are); a refusal goes into ``errors`` under ``field``, to be shown
    next to it with the other fields' problems."""
    if values is None:
        return None
    try:
        return clean_translations(values, field=field, languages=event.other_languages, max_length=max_length,
                                  one_line=one_line)
    except DomainError as refused:
        errors[field] = refused.message
        return None


def _fill_waiting(event: Event, *, actor, now: dt.datetime) -> places.Filled:
    """After a change of capacity (the event is locked): withdraw the offers a lowered capacity
    no longer has room for, then offer whatever room there now is to the people waiting."""
    withdrawn = places.withdraw_excess_offers(event, actor=actor)
    filled = places.fill_places(event, now=now, actor=actor)
    filled.withdrawn = withdrawn
    registration.notify_filled(event, filled)
    return filled


# Settings ----------------------------------------------------------------------------------------------

def update_settings(event: Event, *, actor, capacity_in_person: int | None, capacity_online: int | None,
                    offer_hold_hours: int, participant_list: ListVisibility | str,
                    now: dt.datetime | None = None) -> RegistrationSettings:
    """The event's overall capacity per mode (on top of the categories'), how long a place
    offered from the waiting list is held, and who sees the participant list. More room goes
    to the people waiting at once; less is refused below the places that belong to someone and
    withdraws the open offers beyond it (see the module's docstring)."""
    event.require_manager(actor, _ORGANISERS_ONLY)
    now = now or utcnow()
    errors: dict[str, str] = {}
    _check_capacities(event, {AttendanceMode.IN_PERSON: capacity_in_person,
                              AttendanceMode.ONLINE: capacity_online}, errors)
    if offer_hold_hours is None or not 1 <= offer_hold_hours <= MAX_HOLD_HOURS:
        errors["offer_hold_hours"] = _("Hold an offered place for 1 to %(max)d hours (30 days).", max=MAX_HOLD_HOURS)
    try:
        visibility = ListVisibility(participant_list)
    except ValueError:
        errors["participant_list"] = _("Choose one of the options listed.")
        visibility = ListVisibility.HIDDEN  # never stored: the error refuses the change
    if errors:
        raise ValidationFailed(errors)
    settings = places.lock_event(event)
    capacities = {AttendanceMode.IN_PERSON: capacity_in_person, AttendanceMode.ONLINE: capacity_online}
    _check_lowered(event, capacities, {mode: settings.capacity(mode) for mode in capacities}, errors)
    if errors:
        raise ValidationFailed(errors)
    settings.capacity_in_person, settings.capacity_online = capacity_in_person, capacity_online
    settings.offer_hold_hours = offer_hold_hours
    settings.participant_list = visibility
    db.session.flush()
    record("registration.settings_updated", actor=actor, obj=settings, event=event,
           capacity_in_person=capacity_in_person, capacity_online=capacity_online,
           offer_hold_hours=offer_hold_hours, participant_list=visibility.value)
    _fill_waiting(event, actor=actor, now=now)
    return settings


# Forms ------------------------------------------------------------------------------------------------

def save_form(event: Event, *, actor, form: RegistrationForm | None = None, title: str, intro: str = "",
              opens_at: dt.datetime, closes_at: dt.datetime, modification_deadline: dt.datetime | None = None,
              requires_account: bool = False, title_translations: dict[str, str] | None = None,
              intro_translations: dict[str, str] | None = None) -> RegistrationForm:
    """Create or change a registration form. Titles are unique within the event; it closes
    after it opens, and answers can be changed from the opening on. The title and introduction
    may also be given in the event's other languages (``*_translations``: {language: text};
    None leaves them as they are)."""
    event.require_manager(actor, _ORGANISERS_ONLY)
    errors: dict[str, str] = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = _("Give the form a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title under 200 characters.")
    else:
        same = sa.select(RegistrationForm.id).where(RegistrationForm.event_id == event.id,
                                                    sa.func.lower(RegistrationForm.title) == title.lower())
        if form is not None:
            same = same.where(RegistrationForm.id != form.id)
        if db.session.scalar(same) is not None:
            errors["title"] = _("There is already a registration form with this title.")
    if opens_at is None:
        errors["opens_at"] = _("Give the date and time registration opens.")
    if closes_at is None:
        errors["closes_at"] = _("Give the date and time registration closes.")
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        errors["closes_at"] = _("Registration must close after it opens.")
    if opens_at is not None and modification_deadline is not None and modification_deadline < opens_at:
        errors["modification_deadline"] = _("Changes can only end on or after the opening.")
    title_translations = _translated(event, title_translations, errors, field="title_translations",
                                     max_length=TITLE_MAX, one_line=True)
    intro_translations = _translated(event, intro_translations, errors, field="intro_translations",
                                     max_length=INTRO_MAX)
    if errors:
        raise ValidationFailed(errors)
    action = "registration.form_updated"
    if form is None:
        last = db.session.scalar(sa.select(sa.func.max(RegistrationForm.position))
                                 .where(RegistrationForm.event_id == event.id))
        form = RegistrationForm(event_id=event.id, position=(last or 0) + 1)
        db.session.add(form)
        action = "registration.form_created"
    form.title, form.intro = title, (intro or "").strip()
    form.opens_at, form.closes_at, form.modification_deadline = opens_at, closes_at, modification_deadline
    form.requires_account = bool(requires_account)
    if title_translations is not None:
        form.title_translations = title_translations
    if intro_translations is not None:
        form.intro_translations = intro_translations
    db.session.flush()
    record(action, actor=actor, obj=form, event=event, title=title, title_translations=form.title_translations or None,
           opens_at=opens_at.isoformat(), closes_at=closes_at.isoformat(),
           modification_deadline=modification_deadline.isoformat() if modification_deadline else None,
           requires_account=form.requires_account)
    return form


def _registrations_using(column, ident: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Registration.id)).where(column == ident)) or 0


def delete_form(form: RegistrationForm, *, actor) -> None:
    """Only a form nobody registered through can go (cancelled registrations count: they are
    the record of what happened)."""
    event = form.event
    event.require_manager(actor, _ORGANISERS_ONLY)
    used = _registrations_using(Registration.form_id, form.id)
    if used:
        raise InvalidState(ngettext("%(num)d registration was made with this form; it cannot be deleted.",
                                    "%(num)d registrations were made with this form; it cannot be deleted.", used))
    category_ids = [c.id for c in form.categories]
    if category_ids:
        db.session.execute(sa.delete(RegistrationInvitation).where(RegistrationInvitation.category_id.in_(category_ids)))
    record("registration.form_deleted", actor=actor, obj=form, event=event, title=form.title)
    db.session.delete(form)
    db.session.flush()


# Participant categories ----------------------------------------------------------------------------------

def save_category(form: RegistrationForm, *, actor, category: ParticipantCategory | None = None, name: str,
                  description: str = "", capacity_in_person: int | None = None, capacity_online: int | None = None,
                  requires_approval: bool = False, invitation_only: bool = False,
                  reconfirmation_exempt: bool = False, name_translations: dict[str, str] | None = None,
                  description_translations: dict[str, str] | None = None,
                  now: dt.datetime | None = None) -> ParticipantCategory:
    """Create or change a participant category of ``form``. Its capacity per mode (None: no
    limit) applies only to the modes the event is attended in. A lower capacity removes nobody:
    it is refused below the places that belong to someone, and withdraws the open offers beyond
    it; a higher one offers the new places to the people waiting. ``reconfirmation_exempt``:
    its participants are never asked to reconfirm (resource persons, VIPs). The name and
    description may also be given in the event's other languages (``*_translations``:
    {language: text}; None leaves them as they are)."""
    event = form.event
    event.require_manager(actor, _ORGANISERS_ONLY)
    now = now or utcnow()
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("Give the category a name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Keep the name under 100 characters.")
    else:
        same = sa.select(ParticipantCategory.id).where(ParticipantCategory.form_id == form.id,
                                                       sa.func.lower(ParticipantCategory.name) == name.lower())
        if category is not None:
            same = same.where(ParticipantCategory.id != category.id)
        if db.session.scalar(same) is not None:
            errors["name"] = _("This form already has a category with this name.")
    name_translations = _translated(event, name_translations, errors, field="name_translations",
                                    max_length=NAME_MAX, one_line=True)
    description_translations = _translated(event, description_translations, errors,
                                           field="description_translations", max_length=DESCRIPTION_MAX)
    _check_capacities(event, {AttendanceMode.IN_PERSON: capacity_in_person,
                              AttendanceMode.ONLINE: capacity_online}, errors)
    if errors:
        raise ValidationFailed(errors)
    places.lock_event(event)
    capacities = {AttendanceMode.IN_PERSON: capacity_in_person, AttendanceMode.ONLINE: capacity_online}
    if category is not None:
        _check_lowered(event, capacities, {mode: category.capacity(mode) for mode in capacities}, errors, category)
        if errors:
            raise ValidationFailed(errors)
    created = category is None
    if category is None:
        category = ParticipantCategory(event_id=event.id, form=form, position=len(form.categories))
        db.session.add(category)
    category.name, category.description = name, (description or "").strip()
    category.capacity_in_person, category.capacity_online = capacity_in_person, capacity_online
    category.requires_approval, category.invitation_only = bool(requires_approval), bool(invitation_only)
    category.reconfirmation_exempt = bool(reconfirmation_exempt)
    if name_translations is not None:
        category.name_translations = name_translations
    if description_translations is not None:
        category.description_translations = description_translations
    db.session.flush()
    record("registration.category_created" if created else "registration.category_updated", actor=actor,
           obj=category, event=event, form=form.title, name=name,
           name_translations=category.name_translations or None, capacity_in_person=capacity_in_person,
           capacity_online=capacity_online, requires_approval=category.requires_approval,
           invitation_only=category.invitation_only, reconfirmation_exempt=category.reconfirmation_exempt)
    if not created:
        _fill_waiting(event, actor=actor, now=now)
    return category


def delete_category(category: ParticipantCategory, *, actor) -> None:
    """Only a category nobody registered in can go; its open invitations go with it, and the
    questions limited to it no longer are."""
    event = category.form.event
    event.require_manager(actor, _ORGANISERS_ONLY)
    used = _registrations_using(Registration.category_id, category.id)
    if used:
        raise InvalidState(ngettext("%(num)d registration is in this category; it cannot be deleted.",
                                    "%(num)d registrations are in this category; it cannot be deleted.", used))
    # SQLAlchemy types Session.execute's result as Result; a DELETE gives a CursorResult.
    invitations = cast(CursorResult, db.session.execute(
        sa.delete(RegistrationInvitation).where(RegistrationInvitation.category_id == category.id)
    )).rowcount
    db.session.execute(sa.delete(registration_question_category)
                       .where(registration_question_category.c.category_id == category.id))
    record("registration.category_deleted", actor=actor, obj=category, event=event, name=category.name,
           invitations_deleted=invitations or None)
    form = category.form
    form.categories.remove(category)
    db.session.delete(category)
    db.session.flush()
    for question in form.questions:
        db.session.expire(question, ["categories"])


# Questions ----------------------------------------------------------------------------------------------

def _answered(question: RegistrationQuestion) -> int:
    answers = db.session.scalars(sa.select(Registration.answers).where(Registration.form_id == question.form_id))
    key = str(question.id)
    return sum(1 for each in answers if key in (each or {}))


def save_question(form: RegistrationForm, *, actor, question: RegistrationQuestion | None = None, label: str,
                  kind: QuestionKind | str, help_text: str = "", required: bool = False,
                  options: list[str] | None = None, category_ids=(), sensitive: bool = False,
                  translations: Mapping[str, Mapping[str, str]] | None = None) -> RegistrationQuestion:
    """Create or change a question of ``form``, optionally asked only in some of its
    categories. Once answered, its kind cannot change. The answers to a ``sensitive`` question
    (a passport's number) are deleted RETAIN_SENSITIVE_ANSWERS_DAYS after the event."""
    event = form.event
    event.require_manager(actor, _ORGANISERS_ONLY)
    errors: dict[str, str] = {}
    wanted = {int(i) for i in category_ids or ()}
    chosen = [c for c in form.categories if c.id in wanted]
    if len(chosen) != len(wanted):
        errors["category_ids"] = _("Choose among the categories of this form.")
    answered_as = question.kind if question is not None and question.kind != kind and _answered(question) else None
    setup = RegistrationQuestion.check_setup(label=label, kind=kind, help_text=help_text, required=required,
                                             options=options or (), answered_as=answered_as, errors=errors,
                                             translations=translations, languages=event.other_languages)
    action = "registration.question_updated"
    if question is None:
        question = RegistrationQuestion(form=form, position=len(form.questions))
        db.session.add(question)
        action = "registration.question_created"
    question.set_up(setup)
    question.categories = chosen
    question.sensitive = bool(sensitive)
    db.session.flush()
    record(action, actor=actor, obj=question, event=event, form=form.title, label=setup.label, kind=setup.kind.value,
           required=setup.required, categories=[c.name for c in chosen] or None, sensitive=question.sensitive or None)
    return question


def delete_question(question: RegistrationQuestion, *, actor) -> None:
    """The question goes, and so do the answers people gave to it."""
    form = question.form
    event = form.event
    event.require_manager(actor, _ORGANISERS_ONLY)
    key = str(question.id)
    answered = db.session.scalars(sa.select(Registration).where(Registration.form_id == form.id))
    removed = 0
    for each in answered:
        if key in (each.answers or {}):
            each.answers = {k: v for k, v in each.answers.items() if k != key}
            removed += 1
    record("registration.question_deleted", actor=actor, obj=question, event=event, form=form.title,
           label=question.label, answers_deleted=removed or None)
    form.questions.remove(question)
    db.session.delete(question)
    db.session.flush()


# Invitations -----------------------------------------------------------------------------------------------

def invitee_problem(event: Event, address: str) -> str | None:
    """Why ``address`` cannot be invited (None when it can)."""
    if db.session.scalar(sa.select(RegistrationInvitation.id).where(
            RegistrationInvitation.event_id == event.id, RegistrationInvitation.email == address,
            RegistrationInvitation.used_at.is_(None), RegistrationInvitation.revoked_at.is_(None)).limit(1)):
        return _("%(email)s already has an open invitation to this event.", email=address)
    existing = registration.active_registration(event, email=address)
    if existing is not None:
        return _("%(email)s is already registered for this event (%(state)s).", email=address,
                 state=places.state_label(existing.state))
    return None


def _create_invitation(event: Event, *, actor, category: ParticipantCategory, address: str, name: str,
                       skip_approval: bool, message: str, now: dt.datetime) -> RegistrationInvitation:
    invitation = RegistrationInvitation(event_id=event.id, category=category, email=address, name=name,
                                        skip_approval=bool(skip_approval), invited_by_id=getattr(actor, "id", None),
                                        created_at=now)
    db.session.add(invitation)
    db.session.flush()
    record("registration.invited", actor=actor, obj=invitation, event=event, email=address,
           category=category.name, skip_approval=invitation.skip_approval)
    link = external_url("registration.register_invited", token=registration.invitation_token(invitation))
    queue_mail("registration_invitation", to=address, to_name=name, event=event,
               context={"invitation": invitation, "category": category, "link": link, "message": message,
                        "form": category.form})
    return invitation


def _category_of(event: Event, category: ParticipantCategory | None) -> ParticipantCategory:
    if category is None or category.event_id != event.id:
        raise DomainError(_("Choose a category of this event."), field="category")
    return category


def invite(event: Event, *, actor, category: ParticipantCategory, email: str, name: str = "",
           skip_approval: bool = True, message: str = "", now: dt.datetime | None = None) -> RegistrationInvitation:
    """Invite one person by email into ``category`` (invitation-only categories included). The
    mailed link lets them register there, skipping approval if ``skip_approval``. Nobody is
    invited twice: not with an open invitation, not once registered."""
    event.require_manager(actor, _ORGANISERS_ONLY)
    category = _category_of(event, category)
    address = normalise_email(email or "")
    name = " ".join((name or "").split())
    if len(name) > 200:
        raise DomainError(_("Keep the name under 200 characters."), field="name")
    refused = invitee_problem(event, address)
    if refused:
        raise AlreadyExists(refused, field="email")
    return _create_invitation(event, actor=actor, category=category, address=address, name=name,
                              skip_approval=skip_approval, message=(message or "").strip(), now=now or utcnow())


CSV_COLUMNS = ("name", "email", "category")


def _read_csv(text: str) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    """Rows of a CSV of name, email, category, with their line numbers; or the problem with its header."""
    _columns, rows, problems = csv_import.read_rows(
        text, columns=CSV_COLUMNS, required=CSV_COLUMNS,
        empty_message=_("The file is empty. Its first line names the columns: name, email, category."),
        missing_message=lambda missing: _("The first line must name the columns name, email and category; "
                                          "%(missing)s is missing.", missing=format_list(missing)))
    return rows, problems


def invite_from_csv(event: Event, *, actor, text: str, skip_approval: bool,
                    now: dt.datetime | None = None) -> tuple[list[RegistrationInvitation], list[tuple[int, str]]]:
    """Invite everyone in a CSV with the columns name, email and category (a category's name,
    in any case). All or nothing: when any line is wrong, nobody is invited and every wrong
    line is reported with its number."""
    event.require_manager(actor, _ORGANISERS_ONLY)
    now = now or utcnow()
    rows, errors = _read_csv(text)
    if errors:
        return [], errors
    if not rows:
        return [], [(2, _("There is nobody to invite: the file has no lines after the column names."))]
    by_name = categories.categories_by_name(event)
    seen: dict[str, int] = {}
    valid: list[tuple[str, str, ParticipantCategory]] = []
    for line, row in rows:
        problems = []
        name = " ".join(row["name"].split())
        if len(name) > 200:
            problems.append(_("the name is longer than 200 characters"))
        try:
            address = normalise_email(row["email"])
        except DomainError:
            address = None
            problems.append(_("“%(email)s” is not a valid email address", email=row["email"].strip()))
        category, problem = categories.category_named(row["category"], by_name)
        if problem:
            problems.append(problem)
        if address is not None:
            if address in seen:
                problems.append(_("%(email)s is already on line %(line)d", email=address, line=seen[address]))
            else:
                seen[address] = line
                refused = invitee_problem(event, address)
                if refused:
                    problems.append(refused)
        if problems:
            errors.append((line, "; ".join(p.rstrip(".") for p in problems) + "."))
        elif address is not None and category is not None:  # no problem: both found
            valid.append((address, name, category))
    if errors:
        return [], errors
    created = [_create_invitation(event, actor=actor, category=category, address=address, name=name,
                                  skip_approval=skip_approval, message="", now=now)
               for address, name, category in valid]
    record("registration.invitations_imported", actor=actor, obj=event, event=event, count=len(created))
    return created, []


def revoke_invitation(invitation: RegistrationInvitation, *, actor, now: dt.datetime | None = None) -> None:
    """Withdraw an invitation not yet used: its link stops working."""
    event = db.session.get_one(Event, invitation.event_id)
    event.require_manager(actor, _ORGANISERS_ONLY)
    if invitation.used_at is not None:
        raise InvalidState(_("This invitation was already used to register; cancel the registration instead."))
    if invitation.revoked_at is not None:
        raise InvalidState(_("This invitation is already withdrawn."))
    invitation.revoked_at = now or utcnow()
    db.session.flush()
    record("registration.invitation_revoked", actor=actor, obj=invitation, event=event, email=invitation.email)


# Reading ----------------------------------------------------------------------------------------------------

def invitations_of(event: Event) -> list[RegistrationInvitation]:
    """Newest first, each with its category."""
    return list(db.session.scalars(
        sa.select(RegistrationInvitation).where(RegistrationInvitation.event_id == event.id)
        .options(joinedload(RegistrationInvitation.category))
        .order_by(RegistrationInvitation.created_at.desc(), RegistrationInvitation.id.desc())
    ))
