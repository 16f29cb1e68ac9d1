"""Mail to groups: organisers choose an audience (authors, reviewers, registrants, speakers,
the team) narrowed by filters, write a subject and body with that audience's placeholders
(conference/mail_templates/group.py), preview it and confirm the number of people it reaches:
one outbox message per person, even when someone matches twice (an author of two submissions,
a team member with two roles), matched by lower-cased address.

Nothing is sent without that confirmation: ``preview`` gives a confirmation (the number of
people reached and a digest of the mail and its choices) that ``send`` requires and checks
against the mail and its recipients at the time of sending, so a mail changed since its
preview, or a group that grew or shrank since, is refused rather than sent.

Every group mail is bulk mail (``Precedence: bulk`` and a ``List-Id``).

An announcement carries List-Unsubscribe headers and a link at the end, and skips the
addresses that opted out of announcements; mail a person needs (e.g. about their missing
reviews) can be sent as a non-announcement, which reaches everyone chosen.

Choosing the recipients takes a fixed number of queries whatever the group's size.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import zoneinfo
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from conference.accounts.models import User
from conference.agenda.models import (
    AgendaItem,
    AgendaItemSpeaker,
    AgendaSession,
    Speaker,
)
from conference.cfp.enums import REVIEWABLE_STATES, SubmissionState
from conference.cfp.models import Submission, SubmissionAuthor, SubmissionType
from conference.core.audit import record
from conference.core.links import external_url
from conference.core.lists import format_list
from conference.errors import InvalidState, ValidationFailed
from conference.events.enums import TeamRole
from conference.events.models import Event, EventRole, Track
from conference.extensions import db
from conference.group_mail.models import GroupMail
from conference.mail import registry
from conference.mail import text as mail_text
from conference.mail.mailer import list_headers, mail_language, queue_mail
from conference.mail.models import MailTemplate
from conference.mail.opt_outs import opted_out, unsubscribe_headers
from conference.registration.enums import AttendanceMode, RegistrationState
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
)
from conference.review.enums import ReviewState
from conference.review.models import Review, ReviewAssignment, ReviewSettings

OPT_OUT_KIND = "announcements"

AUDIENCES = {
    "authors": _l("Authors of submissions"),
    "reviewers": _l("Reviewers with missing reviews"),
    "registrants": _l("Registered participants"),
    "speakers": _l("Speakers in the programme"),
    "team": _l("The event's team"),
}

# Each audience's filters: name -> how a value is read. An empty list means "any".
# Per audience, each filter's reader of a submitted value (raising TypeError or ValueError).
_FILTERS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "authors": {"states": SubmissionState, "track_ids": int, "type_ids": int},
    "reviewers": {"track_ids": int},
    "registrants": {"form_ids": int, "category_ids": int, "states": RegistrationState, "modes": AttendanceMode},
    "speakers": {"track_ids": int, "days": dt.date.fromisoformat},
    "team": {"roles": TeamRole},
}


def template_key(audience: str) -> str:
    return f"group_{audience}"


def spec_for(audience: str) -> registry.TemplateSpec:
    if audience not in AUDIENCES:
        raise ValidationFailed({"audience": _("Choose who receives the mail from the list.")})
    return registry.get(template_key(audience))


def saved_text(event: Event, audience: str) -> tuple[str, str] | None:
    """The subject and body the event's organisers saved as the audience's template, which
    they may start a mail from; None when they saved none (the form then starts empty: the
    shipped text is a sketch, not a mail to send)."""
    rows = {row.language: row for row in db.session.execute(
        sa.select(MailTemplate.language, MailTemplate.subject, MailTemplate.body)
        .filter_by(event_id=event.id, key=spec_for(audience).key))}
    # The version in the organiser's language, else the event's, else any.
    row = rows.get(str(get_locale())) or rows.get(event.default_language) or next(iter(rows.values()), None)
    return (row.subject, row.body) if row else None


def clean_filters(audience: str, filters: dict | None) -> dict[str, list]:
    """The audience's filters with every value read and checked (unknown ones dropped), as
    sorted lists of JSON values: what a GroupMail stores."""
    spec_for(audience)
    cleaned: dict[str, list] = {}
    for name, read in _FILTERS[audience].items():
        values = set()
        for raw in (filters or {}).get(name) or ():
            try:
                values.add(read(raw))
            except (TypeError, ValueError):
                continue
        cleaned[name] = sorted(v.isoformat() if isinstance(v, dt.date) else v for v in values)
    return cleaned


@dataclasses.dataclass
class FilterOptions:
    """What the filters offer for one event."""

    tracks: list[Track]
    types: list[SubmissionType]
    forms: list[RegistrationForm]
    categories: list[ParticipantCategory]


def filter_options(event: Event) -> FilterOptions:
    def of_event(model, *order):
        return list(db.session.scalars(sa.select(model).where(model.event_id == event.id).order_by(*order)))

    forms = of_event(RegistrationForm, RegistrationForm.position, RegistrationForm.id)
    return FilterOptions(
        tracks=of_event(Track, Track.position, Track.name),
        types=of_event(SubmissionType, SubmissionType.position, SubmissionType.name),
        forms=forms,
        categories=[category for form in forms for category in form.categories],  # loaded with their form
    )


@dataclasses.dataclass
class Recipient:
    email: str
    name: str
    user: User | None
    data: dict

    @property
    def key(self) -> str:
        return self.email.strip().lower()


class _People:
    """Recipients in order of first appearance, one per lower-cased address."""

    def __init__(self) -> None:
        self.by_key: dict[str, Recipient] = {}

    def get_or_add(self, email: str, name: str, user, data: dict) -> Recipient | None:
        key = (email or "").strip().lower()
        if not key:
            return None
        if key not in self.by_key:
            self.by_key[key] = Recipient(email=email.strip(), name=name, user=user, data=data)
        return self.by_key[key]

    def list(self) -> list[Recipient]:
        return list(self.by_key.values())


def _authors(event: Event, f: dict) -> list[Recipient]:
    stmt = (sa.select(Submission).where(Submission.event_id == event.id)
            .options(joinedload(Submission.track), joinedload(Submission.type),
                     selectinload(Submission.authors).joinedload(SubmissionAuthor.user))
            .order_by(Submission.code))
    if f["states"]:
        stmt = stmt.where(Submission.state.in_(f["states"]))
    if f["track_ids"]:
        stmt = stmt.where(Submission.track_id.in_(f["track_ids"]))
    if f["type_ids"]:
        stmt = stmt.where(Submission.type_id.in_(f["type_ids"]))
    people = _People()
    for submission in db.session.scalars(stmt).unique():
        for author in submission.authors:
            user = author.user
            person = people.get_or_add(author.email, author.name or getattr(user, "name", ""), user,
                                       {"submission": submission, "submissions": []})
            if person is not None and submission not in person.data["submissions"]:
                person.data["submissions"].append(submission)
    return people.list()


def _reviewers(event: Event, f: dict) -> list[Recipient]:
    stmt = (sa.select(ReviewAssignment)
            .join(Submission, ReviewAssignment.submission_id == Submission.id)
            .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
            .where(Submission.event_id == event.id, Submission.state.in_(REVIEWABLE_STATES),
                   sa.or_(Review.id.is_(None), Review.state != ReviewState.SUBMITTED))
            .options(contains_eager(ReviewAssignment.submission), joinedload(ReviewAssignment.reviewer))
            .order_by(Submission.code, ReviewAssignment.id))
    if f["track_ids"]:
        stmt = stmt.where(Submission.track_id.in_(f["track_ids"]))
    deadline = db.session.scalar(sa.select(ReviewSettings.review_deadline).where(ReviewSettings.event_id == event.id))
    link = external_url("review.my_reviews", slug=event.slug)
    people = _People()
    for assignment in db.session.scalars(stmt).unique():
        reviewer = assignment.reviewer
        person = people.get_or_add(reviewer.email, reviewer.name, reviewer,
                                   {"to_review": [], "review_deadline": deadline, "review_link": link})
        if person is not None:
            person.data["to_review"].append(assignment.submission)
    return people.list()


def _registrants(event: Event, f: dict) -> list[Recipient]:
    # Newest first: a person who cancelled and registered again is written about the new one.
    stmt = (sa.select(Registration).where(Registration.event_id == event.id)
            .options(joinedload(Registration.category), joinedload(Registration.user))
            .order_by(Registration.id.desc()))
    for name, column in (("form_ids", Registration.form_id), ("category_ids", Registration.category_id),
                         ("states", Registration.state), ("modes", Registration.mode)):
        if f[name]:
            stmt = stmt.where(column.in_(f[name]))
    people = _People()
    for registration in db.session.scalars(stmt).unique():
        people.get_or_add(registration.email, registration.name, registration.user, {"registration": registration})
    return people.list()


def _day_range(event: Event, day: str) -> tuple[dt.datetime, dt.datetime]:
    zone = zoneinfo.ZoneInfo(event.timezone)
    start = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(0), tzinfo=zone)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


def _speakers(event: Event, f: dict) -> list[Recipient]:
    stmt = (sa.select(AgendaItem)
            .join(AgendaSession, AgendaItem.session_id == AgendaSession.id)
            .outerjoin(Submission, AgendaItem.submission_id == Submission.id)
            .where(AgendaItem.event_id == event.id, AgendaItem.starts_at.is_not(None))
            .options(contains_eager(AgendaItem.session).joinedload(AgendaSession.room),
                     selectinload(AgendaItem.speaker_links).joinedload(AgendaItemSpeaker.speaker)
                     .joinedload(Speaker.user))
            .order_by(AgendaItem.starts_at, AgendaItem.id))
    if f["track_ids"]:
        stmt = stmt.where(sa.or_(AgendaSession.track_id.in_(f["track_ids"]), Submission.track_id.in_(f["track_ids"])))
    if f["days"]:
        stmt = stmt.where(sa.or_(*(sa.and_(AgendaItem.starts_at >= start, AgendaItem.starts_at < end)
                                   for start, end in (_day_range(event, day) for day in f["days"]))))
    people = _People()
    for item in db.session.scalars(stmt).unique():
        session = item.session  # set: the query joins it
        room = session.room.name if session is not None and session.room is not None else ""
        for speaker in item.speakers:
            # What the "session" placeholders read (see mail_templates/agenda.py): the entries,
            # and the zone the speaker gave the organisers, which wins over their account's.
            person = people.get_or_add(speaker.email, speaker.name, speaker.user,
                                       {"items": [], "schedule": [], "timezone": speaker.timezone})
            if person is not None and item not in person.data["items"]:
                person.data["items"].append(item)
                person.data["schedule"].append({"title": item.title, "start": item.starts_at, "end": item.ends_at,
                                                "room": room, "change": ""})
    return people.list()


def _team(event: Event, f: dict) -> list[Recipient]:
    stmt = (sa.select(EventRole).where(EventRole.event_id == event.id)
            .options(joinedload(EventRole.user)).order_by(EventRole.id))
    if f["roles"]:
        stmt = stmt.where(EventRole.role.in_(f["roles"]))
    people = _People()
    for role in db.session.scalars(stmt).unique():
        person = people.get_or_add(role.user.email, role.user.name, role.user, {"roles": []})
        if person is not None and role.role not in person.data["roles"]:
            person.data["roles"].append(role.role)
    return people.list()


_CHOOSE = {"authors": _authors, "reviewers": _reviewers, "registrants": _registrants, "speakers": _speakers,
           "team": _team}


def recipients(event: Event, audience: str, filters: dict | None) -> list[Recipient]:
    """Everyone the audience and its filters choose, one entry per address, by name, each with
    the data of their placeholders."""
    cleaned = clean_filters(audience, filters)  # refuses an unknown audience
    people = _CHOOSE[audience](event, cleaned)
    return sorted(people, key=lambda p: (p.name.casefold(), p.key))


def _check_text(spec, subject: str, body: str) -> tuple[str, str]:
    """Both written, with the audience's placeholders only (each unknown one named)."""
    return mail_text.checked(subject, body, spec=spec, unknown_message=lambda names: _(
        "There is no placeholder %(names)s for this group: use those listed, or remove the braces.",
        names=format_list(f"{{{n}}}" for n in names)))


