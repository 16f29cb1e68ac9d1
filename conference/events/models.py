"""Events and the people who run them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.accounts.models import User
from conference.core.translations import EVENT_LANGUAGES, Translatable, TranslationsOf
from conference.core.types import UTCDateTime, enum_type, utcnow
from conference.errors import NotAllowed
from conference.events.enums import EventFormat, EventKind, EventStatus, SeriesFrequency, TeamRole
from conference.extensions import Model, db

if TYPE_CHECKING:  # for the type checker only: lazy messages, and the areas above (see Event's backrefs)
    from flask_babel.speaklater import LazyString

    from conference.cfp.models import CallForPapers
    from conference.registration.models import RegistrationSettings
    from conference.review.models import ReviewSettings

event_role_track = sa.Table(
    "event_role_track",
    db.metadata,
    sa.Column("event_role_id", sa.ForeignKey("event_role.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("track_id", sa.ForeignKey("track.id", ondelete="CASCADE"), primary_key=True),
)


class Event(Translatable, Model):
    __tablename__ = "event"
    __table_args__ = (sa.CheckConstraint("end_date >= start_date", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    start_date: Mapped[dt.date] = mapped_column(sa.Date)
    end_date: Mapped[dt.date] = mapped_column(sa.Date)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    # The language of the event's pages for visitors whose own is not known, and of its mail to
    # people who have none (one of LANGUAGES).
    default_language: Mapped[str] = mapped_column(sa.String(16), default="en", server_default="en")
    # The languages its texts (title, description, call, tracks, forms...) are given in, the
    # default language first: its organisers type each text in the default language, and may
    # translate it into the others (conference.core.translations).
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]", nullable=False)
    format: Mapped[EventFormat] = mapped_column(enum_type(EventFormat))
    venue: Mapped[str] = mapped_column(sa.Text, default="")
    online_details: Mapped[str] = mapped_column(sa.Text, default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[EventStatus] = mapped_column(enum_type(EventStatus), default=EventStatus.DRAFT)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The series the event is an edition of (None: a one-off event).
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("series.id", ondelete="SET NULL"), index=True)

    roles: Mapped[list[EventRole]] = relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="selectin"
    )
    series: Mapped[Series | None] = relationship(back_populates="editions")

    # The areas above attach their one-per-event settings as backrefs when their models are
    # mapped; declared here for the type checker only, so that this area names none of them.
    if TYPE_CHECKING:
        call: Mapped[CallForPapers | None]
        review_settings: Mapped[ReviewSettings | None]
        registration_settings: Mapped[RegistrationSettings | None]

    TRANSLATED = ("title", "description")
    title_translations = TranslationsOf("title")
    description_translations = TranslationsOf("description")

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"

    def offered_languages(self) -> list[str]:
        return list(self.languages or ())

    @property
    def other_languages(self) -> list[str]:
        """The languages its texts may be translated into: its languages but the default one."""
        return [code for code in self.languages or () if code != self.default_language]

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    def roles_of(self, user) -> set[TeamRole]:
        """The team roles ``user`` holds in this event (empty for visitors)."""
        if not getattr(user, "is_authenticated", False):
            return set()
        return {r.role for r in self.roles if r.user_id == user.id}

    @property
    def organisers(self) -> list[User]:
        """The event's organisers, in the order their accounts were made."""
        return [r.user for r in sorted(self.roles, key=lambda r: r.user_id) if r.role == TeamRole.ORGANISER]

    def is_team_member(self, user) -> bool:
        return bool(self.roles_of(user))

    # Permission predicates: the one place each question is answered.
    def can_view(self, user) -> bool:
        return self.is_published or user.can_administer() or self.is_team_member(user)

    def can_manage(self, user) -> bool:
        """Organisers (and site admins) change the event, its team and everything in it."""
        return user.can_administer() or TeamRole.ORGANISER in self.roles_of(user)

    def require_manager(self, actor, message: str | LazyString) -> None:
        """What an organisers' operation checks first: NotAllowed with ``message`` (the
        operation's own words) unless ``actor`` may manage the event. None, a visitor who came
        by a signed link, may not."""
        if actor is None or not self.can_manage(actor):
            raise NotAllowed(str(message))

    def can_view_audit_log(self, user) -> bool:
        return self.can_manage(user)

    def is_desk_staff(self, user) -> bool:
        return TeamRole.DESK in self.roles_of(user)

    def can_check_in(self, user) -> bool:
        """Organisers, and the check-in desk staff (who may open nothing else)."""
        return self.can_manage(user) or self.is_desk_staff(user)

    # The review committee.
    def role_row(self, user, role: TeamRole) -> EventRole | None:
        if not getattr(user, "is_authenticated", False):
            return None
        return next((r for r in self.roles if r.user_id == user.id and r.role == role), None)

    def track_ids_for(self, user, role: TeamRole) -> frozenset[int] | None:
        """The tracks ``user`` holds ``role`` in: None for all tracks, an empty set for none."""
        row = self.role_row(user, role)
        if row is None:
            return frozenset()
        return row.track_ids

    def is_reviewer(self, user) -> bool:
        return self.role_row(user, TeamRole.REVIEWER) is not None

    def is_track_chair(self, user) -> bool:
        return self.role_row(user, TeamRole.TRACK_CHAIR) is not None

    def can_manage_reviewing(self, user) -> bool:
        """Organisers and track chairs run review (track chairs only within their tracks)."""
        return self.can_manage(user) or self.is_track_chair(user)

    def can_review(self, user) -> bool:
        return self.is_reviewer(user) or self.can_manage_reviewing(user)


