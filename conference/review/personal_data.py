"""What review holds about a person: the reviews they wrote, their bids, the conflicts they
declared, their part of the committee's discussion; for the export and for erasure (see
conference.core.personal_data).

Erasure keeps every review with its scores (so counts and averages do not move) and every
comment of the discussion: they refer to the account, which names no one once erased. Where a
reviewer signed a text with their name or address, it is replaced by the account's label."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from conference.cfp.models import Submission
from conference.core.personal_data import Person, iso, not_over_since, scrub
from conference.events.models import Event
from conference.extensions import db
from conference.review.enums import ConflictSource, ReviewState
from conference.review.models import (
    Bid,
    Conflict,
    DiscussionComment,
    Review,
    ReviewAssignment,
    ReviewQuestion,
    ReviewScore,
)

TABLES = ("conflict", "dismissed_conflict_suggestion", "bid", "review_assignment", "review", "discussion_comment",
          "assignment_proposal")


def _assignments(user) -> list[ReviewAssignment]:
    return list(db.session.scalars(
        sa.select(ReviewAssignment).where(ReviewAssignment.reviewer_id == user.id)
        .options(joinedload(ReviewAssignment.submission).joinedload(Submission.event),
                 selectinload(ReviewAssignment.review).selectinload(Review.scores).joinedload(ReviewScore.criterion))
        .order_by(ReviewAssignment.id)))


def _review(review: Review | None, labels: dict[str, str]) -> dict | None:
    if review is None:
        return None
    return {"state": review.state.value, "confidence": review.confidence,
            "comments_to_authors": review.comments_to_authors, "comments_to_committee": review.comments_to_committee,
            "scores": [{"criterion": s.criterion.name, "value": s.value} for s in review.scores],
            "answers": [{"question": labels.get(key, key), "value": value}
                        for key, value in (review.answers or {}).items()],
            "submitted_at": iso(review.submitted_at)}


def export(user) -> dict:
    """Reviewers see the submissions' codes and titles, not always their authors: no author is named."""
    bids = db.session.execute(sa.select(Submission.code, Bid.preference, Bid.updated_at)
                              .join(Bid, Bid.submission_id == Submission.id).where(Bid.user_id == user.id)
                              .order_by(Bid.id))
    conflicts = list(db.session.scalars(sa.select(Conflict).where(Conflict.user_id == user.id)
                                        .options(joinedload(Conflict.submission)).order_by(Conflict.id)))
    comments = db.session.execute(sa.select(Submission.code, DiscussionComment.body, DiscussionComment.created_at)
                                  .join(DiscussionComment, DiscussionComment.submission_id == Submission.id)
                                  .where(DiscussionComment.author_id == user.id).order_by(DiscussionComment.id))
    assignments = _assignments(user)
    labels = {str(q.id): q.label for q in db.session.scalars(sa.select(ReviewQuestion).where(
        ReviewQuestion.event_id.in_({a.submission.event_id for a in assignments})))}
    return {
        "reviews": [{"submission": a.submission.code, "event": a.submission.event.slug, "title": a.submission.title,
                     "assigned_at": iso(a.created_at), "review": _review(a.review, labels)} for a in assignments],
        "bids": [{"submission": code, "preference": preference.value, "updated_at": iso(at)}
                 for code, preference, at in bids],
        # Conflicts others recorded hide the submission from its member: they are counted, not shown.
        "conflicts_declared": [{"submission": c.submission.code, "kind": c.kind.value, "note": c.note,
                                "created_at": iso(c.created_at)}
                               for c in conflicts if c.source == ConflictSource.REVIEWER],
        "conflicts_recorded_by_others": sum(1 for c in conflicts if c.source != ConflictSource.REVIEWER),
        "discussion_comments": [{"submission": code, "body": body, "created_at": iso(at)}
                                for code, body, at in comments],
    }


def erase(user, *, person: Person, actor, now: dt.datetime) -> None:
    for assignment in _assignments(user):
        review = assignment.review
        if review is not None:
            review.comments_to_authors = scrub(review.comments_to_authors, person)
            review.comments_to_committee = scrub(review.comments_to_committee, person)
            review.answers = scrub(dict(review.answers or {}), person)
    for comment in db.session.scalars(sa.select(DiscussionComment).where(DiscussionComment.author_id == user.id)):
        comment.body = scrub(comment.body, person)
    for conflict in db.session.scalars(sa.select(Conflict).where(Conflict.user_id == user.id)):
        conflict.note = scrub(conflict.note, person)


def binds(user, *, now: dt.datetime) -> list[str]:
    titles = db.session.scalars(
        sa.select(Event.title).join(Submission, Submission.event_id == Event.id)
        .join(ReviewAssignment, ReviewAssignment.submission_id == Submission.id)
        .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
        .where(ReviewAssignment.reviewer_id == user.id, Event.end_date >= not_over_since(now),
               sa.or_(Review.id.is_(None), Review.state != ReviewState.SUBMITTED))
        .distinct().order_by(Event.title))
    return [_("You have reviews to write for %(event)s.", event=title) for title in titles]
