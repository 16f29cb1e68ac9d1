"""Reviewing: a reviewer's drafts and submitted reviews, and who reads which review."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from conference.accounts.models import User
from conference.cfp.enums import REVIEWABLE_STATES, FileKind, QuestionTarget
from conference.cfp.models import Question, Submission, SubmissionFile
from conference.cfp.submissions import submission_questions
from conference.core.audit import record
from conference.core.enums import QuestionKind
from conference.core.files import FORMATS
from conference.core.questions import clean_answers
from conference.core.types import utcnow
from conference.errors import (
    DeadlinePassed,
    InvalidState,
    NotAllowed,
    ValidationFailed,
)
from conference.events.models import Event
from conference.extensions import db
from conference.review import visibility
from conference.review.common import (
    conflicted_submission_ids,
    ensure_review_settings,
    pseudonym,
    reviewer_numbers,
)
from conference.review.discussion import ShownComment, shown_comments
from conference.review.enums import ReviewState
from conference.review.models import Review, ReviewAssignment, ReviewScore
from conference.review.setup import criteria_for, review_questions_for

PDF_TYPE = FORMATS["pdf"].content_type

COMMENT_MAX = 20000
CONFIDENCE_RANGE = range(1, 6)


class Progress(enum.StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"


def _check_scores(criteria, scores: dict, errors: dict, complete: bool) -> dict[int, int]:
    chosen = {}
    for criterion in criteria:
        field = f"score_{criterion.id}"
        value = scores.get(criterion.id)
        if value is None or value == "":
            if complete and criterion.required:
                errors[field] = _("Give a score for %(name)s.", name=criterion.name)
            continue
        if (isinstance(value, bool) or not isinstance(value, int)
                or not criterion.scale_min <= value <= criterion.scale_max):
            errors[field] = _("Choose a score for %(name)s from %(low)d to %(high)d.", name=criterion.name,
                              low=criterion.scale_min, high=criterion.scale_max)
            continue
        chosen[criterion.id] = value
    return chosen


def _check_answers(questions, answers: dict, errors: dict, complete: bool) -> dict[str, object]:
    cleaned = clean_answers(questions, answers, field_of=lambda q: f"question_{q.id}", errors=errors, complete=complete,
                            missing=_("Answer this question to submit the review."))
    return {str(question_id): value for question_id, value in cleaned.items() if value is not None}


def save_review(assignment: ReviewAssignment, *, actor, scores: dict[int, int | None], confidence: int | None,
                comments_to_authors: str, comments_to_committee: str, answers: dict[int, object], submit: bool,
                now: dt.datetime | None = None) -> Review:
    """Save the assigned reviewer's review until the review deadline.

    A draft may be incomplete; submitting needs every required score and answer (and the
    confidence, when the event asks for it). A submitted review stays submitted when edited,
    so every later edit must be complete too. Scores must lie on their criterion's scale.
    """
    now = now or utcnow()
    submission = assignment.submission
    if getattr(actor, "id", None) != assignment.reviewer_id or submission.is_conflicted(actor):
        raise NotAllowed(_("Only the assigned reviewer can write this review."))
    if not submission.can_review(actor):
        raise InvalidState(_("This submission is no longer under review."))
    settings = ensure_review_settings(submission.event)
    if settings.review_deadline_passed(now):
        raise DeadlinePassed(_("The review deadline has passed: reviews can no longer be changed."))
    review = assignment.review
    complete = submit or (review is not None and review.is_submitted)
    errors: dict[str, str] = {}
    chosen = _check_scores(criteria_for(submission.event), scores or {}, errors, complete)
    if confidence in (None, ""):
        confidence = None
        if complete and settings.ask_confidence:
            errors["confidence"] = _("Say how confident you are in your review.")
    elif isinstance(confidence, bool) or not isinstance(confidence, int) or confidence not in CONFIDENCE_RANGE:
        errors["confidence"] = _("Choose a confidence from 1 to 5.")
    for field, text in (("comments_to_authors", comments_to_authors), ("comments_to_committee", comments_to_committee)):
        if len(text or "") > COMMENT_MAX:
            errors[field] = _("Keep this under %(n)d characters.", n=COMMENT_MAX)
    cleaned_answers = _check_answers(review_questions_for(submission.event), answers or {}, errors, complete)
    if errors:
        raise ValidationFailed(errors)

    if review is None:
        review = Review(assignment=assignment, state=ReviewState.DRAFT)
        db.session.add(review)
    first_submission = submit and not review.is_submitted
    review.confidence = confidence if settings.ask_confidence else None
    review.comments_to_authors = (comments_to_authors or "").strip()
    review.comments_to_committee = (comments_to_committee or "").strip()
    review.answers = cleaned_answers
    existing = {score.criterion_id: score for score in review.scores}
    for criterion_id, score in existing.items():
        if criterion_id not in chosen:
            review.scores.remove(score)
    for criterion_id, value in chosen.items():
        if criterion_id in existing:
            existing[criterion_id].value = value
        else:
            review.scores.append(ReviewScore(criterion_id=criterion_id, value=value))
    review.updated_at = now
    if first_submission:
        review.state, review.submitted_at = ReviewState.SUBMITTED, now
    db.session.flush()
    record("review.submitted" if first_submission else "review.saved", actor=actor, obj=review,
           event=submission.event, code=submission.code, state=review.state.value)
    return review


# Reading ------------------------------------------------------------------------------------------

def reviews_of(submission: Submission) -> list[Review]:
    """The submission's reviews (drafts included), with scores and reviewers, in assignment order."""
    return list(db.session.scalars(
        sa.select(Review).join(ReviewAssignment, ReviewAssignment.id == Review.assignment_id)
        .where(ReviewAssignment.submission_id == submission.id)
        .options(selectinload(Review.scores), joinedload(Review.assignment).joinedload(ReviewAssignment.reviewer))
        .order_by(ReviewAssignment.id)
    ).unique())