class Series(Translatable, Model):
    """Events that come round again (the task force's technical symposium, yearly): each edition
    is an event of its own, and the series' page lists them. Its texts may be given in every
    language of the site (a series belongs to no one event)."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    frequency: Mapped[SeriesFrequency] = mapped_column(enum_type(SeriesFrequency), default=SeriesFrequency.YEARLY)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    editions: Mapped[list[Event]] = relationship(back_populates="series", passive_deletes=True,
                                                 order_by="Event.start_date")

    TRANSLATED = ("name", "description")
    name_translations = TranslationsOf("name")
    description_translations = TranslationsOf("description")

    def __repr__(self) -> str:
        return f"<Series {self.slug}>"

    @staticmethod
    def can_create(user) -> bool:
        """Whoever may create events (site admins among them) may start a series."""
        return bool(user.can_create_event() or user.can_administer())

    def can_edit(self, user) -> bool:
        return self.can_create(user)


class EventRole(Model):
    """A person's role in one event's team."""

    __tablename__ = "event_role"
    __table_args__ = (sa.UniqueConstraint("event_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[TeamRole] = mapped_column(enum_type(TeamRole))
    # For reviewers: their own cap on assigned reviews (None: the event's cap).
    max_load: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="roles")
    user: Mapped[User] = relationship(lazy="joined")
    # Reviewers and track chairs may be limited to some tracks; none listed means all.
    tracks: Mapped[list] = relationship("Track", secondary=event_role_track, lazy="selectin", collection_class=list,
                                        order_by="(Track.position, Track.id)")

    @property
    def track_ids(self) -> frozenset[int] | None:
        return frozenset(t.id for t in self.tracks) if self.tracks else None

    def covers_track(self, track_id: int | None) -> bool:
        ids = self.track_ids
        return ids is None or track_id in ids


class TeamInvitation(Model):
    """An invitation by email to join an event's team, for people with or without an account."""

    __tablename__ = "team_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    role: Mapped[TeamRole] = mapped_column(enum_type(TeamRole))
    # Reviewers and track chairs may be invited for some tracks only: [track id, ...].
    track_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class Track(Translatable, Model):
    """A track of the event: the call for papers files submissions under it, the committee may be
    limited to some tracks, the agenda colours its sessions by it."""

    TRANSLATED = ("name", "description")
    name_translations = TranslationsOf("name")
    description_translations = TranslationsOf("description")


    __tablename__ = "track"
    __table_args__ = (sa.UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    colour: Mapped[str] = mapped_column(sa.String(7), default="#0b5cab")
    position: Mapped[int] = mapped_column(default=0)


def _loaded_event_languages(event_id: int) -> list[str] | None:
    """The languages of event ``event_id`` if the session holds it loaded; None otherwise: looking
    it up must never cost a query (a page showing rows of many events would pay one per event)."""
    event = db.session.identity_map.get(db.session.identity_key(Event, event_id))
    languages = event.__dict__.get("languages") if event is not None else None  # unloaded or expired: unknown
    return list(languages) if languages is not None else None


EVENT_LANGUAGES.append(_loaded_event_languages)
