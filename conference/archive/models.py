"""The archive: papers and resources kept across every event and series, each at a stable
address with its files, metadata and how to cite it; and the themes organisers file them under."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.archive.enums import RecordKind, RecordSource, RecordState
from conference.core.translations import Translatable, TranslationsOf
from conference.core.types import UTCDateTime, enum_type, utcnow
from conference.errors import NotAllowed
from conference.events.enums import TeamRole
from conference.events.models import Event, EventRole
from conference.extensions import Model, db

archive_record_theme = sa.Table(
    "archive_record_theme",
    db.metadata,
    sa.Column("record_id", sa.ForeignKey("archive_record.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("archive_theme.id", ondelete="CASCADE"), primary_key=True),
)


class Theme(Translatable, Model):
    """One term of the vocabulary records are filed under (e.g. a Sustainable Development Goal),
    site-wide, its name given in the site's languages."""

    __tablename__ = "archive_theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    TRANSLATED = ("name",)
    name_translations = TranslationsOf("name")

    @staticmethod
    def can_manage(user) -> bool:
        """The vocabulary is the whole site's: its administrators keep it."""
        return user.is_authenticated and user.can_administer()


class ArchiveRecord(Model):
    """A paper or resource in the archive. Published, or withdrawn: a withdrawn record keeps its
    row (and its address answers with a tombstone: title, authors, when and why), never its files."""

    __tablename__ = "archive_record"
    __table_args__ = (
        # The same DOI or address is never kept twice (several rows may have none: NULLs differ).
        sa.UniqueConstraint("doi", name="uq_archive_record_doi"),
        sa.UniqueConstraint("url", name="uq_archive_record_url"),
        sa.CheckConstraint("year BETWEEN 1000 AND 9999", name="plausible_year"),
        sa.CheckConstraint("source <> 'external' OR doi IS NOT NULL OR url IS NOT NULL",
                           name="resource_has_doi_or_url"),
        sa.CheckConstraint("source <> 'event' OR event_id IS NOT NULL", name="event_record_has_event"),
        sa.CheckConstraint("state <> 'withdrawn' OR (withdrawn_at IS NOT NULL AND withdrawal_reason <> '')",
                           name="withdrawn_with_reason"),
        sa.Index("ix_archive_record_listing", "state", "year", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RecordKind] = mapped_column(enum_type(RecordKind))
    title: Mapped[str] = mapped_column(sa.String(500))
    abstract: Mapped[str] = mapped_column(sa.Text, default="")
    keywords: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # In order: [{"name": "Ada Lovelace", "affiliation": "University of London"}, ...]
    authors: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    language: Mapped[str] = mapped_column(sa.String(16))
    licence: Mapped[str] = mapped_column(sa.String(40))  # one of enums.LICENCES
    doi: Mapped[str | None] = mapped_column(sa.String(255))  # normalised: "10.1234/abc", lower case
    url: Mapped[str | None] = mapped_column(sa.String(2000))  # normalised: see identifiers.normalise_url
    source: Mapped[RecordSource] = mapped_column(enum_type(RecordSource))
    publisher: Mapped[str] = mapped_column(sa.String(200), default="")  # the external platform or organisation
    # The archive keeps its records for good: an event with records in it cannot be deleted.
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="RESTRICT"), index=True)
    # The accepted paper of the call for papers it was published from (once: publishing.py).
    submission_id: Mapped[int | None] = mapped_column(sa.ForeignKey("submission.id", ondelete="SET NULL"), unique=True)
    year: Mapped[int]
    published_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    state: Mapped[RecordState] = mapped_column(enum_type(RecordState), default=RecordState.PUBLISHED)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event | None] = relationship(lazy="joined")
    files: Mapped[list[ArchiveFile]] = relationship(
        back_populates="record", cascade="all, delete-orphan", order_by="ArchiveFile.id", lazy="selectin"
    )
    themes: Mapped[list[Theme]] = relationship(secondary=archive_record_theme, order_by=Theme.name, lazy="selectin")

    @property
    def is_withdrawn(self) -> bool:
        return self.state == RecordState.WITHDRAWN

    @property
    def author_names(self) -> list[str]:
        return [author["name"] for author in self.authors or []]

    # Permission predicates -----------------------------------------------------------------------

    def can_view(self, _user) -> bool:
        """Everyone reads a published record; a withdrawn one shows everyone its tombstone only."""
        return not self.is_withdrawn

    def can_manage(self, user) -> bool:
        """Site administrators manage every record; an event's organisers, their event's records."""
        if not user.is_authenticated:
            return False
        return user.can_administer() or (self.event is not None and self.event.can_manage(user))

    def can_edit(self, user) -> bool:
        return self.can_manage(user) and not self.is_withdrawn

    def can_withdraw(self, user) -> bool:
        return self.can_manage(user) and not self.is_withdrawn

    def require_manager(self, actor, message: str) -> None:
        if actor is None or not self.can_manage(actor):
            raise NotAllowed(message)


class ArchiveFile(Model):
    """A file of a record, stored by content with the other uploads (core.files)."""

    __tablename__ = "archive_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("archive_record.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    record: Mapped[ArchiveRecord] = relationship(back_populates="files")

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


def may_manage_archive(user) -> bool:
    """Whether ``user`` may open the archive's management pages at all: site administrators, and
    organisers of an event (who manage their events' records)."""
    if not user.is_authenticated:
        return False
    return user.can_administer() or bool(managed_event_ids(user))


def managed_event_ids(user) -> list[int]:
    """The events whose records ``user`` manages (as an organiser), in one query."""
    return list(db.session.scalars(sa.select(EventRole.event_id).where(
        EventRole.user_id == user.id, EventRole.role == TeamRole.ORGANISER)))
