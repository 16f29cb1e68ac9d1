"""What waits for one person, across all their events and roles: the to-dos of their home page.

Each kind is read with a fixed number of queries, whatever the person's load: rows are loaded
with what their sentence, deadline and link need, and what is counted per event (bids, approvals,
held mail, people waiting for a focal point) is counted in SQL."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload, selectinload

from conference.accounts.models import User
from conference.cfp import submissions as cfp_submissions
from conference.cfp.enums import REVIEWABLE_STATES, SubmissionState
from conference.cfp.models import Submission, SubmissionAuthor
from conference.core.personal_data import not_over_since
from conference.delegations.models import FocalPoint, Organisation
from conference.events.enums import TeamRole
from conference.events.models import Event, EventRole, event_role_track
from conference.extensions import db
from conference.home.programme import editor_sentences, programme_problems
from conference.mail.enums import MailState
from conference.mail.models import OutboxMessage
from conference.registration import reconfirmation
from conference.registration import registrations as registration_ops
from conference.registration.enums import RegistrationState
from conference.registration.models import Registration, RegistrationSettings
from conference.review.enums import ReviewState
from conference.review.models import Bid, Conflict, Review, ReviewAssignment, ReviewSettings


@dataclasses.dataclass(frozen=True)
class ToDo:
    """One thing waiting for the person: a sentence, its event, its deadline (aware UTC, or None)
    and the page where it is done (an endpoint and its values)."""

    text: str
    event: Event
    deadline: dt.datetime | None
    endpoint: str
    values: dict


def todos_of(user: User, *, now: dt.datetime) -> list[ToDo]:
    """Everything waiting for ``user``, soonest deadline first, those without a deadline after."""
    found = [
        *_as_author(user, now),
        *_coauthor_invitations(user),
        *_reviews_due(user),
        *_bids_to_place(user),
        *_for_organisers(user),
        *_programme_problems(user),
        *_short_of_reviews(user),
        *_as_participant(user, now),
        *_as_focal_point(user),
    ]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(found, key=lambda t: (t.deadline is None, t.deadline or far, t.event.start_date, t.text))


def _title(submission: Submission) -> str:
    return submission.tr("title") or submission.code


def _submission_link(submission: Submission) -> dict:
    return {"slug": submission.event.slug, "code": submission.code}


# Authors ---------------------------------------------------------------------------------------------

def _as_author(user: User, now: dt.datetime) -> list[ToDo]:
    """Drafts still open to submit, and accepted submissions to confirm."""
    found = []
    for submission in cfp_submissions.submissions_of(user):
        if submission.state == SubmissionState.DRAFT and submission.is_submitter(user):
            deadline = submission.submission_deadline()
            if deadline is None or now < deadline:
                found.append(ToDo(_("Finish and submit your draft “%(title)s”", title=_title(submission)),
                                  submission.event, deadline, "cfp.edit_submission", _submission_link(submission)))
        elif submission.can_confirm(user):
            found.append(ToDo(_("Confirm that you will present “%(title)s”", title=_title(submission)),
                              submission.event, None, "cfp.show_submission", _submission_link(submission)))
    return found


def _coauthor_invitations(user: User) -> list[ToDo]:
    """Places in an author list sent to the person's address and not yet taken. Only for a
    verified address: the titles are not shown to whoever signs up with someone else's."""
    if not user.is_verified:
        return []
    authors = db.session.scalars(
        sa.select(SubmissionAuthor).join(Submission)
        .where(SubmissionAuthor.user_id.is_(None), SubmissionAuthor.email == user.email,
               SubmissionAuthor.invited_at.is_not(None), Submission.submitter_id != user.id,
               Submission.state != SubmissionState.WITHDRAWN)
        .options(joinedload(SubmissionAuthor.submission).joinedload(Submission.event))
    )
    return [ToDo(_("Accept your place as co-author of “%(title)s”", title=_title(author.submission)),
                 author.submission.event, None, "cfp.accept_coauthorship",
                 {"token": cfp_submissions.coauthor_token(author)})
            for author in authors]


# Reviewers -----------------------------------------------------------------------------------------

def _no_conflict(user: User):
    return ~sa.exists().where(Conflict.submission_id == Submission.id, Conflict.user_id == user.id)


def _in_tracks(role):
    """The submission is in one of the role's tracks (a role without tracks has them all). The
    role is correlated explicitly: it is two selects out, where implicit correlation misses it."""
    limits = event_role_track.c
    return sa.or_(~sa.exists().where(limits.event_role_id == role.id).correlate(role),
                  sa.exists().where(limits.event_role_id == role.id, limits.track_id == Submission.track_id)
                  .correlate(role, Submission))


def _not_theirs(user: User):
    """Submissions the person neither wrote nor is conflicted with."""
    return sa.and_(Submission.submitter_id != user.id, _no_conflict(user),
                   ~sa.exists().where(SubmissionAuthor.submission_id == Submission.id,
                                      SubmissionAuthor.user_id == user.id))


