"""An event in review, for the tests of reviewing and the discussion: a submitted talk by an author,
two reviewers assigned to it, a track chair of its track, a review form with a required and an
optional criterion, and a required and an optional question to reviewers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from conference.accounts.models import User
from conference.cfp.models import Submission
from conference.core.enums import QuestionKind
from conference.events.enums import TeamRole
from conference.events.models import Event, EventRole
from conference.extensions import db
from conference.review import assignment, reviews
from conference.review import setup as review_setup
from conference.review.common import settings_for
from conference.review.enums import (
    BlindMode,
    ConflictKind,
    ConflictSource,
    OtherReviewsVisibility,
)
from conference.review.models import (
    Conflict,
    ReviewCriterion,
    ReviewQuestion,
    ReviewSettings,
)

from .. import factories
from .cfp_helpers import Call, make_call, submitted_talk

UTC = dt.timezone.utc
REVIEW_DEADLINE = dt.datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
WHILE_REVIEWING = REVIEW_DEADLINE - dt.timedelta(days=10)
AFTER_REVIEW_DEADLINE = REVIEW_DEADLINE + dt.timedelta(minutes=1)


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
        return settings_for(self.event)


def add_chair(event: Event, user: User, track) -> None:
    role = EventRole(user_id=user.id, role=TeamRole.TRACK_CHAIR)
    role.tracks = [track]
    event.roles.append(role)
    db.session.flush()


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
    settings = settings_for(event)
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
        assignment.assign(submission, person, actor=organiser, notify=False)
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
