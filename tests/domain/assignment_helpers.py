"""A call with submissions and a review committee, for the tests of bidding and assignment."""

from __future__ import annotations

import sqlalchemy as sa

from conference.accounts.models import User
from conference.cfp.models import Submission
from conference.core.models import AuditEntry
from conference.events.enums import TeamRole
from conference.events.models import EventRole
from conference.extensions import db
from conference.review.common import settings_for
from conference.review.models import ReviewAssignment

from .. import factories
from .cfp_helpers import Call, make_call, submitted_talk


def add_member(event, user=None, role: TeamRole = TeamRole.REVIEWER, *, tracks=(), max_load=None, name=None):
    user = user or factories.make_user(name=name)
    event.roles.append(EventRole(user_id=user.id, role=role, max_load=max_load, tracks=list(tracks)))
    db.session.flush()
    return user


def reviewing_call(*, bidding_open: bool = True, reviews_per_submission: int = 2, max_load: int | None = 10,
                   slug: str | None = None) -> Call:
    call = make_call(slug=slug)
    settings = settings_for(call.event)
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


def audit_actions(event) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.event_id == event.id)
                                   .order_by(AuditEntry.id)))