def _reviews_due(user: User) -> list[ToDo]:
    """Assigned submissions still in review whose review is not submitted, with the event's deadline."""
    assignments = db.session.scalars(
        sa.select(ReviewAssignment).join(Submission, ReviewAssignment.submission_id == Submission.id)
        .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
        .where(ReviewAssignment.reviewer_id == user.id, Submission.state.in_(sorted(REVIEWABLE_STATES)),
               sa.or_(Review.id.is_(None), Review.state != ReviewState.SUBMITTED), _no_conflict(user))
        .options(joinedload(ReviewAssignment.submission).joinedload(Submission.event)
                 .joinedload(Event.review_settings))
    )
    found = []
    for assignment in assignments:
        submission = assignment.submission
        settings = submission.event.review_settings
        found.append(ToDo(_("Review “%(title)s”", title=_title(submission)), submission.event,
                          settings.review_deadline if settings is not None else None,
                          "review.edit_review", _submission_link(submission)))
    return found


def _bids_to_place(user: User) -> list[ToDo]:
    """Events whose bidding is open where the person reviews, with the submissions in their
    tracks they have not bid on (not their own, not conflicted)."""
    role = sa.orm.aliased(EventRole)
    in_tracks = _in_tracks(role)  # a reviewer limited to some tracks bids only in those
    without_bid = (
        sa.select(sa.func.count(Submission.id))
        .where(Submission.event_id == Event.id, Submission.state.in_(sorted(REVIEWABLE_STATES)),
               in_tracks, _not_theirs(user),
               ~sa.exists().where(Bid.submission_id == Submission.id, Bid.user_id == user.id))
        .correlate(Event, role).scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Event, without_bid).join(role, role.event_id == Event.id)
        .join(ReviewSettings, ReviewSettings.event_id == Event.id)
        .where(role.user_id == user.id, role.role == TeamRole.REVIEWER, ReviewSettings.bidding_open.is_(True),
               without_bid > 0)
    )
    return [ToDo(ngettext("Place your bids: %(num)d submission has no bid from you yet",
                          "Place your bids: %(num)d submissions have no bid from you yet", count),
                 event, None, "review.bidding", {"slug": event.slug})
            for event, count in rows]


# Organisers ----------------------------------------------------------------------------------------

def _organised(user: User):
    return sa.select(EventRole.event_id).where(EventRole.user_id == user.id, EventRole.role == TeamRole.ORGANISER)


def _for_organisers(user: User) -> list[ToDo]:
    """Registrations waiting for approval, held mail and accepted submissions no author has
    confirmed yet, in the events the person organises."""
    pending = (sa.select(sa.func.count(Registration.id))
               .where(Registration.event_id == Event.id, Registration.state == RegistrationState.PENDING)
               .correlate(Event).scalar_subquery())
    held = (sa.select(sa.func.count(OutboxMessage.id))
            .where(OutboxMessage.event_id == Event.id, OutboxMessage.state == MailState.HELD)
            .correlate(Event).scalar_subquery())
    unconfirmed = (sa.select(sa.func.count(Submission.id))
                   .where(Submission.event_id == Event.id, Submission.state == SubmissionState.ACCEPTED)
                   .correlate(Event).scalar_subquery())
    rows = db.session.execute(sa.select(Event, pending, held, unconfirmed)
                              .where(Event.id.in_(_organised(user)), (pending + held + unconfirmed) > 0))
    found = []
    for event, waiting, messages, accepted in rows:
        if waiting:
            found.append(ToDo(ngettext("%(num)d registration waits for approval",
                                       "%(num)d registrations wait for approval", waiting),
                              event, None, "registration.list_registrations",
                              {"slug": event.slug, "state": RegistrationState.PENDING.value}))
        if messages:
            found.append(ToDo(ngettext("%(num)d message is held in the outbox for you to look over",
                                       "%(num)d messages are held in the outbox for you to look over", messages),
                              event, None, "mail.outbox", {"slug": event.slug, "state": MailState.HELD.value}))
        if accepted:
            found.append(ToDo(ngettext("%(num)d accepted submission is not confirmed by its authors yet",
                                       "%(num)d accepted submissions are not confirmed by their authors yet", accepted),
                              event, None, "review.unconfirmed", {"slug": event.slug}))
    return found


def _programme_problems(user: User) -> list[ToDo]:
    """What the programme editor warns of, in the events the person organises: each a link to
    the editor's section that shows it."""
    return [ToDo(text, problems.event, None, "agenda.editor", {"slug": problems.event.slug, "_anchor": section})
            for problems in programme_problems(_organised(user)) for text, section in editor_sentences(problems)]


# Organisers and track chairs ---------------------------------------------------------------------------

# What an event that never opened its review settings asks for (the column's default).
_WANTED_BY_DEFAULT = ReviewSettings.__table__.c.reviews_per_submission.default.arg


