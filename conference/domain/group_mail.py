"""Mail to groups: organisers choose an audience (authors, reviewers, registrants, speakers,
the team) narrowed by filters, write a subject and body with that audience's placeholders
(conference/mail_templates/group.py), preview it for one person and send it: one outbox
message per person, even when someone matches twice (an author of two submissions, a team
member with two roles), matched by lower-cased address.

An announcement carries List-Unsubscribe headers and a link at the end, and skips the
addresses that opted out of announcements; mail a person needs (e.g. about their missing
reviews) can be sent as a non-announcement, which reaches everyone chosen.

Choosing the recipients takes a fixed number of queries whatever the group's size.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from .. import mail_templates
from ..enums import (REVIEWABLE_STATES, AttendanceMode, MailState, RegistrationState, ReviewState, SubmissionState,
                     TeamRole)
from ..errors import InvalidState, NotAllowed, ValidationFailed
from ..extensions import db
from ..i18n import format_date
from ..mail_templates.group import SUBMISSION_STATE_NAMES
from ..models import (AgendaItem, AgendaItemSpeaker, AgendaSession, Event, EventRole, GroupMail, OutboxMessage,
                      ParticipantCategory, Registration, RegistrationForm, Review, ReviewAssignment, ReviewSettings,
                      Speaker, Submission, SubmissionAuthor, SubmissionType, Track, User)
from . import mail_text
from .audit import record
from .links import external_url
from .mailer import queue_mail, template_text
from .opt_outs import opted_out, unsubscribe_headers
from .places import mode_label, state_label
from .team import ROLE_LABELS

OPT_OUT_KIND = "announcements"

AUDIENCES = {
    "authors": _l("Authors of submissions"),
    "reviewers": _l("Reviewers with missing reviews"),
    "registrants": _l("Registered participants"),
    "speakers": _l("Speakers in the programme"),
    "team": _l("The event's team"),
}

# Each audience's filters: name -> how a value is read. An empty list means "any".
_FILTERS = {
    "authors": {"states": SubmissionState, "track_ids": int, "type_ids": int},
    "reviewers": {"track_ids": int},
    "registrants": {"form_ids": int, "category_ids": int, "states": RegistrationState, "modes": AttendanceMode},
    "speakers": {"track_ids": int, "days": dt.date.fromisoformat},
    "team": {"roles": TeamRole},
}


def template_key(audience: str) -> str:
    return f"group_{audience}"


def spec_for(audience: str) -> mail_templates.TemplateSpec:
    if audience not in AUDIENCES:
        raise ValidationFailed({"audience": _("Choose who receives the mail from the list.")})
    return mail_templates.get(template_key(audience))


def starting_text(event: Event, audience: str) -> tuple[str, str]:
    """The subject and body an organiser starts from: the event's version of the audience's
    template, else the shipped default."""
    return template_text(spec_for(audience), event)


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

    def __init__(self):
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
        room = item.session.room.name if item.session.room else ""
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
        names=", ".join(f"{{{n}}}" for n in names)))


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


@dataclasses.dataclass
class Preview:
    total: int  # everyone chosen
    opted_out: int  # of whom this many opted out of announcements
    announcement: bool
    recipient: Recipient | None  # the person the mail below is written for
    rendered: mail_templates.Rendered | None
    # The HTML part's message content alone, to show in a page (the whole part is a document
    # with inline styles, which the Content-Security-Policy of our pages refuses).
    content: Markup = Markup("")

    @property
    def reaching(self) -> int:
        return self.total - self.opted_out if self.announcement else self.total


def preview(event: Event, audience: str, filters: dict | None, subject: str, body: str, *,
            announcement: bool = True) -> Preview:
    """How many people the mail reaches, how many opted out (skipped by an announcement), and
    the mail as the first of them would receive it. Unknown placeholders are refused by name."""
    spec = spec_for(audience)
    subject, body = _check_text(spec, subject, body)
    people = recipients(event, audience, filters)
    skipped = opted_out(event, OPT_OUT_KIND)
    excluded = sum(1 for p in people if p.key in skipped)
    chosen = [p for p in people if p.key not in skipped] if announcement else people
    first, rendered, content = (chosen[0] if chosen else None), None, Markup("")
    if first is not None:
        data = dict(first.data)
        if announcement:
            data["unsubscribe_link"] = _unsubscribe(event, first)[1]
        context = mail_templates.MailContext(event=event, recipient_name=first.name, recipient_email=first.email,
                                             user=first.user, data=data)
        full_body = _with_footer(body, announcement)
        rendered = mail_templates.render(spec, context, subject=subject, body=full_body)
        content = rendered.content
    return Preview(total=len(people), opted_out=excluded, announcement=announcement, recipient=first,
                   rendered=rendered, content=content)


def send(event: Event, *, actor, audience: str, filters: dict | None, subject: str, body: str,
         announcement: bool, hold: bool) -> GroupMail:
    """Queue one message per person chosen (held for review in the outbox when ``hold``).
    Organisers only; unknown placeholders are refused by name; an announcement skips those who
    opted out of announcements and lets each recipient opt out."""
    if not event.can_manage(actor):
        raise NotAllowed(_("Only the event's organisers write to groups."))
    spec = spec_for(audience)
    subject, body = _check_text(spec, subject, body)
    cleaned = clean_filters(audience, filters)
    people = recipients(event, audience, cleaned)
    skipped = opted_out(event, OPT_OUT_KIND) if announcement else set()
    chosen = [p for p in people if p.key not in skipped]
    if not chosen:
        raise InvalidState(_("Nobody matches these filters (or everyone who does opted out of announcements): "
                             "there is nobody to send the mail to."))
    group = GroupMail(event_id=event.id, audience=audience, filters=cleaned, announcement=announcement, held=hold,
                      subject=subject, body=body, recipients=len(chosen), created_by_id=actor.id)
    db.session.add(group)
    db.session.flush()
    written = (subject, _with_footer(body, announcement))
    for person in chosen:
        data, headers = dict(person.data), None
        if announcement:
            headers, data["unsubscribe_link"] = _unsubscribe(event, person)
        queue_mail(spec.key, to=person.email, to_name=person.name, context=data, event=event, user=person.user,
                   headers=headers, hold=hold, group_mail=group, written=written)
    record("mail.group_sent", actor=actor, obj=group, event=event, audience=audience, recipients=len(chosen),
           skipped=len(people) - len(chosen), announcement=announcement, held=hold)
    db.session.flush()
    return group


# The list of group mail sent --------------------------------------------------------------------

@dataclasses.dataclass
class SentGroupMail:
    mail: GroupMail
    sender: str
    filters: list[str]  # the filters, in words
    states: dict[MailState, int]  # its messages per state (discarded ones are gone)


def _names(event: Event) -> dict[str, dict]:
    """Names of what filters refer to by id, for describing them (four queries)."""
    def by_id(stmt):
        return {row.id: row.name for row in db.session.execute(stmt)}

    forms = by_id(sa.select(RegistrationForm.id, RegistrationForm.title.label("name"))
                  .where(RegistrationForm.event_id == event.id))
    return {
        "track_ids": by_id(sa.select(Track.id, Track.name).where(Track.event_id == event.id)),
        "type_ids": by_id(sa.select(SubmissionType.id, SubmissionType.name).where(SubmissionType.event_id == event.id)),
        "form_ids": forms,
        "category_ids": by_id(sa.select(ParticipantCategory.id, ParticipantCategory.name)
                              .where(ParticipantCategory.event_id == event.id)),
    }


FILTER_LABELS = {
    "states": _l("states"), "track_ids": _l("tracks"), "type_ids": _l("types"), "form_ids": _l("forms"),
    "category_ids": _l("categories"), "modes": _l("attendance"), "days": _l("days"), "roles": _l("roles"),
}


def _value_names(audience: str, names: dict[str, dict]) -> dict[str, dict]:
    found = dict(names)
    found["states"] = ({s.value: label for s, label in SUBMISSION_STATE_NAMES.items()} if audience == "authors"
                       else {s.value: state_label(s) for s in RegistrationState})
    found["modes"] = {mode.value: mode_label(mode) for mode in AttendanceMode}
    found["roles"] = {r.value: label for r, label in ROLE_LABELS.items()}
    return found


def describe_filters(audience: str, filters: dict, names: dict[str, dict]) -> list[str]:
    """The filters in words, e.g. "tracks: Data standards"; a deleted track by its number."""
    lookup = _value_names(audience, names)
    words = []
    for name, values in (filters or {}).items():
        if not values:
            continue
        if name == "days":
            shown = [format_date(dt.date.fromisoformat(v)) for v in values]
        else:
            shown = [str(lookup.get(name, {}).get(v, f"#{v}")) for v in values]
        words.append(f"{FILTER_LABELS.get(name, name)}: {', '.join(shown)}")
    return words


def sent_group_mails(event: Event) -> list[SentGroupMail]:
    """The event's group mail, newest first, with its sender and its messages per state."""
    rows = db.session.execute(
        sa.select(GroupMail, User.name).outerjoin(User, User.id == GroupMail.created_by_id)
        .where(GroupMail.event_id == event.id).order_by(GroupMail.created_at.desc(), GroupMail.id.desc())
    ).all()
    if not rows:
        return []
    states: dict[int, dict[MailState, int]] = {}
    for group_id, state, count in db.session.execute(
            sa.select(OutboxMessage.group_mail_id, OutboxMessage.state, sa.func.count())
            .where(OutboxMessage.group_mail_id.in_([mail.id for mail, _name in rows]))
            .group_by(OutboxMessage.group_mail_id, OutboxMessage.state)):
        states.setdefault(group_id, {})[state] = count
    names = _names(event)
    return [SentGroupMail(mail=mail, sender=name or "", filters=describe_filters(mail.audience, mail.filters, names),
                          states=states.get(mail.id, {})) for mail, name in rows]
