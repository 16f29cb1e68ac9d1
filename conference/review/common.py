"""What the review modules share: the event's settings, its committee, and who is conflicted
with what, answered with one query each whatever the event's size."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.accounts.models import User
from conference.cfp.enums import SubmissionState
from conference.cfp.models import Submission, SubmissionAuthor
from conference.events.enums import TeamRole
from conference.events.models import Event, EventRole
from conference.extensions import db
from conference.review.models import Conflict, ReviewAssignment, ReviewSettings


def ensure_review_settings(event: Event) -> ReviewSettings:
    """The event's review settings, created (and flushed) with their defaults the first time."""
    if event.review_settings is None:
        event.review_settings = ReviewSettings()
        db.session.flush()
    return event.review_settings


def reviewer_roles(event: Event) -> list[EventRole]:
    """The event's reviewers (their roles, with user and tracks loaded), by name."""
    rows = [r for r in event.roles if r.role == TeamRole.REVIEWER]
    return sorted(rows, key=lambda r: (r.user.name.lower(), r.user_id))


def cap_of(role: EventRole, settings: ReviewSettings) -> int | None:
    """A reviewer's cap: their own if set, else the event's (None: no cap)."""
    return role.max_load if role.max_load is not None else settings.max_load


def conflicted_submission_ids(event: Event, user) -> set[int]:
    """Submissions of ``event`` that ``user`` must not see: declared conflicts and their own."""
    if not getattr(user, "is_authenticated", False):
        return set()
    conflicts = sa.select(Conflict.submission_id).where(Conflict.event_id == event.id, Conflict.user_id == user.id)
    own = (
        sa.select(Submission.id)
        .outerjoin(SubmissionAuthor, SubmissionAuthor.submission_id == Submission.id)
        .where(Submission.event_id == event.id,
               sa.or_(Submission.submitter_id == user.id, SubmissionAuthor.user_id == user.id))
    )
    return set(db.session.scalars(conflicts.union(own)))


def conflict_pairs(event: Event) -> set[tuple[int, int]]:
    """Every (submission id, user id) pair that is a conflict, authorship included."""
    declared = db.session.execute(
        sa.select(Conflict.submission_id, Conflict.user_id).where(Conflict.event_id == event.id)
    ).all()
    submitters = db.session.execute(
        sa.select(Submission.id, Submission.submitter_id).where(Submission.event_id == event.id)
    ).all()
    authors = db.session.execute(
        sa.select(SubmissionAuthor.submission_id, SubmissionAuthor.user_id)
        .join(Submission, Submission.id == SubmissionAuthor.submission_id)
        .where(Submission.event_id == event.id, SubmissionAuthor.user_id.is_not(None))
    ).all()
    # Authors without an account are left out by the query.
    return {(submission_id, user_id) for submission_id, user_id in [*declared, *submitters, *authors]
            if user_id is not None}


def assignment_loads(event: Event) -> dict[int, int]:
    """Reviewer id -> number of reviews assigned to them in this event."""
    rows = db.session.execute(
        sa.select(ReviewAssignment.reviewer_id, sa.func.count())
        .join(Submission, Submission.id == ReviewAssignment.submission_id)
        .where(Submission.event_id == event.id, Submission.state != SubmissionState.WITHDRAWN)
        .group_by(ReviewAssignment.reviewer_id)
    ).all()
    return {reviewer_id: count for reviewer_id, count in rows}


def reviewer_numbers(submission: Submission) -> dict[int, int]:
    """Reviewer id -> "Reviewer n" number, stable: in the order they were assigned. The one
    numbering of reviewers, for their reviews and their comments alike."""
    ordered = sorted(submission.review_assignments, key=lambda a: a.id)
    return {a.reviewer_id: n for n, a in enumerate(ordered, start=1)}


def pseudonym(submission: Submission, person: User | None, numbers: dict[int, int]) -> str:
    """How ``person`` appears, about ``submission``, to someone who may not see reviewers' names
    (see ``Submission.can_see_reviewer_names``): an assigned reviewer as "Reviewer n", anyone
    else by their role, never by name."""
    if person is None:
        return _("A former member")
    if person.id in numbers:
        return _("Reviewer %(n)d", n=numbers[person.id])
    if submission.event.can_manage(person):
        return _("Organiser")
    if submission.chairs(person):
        return _("Track chair")
    return _("A committee member")
