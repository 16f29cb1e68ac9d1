"""Bidding: while organisers keep bidding open, each reviewer states how much they want to review
each submission of their tracks. The automatic assignment weighs these preferences."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from conference.cfp.enums import REVIEWABLE_STATES
from conference.cfp.models import Submission
from conference.core.audit import record
from conference.core.lists import format_list
from conference.core.types import utcnow
from conference.errors import DomainError, InvalidState, NotAllowed
from conference.events.enums import TeamRole
from conference.events.models import Event
from conference.extensions import db
from conference.review import conflicts
from conference.review.common import conflicted_submission_ids, ensure_review_settings
from conference.review.enums import BidPreference, ConflictKind
from conference.review.models import Bid


@dataclasses.dataclass
class BiddableSubmission:
    submission: Submission
    preference: BidPreference  # NEUTRAL when the reviewer has not bid


def biddable_submissions(event: Event, reviewer) -> list[BiddableSubmission]:
    """The submissions ``reviewer`` may bid on, by code, with their current bid: reviewable ones
    in the reviewer's tracks, except their own and those they are conflicted with. Three queries
    (plus the eager loads) whatever the number of submissions."""
    role = event.role_row(reviewer, TeamRole.REVIEWER)
    if role is None:
        return []
    hidden = conflicted_submission_ids(event, reviewer)
    query = (
        sa.select(Submission)
        .where(Submission.event_id == event.id, Submission.state.in_(REVIEWABLE_STATES))
        .options(joinedload(Submission.type), joinedload(Submission.track), selectinload(Submission.authors))
        .order_by(Submission.code)
    )
    if hidden:
        query = query.where(Submission.id.not_in(hidden))
    if role.track_ids is not None:
        query = query.where(Submission.track_id.in_(role.track_ids))
    submissions = list(db.session.scalars(query))
    bids = _bids_of(event, reviewer)
    return [BiddableSubmission(s, bids.get(s.id, BidPreference.NEUTRAL)) for s in submissions]


def _bids_of(event: Event, reviewer) -> dict[int, BidPreference]:
    rows = db.session.execute(
        sa.select(Bid.submission_id, Bid.preference)
        .join(Submission, Submission.id == Bid.submission_id)
        .where(Submission.event_id == event.id, Bid.user_id == reviewer.id)
    )
    return {submission_id: preference for submission_id, preference in rows}


def place_bids(event: Event, *, reviewer, preferences: dict[int, BidPreference], actor,
               now: dt.datetime | None = None, confirm_conflicts: bool = False) -> int:
    """Save a reviewer's preferences for many submissions at once; returns how many changed.

    Only the reviewer bids for themselves, only while bidding is open, and only on submissions
    they may bid on. Neutral is the absence of a bid; "conflict" declares a conflict of
    interest instead of a bid (the submission then disappears from the reviewer's view), as
    declaring one from the submission's page does: only once confirmed (``confirm_conflicts``),
    else nothing is saved, and withdrawn from the reviewer's list of their conflicts.
    """
    if actor.id != reviewer.id:
        raise NotAllowed(_("Reviewers state their own preferences."))
    if not ensure_review_settings(event).bidding_open:
        raise InvalidState(_("Bidding is closed: the organisers have not opened it, or have closed it again."))
    now = now or utcnow()
    submissions = {
        s.id: s for s in db.session.scalars(
            sa.select(Submission)
            .where(Submission.event_id == event.id, Submission.id.in_(set(preferences)))
            .options(selectinload(Submission.conflicts), selectinload(Submission.authors))
        )
    }
    for submission_id in preferences:
        submission = submissions.get(submission_id)
        if submission is None or not submission.can_bid(reviewer):
            raise NotAllowed(_("You cannot bid on submission %(code)s.",
                               code=submission.code if submission else submission_id))
    declared = sorted(submissions[i].code for i, p in preferences.items() if p == BidPreference.CONFLICT)
    if declared and not confirm_conflicts:
        raise DomainError(_("You chose “Conflict of interest” for %(codes)s. Tick the box to declare the conflict "
                            "(the submission is then hidden from you), or choose another preference.",
                            codes=format_list(declared)), field="confirm_conflicts")
    existing = {
        bid.submission_id: bid for bid in db.session.scalars(
            sa.select(Bid).where(Bid.user_id == reviewer.id, Bid.submission_id.in_(set(preferences)))
        )
    }
    changed: dict[str, str] = {}
    for submission_id, preference in sorted(preferences.items()):
        preference = BidPreference(preference)
        bid = existing.get(submission_id)
        before = bid.preference if bid is not None else BidPreference.NEUTRAL
        if preference == before:
            continue
        submission = submissions[submission_id]
        changed[submission.code] = preference.value
        if preference in (BidPreference.NEUTRAL, BidPreference.CONFLICT):
            if bid is not None:
                db.session.delete(bid)
            if preference == BidPreference.CONFLICT:
                conflicts.declare_own_conflict(submission, actor=actor, kind=ConflictKind.OTHER,
                                               confirmed=confirm_conflicts)
        elif bid is None:
            db.session.add(Bid(submission_id=submission_id, user_id=reviewer.id, preference=preference,
                               updated_at=now))
        else:
            bid.preference = preference
            bid.updated_at = now
    db.session.flush()
    if changed:
        record("review.bids_placed", actor=actor, obj=reviewer, event=event, bids=changed)
    return len(changed)
