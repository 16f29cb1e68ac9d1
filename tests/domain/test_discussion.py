"""The committee's discussion: who may post, who is told by mail, and what the mail says."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.domain import discussion
from conference.enums import BlindMode, OtherReviewsVisibility
from conference.errors import DomainError, NotAllowed
from conference.models import AuditEntry, DiscussionComment

from .. import factories
from .cfp_helpers import count, outbox
from .reviewing_helpers import add_conflict, complete_review, make_reviewing


def test_a_reviewer_with_a_submitted_review_posts_and_the_thread_is_mailed(db):
    r = make_reviewing(blind_mode=BlindMode.DOUBLE_BLIND, other_reviews=OtherReviewsVisibility.NEVER)
    complete_review(r, r.reviewer)
    comment = discussion.post_comment(r.submission, actor=r.reviewer, body="  I liked it.  ")
    assert comment.body == "I liked it." and comment.author_id == r.reviewer.id
    assert discussion.comments_of(r.submission) == [comment]
    # The second reviewer has no review in yet: under "never" they cannot take part, so no mail.
    # The chair of the track is told; the chair of another track and the idle reviewer are not.
    assert sorted(m.to_address for m in outbox("discussion_comment")) == [r.chair.email]
    mail = outbox("discussion_comment")[0]
    assert r.submission.code in mail.subject and "Rhea Reviewer" in mail.subject
    assert "I liked it." in mail.body_text and "Tidal statistics" in mail.body_text
    assert f"/review/submissions/{r.submission.code}" in mail.body_text
    assert "Ada Author" not in mail.body_text + (mail.body_html or "")
    assert "ada@authors.example" not in mail.body_text + (mail.body_html or "")
    assert db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action == "review.comment_posted")).all() \
        == ["review.comment_posted"]


def test_later_comments_reach_earlier_commenters_and_reviewers_who_may_discuss(db):
    r = make_reviewing(other_reviews=OtherReviewsVisibility.AFTER_OWN)
    complete_review(r, r.reviewer)
    complete_review(r, r.second)
    discussion.post_comment(r.submission, actor=r.organiser, body="Accept?")
    first = {m.to_address for m in outbox("discussion_comment")}
    assert first == {r.reviewer.email, r.second.email, r.chair.email}
    discussion.post_comment(r.submission, actor=r.second, body="Yes.")
    second = [m.to_address for m in outbox("discussion_comment")][3:]
    assert sorted(second) == sorted([r.reviewer.email, r.chair.email, r.organiser.email])


def test_a_conflicted_participant_is_never_mailed(db):
    r = make_reviewing(other_reviews=OtherReviewsVisibility.ALWAYS)
    add_conflict(r, r.second)
    discussion.post_comment(r.submission, actor=r.reviewer, body="Thoughts?")
    assert sorted(m.to_address for m in outbox("discussion_comment")) == [r.chair.email]


@pytest.mark.parametrize("who", ["author", "idle", "other_chair", "stranger", "conflicted", "no_review_yet"])
def test_who_may_not_post(db, who):
    r = make_reviewing(other_reviews=OtherReviewsVisibility.AFTER_OWN)
    if who == "conflicted":
        add_conflict(r, r.reviewer)
    person = {"author": r.author, "idle": r.idle, "other_chair": r.other_chair, "stranger": factories.make_user(),
              "conflicted": r.reviewer, "no_review_yet": r.second}[who]
    with pytest.raises(NotAllowed):
        discussion.post_comment(r.submission, actor=person, body="Hello")
    assert count(DiscussionComment) == 0 and outbox("discussion_comment") == []


def test_an_empty_comment_is_refused(db):
    r = make_reviewing()
    with pytest.raises(DomainError) as caught:
        discussion.post_comment(r.submission, actor=r.organiser, body=" \n ")
    assert caught.value.field == "body"
    assert count(DiscussionComment) == 0