def _short_of_reviews(user: User) -> list[ToDo]:
    """Submissions waiting for a decision with fewer submitted reviews than the event asks for:
    all of the event's for an organiser; for a track chair (who does not organise it), those in
    their tracks that are neither theirs nor conflicted, as the progress page shows them."""
    role = sa.orm.aliased(EventRole)
    submitted = (sa.select(sa.func.count(Review.id)).join(ReviewAssignment, Review.assignment_id == ReviewAssignment.id)
                 .where(ReviewAssignment.submission_id == Submission.id, Review.state == ReviewState.SUBMITTED)
                 .correlate(Submission).scalar_subquery())
    chair_sees = sa.and_(_in_tracks(role), _not_theirs(user))
    short = (sa.select(sa.func.count(Submission.id))
             .where(Submission.event_id == Event.id, Submission.state == SubmissionState.SUBMITTED,
                    submitted < sa.func.coalesce(ReviewSettings.reviews_per_submission, _WANTED_BY_DEFAULT),
                    sa.or_(role.role == TeamRole.ORGANISER, chair_sees))
             .correlate(Event, role, ReviewSettings).scalar_subquery())
    # An organiser who also chairs a track sees the whole event once, not twice.
    rows = db.session.execute(
        sa.select(Event, ReviewSettings.review_deadline, short).join(role, role.event_id == Event.id)
        .outerjoin(ReviewSettings, ReviewSettings.event_id == Event.id)
        .where(role.user_id == user.id, short > 0,
               sa.or_(role.role == TeamRole.ORGANISER,
                      sa.and_(role.role == TeamRole.TRACK_CHAIR, Event.id.not_in(_organised(user)))))
    )
    return [ToDo(ngettext("%(num)d submission is short of reviews", "%(num)d submissions are short of reviews", count),
                 event, deadline, "review.progress", {"slug": event.slug})
            for event, deadline, count in rows]


# Participants --------------------------------------------------------------------------------------

def _as_participant(user: User, now: dt.datetime) -> list[ToDo]:
    """Places offered from the waiting list, reconfirmations asked of the person, and the tickets
    of their confirmed registrations for events not over yet (no deadline: listed last)."""
    registrations = db.session.scalars(
        sa.select(Registration)
        .where(Registration.user_id == user.id,
               Registration.state.in_([RegistrationState.OFFERED, RegistrationState.CONFIRMED]))
        .options(joinedload(Registration.event).joinedload(Event.registration_settings),
                 joinedload(Registration.category))
    )
    found = []
    for registration in registrations:
        link = {"token": registration_ops.manage_token(registration)}
        if registration.state == RegistrationState.OFFERED:
            if registration.offer_expires_at is None or now < registration.offer_expires_at:
                found.append(ToDo(_("A place is offered to you: take it before the offer expires"),
                                  registration.event, registration.offer_expires_at, "registration.manage", link))
        elif reconfirmation.is_asked(registration, now):
            request = reconfirmation.open_request(registration.event.registration_settings)
            found.append(ToDo(_("Reconfirm that you are still coming"), registration.event,
                              request.by if request is not None else None, "registration.manage", link))
        if registration.state == RegistrationState.CONFIRMED and registration.event.end_date >= not_over_since(now):
            found.append(ToDo(_("Your ticket, to show at the check-in desk"), registration.event, None,
                              "registration.ticket", {"token": registration.ticket_token}))
    return found


# Focal points --------------------------------------------------------------------------------------

def _as_focal_point(user: User) -> list[ToDo]:
    """People of the person's organisations waiting for their approval (not yet passed on to
    the organisers), with the event's focal point deadline."""
    waiting = (sa.select(sa.func.count(Registration.id))
               .where(Registration.organisation_id == Organisation.id, Registration.state == RegistrationState.PENDING,
                      Registration.escalated_at.is_(None))
               .correlate(Organisation).scalar_subquery())
    rows = db.session.execute(
        sa.select(Organisation, Event, RegistrationSettings.focal_point_deadline, waiting)
        .join(Event, Event.id == Organisation.event_id)
        .outerjoin(RegistrationSettings, RegistrationSettings.event_id == Event.id)
        .where(Organisation.id.in_(sa.select(FocalPoint.organisation_id).where(FocalPoint.user_id == user.id)),
               waiting > 0)
    )
    return [ToDo(ngettext("%(num)d person of %(organisation)s waits for your approval",
                          "%(num)d people of %(organisation)s wait for your approval", count,
                          organisation=organisation.label),
                 event, deadline, "registration.delegation", {"slug": event.slug, "organisation_id": organisation.id})
            for organisation, event, deadline, count in rows]


# The person's teams ----------------------------------------------------------------------------------

def teams_of(user: User) -> list[Event]:
    """The events in whose team ``user`` holds a role, newest first, with their team loaded: the
    Home shows each with the parts of management the person's roles open (the event's bar), in
    a fixed number of queries."""
    return list(db.session.scalars(
        sa.select(Event).where(Event.id.in_(sa.select(EventRole.event_id).where(EventRole.user_id == user.id)))
        .options(selectinload(Event.roles)).order_by(Event.start_date.desc(), Event.title)))


def is_on_a_team(user: User) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(EventRole.user_id == user.id))))