def visible_reviews(submission: Submission, viewer) -> list[Review]:
    """What ``viewer`` may read: their own review always; others' submitted reviews when
    ``visibility.can_see_reviews(submission, viewer)``."""
    others_visible = visibility.can_see_reviews(submission, viewer)
    viewer_id = getattr(viewer, "id", None)
    return [review for review in reviews_of(submission)
            if review.assignment.reviewer_id == viewer_id or (others_visible and review.is_submitted)]


@dataclass(frozen=True)
class AssignmentRow:
    assignment: ReviewAssignment
    submission: Submission
    review: Review | None
    progress: Progress


def my_assignments(event: Event, reviewer: User) -> list[AssignmentRow]:
    """The reviewer's assignments in ``event`` (submissions still in review, none they are
    conflicted with), with each review's progress, by submission code. Two queries."""
    hidden = conflicted_submission_ids(event, reviewer)
    assignments = db.session.scalars(
        sa.select(ReviewAssignment).join(Submission, Submission.id == ReviewAssignment.submission_id)
        .where(Submission.event_id == event.id, ReviewAssignment.reviewer_id == reviewer.id,
               Submission.state.in_(REVIEWABLE_STATES))
        .options(joinedload(ReviewAssignment.submission).joinedload(Submission.track),
                 joinedload(ReviewAssignment.submission).joinedload(Submission.type),
                 joinedload(ReviewAssignment.review))
        .order_by(Submission.code)
    ).unique()
    rows = []
    for assignment in assignments:
        if assignment.submission_id in hidden:
            continue
        review = assignment.review
        if review is None:
            progress = Progress.NOT_STARTED
        else:
            progress = Progress.SUBMITTED if review.is_submitted else Progress.DRAFT
        rows.append(AssignmentRow(assignment, assignment.submission, review, progress))
    return rows


# The committee's view of a submission -----------------------------------------------------------------

@dataclass(frozen=True)
class ReviewerFile:
    file: SubmissionFile
    kind: FileKind
    question: Question | None
    download_name: str  # neutral: never the uploaded name, which may name the authors
    # A PDF served to someone who may not see the authors goes without its document metadata.
    without_metadata: bool = False


