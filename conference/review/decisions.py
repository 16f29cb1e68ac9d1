"""Decisions: staged by the committee, released by the organisers, confirmed by the authors.

A decision is staged on the submission (``pending_decision``), where authors cannot see it,
until an organiser releases every staged decision at once. Releasing moves each submission
to accepted or rejected (through the one transition function) and writes the notification
mails held in the outbox, for the organisers to look over before they go. Accepted authors
then confirm, or withdraw.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from conference.cfp.enums import Decision, SubmissionState
from conference.cfp.models import Submission, SubmissionType
from conference.cfp.submissions import move_state
from conference.core.audit import record
from conference.core.links import external_url
from conference.core.questions import answer_text
from conference.core.types import utcnow
from conference.errors import DomainError, InvalidState, NotAllowed
from conference.events.models import Event
from conference.extensions import db
from conference.mail.mailer import queue_mail
from conference.review.common import ensure_review_settings
from conference.review.enums import ReviewState
from conference.review.models import Review, ReviewAssignment
from conference.review.ranking import criteria_of, overall_score, review_questions_of

TARGETS = {Decision.ACCEPT: SubmissionState.ACCEPTED, Decision.REJECT: SubmissionState.REJECTED}


# Staging -------------------------------------------------------------------------------------------

def _check_decidable(submission: Submission, actor, decision: Decision) -> None:
    if not submission.can_decide(actor):
        raise NotAllowed(_("You may not decide on this submission."))
    if submission.state == SubmissionState.WITHDRAWN:
        raise InvalidState(_("This submission was withdrawn; it cannot get a decision."))
    if submission.state == SubmissionState.DRAFT:
        raise InvalidState(_("This submission is a draft; it cannot get a decision."))
    target = TARGETS[decision]
    if target == submission.state:
        raise InvalidState(_("This submission is already %(state)s.",
                             state=_("accepted") if target == SubmissionState.ACCEPTED else _("rejected")))
    if submission.state == SubmissionState.CONFIRMED and decision == Decision.ACCEPT:
        raise InvalidState(_("This submission is already accepted and confirmed."))


def stage_decision(submission: Submission, *, actor, decision: Decision | str, accept_as_type_id: int | None = None,
                   now: dt.datetime | None = None) -> None:
    """Stage ``decision`` (accept, possibly as another type of the event, or reject); authors
    see nothing of it until an organiser releases it."""
    now = now or utcnow()
    try:
        decision = Decision(decision)
    except ValueError:
        raise DomainError(_("Choose accept or reject."), field="decision") from None
    _check_decidable(submission, actor, decision)
    pending_type = None
    if accept_as_type_id is not None:
        if decision != Decision.ACCEPT:
            raise DomainError(_("Only an acceptance can change the submission type."), field="accept_as_type_id")
        pending_type = db.session.get(SubmissionType, accept_as_type_id)
        if pending_type is None or pending_type.event_id != submission.event_id:
            raise DomainError(_("Choose one of the submission types of this event."), field="accept_as_type_id")
    submission.pending_decision = decision
    if pending_type is not None and pending_type.id == submission.type_id:
        pending_type = None  # accepting as its own type is a plain acceptance
    submission.pending_type = pending_type
    submission.pending_type_id = pending_type.id if pending_type is not None else None
    submission.decision_staged_by_id = actor.id
    submission.decision_staged_at = now
    db.session.flush()
    record("decision.staged", actor=actor, obj=submission, event=submission.event, code=submission.code,
           decision=decision.value, accept_as=pending_type.name if pending_type is not None else None)


def clear_decision(submission: Submission, *, actor) -> None:
    """Drop the staged decision (a released one stays as it is)."""
    if not submission.can_decide(actor):
        raise NotAllowed(_("You may not decide on this submission."))
    if submission.pending_decision is None:
        return
    previous = submission.pending_decision
    _clear_pending(submission)
    db.session.flush()
    record("decision.cleared", actor=actor, obj=submission, event=submission.event, code=submission.code,
           decision=previous.value)


def _clear_pending(submission: Submission) -> None:
    submission.pending_decision = None
    submission.pending_type = None
    submission.pending_type_id = None
    submission.decision_staged_by_id = None
    submission.decision_staged_at = None


def stage_decisions(submissions, *, actor, decision: Decision | str, accept_as_type_id: int | None = None,
                    now: dt.datetime | None = None) -> tuple[int, list[tuple[str, str]]]:
    """Stage the same decision on many submissions; those refused are listed with the reason
    (code, message) and left as they were."""
    done, refused = 0, []
    for submission in submissions:
        try:
            stage_decision(submission, actor=actor, decision=decision, accept_as_type_id=accept_as_type_id, now=now)
        except DomainError as error:
            refused.append((submission.code, error.message))
        else:
            done += 1
    return done, refused


def staged(event: Event, *, lock: bool = False) -> list[Submission]:
    """The event's submissions with a staged decision, with their authors. With ``lock``, their
    rows stay locked until the transaction ends: a second release waits, then finds them
    released (PostgreSQL re-reads the condition after the wait), so no mail goes twice."""
    query = (
        sa.select(Submission)
        .where(Submission.event_id == event.id, Submission.pending_decision.is_not(None))
        .options(selectinload(Submission.authors), selectinload(Submission.type),
                 selectinload(Submission.pending_type))
        .order_by(Submission.code)
    )
    if lock:
        query = query.with_for_update(of=Submission).execution_options(populate_existing=True)
    return list(db.session.scalars(query))


def staged_count(event: Event) -> int:
    return db.session.scalar(sa.select(sa.func.count(Submission.id)).where(
        Submission.event_id == event.id, Submission.pending_decision.is_not(None))) or 0


def load_for_decision(event: Event, codes) -> list[Submission]:
    """The event's submissions with these codes, with what the permission predicates read."""
    codes = [str(c).upper() for c in codes or []]
    if not codes:
        return []
    return list(db.session.scalars(
        sa.select(Submission).where(Submission.event_id == event.id, Submission.code.in_(codes))
        .options(selectinload(Submission.conflicts), selectinload(Submission.authors))
        .order_by(Submission.code)))


