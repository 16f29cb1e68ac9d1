"""Mail about review and decisions: reviewer assignments and reminders, the committee's
discussion, decisions and the reminder to confirm."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_decimal, format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.accounts.models import User
from conference.cfp import mail as cfp_mail  # noqa: F401  (registers the "submission" set ours builds on)
from conference.cfp.enums import SubmissionState
from conference.cfp.models import Submission
from conference.core.links import external_url
from conference.extensions import db
from conference.mail.placeholders import when
from conference.mail.registry import (
    SETS,
    MailContext,
    Placeholder,
    TemplateSpec,
    add_set,
    register,
)
from conference.review.decisions import reviews_for_authors
from conference.review.discussion import commenter_label, participants
from conference.review.enums import ReviewState
from conference.review.models import DiscussionComment, Review, ReviewAssignment


def reviews_text(reviews) -> str:
    """The reviews an event lets authors see (numbered, never named), as plain text."""
    parts = []
    for review in reviews or ():
        lines = [_("Review %(n)d", n=review.number)]
        if review.overall is not None:
            lines.append(_("Overall score: %(score)s of 10", score=format_decimal(review.overall, "0.0")))
        lines += [f"{name}: {value} ({low}–{high})" for name, value, low, high in review.scores]
        if review.comments:
            lines += ["", review.comments]
        for label, text in review.answers:
            lines += ["", f"{label}:", text]
        parts.append("\n".join(lines))
    if not parts:
        return ""
    return _("The reviews of your submission:") + "\n\n" + "\n\n".join(parts)


add_set("reviews", [
    Placeholder("reviews", _l("The reviews, as far as the event shows them to authors (empty otherwise)"),
                lambda c: reviews_text(c.get("reviews")), kind="block"),
])


GROUP = _l("Review and decisions")


def _decided_submission(event, *states):
    """A real submission of the event to preview a decision mail with: one in ``states`` if
    there is one, else any; with its first author as the recipient."""
    query = sa.select(Submission).where(Submission.event_id == event.id).order_by(Submission.id)
    submission = (db.session.scalars(query.where(Submission.state.in_(states)).limit(1)).first()
                  or db.session.scalars(query.limit(1)).first())
    if submission is None or not submission.authors:
        return None
    author = submission.authors[0]
    data = {"submission": submission, "reviews": reviews_for_authors(event, [submission.id]).get(submission.id, []),
            "link": external_url("cfp.show_submission", slug=event.slug, code=submission.code)}
    return data, author.name, author.email, author.user


def _accepted_sample(event):
    return _decided_submission(event, SubmissionState.ACCEPTED, SubmissionState.CONFIRMED)


register(TemplateSpec(
    key="decision_accepted",
    group=GROUP,
    label=_l("Decision: accepted"),
    when=_l("To every author of an accepted submission, when organisers release the decisions (held for review)."),
    subject=_l('Action required: confirm {submission_code} "{submission_title}" for {event_title}'),
    body=_l("""Hello {recipient_name},

We are pleased to tell you that your submission {submission_code} "{submission_title}" has been accepted for \
{event_title} as a {submission_type}.

**Action required: please confirm that you will present it, or withdraw it if you cannot.** Open the submission to \
confirm or withdraw:

{link}

{reviews}

Questions? Reply to this mail to reach the organisers."""),
    sets=("recipient", "event", "submission", "reviews", "link"),
    sample=_accepted_sample,
))


def _rejected_sample(event):
    return _decided_submission(event, SubmissionState.REJECTED)


register(TemplateSpec(
    key="decision_rejected",
    group=GROUP,
    label=_l("Decision: rejected"),
    when=_l("To every author of a rejected submission, when organisers release the decisions (held for review)."),
    subject=_l('Decision on {submission_code} "{submission_title}" for {event_title}'),
    body=_l("""Hello {recipient_name},

Thank you for submitting {submission_code} "{submission_title}" to {event_title}. We regret that we could not accept it.

{link}

{reviews}