def _extension(content_type: str) -> str:
    fmt = next((f for f in FORMATS.values() if f.content_type == content_type), None)
    return fmt.extensions[0] if fmt else ""


def reviewer_questions(submission: Submission, viewer) -> list[Question]:
    """The call's questions whose answers the committee sees for this submission. Questions about
    each author stay hidden from those who may not see the authors (double-blind)."""
    questions = [q for q in submission_questions(submission.event)
                 if q.visible_to_reviewers and q.applies_to(submission.type_id, submission.track_id)]
    if not submission.can_see_authors(viewer):
        questions = [q for q in questions if q.target != QuestionTarget.AUTHOR]
    return questions


def reviewer_files(submission: Submission, viewer) -> list[ReviewerFile]:
    """The files the committee gets: the paper and supplement (the organisers' anonymised copy
    where there is one) and files answering questions the committee sees. Someone who may not
    see the authors gets PDFs without their document metadata (author, title, XMP)."""
    blind = not submission.can_see_authors(viewer)
    found = []
    for kind in (FileKind.PAPER, FileKind.SUPPLEMENT):
        stored = submission.reviewer_file_of_kind(kind)
        if stored is not None:
            found.append(ReviewerFile(stored, kind, None,
                                      f"{submission.code}-{kind.value}{_extension(stored.content_type)}",
                                      without_metadata=blind and stored.content_type == PDF_TYPE))
    visible = {q.id: q for q in reviewer_questions(submission, viewer) if q.kind == QuestionKind.FILE}
    for stored in submission.files:
        if stored.question_id in visible and not stored.for_reviewers:
            found.append(ReviewerFile(stored, FileKind.ANSWER, visible[stored.question_id],
                                      f"{submission.code}-answer-{stored.question_id}{_extension(stored.content_type)}",
                                      without_metadata=blind and stored.content_type == PDF_TYPE))
    return found


@dataclass(frozen=True)
class ShownReview:
    review: Review
    reviewer_label: str
    is_own: bool


@dataclass(frozen=True)
class CommitteeView:
    submission: Submission
    questions: list[Question]
    answers: dict[str, object]  # "<question id>-<author id or None>" -> value
    files: list[ReviewerFile]
    show_authors: bool
    own_review: Review | None
    can_review: bool
    reviews: list[ShownReview]
    can_see_reviews: bool
    criteria: list
    review_questions: list
    can_discuss: bool
    comments: list[ShownComment]


def committee_view(submission: Submission, viewer) -> CommitteeView:
    """What ``viewer`` sees of the submission as committee member, blindness applied: authors only
    when they may see them; other reviewers by name only to those running review or in an open
    event (else "Reviewer n"); the discussion only to those who may take part, its commenters
    shown as the reviews show them."""
    event = submission.event
    shown = visible_reviews(submission, viewer)
    names_visible = submission.can_see_reviewer_names(viewer)
    numbers = reviewer_numbers(submission)
    viewer_id = getattr(viewer, "id", None)
    reviews = []
    for review in shown:
        reviewer = review.assignment.reviewer
        own = reviewer.id == viewer_id
        if own:
            label = _("Your review")
        elif names_visible:
            label = reviewer.name
        else:
            label = pseudonym(submission, reviewer, numbers)
        reviews.append(ShownReview(review, label, own))
    assignment = submission.assignment_of(viewer)
    can_discuss = visibility.can_discuss(submission, viewer)
    return CommitteeView(
        submission=submission,
        questions=reviewer_questions(submission, viewer),
        answers={f"{a.question_id}-{a.author_id}": a.value for a in submission.answers},
        files=reviewer_files(submission, viewer),
        show_authors=submission.can_see_authors(viewer),
        own_review=assignment.review if assignment is not None else None,
        can_review=submission.can_review(viewer),
        reviews=reviews,
        can_see_reviews=visibility.can_see_reviews(submission, viewer),
        criteria=criteria_for(event),
        review_questions=review_questions_for(event),
        can_discuss=can_discuss,
        comments=shown_comments(submission, viewer) if can_discuss else [],
    )
