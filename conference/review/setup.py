"""Setting up review: the event's review settings, and the review form's scored criteria and
custom questions. Only the event's organisers may change these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.cfp.models import Submission
from conference.core.audit import record
from conference.core.enums import QuestionKind
from conference.errors import InvalidState, NotAllowed, ValidationFailed
from conference.events.models import Event
from conference.extensions import db
from conference.review.common import ensure_review_settings
from conference.review.enums import (
    BlindMode,
    OtherReviewsVisibility,
    ReviewState,
)
from conference.review.models import (
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewQuestion,
    ReviewScore,
    ReviewSettings,
)

_ORGANISERS_ONLY = _l("Only the event's organisers can set up review.")

MAX_SCALE_POINTS = 11  # e.g. 0 to 10
MAX_LABEL_LENGTH = 100
MAX_WEIGHT = 100.0


def _next_position(model, event: Event) -> int:
    return (db.session.scalar(sa.select(sa.func.max(model.position)).where(model.event_id == event.id)) or 0) + 1


# Settings ---------------------------------------------------------------------------------------

def update_settings(event: Event, *, actor, blind_mode: BlindMode, other_reviews: OtherReviewsVisibility,
                    reviews_per_submission: int, max_load: int | None, bidding_open: bool,
                    review_deadline: dt.datetime | None, ask_confidence: bool, reviews_to_authors: bool,
                    scores_to_authors: bool) -> ReviewSettings:
    """Change how the event reviews. Times are aware datetimes; scores reach authors only with
    the reviews' comments."""
    event.require_manager(actor, _ORGANISERS_ONLY)
    errors = {}
    try:
        blind_mode = BlindMode(blind_mode)
    except ValueError:
        errors["blind_mode"] = _("Choose one of the options listed.")
    try:
        other_reviews = OtherReviewsVisibility(other_reviews)
    except ValueError:
        errors["other_reviews"] = _("Choose one of the options listed.")
    if reviews_per_submission is None or not 1 <= int(reviews_per_submission) <= 20:
        errors["reviews_per_submission"] = _("Choose between 1 and 20 reviews per submission.")
    if max_load is not None and not 1 <= int(max_load) <= 1000:
        errors["max_load"] = _("Give a number of reviews of at least 1, or leave the field empty for no limit.")
    if review_deadline is not None and review_deadline.tzinfo is None:
        raise ValueError("review_deadline must be an aware datetime")
    if scores_to_authors and not reviews_to_authors:
        errors["scores_to_authors"] = _("Scores can only be sent to authors with the reviews' comments.")
    if errors:
        raise ValidationFailed(errors)
    settings = ensure_review_settings(event)
    settings.blind_mode, settings.other_reviews = blind_mode, other_reviews
    settings.reviews_per_submission, settings.max_load = int(reviews_per_submission), max_load
    settings.bidding_open, settings.review_deadline = bool(bidding_open), review_deadline
    settings.ask_confidence = bool(ask_confidence)
    settings.reviews_to_authors, settings.scores_to_authors = bool(reviews_to_authors), bool(scores_to_authors)
    db.session.flush()
    record("review.settings_updated", actor=actor, obj=settings, event=event, blind_mode=blind_mode.value,
           other_reviews=other_reviews.value, reviews_per_submission=settings.reviews_per_submission,
           max_load=max_load, bidding_open=settings.bidding_open,
           review_deadline=review_deadline.isoformat() if review_deadline else None)
    return settings


# Criteria ----------------------------------------------------------------------------------------

def criteria_for(event: Event) -> list[ReviewCriterion]:
    return list(db.session.scalars(
        sa.select(ReviewCriterion).where(ReviewCriterion.event_id == event.id)
        .order_by(ReviewCriterion.position, ReviewCriterion.id)
    ))


def _scores_outside(criterion: ReviewCriterion, scale_min: int, scale_max: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(ReviewScore.id)).where(
            ReviewScore.criterion_id == criterion.id,
            sa.or_(ReviewScore.value < scale_min, ReviewScore.value > scale_max))
    ) or 0