def _with_footer(body: str, announcement: bool) -> str:
    """An announcement ends with the link to receive no more announcements (unless the
    organiser placed it themselves)."""
    if not announcement or "{unsubscribe_link}" in body:
        return body
    footer = _("You receive this announcement from the organisers of {event_title}. To receive no more "
               "announcements from them, open this link:")
    return f"{body.rstrip()}\n\n---\n\n{footer}\n\n{{unsubscribe_link}}"


def _unsubscribe(event: Event, person: Recipient) -> tuple[dict, str]:
    headers = unsubscribe_headers(event, person.email, OPT_OUT_KIND)
    return headers, headers["List-Unsubscribe"].strip("<>")


def _digest(event: Event, audience: str, filters: dict, subject: str, body: str, announcement: bool,
            hold: bool) -> str:
    """What a confirmation confirms: the mail and every choice made about it."""
    chosen = json.dumps([event.id, audience, filters, subject, body, announcement, hold], sort_keys=True)
    return hashlib.sha256(chosen.encode()).hexdigest()[:32]


@dataclasses.dataclass
class Preview:
    total: int  # everyone chosen
    opted_out: int  # of whom this many opted out of announcements
    announcement: bool
    recipient: Recipient | None  # the person the mail below is written for
    rendered: registry.Rendered | None
    # The HTML part's message content alone, to show in a page (the whole part is a document
    # with inline styles, which the Content-Security-Policy of our pages refuses).
    content: Markup = Markup("")
    hold: bool = False
    digest: str = ""

    @property
    def reaching(self) -> int:
        return self.total - self.opted_out if self.announcement else self.total

    @property
    def confirmation(self) -> str:
        """What ``send`` needs: the number of people the organiser saw, and what they saw."""
        return f"{self.reaching}:{self.digest}"


