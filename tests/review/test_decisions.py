"""Decisions: staged out of the authors' sight, released by organisers with held mails,
confirmed or withdrawn by the authors, reminded; every step in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from conference.cfp import submissions
from conference.cfp import submissions as submission_ops
from conference.cfp.enums import Decision, SubmissionState
from conference.core.models import AuditEntry
from conference.errors import DomainError, InvalidState, NotAllowed
from conference.extensions import db
from conference.mail.enums import MailState
from conference.review import decisions

from .. import factories
from ..cfp.builders import complete_talk
from ..mail.builders import outbox
from .builders import UTC, make_committee, make_submission, three_reviews

STAGED_AT = dt.datetime(2030, 5, 1, 9, 0, tzinfo=UTC)
RELEASED_AT = dt.datetime(2030, 5, 2, 9, 0, tzinfo=UTC)
CONFIRMED_AT = dt.datetime(2030, 5, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def committee(db):
    return make_committee()


def audit_actions(event) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.event_id == event.id)
                                   .order_by(AuditEntry.id)))


def test_staged_decision_changes_nothing_authors_can_see(committee):
    submission = make_submission(committee)
    before = len(outbox())

    decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT, now=STAGED_AT)

    assert submission.state == SubmissionState.SUBMITTED
    assert (submission.pending_decision, submission.decision_staged_at) == (Decision.ACCEPT, STAGED_AT)
    assert submission.decision_staged_by_id == committee.organiser.id
    assert len(outbox()) == before
    assert audit_actions(committee.event)[-1] == "decision.staged"


def test_decision_on_a_withdrawn_submission_is_refused_with_a_clear_message(committee):
    submission = make_submission(committee)
    decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.REJECT)
    submission_ops.withdraw(submission, actor=submission.submitter)
    assert submission.pending_decision is None  # withdrawing drops the staged decision

    with pytest.raises(InvalidState) as refused:
        decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT)
    assert refused.value.message == "This submission was withdrawn; it cannot get a decision."
    assert submission.state == SubmissionState.WITHDRAWN and submission.pending_decision is None


def test_draft_and_foreign_type_and_stranger_are_refused(committee):
    draft = complete_talk(committee.call, factories.make_user())
    with pytest.raises(InvalidState):
        decisions.stage_decision(draft, actor=committee.organiser, decision=Decision.ACCEPT)
    submission = make_submission(committee)
    other_call = make_committee(reviewers=0)
    with pytest.raises(DomainError) as wrong_type:
        decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT,
                                 accept_as_type_id=other_call.call.paper.id)
    assert wrong_type.value.field == "accept_as_type_id"
    for person in (committee.reviewers[0], factories.make_user(), submission.submitter):
        with pytest.raises(NotAllowed):
            decisions.stage_decision(submission, actor=person, decision=Decision.ACCEPT)
    assert submission.pending_decision is None


def test_track_chair_decides_in_own_track_only(committee):
    own = make_submission(committee, track=committee.call.data)
    other = make_submission(committee, track=committee.call.privacy)
    decisions.stage_decision(own, actor=committee.chair, decision=Decision.REJECT)
    assert own.pending_decision == Decision.REJECT
    with pytest.raises(NotAllowed):
        decisions.stage_decision(other, actor=committee.chair, decision=Decision.REJECT)


def test_bulk_staging_reports_refusals_and_keeps_the_rest(committee):
    first, second = make_submission(committee, title="First"), make_submission(committee, title="Second")
    gone = make_submission(committee, title="Gone")
    submission_ops.withdraw(gone, actor=gone.submitter)

    done, refused = decisions.stage_decisions([first, gone, second], actor=committee.organiser, decision="reject")

    assert done == 2
    assert refused == [(gone.code, "This submission was withdrawn; it cannot get a decision.")]
    assert (first.pending_decision, second.pending_decision, gone.pending_decision) == (Decision.REJECT, Decision.REJECT, None)


def test_clear_decision(committee):
    submission = make_submission(committee)
    decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT,
                             accept_as_type_id=committee.call.paper.id)
    decisions.clear_decision(submission, actor=committee.organiser)
    assert (submission.pending_decision, submission.pending_type_id, submission.decision_staged_at) == (None, None, None)
    assert audit_actions(committee.event)[-2:] == ["decision.staged", "decision.cleared"]


def test_release_moves_states_sets_type_and_holds_mails_with_reviews_but_no_reviewer_names(committee):
    accepted = make_submission(committee, title="Accepted talk")
    three_reviews(committee, accepted)
    coauthor = submission_ops.add_author(accepted, actor=accepted.submitter, name="Carl Coauthor",
                                         email="carl@example.org", now=dt.datetime(2030, 3, 20, tzinfo=UTC))
    rejected = make_submission(committee, title="Rejected talk")
    decisions.stage_decision(accepted, actor=committee.organiser, decision=Decision.ACCEPT,
                             accept_as_type_id=committee.call.paper.id)
    decisions.stage_decision(rejected, actor=committee.organiser, decision=Decision.REJECT)
    untouched = make_submission(committee, title="Still in review")

    assert decisions.release_decisions(committee.event, actor=committee.organiser, now=RELEASED_AT) == 2

    assert (accepted.state, accepted.type, accepted.decision_released_at) == (
        SubmissionState.ACCEPTED, committee.call.paper, RELEASED_AT)
    assert accepted.pending_decision is None and accepted.pending_type_id is None
    assert rejected.state == SubmissionState.REJECTED
    assert untouched.state == SubmissionState.SUBMITTED
    accept_mails = outbox("decision_accepted")
    assert sorted(m.to_address for m in accept_mails) == sorted([accepted.submitter.email, coauthor.email])
    assert {m.state for m in accept_mails} == {MailState.HELD}
    mail = accept_mails[0]
    assert mail.subject == f'Action required: confirm {accepted.code} "Accepted talk" for {committee.event.title}'
    assert f"http://conference.test/events/{committee.event.slug}/submissions/{accepted.code}" in mail.body_text
    assert "as a Full paper" in mail.body_text
    for text in ("A clear, useful talk.", "Not relevant enough.", "Seen it before.", "Suggestions for the talk",
                 "Show a demo.", "Review 3"):
        assert text in mail.body_text
    for secret in ["Strong accept.", "Best paper candidate?", "Overall score", "Originality",
                   *[r.name for r in committee.reviewers]]:
        assert secret not in mail.body_text and secret not in mail.body_html
    [reject_mail] = outbox("decision_rejected")
    assert reject_mail.state == MailState.HELD and reject_mail.to_address == rejected.submitter.email
    assert "Review" not in reject_mail.body_text  # no reviews were written for it
    assert audit_actions(committee.event).count("decision.released") == 2


def test_release_carries_scores_only_where_the_event_allows_and_no_reviews_when_it_does_not(committee):
    first, second = make_submission(committee), make_submission(committee)
    three_reviews(committee, first)
    committee.settings.scores_to_authors = True
    decisions.stage_decision(first, actor=committee.organiser, decision=Decision.REJECT)
    decisions.release_decisions(committee.event, actor=committee.organiser)
    [mail] = outbox("decision_rejected")
    assert "Overall score: 10.0 of 10" in mail.body_text and "Originality: 5 (1–5)" in mail.body_text

    three_reviews(committee, second)
    committee.settings.reviews_to_authors = False
    decisions.stage_decision(second, actor=committee.organiser, decision=Decision.REJECT)
    decisions.release_decisions(committee.event, actor=committee.organiser)
    second_mail = outbox("decision_rejected")[-1]
    assert "A clear, useful talk." not in second_mail.body_text and "Review 1" not in second_mail.body_text


def test_only_organisers_release_and_nothing_staged_is_refused(committee):
    submission = make_submission(committee, track=committee.call.data)
    decisions.stage_decision(submission, actor=committee.chair, decision=Decision.ACCEPT)
    with pytest.raises(NotAllowed):
        decisions.release_decisions(committee.event, actor=committee.chair)
    assert submission.state == SubmissionState.SUBMITTED
    decisions.release_decisions(committee.event, actor=committee.organiser)
    with pytest.raises(InvalidState):
        decisions.release_decisions(committee.event, actor=committee.organiser)


def test_author_confirms_an_accepted_submission(committee):
    submission = make_submission(committee)
    with pytest.raises(InvalidState):
        submissions.confirm(submission, actor=submission.submitter)
    decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT)
    decisions.release_decisions(committee.event, actor=committee.organiser)
    with pytest.raises(NotAllowed):
        submissions.confirm(submission, actor=committee.reviewers[0])

    submissions.confirm(submission, actor=submission.submitter, now=CONFIRMED_AT)

    assert (submission.state, submission.confirmed_at) == (SubmissionState.CONFIRMED, CONFIRMED_AT)
    assert decisions.unconfirmed(committee.event) == []
    assert audit_actions(committee.event)[-1] == "submission.confirmed"


def test_author_withdraws_after_acceptance(committee):
    submission = make_submission(committee)
    decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT)
    decisions.release_decisions(committee.event, actor=committee.organiser)

    submission_ops.withdraw(submission, actor=submission.submitter, reason="Cannot travel")

    assert submission.state == SubmissionState.WITHDRAWN
    with pytest.raises(InvalidState):
        submissions.confirm(submission, actor=submission.submitter)


def test_remind_unconfirmed_mails_their_authors_only(committee):
    waiting, confirmed = make_submission(committee, title="Waiting"), make_submission(committee, title="Done")
    for submission in (waiting, confirmed):
        decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT)
    decisions.release_decisions(committee.event, actor=committee.organiser)
    submissions.confirm(confirmed, actor=confirmed.submitter)
    with pytest.raises(NotAllowed):
        decisions.remind_unconfirmed(committee.event, actor=committee.chair)

    assert decisions.remind_unconfirmed(committee.event, actor=committee.organiser, now=CONFIRMED_AT) == 1

    [mail] = outbox("confirmation_reminder")
    assert mail.to_address == waiting.submitter.email and mail.state == MailState.QUEUED
    assert mail.subject.startswith("Action required:") and waiting.code in mail.subject
    assert waiting.confirmation_reminded_at == CONFIRMED_AT and confirmed.confirmation_reminded_at is None
    assert audit_actions(committee.event)[-1] == "decision.confirmation_reminded"
    submissions.confirm(waiting, actor=waiting.submitter)
    with pytest.raises(InvalidState):
        decisions.remind_unconfirmed(committee.event, actor=committee.organiser)


def test_released_decision_may_be_revised(committee):
    submission = make_submission(committee)
    decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.REJECT)
    decisions.release_decisions(committee.event, actor=committee.organiser)
    with pytest.raises(InvalidState):
        decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.REJECT)
    decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT)
    decisions.release_decisions(committee.event, actor=committee.organiser)
    assert submission.state == SubmissionState.ACCEPTED
