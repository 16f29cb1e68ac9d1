"""Writing reviews: drafts, submitting, the deadline, scales, and who reads which review."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.cfp.enums import SubmissionState
from conference.core.models import AuditEntry
from conference.errors import DeadlinePassed, InvalidState, NotAllowed, ValidationFailed
from conference.extensions import db
from conference.review import assignment, reviews
from conference.review.enums import OtherReviewsVisibility, ReviewState
from conference.review.models import Review
from conference.review.reviews import Progress

from ..cfp.builders import submitted_talk
from .builders import AFTER_REVIEW_DEADLINE, WHILE_REVIEWING, add_conflict, complete_review, make_reviewing


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("review.s%"))
                                   .order_by(AuditEntry.id)))


def test_a_draft_may_be_incomplete_and_is_saved(db):
    r = make_reviewing()
    review = reviews.save_review(r.submission.assignment_of(r.reviewer), actor=r.reviewer,
                                 scores={r.originality.id: 3, r.relevance.id: None}, confidence=None,
                                 comments_to_authors=" Half done ", comments_to_committee="", answers={},
                                 submit=False, now=WHILE_REVIEWING)
    assert review.state == ReviewState.DRAFT and review.submitted_at is None
    assert [(s.criterion_id, s.value) for s in review.scores] == [(r.originality.id, 3)]
    assert review.comments_to_authors == "Half done"
    assert audit_actions() == ["review.saved"]


def test_submitting_needs_every_required_answer_and_keeps_nothing_on_refusal(db):
    r = make_reviewing()
    draft = complete_review(r, r.reviewer, submit=False)
    with pytest.raises(ValidationFailed) as caught:
        reviews.save_review(r.submission.assignment_of(r.reviewer), actor=r.reviewer, scores={}, confidence=None,
                            comments_to_authors="", comments_to_committee="", answers={}, submit=True,
                            now=WHILE_REVIEWING)
    assert set(caught.value.errors) == {f"score_{r.originality.id}", "confidence", f"question_{r.verdict.id}"}
    assert draft.state == ReviewState.DRAFT
    assert draft.score_for(r.originality.id) == 4


def test_submitting_a_complete_review(db):
    r = make_reviewing()
    review = complete_review(r, r.reviewer)
    assert review.state == ReviewState.SUBMITTED and review.submitted_at is not None
    assert review.confidence == 4
    assert review.answers == {str(r.verdict.id): True, str(r.remarks.id): "Nice slides."}
    assert {s.criterion_id: s.value for s in review.scores} == {r.originality.id: 4, r.relevance.id: 2}
    assert audit_actions() == ["review.submitted"]


def test_confidence_is_not_needed_when_the_event_does_not_ask(db):
    r = make_reviewing()
    r.settings.ask_confidence = False
    review = complete_review(r, r.reviewer, confidence=None)
    assert review.state == ReviewState.SUBMITTED and review.confidence is None


@pytest.mark.parametrize("value", [0, 6, -1, "4", 4.0, True])
def test_a_score_off_the_scale_is_refused_by_field(db, value):
    r = make_reviewing()
    with pytest.raises(ValidationFailed) as caught:
        complete_review(r, r.reviewer, scores={r.originality.id: value}, submit=False)
    assert list(caught.value.errors) == [f"score_{r.originality.id}"]
    assert "from 1 to 5" in caught.value.errors[f"score_{r.originality.id}"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 0


def test_a_submitted_review_stays_submitted_when_edited(db):
    r = make_reviewing()
    review = complete_review(r, r.reviewer)
    first_submitted = review.submitted_at
    edited = complete_review(r, r.reviewer, originality=2, submit=False)
    assert edited is review and review.state == ReviewState.SUBMITTED
    assert review.submitted_at == first_submitted and review.score_for(r.originality.id) == 2
    with pytest.raises(ValidationFailed):  # an edit cannot make it incomplete
        complete_review(r, r.reviewer, scores={}, submit=False)
    assert audit_actions() == ["review.submitted", "review.saved"]


def test_no_review_after_the_deadline(db):
    r = make_reviewing()
    draft = complete_review(r, r.reviewer, submit=False)
    with pytest.raises(DeadlinePassed):
        complete_review(r, r.reviewer, originality=1, now=AFTER_REVIEW_DEADLINE)
    assert draft.state == ReviewState.DRAFT and draft.score_for(r.originality.id) == 4


def test_only_the_assigned_unconflicted_reviewer_writes_the_review(db):
    r = make_reviewing()
    assignment = r.submission.assignment_of(r.reviewer)
    for person in (r.second, r.organiser, r.chair, r.author):
        with pytest.raises(NotAllowed):
            reviews.save_review(assignment, actor=person, scores={}, confidence=None, comments_to_authors="",
                                comments_to_committee="", answers={}, submit=False, now=WHILE_REVIEWING)
    add_conflict(r, r.reviewer)
    with pytest.raises(NotAllowed):
        complete_review(r, r.reviewer, submit=False)


def test_no_review_of_a_withdrawn_submission(db):
    r = make_reviewing()
    r.submission.state, r.submission.withdrawn_at = SubmissionState.WITHDRAWN, WHILE_REVIEWING
    with pytest.raises(InvalidState):
        complete_review(r, r.reviewer, submit=False)


@pytest.mark.parametrize(("policy", "before_own", "after_own"), [
    (OtherReviewsVisibility.ALWAYS, True, True),
    (OtherReviewsVisibility.AFTER_OWN, False, True),
    (OtherReviewsVisibility.NEVER, False, False),
])
def test_visible_reviews_follow_the_event_policy(db, policy, before_own, after_own):
    r = make_reviewing(other_reviews=policy)
    others = complete_review(r, r.second)
    own = complete_review(r, r.reviewer, submit=False)
    assert reviews.visible_reviews(r.submission, r.reviewer) == ([own, others] if before_own else [own])
    complete_review(r, r.reviewer)
    assert reviews.visible_reviews(r.submission, r.reviewer) == ([own, others] if after_own else [own])
    # Those running review read every submitted review; drafts stay their writer's.
    assert reviews.visible_reviews(r.submission, r.organiser) == [own, others]
    assert reviews.visible_reviews(r.submission, r.chair) == [own, others]
    assert reviews.visible_reviews(r.submission, r.other_chair) == []


def test_others_drafts_are_never_shown(db):
    r = make_reviewing(other_reviews=OtherReviewsVisibility.ALWAYS)
    complete_review(r, r.second, submit=False)
    assert reviews.visible_reviews(r.submission, r.reviewer) == []
    assert reviews.visible_reviews(r.submission, r.organiser) == []


def test_my_assignments_with_progress(db):
    r = make_reviewing()
    later = submitted_talk(r.call, r.author, title="Another talk")
    third = submitted_talk(r.call, r.author, title="A third talk")
    for submission in (later, third):
        assignment.assign(submission, r.reviewer, actor=r.organiser, notify=False)
    complete_review(r, r.reviewer)
    reviews.save_review(later.assignment_of(r.reviewer), actor=r.reviewer, scores={}, confidence=None,
                        comments_to_authors="", comments_to_committee="", answers={}, submit=False,
                        now=WHILE_REVIEWING)
    rows = reviews.my_assignments(r.event, r.reviewer)
    assert {row.submission.code: row.progress for row in rows} == {
        r.submission.code: Progress.SUBMITTED, later.code: Progress.DRAFT, third.code: Progress.NOT_STARTED}
    assert [row.submission.code for row in rows] == sorted(row.submission.code for row in rows)
    # A conflict hides the assignment; so does a withdrawal.
    add_conflict(r, r.reviewer)
    third.state = SubmissionState.WITHDRAWN
    third.withdrawn_at = WHILE_REVIEWING
    db.session.flush()
    assert [row.submission.code for row in reviews.my_assignments(r.event, r.reviewer)] == [later.code]
    assert reviews.my_assignments(r.event, r.idle) == []