def preview(event: Event, audience: str, filters: dict | None, subject: str, body: str, *,
            announcement: bool = True, hold: bool = False) -> Preview:
    """How many people the mail reaches, how many opted out (skipped by an announcement), and
    the mail as the first of them would receive it, with the confirmation ``send`` requires.
    Unknown placeholders are refused by name."""
    spec = spec_for(audience)
    subject, body = _check_text(spec, subject, body)
    cleaned = clean_filters(audience, filters)
    people = recipients(event, audience, cleaned)
    skipped = opted_out(event, OPT_OUT_KIND)
    excluded = sum(1 for p in people if p.key in skipped)
    chosen = [p for p in people if p.key not in skipped] if announcement else people
    first, rendered, content = (chosen[0] if chosen else None), None, Markup("")
    if first is not None:
        data = dict(first.data)
        if announcement:
            data["unsubscribe_link"] = _unsubscribe(event, first)[1]
        context = registry.MailContext(event=event, recipient_name=first.name, recipient_email=first.email,
                                             user=first.user, data=data)
        language = mail_language(user=first.user, event=event,
                                 language=getattr(data.get("registration"), "language", None))
        with force_locale(language):  # in their language, as queue_mail writes it
            rendered = registry.render(spec, context, subject=subject, body=_with_footer(body, announcement))
        content = rendered.content
    return Preview(total=len(people), opted_out=excluded, announcement=announcement, recipient=first,
                   rendered=rendered, content=content, hold=hold,
                   digest=_digest(event, audience, cleaned, subject, body, announcement, hold))


