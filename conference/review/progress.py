"""How far review has come: reviews done and missing per reviewer and per submission, and
reminders to reviewers whose reviews are missing. A fixed number of SQL statements whatever
the event's size. Track chairs see their tracks only, without the submissions they are
conflicted with or an author of."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from conference.accounts.models import User
from conference.cfp.enums import REVIEWABLE_STATES
from conference.cfp.models import Submission
from conference.core.audit import record
from conference.core.links import external_url
from conference.core.types import utcnow
from conference.errors import InvalidState, NotAllowed
from conference.events.enums import TeamRole
from conference.events.models import Event
from conference.extensions import db
from conference.mail.mailer import queue_mail
from conference.review.common import conflicted_submission_ids, ensure_review_settings
from conference.review.enums import ReviewState
from conference.review.models import Review, ReviewAssignment


@dataclasses.dataclass
class ReviewerProgress:
    reviewer: User
    assigned: int = 0
    submitted: int = 0
    drafts: int = 0
    last_reminded: dt.datetime | None = None

    @property
    def missing(self) -> int:
        return self.assigned - self.submitted


@dataclasses.dataclass
class SubmissionProgress:
    submission: Submission
    wanted: int
    assigned: int = 0
    submitted: int = 0

    @property
    def missing(self) -> int:
        """Reviews still to come: from the assigned reviewers, and for the places not yet assigned."""
        return max(self.wanted, self.assigned) - self.submitted

    @property
    def unassigned(self) -> int:
        return max(self.wanted - self.assigned, 0)


@dataclasses.dataclass
class Progress:
    reviewers: list[ReviewerProgress]
    submissions: list[SubmissionProgress]
    deadline: dt.datetime | None

    @property
    def assigned(self) -> int:
        return sum(r.assigned for r in self.reviewers)

    @property
    def submitted(self) -> int:
        return sum(r.submitted for r in self.reviewers)

    @property
    def missing(self) -> int:
        return self.assigned - self.submitted


@dataclasses.dataclass(frozen=True)
class _Assignment:
    id: int
    submission_id: int
    reviewer_id: int
    reminded_at: dt.datetime | None
    review_state: ReviewState | None


def _submissions(event: Event, viewer) -> list[Submission]:
    if event.can_manage(viewer):
        tracks, hidden = None, set()
    elif event.is_track_chair(viewer):
        tracks, hidden = event.track_ids_for(viewer, TeamRole.TRACK_CHAIR), conflicted_submission_ids(event, viewer)
    else:
        raise NotAllowed(_("Only organisers and track chairs follow the progress of review."))
    stmt = (sa.select(Submission)
            .where(Submission.event_id == event.id, Submission.state.in_(REVIEWABLE_STATES))
            .options(joinedload(Submission.track))
            .order_by(Submission.code))
    if tracks is not None:
        stmt = stmt.where(Submission.track_id.in_(tracks))
    return [s for s in db.session.scalars(stmt).unique() if s.id not in hidden]


def _assignments(submission_ids) -> list[_Assignment]:
    if not submission_ids:
        return []
    rows = db.session.execute(
        sa.select(ReviewAssignment.id, ReviewAssignment.submission_id, ReviewAssignment.reviewer_id,
                  ReviewAssignment.reminded_at, Review.state)
        .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
        .where(ReviewAssignment.submission_id.in_(list(submission_ids)))
        .order_by(ReviewAssignment.id)
    )
    return [_Assignment(*row) for row in rows]


def progress(event: Event, *, viewer) -> Progress:
    """Reviews done and missing, per reviewer (by name) and per submission (by code)."""
    settings = ensure_review_settings(event)
    submissions = _submissions(event, viewer)
    assignments = _assignments([s.id for s in submissions])
    # Reviewers of the event with nothing assigned are listed too (with zeros).
    reviewer_ids = {a.reviewer_id for a in assignments}
    reviewer_ids |= {r.user_id for r in event.roles if r.role == TeamRole.REVIEWER}
    users = ({u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(reviewer_ids)))}
             if reviewer_ids else {})
    per_reviewer = {uid: ReviewerProgress(reviewer=user) for uid, user in users.items()}
    per_submission = {s.id: SubmissionProgress(submission=s, wanted=settings.reviews_per_submission)
                      for s in submissions}
    for a in assignments:
        row, sub = per_reviewer[a.reviewer_id], per_submission[a.submission_id]
        row.assigned += 1
        sub.assigned += 1
        if a.review_state == ReviewState.SUBMITTED:
            row.submitted += 1
            sub.submitted += 1
        elif a.review_state == ReviewState.DRAFT:
            row.drafts += 1
        if a.reminded_at is not None and (row.last_reminded is None or a.reminded_at > row.last_reminded):
            row.last_reminded = a.reminded_at
    reviewers = sorted(per_reviewer.values(), key=lambda r: (r.reviewer.name.casefold(), r.reviewer.id))
    return Progress(reviewers=reviewers, submissions=list(per_submission.values()), deadline=settings.review_deadline)


def remind_reviewers(event: Event, *, actor, reviewer_ids=None, now: dt.datetime | None = None) -> int:
    """Mail each reviewer (all, or those in ``reviewer_ids``) with missing reviews the list of
    them (code and title only) and the deadline. Returns how many reviewers were reminded."""
    now = now or utcnow()
    submissions = {s.id: s for s in _submissions(event, actor)}
    missing = [a for a in _assignments(list(submissions)) if a.review_state != ReviewState.SUBMITTED]
    if reviewer_ids is not None:
        wanted = {int(i) for i in reviewer_ids}
        missing = [a for a in missing if a.reviewer_id in wanted]
    if not missing:
        raise InvalidState(_("No reviewer chosen has a missing review: there is nobody to remind."))
    by_reviewer: dict[int, list[_Assignment]] = {}
    for a in missing:
        by_reviewer.setdefault(a.reviewer_id, []).append(a)
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(list(by_reviewer))))}
    deadline = ensure_review_settings(event).review_deadline
    link = external_url("review.my_reviews" if "review.my_reviews" in current_app.view_functions
                        else "events.show_event", slug=event.slug)
    for reviewer_id, own in by_reviewer.items():
        reviewer = users[reviewer_id]
        queue_mail("review_reminder", to=reviewer.email, to_name=reviewer.name, event=event, user=reviewer,
                   context={"submissions": [submissions[a.submission_id] for a in own], "link": link,
                            "deadline": deadline})
    db.session.execute(sa.update(ReviewAssignment).where(ReviewAssignment.id.in_([a.id for a in missing]))
                       .values(reminded_at=now))
    record("review.reminders_sent", actor=actor, obj=None, event=event, reviewer_ids=sorted(by_reviewer),
           missing=len(missing))
    db.session.flush()
    return len(by_reviewer)
