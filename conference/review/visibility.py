"""What a committee member may see of a submission's review, beyond the predicates on the
submission itself (``Submission.can_manage_review``, ``can_see_authors``...): the other reviews,
by the event's policy, and the discussion."""

from __future__ import annotations

from conference.cfp.models import Submission
from conference.review.enums import OtherReviewsVisibility, ReviewState


def can_see_reviews(submission: Submission, user) -> bool:
    """See the other reviews of this submission (one's own is always visible)."""
    if submission.can_manage_review(user):
        return True
    assignment = submission.assignment_of(user)
    if assignment is None or submission.is_conflicted(user):
        return False
    settings = submission.event.review_settings
    policy = settings.other_reviews if settings else OtherReviewsVisibility.AFTER_OWN
    if policy == OtherReviewsVisibility.ALWAYS:
        return True
    if policy == OtherReviewsVisibility.NEVER:
        return False
    return assignment.review is not None and assignment.review.state == ReviewState.SUBMITTED


def can_discuss(submission: Submission, user) -> bool:
    """The discussion is open to those who may see the reviews, and to assigned reviewers once
    their own review is in (also where others' reviews stay hidden)."""
    if can_see_reviews(submission, user):
        return True
    assignment = submission.assignment_of(user)
    return (
        assignment is not None and not submission.is_conflicted(user)
        and assignment.review is not None and assignment.review.state == ReviewState.SUBMITTED
    )
