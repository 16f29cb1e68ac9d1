"""The call for papers: its settings, submission types, tracks, questions, access codes,
and the submissions with their authors, answers and files."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from conference.accounts.models import User
from conference.cfp.enums import (
    REVIEWABLE_STATES,
    SUBMISSION_TRANSITIONS,
    Decision,
    FileKind,
    QuestionTarget,
    SubmissionState,
)
from conference.core.questions import QuestionColumns
from conference.core.translations import Translatable, TranslationsOf, current_language
from conference.core.types import UTCDateTime, enum_type, utcnow
from conference.events.enums import TeamRole
from conference.events.models import Event, Track
from conference.extensions import Model, db

if TYPE_CHECKING:  # review, above, for the type checker only (see Submission's backrefs)
    from conference.review.models import Conflict, ReviewAssignment

question_type_limit = sa.Table(
    "question_type_limit",
    db.metadata,
    sa.Column("question_id", sa.ForeignKey("question.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("type_id", sa.ForeignKey("submission_type.id", ondelete="CASCADE"), primary_key=True),
)
question_track_limit = sa.Table(
    "question_track_limit",
    db.metadata,
    sa.Column("question_id", sa.ForeignKey("question.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("track_id", sa.ForeignKey("track.id", ondelete="CASCADE"), primary_key=True),
)
access_code_type_limit = sa.Table(
    "access_code_type_limit",
    db.metadata,
    sa.Column("access_code_id", sa.ForeignKey("access_code.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("type_id", sa.ForeignKey("submission_type.id", ondelete="CASCADE"), primary_key=True),
)
access_code_track_limit = sa.Table(
    "access_code_track_limit",
    db.metadata,
    sa.Column("access_code_id", sa.ForeignKey("access_code.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("track_id", sa.ForeignKey("track.id", ondelete="CASCADE"), primary_key=True),
)


SUBMISSION_TRANSITIONS_TO_WITHDRAWN = frozenset(
    state for state, targets in SUBMISSION_TRANSITIONS.items() if SubmissionState.WITHDRAWN in targets
)


class CallForPapers(Translatable, Model):
    TRANSLATED = ("intro",)
    intro_translations = TranslationsOf("intro")

    __tablename__ = "call_for_papers"
    __table_args__ = (
        sa.CheckConstraint("deadline > opens_at", name="deadline_after_opening"),
        sa.CheckConstraint("edit_until IS NULL OR edit_until >= deadline", name="edit_until_after_deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    opens_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    edit_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    intro: Mapped[str] = mapped_column(sa.Text, default="")
    track_required: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship(backref=backref("call", uselist=False, cascade="all, delete-orphan"))

    def has_opened(self, now: dt.datetime) -> bool:
        return now >= self.opens_at

    def is_open(self, now: dt.datetime) -> bool:
        return self.opens_at <= now < self.deadline

    def days_left(self, now: dt.datetime) -> int:
        """Whole days, counted up, until the deadline: 1 on its last day (0 once closed)."""
        return max(0, math.ceil((self.deadline - now) / dt.timedelta(days=1)))


class SubmissionType(Translatable, Model):
    TRANSLATED = ("name", "description")
    name_translations = TranslationsOf("name")
    description_translations = TranslationsOf("description")

    __tablename__ = "submission_type"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "name"),
        sa.CheckConstraint("max_file_size_mb > 0", name="positive_file_size"),
        sa.CheckConstraint("max_pages IS NULL OR max_pages > 0", name="positive_page_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    default_duration: Mapped[int] = mapped_column(default=20)  # minutes
    abstract_word_limit: Mapped[int | None]
    file_required: Mapped[bool] = mapped_column(default=False)
    # File kinds from domain.files.FILE_KINDS, e.g. ["pdf"].
    accepted_file_types: Mapped[list] = mapped_column(sa.JSON, default=lambda: ["pdf"])
    max_file_size_mb: Mapped[int] = mapped_column(default=10)
    # The most pages a PDF paper of this type may have; None: no limit.
    max_pages: Mapped[int | None]
    deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    position: Mapped[int] = mapped_column(default=0)


class Question(QuestionColumns, Model):
    """A custom question asked of each submission or of each of its authors (any kind; a file
    only of the submission). Its kind, label, help text, options... are QuestionColumns'."""

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    target: Mapped[QuestionTarget] = mapped_column(enum_type(QuestionTarget), default=QuestionTarget.SUBMISSION)
    visible_to_reviewers: Mapped[bool] = mapped_column(default=True)

    types: Mapped[list[SubmissionType]] = relationship(secondary=question_type_limit, lazy="selectin",
                                                      order_by="(SubmissionType.position, SubmissionType.id)")
    tracks: Mapped[list[Track]] = relationship(secondary=question_track_limit, lazy="selectin",
                                               order_by="(Track.position, Track.id)")

    def applies_to(self, type_id: int | None, track_id: int | None) -> bool:
        """A question limited to types or tracks is asked only of submissions in them."""
        in_types = not self.types or type_id in {t.id for t in self.types}
        return in_types and (not self.tracks or track_id in {t.id for t in self.tracks})