def _check_confirmation(confirmation: str, digest: str, reaching: int) -> None:
    """The organiser confirmed this very mail, to this many people."""
    confirmed, _sep, confirmed_digest = (confirmation or "").partition(":")
    if not confirmed_digest:
        raise InvalidState(_("Preview the mail first: it is sent once you confirm the number of people it reaches."))
    if confirmed_digest != digest:
        raise InvalidState(_("The mail or its choices changed since the preview: read the new preview and confirm "
                             "again."))
    if not confirmed.isdigit() or int(confirmed) != reaching:
        raise InvalidState(_("Since the preview, the number of people this mail reaches changed to %(num)d: read "
                             "the new preview and confirm again.", num=reaching))


def send(event: Event, *, actor, audience: str, filters: dict | None, subject: str, body: str,
         announcement: bool, hold: bool, confirmation: str) -> GroupMail:
    """Queue one message per person chosen (held for review in the outbox when ``hold``).
    Organisers only; unknown placeholders are refused by name; an announcement skips those who
    opted out of announcements and lets each recipient opt out. ``confirmation`` is the
    preview's: the same mail and choices, reaching as many people now as then."""
    event.require_manager(actor, _("Only the event's organisers write to groups."))
    spec = spec_for(audience)
    subject, body = _check_text(spec, subject, body)
    cleaned = clean_filters(audience, filters)
    people = recipients(event, audience, cleaned)
    skipped = opted_out(event, OPT_OUT_KIND) if announcement else set()
    chosen = [p for p in people if p.key not in skipped]
    if not chosen:
        raise InvalidState(_("Nobody matches these filters (or everyone who does opted out of announcements): "
                             "there is nobody to send the mail to."))
    _check_confirmation(confirmation, _digest(event, audience, cleaned, subject, body, announcement, hold),
                        len(chosen))
    group = GroupMail(event_id=event.id, audience=audience, filters=cleaned, announcement=announcement, held=hold,
                      subject=subject, body=body, recipients=len(chosen), created_by_id=actor.id)
    db.session.add(group)
    db.session.flush()

    def written() -> tuple[str, str]:  # the footer in each recipient's language
        return subject, _with_footer(body, announcement)

    for person in chosen:
        data, headers = dict(person.data), list_headers(event)
        if announcement:
            headers, data["unsubscribe_link"] = _unsubscribe(event, person)
        queue_mail(spec.key, to=person.email, to_name=person.name, context=data, event=event, user=person.user,
                   headers=headers, hold=hold, group_mail=group, written=written)
    record("mail.group_sent", actor=actor, obj=group, event=event, audience=audience, recipients=len(chosen),
           skipped=len(people) - len(chosen), announcement=announcement, held=hold)
    db.session.flush()
    return group
