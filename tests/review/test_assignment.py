"""Assigning reviewers by hand and automatically: the problem built from the event, proposals
applied, re-run and made stale, and the manual operations' refusals."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from conference.cfp import submissions
from conference.cfp.models import SubmissionAuthor
from conference.core.models import AuditEntry
from conference.errors import AlreadyExists, DomainError, InvalidState, NotAllowed
from conference.events.enums import TeamRole
from conference.extensions import db
from conference.review import assignment, conflicts
from conference.review.common import ensure_review_settings
from conference.review.enums import (
    AssignmentSource,
    BidPreference,
    BlindMode,
    ConflictKind,
    ConflictSource,
    ReviewState,
)
from conference.review.models import Bid, Review, ReviewAssignment

from .. import factories
from ..cfp.builders import DURING
from ..core.builders import audit_actions
from ..mail.builders import outbox
from .builders import add_member, pairs, reviewing_call, submission

UTC = dt.UTC


def bid(talk, reviewer, preference):
    db.session.add(Bid(submission_id=talk.id, user_id=reviewer.id, preference=preference))
    db.session.flush()


def test_build_problem_honours_conflicts_authorship_tracks_caps_and_existing_assignments(db):
    call = reviewing_call(reviews_per_submission=3, max_load=4)
    event = call.event
    general = add_member(event, name="General")  # all tracks, the event's cap
    data_only = add_member(event, name="Data only", tracks=[call.data], max_load=2)
    conflicted = add_member(event, name="Conflicted")
    coauthor = add_member(event, name="Coauthor")
    data = submission(call, title="Data", keywords="standards, sdmx")
    privacy = submission(call, title="Privacy", track=call.privacy)
    data.authors.append(SubmissionAuthor(name="Coauthor", email=coauthor.email, user_id=coauthor.id, position=1))
    conflicts.declare_conflict(data, conflicted, kind=ConflictKind.PERSONAL, source=ConflictSource.ORGANISER,
                               actor=call.organiser)
    assignment.assign(privacy, general, actor=call.organiser, notify=False)
    bid(data, data_only, BidPreference.EAGER)
    general.expertise = ["SDMX"]
    db.session.flush()

    problem, _context = assignment.build_problem(event, reviews_per_submission=3, max_load=4)

    assert problem.need == {data.id: 3, privacy.id: 2}
    assert problem.existing_load == {general.id: 1, data_only.id: 0, conflicted.id: 0, coauthor.id: 0}
    assert problem.capacity == {general.id: 3, data_only.id: 2, conflicted.id: 4, coauthor.id: 4}
    assert set(problem.scores) == {
        (data.id, general.id), (data.id, data_only.id),  # not the conflicted one, not the co-author
        (privacy.id, conflicted.id), (privacy.id, coauthor.id),  # general already has it; data_only has no privacy
    }
    assert problem.scores[(data.id, data_only.id)] == 20 + 3  # eager, a track specialist
    assert problem.scores[(data.id, general.id)] == 5  # "sdmx" matches "SDMX"
    # A track of its own and a global cap of its own.
    problem, _context = assignment.build_problem(event, reviews_per_submission=1, max_load=None,
                                                 track_id=call.privacy.id)
    assert problem.need == {privacy.id: 0}
    assert problem.capacity[conflicted.id] == 1  # no cap: as many as there are submissions


def test_propose_then_apply_creates_assignments_mails_and_audit(db):
    call = reviewing_call(reviews_per_submission=2)
    event = call.event
    ensure_review_settings(event).review_deadline = dt.datetime(2030, 6, 1, 10, 0, tzinfo=UTC)
    ensure_review_settings(event).blind_mode = BlindMode.DOUBLE_BLIND
    ada, bob = add_member(event, name="Ada"), add_member(event, name="Bob")
    ada.timezone = "Europe/Zurich"  # the deadline is given in each reviewer's own zone
    one = submission(call, title="First talk", author=factories.make_user(name="Secret Author"))
    two = submission(call, title="Second talk")
    bid(one, ada, BidPreference.EAGER)

    proposal = assignment.propose(event, actor=call.organiser)
    assert sorted(map(tuple, proposal.pairs)) == sorted([(one.id, ada.id), (one.id, bob.id), (two.id, ada.id),
                                                          (two.id, bob.id)])
    assert proposal.summary["new"] == 4 and proposal.summary["missing"] == {}
    assert proposal.summary["by_bid"] == {"eager": 1, "neutral": 3}
    assert proposal.summary["eager_bidders_served"] == 1
    assert pairs(event) == set()  # a proposal changes nothing until applied

    created = assignment.apply_proposal(proposal, actor=call.organiser)

    assert created == 4
    assert pairs(event) == {(one.code, "Ada"), (one.code, "Bob"), (two.code, "Ada"), (two.code, "Bob")}
    assert {a.source for s in (one, two) for a in s.review_assignments} == {AssignmentSource.AUTOMATIC}
    mails = outbox("review_assigned")
    assert sorted(m.to_address for m in mails) == sorted([ada.email, bob.email])
    by_address = {m.to_address: m for m in mails}
    text = by_address[ada.email].body_text
    assert one.code in text and "First talk" in text and "Second talk" in text
    assert "Secret Author" not in text and "Secret Author" not in by_address[ada.email].body_html
    assert by_address[ada.email].subject == f"2 submissions to review for {event.title}"
    assert "Please submit your reviews by Jun 1, 2030, 12:00\u202fPM (Europe/Zurich)." in text
    assert "Please submit your reviews by Jun 1, 2030, 10:00\u202fAM (UTC)." in by_address[bob.email].body_text
    assert audit_actions(event)[-2:] == ["review.assignment_proposed", "review.assignment_applied"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "review.assignment_applied"))
    assert entry.details == {"created": 4, "skipped": 0}
    with pytest.raises(InvalidState, match="already been applied"):
        assignment.apply_proposal(proposal, actor=call.organiser)


def test_rerun_keeps_existing_assignments_and_fills_gaps(db):
    call = reviewing_call(reviews_per_submission=2)
    event = call.event
    ada, bob, cyd = (add_member(event, name=n) for n in ("Ada", "Bob", "Cyd"))
    one, two = submission(call, title="One"), submission(call, title="Two")
    assignment.assign(one, cyd, actor=call.organiser, notify=False)
    assignment.assign(one, ada, actor=call.organiser, notify=False)

    proposal = assignment.propose(event, actor=call.organiser)

    assert {p[0] for p in proposal.pairs} == {two.id}  # "one" has its two reviews already
    assert len(proposal.pairs) == 2
    assignment.apply_proposal(proposal, actor=call.organiser)
    assert {(c, n) for c, n in pairs(event) if c == one.code} == {(one.code, "Cyd"), (one.code, "Ada")}
    # Bob has no review yet: balancing gives him one of the two.
    assert "Bob" in {n for c, n in pairs(event) if c == two.code}
    assert len({n for c, n in pairs(event) if c == two.code}) == 2
    # Once everything is covered, running it again proposes nothing.
    again = assignment.propose(event, actor=call.organiser)
    assert again.pairs == [] and again.summary["wanted"] == 0
    assert bob.id in {a.reviewer_id for a in two.review_assignments}


def test_apply_skips_pairs_that_went_stale_after_the_preview(db):
    call = reviewing_call(reviews_per_submission=1)
    event = call.event
    ada, bob = add_member(event, name="Ada"), add_member(event, name="Bob")
    one, two, three = (submission(call, title=t) for t in ("One", "Two", "Three"))
    bid(one, ada, BidPreference.EAGER)
    bid(two, bob, BidPreference.EAGER)
    bid(three, ada, BidPreference.EAGER)
    proposal = assignment.propose(event, actor=call.organiser)
    assert sorted(map(tuple, proposal.pairs)) == [(one.id, ada.id), (two.id, bob.id), (three.id, ada.id)]

    conflicts.declare_conflict(one, ada, kind=ConflictKind.OTHER, source=ConflictSource.REVIEWER, actor=ada)
    submissions.withdraw(two, actor=two.submitter, now=DURING)
    db.session.flush()

    assert assignment.apply_proposal(proposal, actor=call.organiser) == 1
    assert pairs(event) == {(three.code, "Ada")}
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "review.assignment_applied"))
    assert entry.details == {"created": 1, "skipped": 2}


def test_an_older_proposal_cannot_be_applied_after_a_newer_one(db):
    call = reviewing_call(reviews_per_submission=1)
    add_member(call.event)
    submission(call)
    older = assignment.propose(call.event, actor=call.organiser)
    older.created_at = dt.datetime(2030, 1, 1, tzinfo=UTC)
    newer = assignment.propose(call.event, actor=call.organiser)
    newer.created_at = dt.datetime(2030, 1, 2, tzinfo=UTC)
    assignment.apply_proposal(newer, actor=call.organiser)
    with pytest.raises(InvalidState, match="later proposal"):
        assignment.apply_proposal(older, actor=call.organiser)


def test_propose_checks_who_asks_and_its_parameters(db):
    call = reviewing_call()
    event = call.event
    submission(call)
    chair = add_member(event, role=TeamRole.TRACK_CHAIR, tracks=[call.data])
    with pytest.raises(InvalidState, match="Invite reviewers"):
        assignment.propose(event, actor=call.organiser)
    add_member(event)
    with pytest.raises(NotAllowed):
        assignment.propose(event, actor=chair)  # a chair must pick a track
    with pytest.raises(NotAllowed):
        assignment.propose(event, actor=chair, track_id=call.privacy.id)
    with pytest.raises(DomainError, match="between 1 and 20") as error:
        assignment.propose(event, actor=call.organiser, reviews_per_submission=21)
    assert error.value.field == "reviews_per_submission"
    with pytest.raises(DomainError, match="at least 1"):
        assignment.propose(event, actor=call.organiser, max_load=0)
    assert assignment.propose(event, actor=chair, track_id=call.data.id).parameters["track_id"] == call.data.id


def test_a_track_chair_never_assigns_what_they_wrote(db):
    call = reviewing_call(reviews_per_submission=1)
    event = call.event
    chair = add_member(event, role=TeamRole.TRACK_CHAIR, tracks=[call.data], name="Chair")
    add_member(event, name="Ada")
    theirs = submission(call, author=chair, title="The chair's own")
    other = submission(call, title="Someone else's")

    proposal = assignment.propose(event, actor=chair, track_id=call.data.id)

    assert [p[0] for p in proposal.pairs] == [other.id]
    assert str(theirs.id) not in proposal.summary["missing"]
    # An organiser's proposal covers it; the chair applying it skips it.
    organisers = assignment.propose(event, actor=call.organiser, track_id=call.data.id)
    assert assignment.apply_proposal(organisers, actor=chair) == 1
    assert pairs(event) == {(other.code, "Ada")}


# Manual assignment ---------------------------------------------------------------------------------

def test_assign_creates_the_assignment_mails_and_audits(db):
    call = reviewing_call()
    ada = add_member(call.event, name="Ada")
    talk = submission(call, title="A talk")

    made = assignment.assign(talk, ada, actor=call.organiser)

    assert (made.submission_id, made.reviewer_id, made.source) == (talk.id, ada.id, AssignmentSource.MANUAL)
    assert [m.to_address for m in outbox("review_assigned")] == [ada.email]
    assert outbox("review_assigned")[0].subject == f"A submission to review for {call.event.title}"
    assert audit_actions(call.event)[-1] == "review.assigned"
    with pytest.raises(AlreadyExists, match="already reviews"):
        assignment.assign(talk, ada, actor=call.organiser)


@pytest.mark.parametrize("case, message", [
    ("conflict", "has a conflict of interest"),
    ("author", "has a conflict of interest"),
    ("not_member", "is not on this event's review committee"),
    ("withdrawn", "Only submissions under review"),
])
def test_assign_refuses_with_a_clear_message(db, case, message):
    call = reviewing_call()
    reviewer = add_member(call.event, name="Rita")
    talk = submission(call)
    if case == "conflict":
        conflicts.declare_conflict(talk, reviewer, kind=ConflictKind.INSTITUTION, source=ConflictSource.AUTHOR,
                                   actor=talk.submitter)
    elif case == "author":
        talk = submission(call, author=reviewer)
    elif case == "not_member":
        reviewer = factories.make_user(name="Rita")
    elif case == "withdrawn":
        submissions.withdraw(talk, actor=talk.submitter, now=DURING)
    with pytest.raises(DomainError, match=message) as error:
        assignment.assign(talk, reviewer, actor=call.organiser)
    assert error.value.field == "reviewer"
    assert pairs(call.event) == set() and outbox("review_assigned") == []


def test_assign_by_a_chair_of_another_track_is_refused(db):
    call = reviewing_call()
    chair = add_member(call.event, role=TeamRole.TRACK_CHAIR, tracks=[call.privacy])
    reviewer = add_member(call.event)
    with pytest.raises(NotAllowed):
        assignment.assign(submission(call), reviewer, actor=chair)


def test_unassign_removes_a_draft_review_but_refuses_a_submitted_one(db):
    call = reviewing_call()
    ada, bob = add_member(call.event, name="Ada"), add_member(call.event, name="Bob")
    talk = submission(call)
    drafted = assignment.assign(talk, ada, actor=call.organiser, notify=False)
    drafted.review = Review(state=ReviewState.DRAFT)
    done = assignment.assign(talk, bob, actor=call.organiser, notify=False)
    done.review = Review(state=ReviewState.SUBMITTED, submitted_at=DURING)
    db.session.flush()

    assignment.unassign(drafted, actor=call.organiser)
    assert pairs(call.event) == {(talk.code, "Bob")}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 1
    assert audit_actions(call.event)[-1] == "review.unassigned"
    with pytest.raises(InvalidState, match="Bob has already submitted a review"):
        assignment.unassign(done, actor=call.organiser)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewAssignment)) == 1
