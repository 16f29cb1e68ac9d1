"""The committee's discussion of a submission: never shown to its authors or to anyone with a
conflict, and mailed to those taking part in it. Commenters appear as the reviews show their
writers: by name to those who may see reviewers' names, else as "Reviewer n" (or by role)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from conference.accounts.models import User
from conference.cfp.models import Submission
from conference.core.audit import record
from conference.core.links import external_url
from conference.errors import DomainError, NotAllowed
from conference.events.enums import TeamRole
from conference.extensions import db
from conference.mail.mailer import queue_mail
from conference.review import visibility
from conference.review.common import pseudonym, reviewer_numbers
from conference.review.models import DiscussionComment

BODY_MAX = 10000


def comments_of(submission: Submission) -> list[DiscussionComment]:
    """The discussion, oldest first, with each comment's author."""
    return list(db.session.scalars(
        sa.select(DiscussionComment).where(DiscussionComment.submission_id == submission.id)
        .options(joinedload(DiscussionComment.author))
        .order_by(DiscussionComment.created_at, DiscussionComment.id)
    ))


@dataclass(frozen=True)
class ShownComment:
    comment: DiscussionComment
    author_label: str  # see commenter_label


def commenter_label(submission: Submission, comment: DiscussionComment, viewer,
                    numbers: dict[int, int] | None = None) -> str:
    """Who wrote ``comment``, as ``viewer`` may see it: "You" for their own; the name for those
    who may see reviewers' names; else the pseudonym the reviews use ("Reviewer n"), or the
    commenter's role ("Organiser", "Track chair"). A viewer unknown (None) sees the pseudonym."""
    author = comment.author
    if author is not None and viewer is not None and author.id == viewer.id:
        return _("You")
    if author is not None and viewer is not None and submission.can_see_reviewer_names(viewer):
        return author.name
    return pseudonym(submission, author, reviewer_numbers(submission) if numbers is None else numbers)


def shown_comments(submission: Submission, viewer) -> list[ShownComment]:
    """The discussion as ``viewer`` sees it, oldest first, each comment with its author's label."""
    numbers = reviewer_numbers(submission)
    return [ShownComment(comment, commenter_label(submission, comment, viewer, numbers))
            for comment in comments_of(submission)]


def participants(submission: Submission) -> list[User]:
    """Everyone in the thread: who commented, the assigned reviewers and the chairs of the
    submission's track; each only while they may still take part in the discussion."""
    people: dict[int, User] = {}
    for comment in comments_of(submission):
        if comment.author is not None:
            people.setdefault(comment.author.id, comment.author)
    for assignment in submission.review_assignments:
        people.setdefault(assignment.reviewer_id, assignment.reviewer)
    for role in submission.event.roles:
        if role.role == TeamRole.TRACK_CHAIR and role.covers_track(submission.track_id):
            people.setdefault(role.user_id, role.user)
    return [person for person in people.values() if visibility.can_discuss(submission, person)]


def post_comment(submission: Submission, *, actor, body: str) -> DiscussionComment:
    """Add the actor's comment, if they may discuss the submission, and mail the others in the
    thread. The mail carries the code, title, comment and the commenter as each recipient may
    see them (a name, or "Reviewer n"): never an author."""
    if not visibility.can_discuss(submission, actor):
        raise NotAllowed(_("You cannot take part in the discussion of this submission."))
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a comment."), field="body")
    if len(body) > BODY_MAX:
        raise DomainError(_("Keep the comment under %(n)d characters.", n=BODY_MAX), field="body")
    recipients = [person for person in participants(submission) if person.id != actor.id]
    comment = DiscussionComment(submission_id=submission.id, author_id=actor.id, body=body)
    db.session.add(comment)
    db.session.flush()
    event = submission.event
    record("review.comment_posted", actor=actor, obj=comment, event=event, code=submission.code)
    link = external_url("review.show_submission", slug=event.slug, code=submission.code)
    for person in recipients:
        queue_mail("discussion_comment", to=person.email, to_name=person.name, event=event, user=person,
                   context={"submission": submission, "comment": comment, "link": link})
    return comment
