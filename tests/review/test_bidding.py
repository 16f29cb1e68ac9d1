"""Bidding: reviewers state their preferences for the submissions of their tracks."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from conference.cfp import submissions
from conference.cfp.enums import SubmissionState
from conference.errors import DomainError, InvalidState, NotAllowed
from conference.events.enums import TeamRole
from conference.extensions import db
from conference.review import bidding, conflicts
from conference.review.enums import BidPreference, ConflictSource
from conference.review.models import Bid, Conflict

from .. import factories
from ..cfp.builders import DURING
from ..core.builders import audit_actions
from ..query_counting import counting
from .builders import add_member, reviewing_call, submission

NOW = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.UTC)


def bids_of(user) -> dict[str, BidPreference]:
    rows = db.session.scalars(sa.select(Bid).where(Bid.user_id == user.id))
    return {b.submission_id: b.preference for b in rows}


def test_biddable_submissions_are_those_of_the_reviewers_tracks_without_conflicts_or_own(db):
    call = reviewing_call()
    reviewer = add_member(call.event, name="Rita Reviewer", tracks=[call.data])
    data = submission(call, title="Data one")
    privacy = submission(call, title="Privacy", track=call.privacy)
    own = submission(call, author=reviewer, title="Mine")
    conflicted = submission(call, title="Conflicted")
    db.session.add(Conflict(event_id=call.event.id, submission=conflicted, user_id=reviewer.id,
                            kind="personal", source=ConflictSource.ORGANISER))
    withdrawn = submission(call, title="Withdrawn")
    submissions.withdraw(withdrawn, actor=withdrawn.submitter, now=DURING)
    db.session.add(Bid(submission_id=data.id, user_id=reviewer.id, preference=BidPreference.EAGER))
    db.session.flush()

    rows = bidding.biddable_submissions(call.event, reviewer)

    assert [(r.submission.title, r.preference) for r in rows] == [("Data one", BidPreference.EAGER)]
    assert privacy.id not in {r.submission.id for r in rows} and own.id not in {r.submission.id for r in rows}
    assert withdrawn.state == SubmissionState.WITHDRAWN


def test_biddable_submissions_of_someone_not_reviewing_is_empty(db):
    call = reviewing_call()
    submission(call)
    assert bidding.biddable_submissions(call.event, factories.make_user()) == []


def test_biddable_submissions_run_a_fixed_number_of_queries(db):
    call = reviewing_call()
    reviewer = add_member(call.event)

    def queries_with(n):
        for i in range(n):
            s = submission(call, title=f"Talk {i}")
            db.session.add(Bid(submission_id=s.id, user_id=reviewer.id, preference=BidPreference.WILLING))
        db.session.flush()
        db.session.expire_all()
        with counting(db) as statements:
            rows = bidding.biddable_submissions(call.event, reviewer)
            for row in rows:
                (row.submission.type.name, row.submission.track.name, [a.name for a in row.submission.authors])
        return len(statements)

    assert queries_with(2) == queries_with(10)


def test_place_bids_saves_many_and_neutral_deletes(db):
    call = reviewing_call()
    reviewer = add_member(call.event)
    first, second, third = (submission(call, title=t) for t in ("One", "Two", "Three"))
    db.session.add(Bid(submission_id=third.id, user_id=reviewer.id, preference=BidPreference.WILLING))
    db.session.flush()

    changed = bidding.place_bids(call.event, reviewer=reviewer, actor=reviewer, now=NOW, preferences={
        first.id: BidPreference.EAGER, second.id: BidPreference.NOT_WILLING, third.id: BidPreference.NEUTRAL})

    assert changed == 3
    assert bids_of(reviewer) == {first.id: BidPreference.EAGER, second.id: BidPreference.NOT_WILLING}
    assert audit_actions(call.event)[-1] == "review.bids_placed"

    # Saving the same form again changes nothing and writes no audit entry.
    entries = len(audit_actions(call.event))
    assert bidding.place_bids(call.event, reviewer=reviewer, actor=reviewer, now=NOW, preferences={
        first.id: BidPreference.EAGER, second.id: BidPreference.NOT_WILLING, third.id: BidPreference.NEUTRAL}) == 0
    assert len(audit_actions(call.event)) == entries

    bidding.place_bids(call.event, reviewer=reviewer, actor=reviewer, now=NOW,
                       preferences={first.id: BidPreference.WILLING})
    assert bids_of(reviewer)[first.id] == BidPreference.WILLING


def test_conflict_bid_declares_a_conflict_and_drops_the_bid(db):
    call = reviewing_call()
    reviewer = add_member(call.event)
    talk = submission(call)
    db.session.add(Bid(submission_id=talk.id, user_id=reviewer.id, preference=BidPreference.EAGER))
    db.session.flush()

    bidding.place_bids(call.event, reviewer=reviewer, actor=reviewer, now=NOW,
                       preferences={talk.id: BidPreference.CONFLICT}, confirm_conflicts=True)

    conflict = db.session.scalar(sa.select(Conflict).where(Conflict.user_id == reviewer.id))
    assert (conflict.submission_id, conflict.kind.value, conflict.source) == (talk.id, "other", ConflictSource.REVIEWER)
    assert bids_of(reviewer) == {}
    assert bidding.biddable_submissions(call.event, reviewer) == []


def test_a_conflict_bid_needs_confirming_and_nothing_is_saved_without(db):
    call = reviewing_call()
    reviewer = add_member(call.event)
    talk, other = submission(call), submission(call, title="Other")
    with pytest.raises(DomainError) as refused:
        bidding.place_bids(call.event, reviewer=reviewer, actor=reviewer, now=NOW,
                           preferences={talk.id: BidPreference.CONFLICT, other.id: BidPreference.EAGER})
    assert refused.value.field == "confirm_conflicts"
    assert refused.value.message.startswith(f"You chose “Conflict of interest” for {talk.code}.")
    assert bids_of(reviewer) == {} and db.session.scalar(sa.select(sa.func.count()).select_from(Conflict)) == 0


def test_a_conflict_declared_by_bidding_is_withdrawn_like_any_own_declaration(db):
    call = reviewing_call()
    reviewer = add_member(call.event)
    talk = submission(call)
    bidding.place_bids(call.event, reviewer=reviewer, actor=reviewer, now=NOW,
                       preferences={talk.id: BidPreference.CONFLICT}, confirm_conflicts=True)
    conflict, = conflicts.own_declarations(call.event, reviewer)
    conflicts.withdraw_own_conflict(conflict, actor=reviewer)
    db.session.expire_all()
    assert [row.submission.id for row in bidding.biddable_submissions(call.event, reviewer)] == [talk.id]
    bidding.place_bids(call.event, reviewer=reviewer, actor=reviewer, now=NOW,
                       preferences={talk.id: BidPreference.WILLING})
    assert bids_of(reviewer) == {talk.id: BidPreference.WILLING}


def test_place_bids_refused_when_bidding_is_closed(db):
    call = reviewing_call(bidding_open=False)
    reviewer = add_member(call.event)
    talk = submission(call)
    with pytest.raises(InvalidState, match="Bidding is closed"):
        bidding.place_bids(call.event, reviewer=reviewer, actor=reviewer, preferences={talk.id: BidPreference.EAGER})
    assert bids_of(reviewer) == {}


@pytest.mark.parametrize("case", ["other_track", "own", "conflicted", "other_event", "not_reviewer", "for_someone_else"])
def test_place_bids_refused_where_the_reviewer_may_not_bid(db, case):
    call = reviewing_call()
    reviewer = add_member(call.event, tracks=[call.data])
    actor = reviewer
    talk = submission(call)
    if case == "other_track":
        talk = submission(call, track=call.privacy)
    elif case == "own":
        talk = submission(call, author=reviewer)
    elif case == "conflicted":
        db.session.add(Conflict(event_id=call.event.id, submission=talk, user_id=reviewer.id, kind="personal",
                                source=ConflictSource.AUTHOR))
        db.session.flush()
    elif case == "other_event":
        talk = submission(reviewing_call())
    elif case == "not_reviewer":
        reviewer = actor = factories.make_user()
        factories.add_role(call.event, reviewer, TeamRole.TRACK_CHAIR)
    elif case == "for_someone_else":
        actor = call.organiser
    with pytest.raises(NotAllowed):
        bidding.place_bids(call.event, reviewer=reviewer, actor=actor, preferences={talk.id: BidPreference.EAGER})
    assert bids_of(reviewer) == {}