class AccessCode(Model):
    """Lets someone submit after the deadline, within its limits."""

    __tablename__ = "access_code"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "code"),
        sa.CheckConstraint("max_uses IS NULL OR uses <= max_uses", name="uses_within_maximum"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    valid_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    max_uses: Mapped[int | None]
    uses: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    types: Mapped[list[SubmissionType]] = relationship(secondary=access_code_type_limit, lazy="selectin",
                                                      order_by="(SubmissionType.position, SubmissionType.id)")
    tracks: Mapped[list[Track]] = relationship(secondary=access_code_track_limit, lazy="selectin",
                                               order_by="(Track.position, Track.id)")


class Submission(Translatable, Model):
    TRANSLATED = ("title", "abstract")
    title_translations = TranslationsOf("title")
    abstract_translations = TranslationsOf("abstract")
    # The language its title and abstract are written in (one of its event's languages; None:
    # the event's default language, as for submissions made before events had several).
    language: Mapped[str | None] = mapped_column(sa.String(16))

    __tablename__ = "submission"
    __table_args__ = (
        sa.UniqueConstraint("submitter_id", "form_nonce"),
        sa.CheckConstraint(
            "state = 'draft' OR (type_id IS NOT NULL AND submitted_at IS NOT NULL)",
            name="submitted_is_complete",
        ),
        sa.CheckConstraint("state <> 'withdrawn' OR withdrawn_at IS NOT NULL", name="withdrawn_has_time"),
        sa.CheckConstraint("state <> 'confirmed' OR confirmed_at IS NOT NULL", name="confirmed_has_time"),
        sa.CheckConstraint("pending_decision IS NULL OR decision_staged_at IS NOT NULL", name="staged_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    submitter_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    abstract: Mapped[str] = mapped_column(sa.Text, default="")
    type_id: Mapped[int | None] = mapped_column(sa.ForeignKey("submission_type.id", ondelete="RESTRICT"))
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("track.id", ondelete="SET NULL"))
    keywords: Mapped[list] = mapped_column(sa.JSON, default=list)
    state: Mapped[SubmissionState] = mapped_column(
        enum_type(SubmissionState), default=SubmissionState.DRAFT, index=True
    )
    access_code_id: Mapped[int | None] = mapped_column(sa.ForeignKey("access_code.id", ondelete="SET NULL"))
    # One per "new submission" form: a double click re-sends the same nonce and finds the first row.
    form_nonce: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Review decisions are staged here, invisible to authors, until organisers release them.
    pending_decision: Mapped[Decision | None] = mapped_column(enum_type(Decision), nullable=True)
    pending_type_id: Mapped[int | None] = mapped_column(sa.ForeignKey("submission_type.id", ondelete="SET NULL"))
    decision_staged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decision_staged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_released_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmation_reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    submitter: Mapped[User] = relationship(foreign_keys=[submitter_id])
    type: Mapped[SubmissionType | None] = relationship(foreign_keys=[type_id])
    pending_type: Mapped[SubmissionType | None] = relationship(foreign_keys=[pending_type_id])
    track: Mapped[Track | None] = relationship()
    access_code: Mapped[AccessCode | None] = relationship()
    authors: Mapped[list[SubmissionAuthor]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="SubmissionAuthor.position"
    )
    answers: Mapped[list[Answer]] = relationship(back_populates="submission", cascade="all, delete-orphan")
    files: Mapped[list[SubmissionFile]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="SubmissionFile.id"
    )

    # Review attaches these as backrefs when its models are mapped; declared here for the type
    # checker only, so that this area names none of review's tables.
    if TYPE_CHECKING:
        conflicts: Mapped[list[Conflict]]
        review_assignments: Mapped[list[ReviewAssignment]]

    def __repr__(self) -> str:
        return f"<Submission {self.code} {self.state}>"

    # Its languages. Unlike an organiser's text, a submission's main title and abstract are in the
    # language its authors chose, not always the event's default.
    @property
    def written_in(self) -> str:
        """The language of its title and abstract."""
        return self.language or self.event.default_language

    @property
    def stated_language(self) -> str | None:
        """Its language, for its pages to state: when its event has several, or it is another."""
        if len(self.event.languages or ()) > 1 or self.written_in != self.event.default_language:
            return self.written_in
        return None

    def tr(self, field: str, language: str | None = None) -> str:
        """``field`` in ``language`` (by default the reader's): the text as written when that is the
        submission's own language (a translation kept from before its language changed does not
        show), else the authors' translation, else the text as written."""
        language = language or current_language()
        if language is not None and language == self.language:
            return getattr(self, field) or ""
        return super().tr(field, language)

    # Who is this person to the submission?
    def is_submitter(self, user) -> bool:
        return getattr(user, "is_authenticated", False) and self.submitter_id == user.id

    def is_author(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        return self.submitter_id == user.id or any(a.user_id == user.id for a in self.authors)

    # Permission predicates.
    def can_view(self, user) -> bool:
        return self.is_author(user) or self.event.can_manage(user)

    def can_edit(self, user, now: dt.datetime) -> bool:
        """The submitter edits until the deadline (or "edit until"); organisers always may."""
        if self.event.can_manage(user):
            return self.state != SubmissionState.WITHDRAWN
        return self.is_submitter(user) and self.is_editable(now)

    def can_withdraw(self, user) -> bool:
        """The submitter withdraws a submission under review; once accepted, any of its authors
        may (they confirm or withdraw). A rejected submission stays rejected."""
        if self.event.can_manage(user) and self.state in SUBMISSION_TRANSITIONS_TO_WITHDRAWN:
            return True
        if self.state == SubmissionState.SUBMITTED:
            return self.is_submitter(user)
        if self.state in (SubmissionState.ACCEPTED, SubmissionState.CONFIRMED):
            return self.is_author(user)
        return False

    def can_confirm(self, user) -> bool:
        return self.state == SubmissionState.ACCEPTED and self.is_author(user)

    # Review: who may see and do what. A conflict hides the submission from a committee member
    # completely; organisers run everything and are not hidden from.
    def is_conflicted(self, user) -> bool:
        return getattr(user, "is_authenticated", False) and any(c.user_id == user.id for c in self.conflicts)

    def is_reviewable(self) -> bool:
        return self.state in REVIEWABLE_STATES

    def assignment_of(self, user):
        if not getattr(user, "is_authenticated", False):
            return None
        return next((a for a in self.review_assignments if a.reviewer_id == user.id), None)

    def chairs(self, user) -> bool:
        """A track chair of this submission's track (chairs for no track in particular chair all)."""
        row = self.event.role_row(user, TeamRole.TRACK_CHAIR)
        return row is not None and row.covers_track(self.track_id)

    def can_manage_review(self, user) -> bool:
        if self.event.can_manage(user):
            return True
        return self.chairs(user) and not self.is_conflicted(user) and not self.is_author(user)

    def can_bid(self, user) -> bool:
        row = self.event.role_row(user, TeamRole.REVIEWER)
        return (
            row is not None and row.covers_track(self.track_id) and self.is_reviewable()
            and not self.is_conflicted(user) and not self.is_author(user)
        )

    def can_review(self, user) -> bool:
        """Write one's own review: assigned, not conflicted, and the submission still in review."""
        return self.assignment_of(user) is not None and not self.is_conflicted(user) and self.is_reviewable()

    def can_view_for_review(self, user) -> bool:
        """See the submission as the committee does (respecting blindness)."""
        if self.can_manage_review(user):
            return True
        if self.is_conflicted(user) or self.is_author(user) or not self.is_reviewable():
            return False
        settings = self.event.review_settings
        bidding = settings is not None and settings.bidding_open and self.can_bid(user)
        return self.assignment_of(user) is not None or bidding

    def can_see_authors(self, user) -> bool:
        """In a double-blind event only organisers and the authors themselves see who wrote it."""
        if self.is_author(user) or self.event.can_manage(user):
            return True
        settings = self.event.review_settings
        return settings is None or not settings.is_double_blind

    def can_see_reviewer_names(self, user) -> bool:
        """Who reviews (and comments on) this submission, by name: those who run its review, and
        everyone in an open event. Elsewhere reviewers are anonymous to each other ("Reviewer n")."""
        if self.can_manage_review(user):
            return True
        settings = self.event.review_settings
        return settings is not None and not settings.hides_reviewers

    def can_decide(self, user) -> bool:
        return self.can_manage_review(user)

    # State questions, apart from who asks.
    def is_editable(self, now: dt.datetime) -> bool:
        if self.state == SubmissionState.DRAFT:
            return True
        if self.state != SubmissionState.SUBMITTED:
            return False
        deadline = self.edit_deadline()
        return deadline is not None and now < deadline

    def submission_deadline(self) -> dt.datetime | None:
        call = self.event.call
        if call is None:
            return None
        if self.type is not None and self.type.deadline is not None:
            return self.type.deadline
        return call.deadline

    def edit_deadline(self) -> dt.datetime | None:
        """The submission deadline, or the call's later "edit until"; None when the event has no call."""
        call = self.event.call
        deadline = self.submission_deadline()
        if call is None or deadline is None:
            return None
        if call.edit_until is not None and call.edit_until > deadline:
            return call.edit_until
        return deadline

    def file_of_kind(self, kind: FileKind) -> SubmissionFile | None:
        matching = [f for f in self.files if f.kind == kind and f.question_id is None and not f.for_reviewers]
        return matching[-1] if matching else None

    def reviewer_file_of_kind(self, kind: FileKind) -> SubmissionFile | None:
        """What reviewers get: the organisers' anonymised copy where there is one."""
        copies = [f for f in self.files if f.kind == kind and f.question_id is None and f.for_reviewers]
        return copies[-1] if copies else self.file_of_kind(kind)


class SubmissionAuthor(Model):
    """An author in the submission's ordered list; the submitter is one of them."""

    __tablename__ = "submission_author"
    __table_args__ = (sa.UniqueConstraint("submission_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    affiliation: Mapped[str] = mapped_column(sa.String(200), default="")
    is_presenter: Mapped[bool] = mapped_column(default=False)
    is_corresponding: Mapped[bool] = mapped_column(default=False)
    invited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship(back_populates="authors")
    user: Mapped[User | None] = relationship()


class Answer(Model):
    __tablename__ = "answer"
    __table_args__ = (
        sa.Index("uq_answer_submission_question", "submission_id", "question_id", unique=True,
                 postgresql_where=sa.text("author_id IS NULL"), sqlite_where=sa.text("author_id IS NULL")),
        sa.Index("uq_answer_submission_question_author", "submission_id", "question_id", "author_id", unique=True,
                 postgresql_where=sa.text("author_id IS NOT NULL"), sqlite_where=sa.text("author_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("submission_author.id", ondelete="CASCADE"))
    value: Mapped[object] = mapped_column(sa.JSON, nullable=True)

    submission: Mapped[Submission] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()


class SubmissionFile(Model):
    """A stored file; its bytes live outside the web root under UPLOAD_FOLDER, named by their hash."""

    __tablename__ = "submission_file"
    __table_args__ = (sa.CheckConstraint("page_count IS NULL OR page_count > 0", name="positive_page_count"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FileKind] = mapped_column(enum_type(FileKind))
    question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # An anonymised copy an organiser uploaded for reviewers of a double-blind event: reviewers
    # get it instead of the authors' file of the same kind; authors never see it listed.
    for_reviewers: Mapped[bool] = mapped_column(default=False)
    # A PDF's pages, counted when it was uploaded; None for other formats.
    page_count: Mapped[int | None]
    # What the upload check found in a PDF: an author's name or address in its document
    # metadata (removed from reviewers' copies in a double-blind event) or on its first page
    # (not removed: the authors are warned).
    names_in_metadata: Mapped[bool] = mapped_column(default=False)
    names_on_first_page: Mapped[bool] = mapped_column(default=False)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="files")