Questions? Reply to this mail to reach the organisers."""),
    sets=("recipient", "event", "submission", "reviews", "link"),
    sample=_rejected_sample,
))


def _unconfirmed_sample(event):
    return _decided_submission(event, SubmissionState.ACCEPTED)


register(TemplateSpec(
    key="confirmation_reminder",
    group=GROUP,
    label=_l("Reminder to confirm an accepted submission"),
    when=_l("To every author of an accepted submission no author has confirmed yet, when organisers send "
            "the reminder."),
    subject=_l('Action required: confirm {submission_code} "{submission_title}" for {event_title}'),
    body=_l("""Hello {recipient_name},

Your submission {submission_code} "{submission_title}" was accepted for {event_title}, and no author has confirmed it \
yet.

**Please confirm that you will present it, or withdraw it if you cannot:**

{link}"""),
    sets=("recipient", "event", "submission", "link"),
    sample=_unconfirmed_sample,
))


# Mail to the committee ------------------------------------------------------------------------------
# Reviewers get these, so they must never name an author, also in a double-blind event: they
# show a submission by code, title, type and track only, and link to the committee's pages.

def _review_page(submission) -> str:
    return external_url("review.show_submission", slug=submission.event.slug, code=submission.code)


add_set("committee_submission", [
    *(p for p in SETS["submission"] if p.name != "submission_link"),
    Placeholder("submission_link", _l("The submission's page for the review committee"),
                lambda c: _review_page(c["submission"]), kind="url"),
])


def _submission_list(c: MailContext) -> str:
    return "\n".join(f"- {s.code}: {s.tr('title')}" for s in c.get("submissions") or ())


def _deadline(c: MailContext) -> str:
    return when(c, c.get("deadline"))


def _reviews_link(event) -> str:
    endpoint = "review.my_reviews" if "review.my_reviews" in current_app.view_functions else "events.show_event"
    return external_url(endpoint, slug=event.slug)


SUBMISSION_LIST = Placeholder("submissions", _l("The submissions, one a line: code and title"), _submission_list,
                              kind="block")
DEADLINE = Placeholder("review_deadline", _l("The review deadline (empty when there is none)"), _deadline)


def _assigned_sample(event):
    """The reviewer of the event's latest assignment, with everything assigned to them."""
    latest = db.session.scalars(
        sa.select(ReviewAssignment).join(Submission, Submission.id == ReviewAssignment.submission_id)
        .where(Submission.event_id == event.id).order_by(ReviewAssignment.id.desc()).limit(1)
    ).first()
    if latest is None:
        return None
    reviewer = latest.reviewer
    submissions = list(db.session.scalars(
        sa.select(Submission).join(ReviewAssignment, ReviewAssignment.submission_id == Submission.id)
        .where(Submission.event_id == event.id, ReviewAssignment.reviewer_id == reviewer.id).order_by(Submission.code)
    ))
    settings = event.review_settings
    data = {"reviewer": reviewer, "submissions": submissions, "link": _reviews_link(event),
            "deadline": settings.review_deadline if settings is not None else None}
    return data, reviewer.name, reviewer.email, reviewer


register(TemplateSpec(
    key="review_assigned",
    group=GROUP,
    label=_l("Reviews assigned"),
    when=_l("To a reviewer, when organisers or track chairs assign them submissions to review (by hand, or by "
            "applying an automatic assignment: one mail for all of them)."),
    subject=_l("{submission_count_words} to review for {event_title}"),
    body=_l("""Hello {recipient_name},

You have been asked to review for {event_title}:

{submissions}

{deadline_note}

Your reviews:

{link}"""),
    sets=("recipient", "event", "link"),
    extra=(
        SUBMISSION_LIST,
        Placeholder("submission_count", _l("How many submissions this mail assigns"),
                    lambda c: format_number(len(c.get("submissions") or ()))),
        Placeholder("submission_count_words", _l('How many submissions this mail assigns, in words: "A submission", '
                                                 '"3 submissions"'),
                    lambda c: ngettext("A submission", "%(num)d submissions", len(c.get("submissions") or ()))),
        DEADLINE,
        Placeholder("deadline_note", _l('"Please submit your reviews by …" when there is a review deadline '
                                        '(empty otherwise)'),
                    lambda c: _("Please submit your reviews by %(when)s.", when=_deadline(c)) if c.get("deadline")
                    else ""),
    ),
    sample=_assigned_sample,
))