def save_criterion(event: Event, *, actor, criterion: ReviewCriterion | None = None, name: str,
                   description: str = "", scale_min: int = 1, scale_max: int = 5,
                   labels: dict[str, str] | None = None, weight: float = 1.0, required: bool = True) -> ReviewCriterion:
    """Create or change a scored criterion: a scale of 2 to 11 whole points, labels only for
    points of the scale, a positive weight and a name no other criterion of the event has. A
    scale cannot shrink past scores reviewers already gave."""
    event.require_manager(actor, _ORGANISERS_ONLY)
    errors = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("Give a name.")
    elif len(name) > 100:
        errors["name"] = _("Keep the name under 100 characters.")
    else:
        taken = sa.select(ReviewCriterion.id).where(ReviewCriterion.event_id == event.id,
                                                    sa.func.lower(ReviewCriterion.name) == name.lower())
        if criterion is not None:
            taken = taken.where(ReviewCriterion.id != criterion.id)
        if db.session.scalar(taken) is not None:
            errors["name"] = _("There is already a criterion with this name.")
    if len(description or "") > 2000:
        errors["description"] = _("Keep the description under 2000 characters.")
    if scale_min is None or scale_max is None:
        errors["scale_max"] = _("Give the lowest and the highest score.")
    elif scale_max <= scale_min:
        errors["scale_max"] = _("The highest score must be above the lowest.")
    elif scale_max - scale_min + 1 > MAX_SCALE_POINTS:
        errors["scale_max"] = _("A scale has at most %(n)d points, e.g. 0 to 10.", n=MAX_SCALE_POINTS)
    elif criterion is not None and _scores_outside(criterion, scale_min, scale_max):
        errors["scale_max"] = _("Reviewers have given scores outside this scale; it cannot shrink past them.")
    if weight is None or not 0 < float(weight) <= MAX_WEIGHT:
        errors["weight"] = _("Give a weight above 0 and at most %(max)d, e.g. 1 or 1.5.", max=int(MAX_WEIGHT))
    cleaned_labels = {}
    if "scale_max" not in errors:
        for key, text in (labels or {}).items():
            text = " ".join((text or "").split())
            if not text:
                continue
            try:
                point = int(key)
            except (TypeError, ValueError):
                point = None
            if point is None or not scale_min <= point <= scale_max:
                errors["labels"] = _("Labels can only name points of the scale.")
            elif len(text) > MAX_LABEL_LENGTH:
                errors["labels"] = _("Keep each label under %(n)d characters.", n=MAX_LABEL_LENGTH)
            else:
                cleaned_labels[str(point)] = text
    if errors:
        raise ValidationFailed(errors)
    action = "review.criterion_updated"
    if criterion is None:
        criterion = ReviewCriterion(event_id=event.id, position=_next_position(ReviewCriterion, event))
        db.session.add(criterion)
        action = "review.criterion_created"
    criterion.name, criterion.description = name, description or ""
    criterion.scale_min, criterion.scale_max = int(scale_min), int(scale_max)
    criterion.labels = {k: cleaned_labels[k] for k in sorted(cleaned_labels, key=int)}
    criterion.weight, criterion.required = float(weight), bool(required)
    db.session.flush()
    record(action, actor=actor, obj=criterion, event=event, name=name, scale_min=criterion.scale_min,
           scale_max=criterion.scale_max, weight=criterion.weight)
    return criterion


def submitted_scores_of(criterion: ReviewCriterion) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(ReviewScore.id)).join(Review, Review.id == ReviewScore.review_id)
        .where(ReviewScore.criterion_id == criterion.id, Review.state == ReviewState.SUBMITTED)
    ) or 0


def delete_criterion(criterion: ReviewCriterion, *, actor, event: Event) -> None:
    """Delete a criterion nobody has scored in a submitted review (drafts lose their score)."""
    event.require_manager(actor, _ORGANISERS_ONLY)
    if criterion.event_id != event.id:
        raise NotAllowed(_("This criterion belongs to another event."))
    if submitted_scores_of(criterion):
        raise InvalidState(_("Submitted reviews have scores for %(name)s; it can no longer be deleted.",
                             name=criterion.name))
    record("review.criterion_deleted", actor=actor, obj=criterion, event=event, name=criterion.name)
    drafted = db.session.scalars(sa.select(ReviewScore).where(ReviewScore.criterion_id == criterion.id))
    for score in list(drafted):
        score.review.scores.remove(score)  # an orphan: deleted, and gone from the draft's list
    db.session.delete(criterion)
    db.session.flush()


# Custom questions ------------------------------------------------------------------------------------

def review_questions_for(event: Event) -> list[ReviewQuestion]:
    return list(db.session.scalars(
        sa.select(ReviewQuestion).where(ReviewQuestion.event_id == event.id)
        .order_by(ReviewQuestion.position, ReviewQuestion.id)
    ))


def _answered(question: ReviewQuestion) -> bool:
    """Whether a review (a draft too) has answered ``question``."""
    answers = db.session.scalars(
        sa.select(Review.answers).join(ReviewAssignment, ReviewAssignment.id == Review.assignment_id)
        .join(Submission, Submission.id == ReviewAssignment.submission_id)
        .where(Submission.event_id == question.event_id)
    )
    key = str(question.id)
    return any(key in (each or {}) for each in answers)


def save_review_question(event: Event, *, actor, question: ReviewQuestion | None = None, label: str,
                         kind: QuestionKind | str, help_text: str = "", options: list[str] | None = None,
                         required: bool = False, visible_to_authors: bool = False,
                         translations: Mapping[str, Mapping[str, str]] | None = None) -> ReviewQuestion:
    """Create or change an unscored question of the review form (of the kinds ReviewQuestion
    allows). Once answered, its kind cannot change."""
    event.require_manager(actor, _ORGANISERS_ONLY)
    answered_as = question.kind if question is not None and question.kind != kind and _answered(question) else None
    setup = ReviewQuestion.check_setup(label=label, kind=kind, help_text=help_text, required=required,
                                       options=options or (), answered_as=answered_as,
                                       translations=translations, languages=event.other_languages)
    action = "review.question_updated"
    if question is None:
        question = ReviewQuestion(event_id=event.id, position=_next_position(ReviewQuestion, event))
        db.session.add(question)
        action = "review.question_created"
    question.set_up(setup)
    question.visible_to_authors = bool(visible_to_authors)
    db.session.flush()
    record(action, actor=actor, obj=question, event=event, label=setup.label)
    return question


def delete_review_question(question: ReviewQuestion, *, actor, event: Event) -> None:
    """Delete a question; answers already given stay in the reviews but are no longer shown."""
    event.require_manager(actor, _ORGANISERS_ONLY)
    if question.event_id != event.id:
        raise NotAllowed(_("This question belongs to another event."))
    record("review.question_deleted", actor=actor, obj=question, event=event, label=question.label)
    db.session.delete(question)
    db.session.flush()

