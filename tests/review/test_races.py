"""Review operations that two people (or one double click) may run at the same moment, on
PostgreSQL: the second waits for the first's lock and is then refused, so nothing happens
twice: no duplicate assignments, no decision mail queued twice."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.accounts.models import User
from conference.cfp.enums import Decision, SubmissionState
from conference.cfp.models import Submission
from conference.errors import InvalidState
from conference.events.models import Event
from conference.extensions import db as _db
from conference.mail.enums import MailState
from conference.mail.models import OutboxMessage
from conference.review import assignment, decisions
from conference.review.models import AssignmentProposal, ReviewAssignment

from ..races import race
from .builders import add_member, make_committee, make_submission, reviewing_call, submission


@pytest.mark.postgres_only
def test_two_releases_at_once_release_each_decision_and_queue_its_mail_once(app, database_url, postgres_db):
    committee = make_committee()
    talks = [make_submission(committee, title=f"Talk {n}") for n in range(3)]
    for talk in talks:
        decisions.stage_decision(talk, actor=committee.organiser, decision=Decision.ACCEPT)
    event_id, organiser_id = committee.event.id, committee.organiser.id
    postgres_db.session.commit()

    def release():
        return decisions.release_decisions(_db.session.get(Event, event_id), actor=_db.session.get(User, organiser_id))

    first, second = race(app, database_url, release, release)
    assert first.result == 3
    assert isinstance(second.error, InvalidState)
    assert second.error.message == "There are no staged decisions to release."
    postgres_db.session.expire_all()
    states = postgres_db.session.scalars(sa.select(Submission.state).where(Submission.event_id == event_id)).all()
    assert states == [SubmissionState.ACCEPTED] * 3
    held = postgres_db.session.scalars(
        sa.select(OutboxMessage.to_address).where(OutboxMessage.template == "decision_accepted")).all()
    assert sorted(held) == sorted(t.submitter.email for t in talks)
    assert {m.state for m in postgres_db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.template == "decision_accepted"))} == {MailState.HELD}


@pytest.mark.postgres_only
def test_applying_one_proposal_twice_at_once_creates_its_assignments_once(app, database_url, postgres_db):
    call = reviewing_call(reviews_per_submission=2)
    for name in ("Rita", "Sam", "Tess"):
        add_member(call.event, name=name)
    for n in range(4):
        submission(call, title=f"Talk {n}")
    proposal = assignment.propose(call.event, actor=call.organiser)
    proposal_id, organiser_id = proposal.id, call.organiser.id
    assert len(proposal.pairs) == 8
    postgres_db.session.commit()

    def apply():
        return assignment.apply_proposal(_db.session.get(AssignmentProposal, proposal_id),
                                         actor=_db.session.get(User, organiser_id))

    first, second = race(app, database_url, apply, apply)
    assert first.result == 8
    assert isinstance(second.error, InvalidState)
    assert second.error.message == "This proposal has already been applied."
    postgres_db.session.expire_all()
    assert postgres_db.session.scalar(sa.select(sa.func.count()).select_from(ReviewAssignment)) == 8
    assert postgres_db.session.scalar(
        sa.select(sa.func.count()).where(OutboxMessage.template == "review_assigned")) == 3


@pytest.mark.postgres_only
def test_the_same_reviewer_assigned_twice_at_once_gets_one_assignment(app, database_url, postgres_db):
    call = reviewing_call()
    rita = add_member(call.event, name="Rita")
    talk = submission(call, title="A talk")
    ids = talk.id, rita.id, call.organiser.id
    postgres_db.session.commit()

    def assign():
        talk_id, rita_id, organiser_id = ids
        return assignment.assign(_db.session.get(Submission, talk_id), _db.session.get(User, rita_id),
                                 actor=_db.session.get(User, organiser_id)).id

    first, second = race(app, database_url, assign, assign)
    assert first.result is not None
    assert second.error is not None and second.error.message == "Rita already reviews this submission."
    postgres_db.session.expire_all()
    assert postgres_db.session.scalars(sa.select(ReviewAssignment.id)).all() == [first.result]