def _reminder_sample(event):
    """A reviewer of the event with missing reviews, and the list of them."""
    rows = db.session.execute(
        sa.select(ReviewAssignment.reviewer_id, Submission)
        .join(Submission, Submission.id == ReviewAssignment.submission_id)
        .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
        .where(Submission.event_id == event.id,
               sa.or_(Review.id.is_(None), Review.state != ReviewState.SUBMITTED))
        .order_by(ReviewAssignment.reviewer_id, Submission.code)
    ).all()
    if not rows:
        return None
    reviewer = db.session.get(User, rows[0].reviewer_id)
    settings = event.review_settings
    data = {"submissions": [row.Submission for row in rows if row.reviewer_id == reviewer.id],
            "link": _reviews_link(event), "deadline": settings.review_deadline if settings is not None else None}
    return data, reviewer.name, reviewer.email, reviewer


register(TemplateSpec(
    key="review_reminder",
    group=GROUP,
    label=_l("Reminder of missing reviews"),
    when=_l("To each reviewer with missing reviews, when organisers or track chairs send a reminder from the "
            "review progress page."),
    subject=_l("Reminder: {missing_reviews} missing for {event_title}"),
    body=_l("""Hello {recipient_name},

These reviews for {event_title} are still missing:

{submissions}

{deadline_note}

{link}"""),
    sets=("recipient", "event", "link"),
    extra=(
        SUBMISSION_LIST,
        Placeholder("missing_count", _l("How many of the recipient's reviews are missing"),
                    lambda c: format_number(len(c.get("submissions") or ()))),
        Placeholder("missing_reviews", _l('How many reviews are missing, in words: "1 review", "3 reviews"'),
                    lambda c: ngettext("%(num)d review", "%(num)d reviews", len(c.get("submissions") or ()))),
        DEADLINE,
        Placeholder("deadline_note", _l('"The review deadline is …" when there is one (empty otherwise)'),
                    lambda c: _("The review deadline is %(when)s.", when=_deadline(c)) if c.get("deadline") else ""),
    ),
    sample=_reminder_sample,
))


def _commenter(c: MailContext) -> str:
    # As the discussion page shows the comment's author to this recipient: each mail is
    # rendered for its recipient, so a reviewer reads "Reviewer 2" where organisers read a name.
    return commenter_label(c["submission"], c["comment"], c.user)


def _discussion_sample(event):
    """The event's latest comment, to someone else in its thread (else its own author)."""
    comment = db.session.scalars(
        sa.select(DiscussionComment).join(Submission, Submission.id == DiscussionComment.submission_id)
        .where(Submission.event_id == event.id).order_by(DiscussionComment.id.desc()).limit(1)
    ).first()
    if comment is None:
        return None
    submission = db.session.get(Submission, comment.submission_id)
    others = [person for person in participants(submission) if person.id != comment.author_id]
    person = others[0] if others else comment.author
    if person is None:
        return None
    data = {"submission": submission, "comment": comment, "link": _review_page(submission)}
    return data, person.name, person.email, person


register(TemplateSpec(
    key="discussion_comment",
    group=GROUP,
    label=_l("New comment in the committee's discussion"),
    when=_l("To everyone taking part in the discussion of a submission (commenters, its reviewers and the "
            "track's chairs), when someone else comments."),
    subject=_l("Discussion of {submission_code}: new comment from {commenter}"),
    body=_l("""Hello {recipient_name},

{commenter} commented on the committee's discussion of submission {submission_code} "{submission_title}" in \
{event_title}:

{comment}

Read the discussion and reply:

{link}"""),
    sets=("recipient", "event", "committee_submission", "link"),
    extra=(
        Placeholder("commenter", _l('Who wrote the comment, as the recipient may see them: a name, or "Reviewer 2" '
                                    'where reviewers are anonymous to each other'), _commenter),
        Placeholder("comment", _l("The comment"), lambda c: c["comment"].body, kind="block"),
    ),
    sample=_discussion_sample,
))
