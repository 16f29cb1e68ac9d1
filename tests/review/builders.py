"""Builders of the review tests, on top of the call of ``cfp.builders``:

* committee members (``add_member``, ``make_reviewer``, ``make_track_chair``, ``add_chair``);
* a call ready for bidding and assignment (``reviewing_call``, ``submission``, ``pairs``);
* an event in review (``make_reviewing``): a submitted talk by an author, two reviewers assigned to
  it, a track chair of its track, a review form with a required and an optional criterion, and a
  required and an optional question to reviewers; ``complete_review`` writes a review through
  the domain;
* a committee with reviews written as rows (``make_committee``, ``add_review``, ``three_reviews``),
  for ranking, decisions and review progress: the reviewing module's own functions are tested
  elsewhere, and every score is chosen so the statistics can be worked out by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from conference.accounts.models import User
from conference.cfp import submissions as ops
from conference.cfp.models import Submission, SubmissionType
from conference.core.enums import QuestionKind
from conference.events.enums import TeamRole
from conference.events.models import Event, EventRole, Track
from conference.extensions import db
from conference.review import assignment as assignment_ops
from conference.review import reviews
from conference.review import setup as review_setup
from conference.review.common import ensure_review_settings
from conference.review.enums import (
    BlindMode,
    ConflictKind,
    ConflictSource,
    OtherReviewsVisibility,
    ReviewState,
)
from conference.review.models import (
    Conflict,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewQuestion,
    ReviewScore,
    ReviewSettings,
)

from .. import factories
from ..cfp.builders import DURING, Call, make_call, submitted_talk

UTC = dt.UTC
REVIEWED_AT = dt.datetime(2030, 4, 10, 9, 0, tzinfo=UTC)
REVIEW_DEADLINE = dt.datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
WHILE_REVIEWING = REVIEW_DEADLINE - dt.timedelta(days=10)
AFTER_REVIEW_DEADLINE = REVIEW_DEADLINE + dt.timedelta(minutes=1)


# The committee ---------------------------------------------------------------------------------

def add_member(event, user=None, role: TeamRole = TeamRole.REVIEWER, *, tracks=(), expertise=(),
               max_load: int | None = None, **user_fields) -> User:
    """``user`` (or a new person made of ``user_fields``) holding ``role`` in ``event``, limited
    to ``tracks`` (none: all)."""
    user = user or factories.make_user(**user_fields)
    if expertise:
        user.expertise = list(expertise)
    event.roles.append(EventRole(user_id=user.id, role=role, max_load=max_load, tracks=list(tracks)))
    db.session.flush()
    return user


def make_reviewer(event, *, tracks=(), expertise=(), **user_fields) -> User:
    return add_member(event, role=TeamRole.REVIEWER, tracks=tracks, expertise=expertise, **user_fields)


def make_track_chair(event, *, tracks=(), **user_fields) -> User:
    return add_member(event, role=TeamRole.TRACK_CHAIR, tracks=tracks, **user_fields)


def add_chair(event: Event, user: User, track) -> None:
    add_member(event, user, TeamRole.TRACK_CHAIR, tracks=[track])


# Submissions -----------------------------------------------------------------------------------

def make_submitted(event, author: User, *, coauthors=(), now=DURING, **fields):
    """A submitted talk by ``author`` (and ``coauthors``: (name, email, affiliation) triples)
    with the event's first type that needs no file unless ``type_id`` is given; ``event`` needs
    a call (``make_call``)."""
    content = {"title": "Open data standards in practice", "abstract": "How agencies share data.",
               "keywords": "standards, SDMX"}
    content.update(fields)
    if "type_id" not in content:
        content["type_id"] = db.session.scalar(
            sa.select(SubmissionType.id).where(SubmissionType.event_id == event.id,
                                               SubmissionType.file_required.is_(False))
            .order_by(SubmissionType.position, SubmissionType.id).limit(1))
    submission = ops.create_draft(event, actor=author, now=now, **content)
    for name, email, affiliation in coauthors:
        ops.add_author(submission, actor=author, name=name, email=email, affiliation=affiliation, now=now)
    ops.submit(submission, actor=author, now=now)
    return submission


# Bidding and assignment ------------------------------------------------------------------------

def reviewing_call(*, bidding_open: bool = True, reviews_per_submission: int = 2, max_load: int | None = 10,
                   slug: str | None = None) -> Call:
    call = make_call(slug=slug)
    settings = ensure_review_settings(call.event)
    settings.bidding_open = bidding_open
    settings.reviews_per_submission = reviews_per_submission
    settings.max_load = max_load
    settings.review_deadline = None
    db.session.flush()
    return call


def submission(call: Call, *, author=None, title: str = "A talk", track=None, keywords: str = "standards"):
    author = author or factories.make_user()
    return submitted_talk(call, author, title=title, track_id=(track or call.data).id, keywords=keywords)


def pairs(event) -> set[tuple[str, str]]:
    """(submission code, reviewer name) for every assignment of the event."""

    rows = db.session.execute(
        sa.select(Submission.code, User.name)
        .join(ReviewAssignment, ReviewAssignment.submission_id == Submission.id)
        .join(User, User.id == ReviewAssignment.reviewer_id)
        .where(Submission.event_id == event.id)
    )
    return {tuple(r) for r in rows}


# An event in review, reviews through the domain ------------------------------------------------

@dataclass
class Reviewing:
    call: Call
    event: Event
    organiser: User
    author: User
    submission: Submission
    reviewer: User  # assigned
    second: User  # assigned
    idle: User  # a reviewer not assigned to the submission
    chair: User  # track chair of the submission's track
    other_chair: User  # track chair of another track
    originality: ReviewCriterion  # 1 to 5, required
    relevance: ReviewCriterion  # 0 to 3, optional
    verdict: ReviewQuestion  # yes/no, required
    remarks: ReviewQuestion  # long text, optional

    @property
    def settings(self) -> ReviewSettings:
        return ensure_review_settings(self.event)


def make_reviewing(*, blind_mode: BlindMode = BlindMode.SINGLE_BLIND,
                   other_reviews: OtherReviewsVisibility = OtherReviewsVisibility.AFTER_OWN,
                   deadline: dt.datetime | None = REVIEW_DEADLINE, slug: str | None = None) -> Reviewing:
    call = make_call(slug=slug)
    event, organiser = call.event, call.organiser
    author = factories.make_user(name="Ada Author", email="ada@authors.example", affiliation="Analytical Institute")
    submission = submitted_talk(call, author, title="Tidal statistics")
    reviewer = factories.make_user(name="Rhea Reviewer")
    second = factories.make_user(name="Sam Second")
    idle = factories.make_user(name="Ida Idle")
    for person in (reviewer, second, idle):
        factories.add_role(event, person, TeamRole.REVIEWER)
    chair = factories.make_user(name="Cleo Chair")
    other_chair = factories.make_user(name="Otto Otherchair")
    add_chair(event, chair, call.data)
    add_chair(event, other_chair, call.privacy)
    settings = ensure_review_settings(event)
    settings.blind_mode, settings.other_reviews, settings.review_deadline = blind_mode, other_reviews, deadline
    originality = review_setup.save_criterion(event, actor=organiser, name="Originality", scale_min=1, scale_max=5,
                                              labels={"1": "Poor", "5": "Excellent"}, weight=2.0, required=True)
    relevance = review_setup.save_criterion(event, actor=organiser, name="Relevance", scale_min=0, scale_max=3,
                                            labels={}, weight=1.0, required=False)
    verdict = review_setup.save_review_question(event, actor=organiser, label="Would you attend this talk?",
                                                kind=QuestionKind.YES_NO, required=True)
    remarks = review_setup.save_review_question(event, actor=organiser, label="Anything else?",
                                                kind=QuestionKind.LONG_TEXT)
    for person in (reviewer, second):
        assignment_ops.assign(submission, person, actor=organiser, notify=False)
    db.session.flush()
    return Reviewing(call, event, organiser, author, submission, reviewer, second, idle, chair, other_chair,
                     originality, relevance, verdict, remarks)


def complete_review(r: Reviewing, reviewer: User, *, originality: int = 4, submit: bool = True,
                    now: dt.datetime = WHILE_REVIEWING, **changes):
    values = {"scores": {r.originality.id: originality, r.relevance.id: 2}, "confidence": 4,
              "comments_to_authors": "Clear and useful.", "comments_to_committee": "Solid work.",
              "answers": {r.verdict.id: "yes", r.remarks.id: "Nice slides."}, "submit": submit, "now": now}
    values.update(changes)
    return reviews.save_review(r.submission.assignment_of(reviewer), actor=reviewer, **values)


def add_conflict(r: Reviewing, user: User) -> None:
    """A declared conflict, written directly: these tests are about what a conflict hides."""
    r.submission.conflicts.append(Conflict(event_id=r.event.id, user_id=user.id, kind=ConflictKind.PERSONAL,
                                           source=ConflictSource.REVIEWER))
    db.session.flush()


# A committee with reviews written as rows ------------------------------------------------------

@dataclass
class Committee:
    call: Call
    originality: ReviewCriterion  # 1-5, weight 2
    relevance: ReviewCriterion  # 0-3, weight 1
    shown: ReviewQuestion  # visible to authors
    hidden: ReviewQuestion  # for the committee only
    reviewers: list[User]
    chair: User  # track chair of the "Data standards" track
    settings: ReviewSettings

    @property
    def event(self):
        return self.call.event

    @property
    def organiser(self):
        return self.call.organiser


def make_committee(*, reviewers: int = 3, slug: str | None = None) -> Committee:
    call = make_call(slug=slug)
    event = call.event
    originality = ReviewCriterion(event_id=event.id, name="Originality", scale_min=1, scale_max=5, weight=2.0, position=0)
    relevance = ReviewCriterion(event_id=event.id, name="Relevance", scale_min=0, scale_max=3, weight=1.0, position=1)
    shown = ReviewQuestion(event_id=event.id, kind=QuestionKind.LONG_TEXT, label="Suggestions for the talk",
                           visible_to_authors=True, position=0)
    hidden = ReviewQuestion(event_id=event.id, kind=QuestionKind.YES_NO, label="Best paper candidate?",
                            visible_to_authors=False, position=1)
    settings = ReviewSettings(event_id=event.id, reviews_per_submission=3, reviews_to_authors=True,
                              scores_to_authors=False)
    db.session.add_all([originality, relevance, shown, hidden, settings])
    people = [factories.make_user(name=f"Reviewer {chr(65 + n)}") for n in range(reviewers)]
    for person in people:
        factories.add_role(event, person, TeamRole.REVIEWER)
    chair = factories.make_user(name="Chair of Data")
    event.roles.append(EventRole(user_id=chair.id, role=TeamRole.TRACK_CHAIR, tracks=[call.data]))
    db.session.flush()
    db.session.refresh(event)
    return Committee(call=call, originality=originality, relevance=relevance, shown=shown, hidden=hidden,
                     reviewers=people, chair=chair, settings=settings)


def make_submission(committee: Committee, *, title: str = "Open data standards in practice",
                    track: Track | None = None, author: User | None = None, type_=None) -> Submission:
    author = author or factories.make_user(name="Anna Author")
    changes = {"title": title}
    if track is not None:
        changes["track_id"] = track.id
    if type_ is not None:
        changes["type_id"] = type_.id
    return submitted_talk(committee.call, author, now=DURING, **changes)


def assign(submission: Submission, reviewer: User) -> ReviewAssignment:
    assignment = ReviewAssignment(submission_id=submission.id, reviewer_id=reviewer.id)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def add_review(committee: Committee, submission: Submission, reviewer: User, *, originality: int | None,
               relevance: int | None, confidence: int | None = 3, to_authors: str = "", to_committee: str = "",
               answers: dict | None = None, state: ReviewState = ReviewState.SUBMITTED,
               at: dt.datetime = REVIEWED_AT) -> Review:
    """``reviewer``'s review of ``submission`` (assigning them if needed), as rows."""
    assignment = db.session.scalar(sa.select(ReviewAssignment).where(
        ReviewAssignment.submission_id == submission.id, ReviewAssignment.reviewer_id == reviewer.id))
    assignment = assignment or assign(submission, reviewer)
    review = Review(assignment_id=assignment.id, state=state, confidence=confidence, comments_to_authors=to_authors,
                    comments_to_committee=to_committee, answers=answers or {},
                    submitted_at=at if state == ReviewState.SUBMITTED else None)
    db.session.add(review)
    db.session.flush()
    for criterion, value in ((committee.originality, originality), (committee.relevance, relevance)):
        if value is not None:
            db.session.add(ReviewScore(review_id=review.id, criterion_id=criterion.id, value=value))
    db.session.flush()
    db.session.expire(assignment)
    return review


def three_reviews(committee: Committee, submission: Submission) -> list[Review]:
    """Overall scores 10.0, 3.33 and 3.33 with confidences 5, 1 and none:
    mean 5.55, median 3.33, spread 3.14, range 3.33-10.0, confidence-weighted 7.04."""
    a, b, c = committee.reviewers[:3]
    return [
        add_review(committee, submission, a, originality=5, relevance=3, confidence=5,
                   to_authors="A clear, useful talk.", to_committee="Strong accept.",
                   answers={str(committee.shown.id): "Show a demo.", str(committee.hidden.id): True}),
        add_review(committee, submission, b, originality=3, relevance=0, confidence=1,
                   to_authors="Not relevant enough.", to_committee="Weak."),
        add_review(committee, submission, c, originality=1, relevance=3, confidence=None,
                   to_authors="Seen it before.", to_committee="=HYPERLINK(\"evil\")"),
    ]