# What authors may read of the reviews ------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class AuthorReview:
    """One review as the authors see it: never the reviewer, never the confidential comments."""

    number: int
    comments: str
    answers: list[tuple[str, str]]
    scores: list[tuple[str, int, int, int]]  # criterion name, value, scale min, scale max
    overall: float | None


def reviews_for_authors(event: Event, submission_ids) -> dict[int, list[AuthorReview]]:
    """Submission id -> the reviews its authors may read, as the event's settings allow
    (empty when the event does not send reviews to authors)."""
    settings = ensure_review_settings(event)
    if not settings.reviews_to_authors or not submission_ids:
        return {}
    criteria = criteria_of(event)
    questions = [q for q in review_questions_of(event) if q.visible_to_authors]
    reviews = db.session.scalars(
        sa.select(Review).join(Review.assignment)
        .where(ReviewAssignment.submission_id.in_(list(submission_ids)), Review.state == ReviewState.SUBMITTED)
        .options(selectinload(Review.scores), joinedload(Review.assignment))
        .order_by(Review.submitted_at, Review.id)
    )
    found: dict[int, list[AuthorReview]] = {}
    for review in reviews:
        own = found.setdefault(review.assignment.submission_id, [])
        answers = [(q.label, answer_text((review.answers or {}).get(str(q.id)))) for q in questions]
        scores = []
        if settings.scores_to_authors:
            scores = [(c.name, value, c.scale_min, c.scale_max)
                      for c in criteria if (value := review.score_for(c.id)) is not None]
        own.append(AuthorReview(
            number=len(own) + 1, comments=review.comments_to_authors or "",
            answers=[(label, text) for label, text in answers if text],
            scores=scores, overall=overall_score(review, criteria) if settings.scores_to_authors else None,
        ))
    return found


# Releasing -----------------------------------------------------------------------------------------

def release_decisions(event: Event, *, actor, now: dt.datetime | None = None) -> int:
    """Release every staged decision of the event: the submissions become accepted (as the
    staged type, if one was chosen) or rejected, and the notification mails wait in the
    outbox (held) for an organiser to send. Returns how many were released."""
    now = now or utcnow()
    event.require_manager(actor, _("Only organisers release decisions."))
    submissions = staged(event, lock=True)
    if not submissions:
        raise InvalidState(_("There are no staged decisions to release."))
    reviews = reviews_for_authors(event, [s.id for s in submissions])
    settings = ensure_review_settings(event)
    for submission in submissions:
        decision = submission.pending_decision
        if decision is None:  # never: staged() selects the submissions with one
            continue
        move_state(submission, TARGETS[decision])
        if decision == Decision.ACCEPT and submission.pending_type_id is not None:
            submission.type = submission.pending_type
        if submission.state == SubmissionState.ACCEPTED:
            submission.confirmed_at = None
        submission.decision_released_at = now
        _clear_pending(submission)
        db.session.flush()
        record("decision.released", actor=actor, obj=submission, event=event, code=submission.code,
               decision=decision.value, type=submission.type.name if submission.type else None)
        template = "decision_accepted" if decision == Decision.ACCEPT else "decision_rejected"
        link = external_url("cfp.show_submission", slug=event.slug, code=submission.code)
        for author in submission.authors:
            queue_mail(template, to=author.email, to_name=author.name, event=event, user=author.user, hold=True,
                       context={"submission": submission, "link": link, "reviews": reviews.get(submission.id, []),
                                "scores_shown": settings.scores_to_authors})
    return len(submissions)


# Confirming -----------------------------------------------------------------------------------------

RELEASED_STATES = (SubmissionState.ACCEPTED, SubmissionState.REJECTED, SubmissionState.CONFIRMED)


def released_reviews(submission: Submission) -> list:
    """The reviews the authors may read, once a decision is released (never a staged one):
    what the author's page of the submission shows."""
    if submission.state not in RELEASED_STATES:
        return []
    return reviews_for_authors(submission.event, [submission.id]).get(submission.id, [])


def unconfirmed(event: Event) -> list[Submission]:
    """Accepted submissions no author has confirmed yet, with their authors."""
    return list(db.session.scalars(
        sa.select(Submission)
        .where(Submission.event_id == event.id, Submission.state == SubmissionState.ACCEPTED)
        .options(selectinload(Submission.authors), selectinload(Submission.type))
        .order_by(Submission.code)
    ))


def remind_unconfirmed(event: Event, *, actor, now: dt.datetime | None = None) -> int:
    """Remind the authors of every accepted, unconfirmed submission to confirm or withdraw.
    Returns how many submissions were reminded."""
    now = now or utcnow()
    event.require_manager(actor, _("Only organisers remind authors."))
    waiting = unconfirmed(event)
    if not waiting:
        raise InvalidState(_("Every accepted submission is confirmed: there is nobody to remind."))
    for submission in waiting:
        link = external_url("cfp.show_submission", slug=event.slug, code=submission.code)
        for author in submission.authors:
            queue_mail("confirmation_reminder", to=author.email, to_name=author.name, event=event, user=author.user,
                       context={"submission": submission, "link": link})
        submission.confirmation_reminded_at = now
    db.session.flush()
    record("decision.confirmation_reminded", actor=actor, obj=None, event=event,
           codes=[s.code for s in waiting])
    return len(waiting)
