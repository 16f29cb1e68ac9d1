"""Review progress: reviews done and missing per reviewer and per submission, and reminders."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.errors import InvalidState, NotAllowed
from conference.extensions import db
from conference.mail.enums import MailState
from conference.review import progress as review_progress
from conference.review.enums import ConflictKind, ConflictSource, ReviewState
from conference.review.models import Conflict, ReviewAssignment

from .. import factories
from ..mail.builders import outbox
from .builders import UTC, add_review, assign, make_committee, make_submission

REMINDED_AT = dt.datetime(2030, 4, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def committee(db):
    return make_committee()


@pytest.fixture
def reviewed(committee):
    """A: 1 submitted + 1 draft of 2; B: 1 missing of 1; C: nothing assigned."""
    a, b, _c = committee.reviewers
    first = make_submission(committee, title="First", track=committee.call.data)
    second = make_submission(committee, title="Second", track=committee.call.privacy)
    add_review(committee, first, a, originality=3, relevance=2)
    add_review(committee, second, a, originality=3, relevance=2, state=ReviewState.DRAFT)
    assign(first, b)
    return first, second


def test_progress_per_reviewer_and_per_submission(committee, reviewed):
    first, second = reviewed
    figures = review_progress.progress(committee.event, viewer=committee.organiser)

    rows = {r.reviewer.name: (r.assigned, r.submitted, r.drafts, r.missing) for r in figures.reviewers}
    assert rows == {"Reviewer A": (2, 1, 1, 1), "Reviewer B": (1, 0, 0, 1), "Reviewer C": (0, 0, 0, 0)}
    per_submission = {s.submission.code: (s.wanted, s.assigned, s.submitted, s.missing) for s in figures.submissions}
    assert per_submission == {first.code: (3, 2, 1, 2), second.code: (3, 1, 0, 3)}
    assert (figures.assigned, figures.submitted, figures.missing) == (3, 1, 2)


def test_track_chair_sees_own_track_without_conflicted_submissions(committee, reviewed):
    first, _second = reviewed
    figures = review_progress.progress(committee.event, viewer=committee.chair)
    assert [s.submission for s in figures.submissions] == [first]
    db.session.add(Conflict(event_id=committee.event.id, submission_id=first.id, user_id=committee.chair.id,
                            kind=ConflictKind.PERSONAL, source=ConflictSource.REVIEWER))
    db.session.flush()
    figures = review_progress.progress(committee.event, viewer=committee.chair)
    assert figures.submissions == [] and figures.assigned == 0


def test_reviewers_and_strangers_may_not_see_progress(committee):
    for person in (committee.reviewers[0], factories.make_user()):
        with pytest.raises(NotAllowed):
            review_progress.progress(committee.event, viewer=person)
        with pytest.raises(NotAllowed):
            review_progress.remind_reviewers(committee.event, actor=person)


def test_remind_all_mails_each_reviewer_with_missing_reviews_their_list(committee, reviewed):
    first, second = reviewed
    a, b, _c = committee.reviewers
    committee.settings.review_deadline = dt.datetime(2030, 5, 1, 10, 0, tzinfo=UTC)
    a.timezone = "Europe/Zurich"  # the deadline is given in each reviewer's own zone

    assert review_progress.remind_reviewers(committee.event, actor=committee.organiser, now=REMINDED_AT) == 2

    mails = {m.to_address: m for m in outbox("review_reminder")}
    assert set(mails) == {a.email, b.email}
    assert mails[a.email].state == MailState.QUEUED
    assert mails[a.email].subject == f"Reminder: 1 review missing for {committee.event.title}"
    assert f"{second.code}: Second" in mails[a.email].body_text and first.code not in mails[a.email].body_text
    assert f"{first.code}: First" in mails[b.email].body_text
    assert "The review deadline is May 1, 2030, 12:00\u202fPM (Europe/Zurich)." in mails[a.email].body_text
    assert "The review deadline is May 1, 2030, 10:00\u202fAM (UTC)." in mails[b.email].body_text
    for mail in mails.values():
        assert first.submitter.name not in mail.body_text  # code and title only
    reminded = dict(db.session.execute(sa.select(ReviewAssignment.id, ReviewAssignment.reminded_at)).all())
    assert sorted(v for v in reminded.values() if v is not None) == [REMINDED_AT, REMINDED_AT]
    figures = review_progress.progress(committee.event, viewer=committee.organiser)
    assert {r.reviewer.name: r.last_reminded for r in figures.reviewers}["Reviewer B"] == REMINDED_AT
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "review.reminders_sent")).one()
    assert entry.details == {"reviewer_ids": sorted([a.id, b.id]), "missing": 2}


def test_remind_chosen_reviewers_only_and_refuse_when_nothing_is_missing(committee, reviewed):
    _a, b, c = committee.reviewers
    assert review_progress.remind_reviewers(committee.event, actor=committee.organiser, reviewer_ids=[b.id]) == 1
    assert [m.to_address for m in outbox("review_reminder")] == [b.email]
    with pytest.raises(InvalidState):
        review_progress.remind_reviewers(committee.event, actor=committee.organiser, reviewer_ids=[c.id])


def test_track_chair_reminds_for_own_track_only(committee, reviewed):
    _a, b, _c = committee.reviewers
    assert review_progress.remind_reviewers(committee.event, actor=committee.chair) == 1
    [mail] = outbox("review_reminder")
    assert mail.to_address == b.email  # A's missing review is in the other track
