"""A call with a review form, a committee and reviews, for the tests of ranking, decisions and
review progress. Reviews are written as rows (the reviewing module's own functions are
tested elsewhere); every score below is chosen so the statistics can be worked out by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from conference.accounts.models import User
from conference.cfp.models import Submission
from conference.core.enums import QuestionKind
from conference.events.enums import TeamRole
from conference.events.models import EventRole, Track
from conference.extensions import db
from conference.review.enums import ReviewState
from conference.review.models import (
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewQuestion,
    ReviewScore,
    ReviewSettings,
)

from .. import factories
from .cfp_helpers import DURING, Call, make_call, submitted_talk

UTC = dt.UTC
REVIEWED_AT = dt.datetime(2030, 4, 10, 9, 0, tzinfo=UTC)


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
