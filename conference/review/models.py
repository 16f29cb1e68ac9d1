"""Review: the event's review settings and form, the committee's conflicts and bids,
assignments, reviews with their scores, the committee's discussion and assignment proposals."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from conference.accounts.models import User
from conference.cfp.models import Submission
from conference.core.enums import QuestionKind
from conference.core.questions import QuestionColumns
from conference.core.types import UTCDateTime, enum_type, utcnow
from conference.events.models import Event
from conference.extensions import Model
from conference.review.enums import (
    AssignmentSource,
    BidPreference,
    BlindMode,
    ConflictKind,
    ConflictSource,
    OtherReviewsVisibility,
    ReviewState,
)


class ReviewSettings(Model):
    """One row per event that reviews; created with defaults the first time it is needed."""

    __tablename__ = "review_settings"
    __table_args__ = (
        sa.CheckConstraint("reviews_per_submission BETWEEN 1 AND 20", name="reviews_per_submission_range"),
        sa.CheckConstraint("max_load IS NULL OR max_load >= 1", name="positive_max_load"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    blind_mode: Mapped[BlindMode] = mapped_column(enum_type(BlindMode), default=BlindMode.SINGLE_BLIND)
    other_reviews: Mapped[OtherReviewsVisibility] = mapped_column(
        enum_type(OtherReviewsVisibility), default=OtherReviewsVisibility.AFTER_OWN
    )
    reviews_per_submission: Mapped[int] = mapped_column(default=3)
    max_load: Mapped[int | None] = mapped_column(default=10)  # reviews per reviewer; None: no cap
    bidding_open: Mapped[bool] = mapped_column(default=False)
    review_deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ask_confidence: Mapped[bool] = mapped_column(default=True)
    # Whether the decision mail carries the reviewers' comments to authors (and their scores).
    reviews_to_authors: Mapped[bool] = mapped_column(default=True)
    scores_to_authors: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship(
        backref=backref("review_settings", uselist=False, cascade="all, delete-orphan")
    )

    @property
    def is_double_blind(self) -> bool:
        return self.blind_mode == BlindMode.DOUBLE_BLIND

    @property
    def hides_reviewers(self) -> bool:
        return self.blind_mode != BlindMode.OPEN

    def review_deadline_passed(self, now: dt.datetime) -> bool:
        return self.review_deadline is not None and now >= self.review_deadline


class ReviewCriterion(Model):
    """A scored criterion of the review form, on an integer scale with optional labels."""

    __tablename__ = "review_criterion"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "name"),
        sa.CheckConstraint("scale_max > scale_min", name="scale_in_order"),
        sa.CheckConstraint("weight > 0", name="positive_weight"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    scale_min: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=5)
    # {"1": "Poor", "5": "Excellent"}: labels for some or all points of the scale.
    labels: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    weight: Mapped[float] = mapped_column(sa.Float, default=1.0)
    required: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    def label_for(self, value: int) -> str:
        return (self.labels or {}).get(str(value), "")

    def normalise(self, value: int) -> float:
        """The score as a fraction of the scale, 0 at the bottom and 1 at the top."""
        return (value - self.scale_min) / (self.scale_max - self.scale_min)


class ReviewQuestion(QuestionColumns, Model):
    """A custom, unscored question of the review form. Its kind, label, help text, options...
    are QuestionColumns'; the review form asks in words or choices, never for a file."""

    __tablename__ = "review_question"
    allowed_kinds = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    visible_to_authors: Mapped[bool] = mapped_column(default=False)


# The note the app writes on a conflict it suggested and an organiser confirmed: stored in English,
# shown in the viewer's language (Conflict.shown_note).
SUGGESTED_NOTE = "Suggested by the app"


class Conflict(Model):
    """A conflict of interest between a committee member and a submission: never assigned,
    never shown."""

    __tablename__ = "conflict"
    __table_args__ = (sa.UniqueConstraint("submission_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConflictKind] = mapped_column(enum_type(ConflictKind))
    source: Mapped[ConflictSource] = mapped_column(enum_type(ConflictSource))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(
        backref=backref("conflicts", cascade="all, delete-orphan", passive_deletes=True)
    )
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def shown_note(self) -> str:
        return _("Suggested by the app") if self.note == SUGGESTED_NOTE else self.note

    def can_withdraw(self, user) -> bool:
        """A member withdraws the conflicts they declared themselves, and only those."""
        return (getattr(user, "is_authenticated", False) and self.user_id == user.id
                and self.source == ConflictSource.REVIEWER)


class DismissedConflictSuggestion(Model):
    """An organiser judged a suggested conflict not to be one; it is not suggested again."""

    __tablename__ = "dismissed_conflict_suggestion"
    __table_args__ = (sa.UniqueConstraint("submission_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    dismissed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Bid(Model):
    """A reviewer's preference for reviewing a submission. No row means neutral."""

    __tablename__ = "bid"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "user_id"),
        sa.CheckConstraint("preference <> 'conflict'", name="conflict_is_not_a_bid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    preference: Mapped[BidPreference] = mapped_column(enum_type(BidPreference))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReviewAssignment(Model):
    __tablename__ = "review_assignment"
    __table_args__ = (sa.UniqueConstraint("submission_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    source: Mapped[AssignmentSource] = mapped_column(enum_type(AssignmentSource), default=AssignmentSource.MANUAL)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship(
        backref=backref("review_assignments", cascade="all, delete-orphan", passive_deletes=True)
    )
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    review: Mapped[Review | None] = relationship(
        back_populates="assignment", uselist=False, cascade="all, delete-orphan", passive_deletes=True
    )


class Review(Model):
    __tablename__ = "review"
    __table_args__ = (
        sa.CheckConstraint("state = 'draft' OR submitted_at IS NOT NULL", name="submitted_has_time"),
        sa.CheckConstraint("confidence IS NULL OR confidence BETWEEN 1 AND 5", name="confidence_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_assignment.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[ReviewState] = mapped_column(enum_type(ReviewState), default=ReviewState.DRAFT)
    confidence: Mapped[int | None]
    comments_to_authors: Mapped[str] = mapped_column(sa.Text, default="")
    comments_to_committee: Mapped[str] = mapped_column(sa.Text, default="")
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {"<question id>": value}
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    assignment: Mapped[ReviewAssignment] = relationship(back_populates="review")
    scores: Mapped[list[ReviewScore]] = relationship(
        back_populates="review", cascade="all, delete-orphan", passive_deletes=True, order_by="ReviewScore.id"
    )

    @property
    def is_submitted(self) -> bool:
        return self.state == ReviewState.SUBMITTED

    def score_for(self, criterion_id: int) -> int | None:
        for score in self.scores:
            if score.criterion_id == criterion_id:
                return score.value
        return None


class ReviewScore(Model):
    __tablename__ = "review_score"
    __table_args__ = (sa.UniqueConstraint("review_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("review.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("review_criterion.id", ondelete="CASCADE"), index=True)
    value: Mapped[int]

    review: Mapped[Review] = relationship(back_populates="scores")
    criterion: Mapped[ReviewCriterion] = relationship()


class DiscussionComment(Model):
    """The committee's discussion of a submission: never shown to authors or conflicted members."""

    __tablename__ = "discussion_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class AssignmentProposal(Model):
    """An automatic assignment computed for organisers to preview, then apply or discard."""

    __tablename__ = "assignment_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # {"reviews_per_submission": 3, "max_load": 10, "track_id": null}
    parameters: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # [[submission_id, reviewer_id], ...]
    pairs: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Figures for the preview: loads, unmatched submissions, top-bid counts...
    summary: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    applied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
