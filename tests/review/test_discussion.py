"""The committee's discussion: who may post, who is told by mail, and what the mail says."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.errors import DomainError, NotAllowed
from conference.review import discussion, reviews
from conference.review.enums import BlindMode, OtherReviewsVisibility
from conference.review.models import DiscussionComment

from .. import factories
from ..core.builders import count
from ..mail.builders import outbox
from .builders import add_conflict, complete_review, make_reviewing


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


# Who is named: the discussion shows commenters as the reviews show reviewers -------------------------

def labels(r, viewer) -> list[str]:
    return [shown.author_label for shown in discussion.shown_comments(r.submission, viewer)]


def review_labels(r, viewer) -> list[str]:
    return [shown.reviewer_label for shown in reviews.committee_view(r.submission, viewer).reviews]


def mails_to(user) -> list[tuple[str, str]]:
    """(subject, text and HTML) of each discussion mail ``user`` got, as queued for them."""
    return [(m.subject, m.body_text + (m.body_html or "")) for m in outbox("discussion_comment")
            if m.to_address == user.email]


def a_thread(mode: BlindMode):
    r = make_reviewing(blind_mode=mode, other_reviews=OtherReviewsVisibility.ALWAYS)
    complete_review(r, r.reviewer)
    complete_review(r, r.second)
    for person, body in ((r.reviewer, "First."), (r.second, "Second."), (r.organiser, "Third."), (r.chair, "Fourth.")):
        discussion.post_comment(r.submission, actor=person, body=body)
    return r


@pytest.mark.parametrize("mode", [BlindMode.SINGLE_BLIND, BlindMode.DOUBLE_BLIND])
def test_where_reviewers_are_anonymous_the_discussion_uses_the_reviews_pseudonyms(db, mode):
    r = a_thread(mode)
    # The reviews number Rhea 1 and Sam 2 (the order of assignment); the discussion follows.
    assert review_labels(r, r.second) == ["Reviewer 1", "Your review"]
    assert labels(r, r.second) == ["Reviewer 1", "You", "Organiser", "Track chair"]
    assert review_labels(r, r.reviewer) == ["Your review", "Reviewer 2"]
    assert labels(r, r.reviewer) == ["You", "Reviewer 2", "Organiser", "Track chair"]
    # Those who run the submission's review read the names, in the reviews and the discussion.
    assert review_labels(r, r.organiser) == ["Rhea Reviewer", "Sam Second"]
    assert labels(r, r.organiser) == ["Rhea Reviewer", "Sam Second", "You", "Cleo Chair"]
    assert review_labels(r, r.chair) == ["Rhea Reviewer", "Sam Second"]
    assert labels(r, r.chair) == ["Rhea Reviewer", "Sam Second", "Olga Organiser", "You"]


@pytest.mark.parametrize("mode", [BlindMode.SINGLE_BLIND, BlindMode.DOUBLE_BLIND])
def test_each_discussion_mail_names_the_commenter_as_its_recipient_may_see_them(db, mode):
    r = a_thread(mode)
    discussion.post_comment(r.submission, actor=r.reviewer, body="Fifth.")
    names = ("Rhea Reviewer", "Sam Second", "Olga Organiser", "Cleo Chair")
    to_sam = mails_to(r.second)
    assert [subject for subject, _text in to_sam] == [
        f"Discussion of {r.submission.code}: new comment from {who}" for who in ("Reviewer 1", "Organiser",
                                                                                "Track chair", "Reviewer 1")]
    assert "Reviewer 1 commented on the committee's discussion" in to_sam[0][1]
    to_rhea = mails_to(r.reviewer)
    assert [subject.rpartition("from ")[2] for subject, _text in to_rhea] == ["Reviewer 2", "Organiser",
                                                                              "Track chair"]
    for recipient, mails in (("Sam Second", to_sam), ("Rhea Reviewer", to_rhea)):
        others = [name for name in names if name != recipient]  # "Hello Sam Second," is fine
        for subject, text in mails:
            assert text.startswith(f"Hello {recipient},")
            assert not [name for name in others if name in subject + text], subject
    # The organiser (in the thread once they commented) and the chair read names.
    assert [s.rpartition("from ")[2] for s, _t in mails_to(r.organiser)] == ["Cleo Chair", "Rhea Reviewer"]
    assert [s.rpartition("from ")[2] for s, _t in mails_to(r.chair)] == ["Rhea Reviewer", "Sam Second",
                                                                        "Olga Organiser", "Rhea Reviewer"]
    assert "Rhea Reviewer commented on the committee's discussion" in mails_to(r.organiser)[1][1]


def test_in_an_open_event_everyone_in_the_discussion_is_named(db):
    r = a_thread(BlindMode.OPEN)
    assert labels(r, r.second) == ["Rhea Reviewer", "You", "Olga Organiser", "Cleo Chair"]
    assert [s.rpartition("from ")[2] for s, _t in mails_to(r.second)] == ["Rhea Reviewer", "Olga Organiser",
                                                                         "Cleo Chair"]
