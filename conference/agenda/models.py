"""The agenda: rooms, speakers, sessions and their items, released versions of the programme,
and what participants star for their personal agenda."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.accounts.models import User
from conference.agenda.enums import ItemKind, SessionKind
from conference.cfp.models import Submission
from conference.core.links import check_web_address
from conference.core.translations import Translatable, TranslationsOf
from conference.core.types import UTCDateTime, enum_type, utcnow
from conference.errors import DomainError
from conference.events.models import Event, Track
from conference.extensions import Model, db

session_chair = sa.Table(
    "session_chair",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("agenda_session.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("speaker_id", sa.ForeignKey("speaker.id", ondelete="CASCADE"), primary_key=True),
)


class Room(Translatable, Model):
    TRANSLATED = ("name",)
    name_translations = TranslationsOf("name")

    __tablename__ = "room"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "name"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    capacity: Mapped[int | None]
    is_virtual: Mapped[bool] = mapped_column(default=False)
    join_link: Mapped[str] = mapped_column(sa.String(500), default="")  # only ever shown to confirmed participants
    position: Mapped[int] = mapped_column(default=0)


class Speaker(Model):
    """Someone who speaks or chairs: from an accepted submission's authors, or invited directly
    (a keynote speaker need not have submitted anything)."""

    __tablename__ = "speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    affiliation: Mapped[str] = mapped_column(sa.String(200), default="")
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    # When they can speak: [["2030-03-16T08:00:00+00:00", "2030-03-16T12:00:00+00:00"], ...]; empty: any time.
    availability: Mapped[list] = mapped_column(sa.JSON, default=list)

    user: Mapped[User | None] = relationship()


class AgendaItemSpeaker(Model):
    __tablename__ = "agenda_item_speaker"

    item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_item.id", ondelete="CASCADE"), primary_key=True)
    speaker_id: Mapped[int] = mapped_column(sa.ForeignKey("speaker.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    speaker: Mapped[Speaker] = relationship(lazy="joined")


class AgendaSession(Translatable, Model):
    """A block of the programme in one room: a plenary, a parallel session, a workshop, a poster
    session, a break. Unscheduled while it has no start."""

    TRANSLATED = ("title", "description")
    title_translations = TranslationsOf("title")
    description_translations = TranslationsOf("description")


    __tablename__ = "agenda_session"
    __table_args__ = (
        sa.CheckConstraint("(starts_at IS NULL) = (ends_at IS NULL)", name="start_and_end_together"),
        sa.CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[SessionKind] = mapped_column(enum_type(SessionKind), default=SessionKind.PARALLEL)
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("track.id", ondelete="SET NULL"))
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id", ondelete="SET NULL"))
    starts_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # Raised by every change: a save based on an older version is told someone changed it meanwhile.
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    track: Mapped[Track | None] = relationship()
    room: Mapped[Room | None] = relationship()
    chairs: Mapped[list[Speaker]] = relationship(secondary=session_chair, lazy="selectin",
                                                order_by="(Speaker.name, Speaker.id)")
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="session", order_by="(AgendaItem.starts_at, AgendaItem.position, AgendaItem.id)"
    )


# What an item's link leads to, in the order the form offers them.
LINK_KINDS = ("slides", "recording", "live_stream", "other")


def cleaned_links(links: Sequence[dict]) -> list[dict]:
    """An item's links as stored: each a known kind, a title of at most 200 characters and an
    http(s) address (``links-<n>-url`` names the field of a bad one); rows with neither a title
    nor an address are dropped, the order kept."""
    cleaned = []
    for n, link in enumerate(links):
        title, url = (link.get("title") or "").strip(), (link.get("url") or "").strip()
        if not title and not url:
            continue
        if not url:
            raise DomainError(_("Give the link's web address."), field=f"link_{n + 1}_url")
        kind = link.get("kind") if link.get("kind") in LINK_KINDS else None
        if kind is None:
            raise DomainError(_("Choose what the link leads to."), field=f"link_{n + 1}_kind")
        if len(title) > 200:
            raise DomainError(_("Keep the link's title under 200 characters."), field=f"link_{n + 1}_title")
        cleaned.append({"kind": kind, "title": title, "url": check_web_address(url, field=f"link_{n + 1}_url")})
    return cleaned


class AgendaItem(Translatable, Model):
    """A talk (an accepted submission) or a free item (keynote, panel, opening) with its own
    start and duration, inside a session once scheduled."""

    TRANSLATED = ("title", "abstract", "subtitle", "description")
    title_translations = TranslationsOf("title")
    abstract_translations = TranslationsOf("abstract")
    subtitle_translations = TranslationsOf("subtitle")
    description_translations = TranslationsOf("description")
    # The language it is given in (a talk's: its submission's; None: the event's default language).
    language: Mapped[str | None] = mapped_column(sa.String(16))


    __tablename__ = "agenda_item"
    __table_args__ = (
        sa.CheckConstraint("duration_minutes > 0", name="positive_duration"),
        sa.CheckConstraint("starts_at IS NULL OR session_id IS NOT NULL", name="scheduled_in_a_session"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_session.id", ondelete="SET NULL"),
                                                   index=True)
    submission_id: Mapped[int | None] = mapped_column(sa.ForeignKey("submission.id", ondelete="SET NULL"),
                                                      unique=True)
    kind: Mapped[ItemKind] = mapped_column(enum_type(ItemKind), default=ItemKind.TALK)
    title: Mapped[str] = mapped_column(sa.String(300))
    abstract: Mapped[str] = mapped_column(sa.Text, default="")
    subtitle: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    # Longer than the abstract: what frab calls the description (the abstract is its summary).
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Slides, recording, live stream...: [{"kind": "slides", "title": "...", "url": "https://..."}], in order.
    links: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    starts_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=20)
    position: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    session: Mapped[AgendaSession | None] = relationship(back_populates="items")
    submission: Mapped[Submission | None] = relationship()
    speaker_links: Mapped[list[AgendaItemSpeaker]] = relationship(
        cascade="all, delete-orphan", order_by="AgendaItemSpeaker.position", lazy="selectin"
    )

    @property
    def speakers(self) -> list[Speaker]:
        return [link.speaker for link in self.speaker_links]

    @property
    def ends_at(self) -> dt.datetime | None:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes) if self.starts_at else None


class ScheduleRelease(Model):
    """A released version of the programme: what the public sees is the latest one. The
    snapshot (see domain.agenda_snapshot) is everything the public pages and exports need."""

    __tablename__ = "schedule_release"
    __table_args__ = (sa.UniqueConstraint("event_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(100))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    snapshot: Mapped[dict] = mapped_column(sa.JSON)
    released_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # Raised when the snapshot is rewritten in place (an erasure removes a name): part of the tag
    # that keys every process's cached exports and the exports' ETags.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")

    event: Mapped[Event] = relationship()


class AgendaStar(Model):
    """A session or item a signed-in user starred, by its stable uid ("session-12", "item-40"),
    so stars survive new releases."""

    __tablename__ = "agenda_star"
    __table_args__ = (sa.UniqueConstraint("user_id", "event_id", "uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    uid: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PersonalFeed(Model):
    """The secret address of one user's personal iCal feed for one event; resetting it makes a
    new token (the old address answers 404)."""

    __tablename__ = "personal_feed"
    __table_args__ = (sa.UniqueConstraint("user_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
