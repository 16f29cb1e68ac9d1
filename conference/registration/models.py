"""Registration: the event's registration settings, its forms with participant categories and
questions, invitations, and the registrations themselves (with their place, waiting-list
position, ticket and check-in)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from conference.accounts.models import User
from conference.core.questions import QuestionColumns
from conference.core.translations import Translatable, TranslationsOf
from conference.core.types import UTCDateTime, enum_type, utcnow
from conference.events.enums import EventFormat
from conference.events.models import Event
from conference.extensions import Model, db
from conference.registration.enums import (
    ACTIVE_REGISTRATION_STATES,
    PLACE_HOLDING_STATES,
    AttendanceMode,
    CancelReason,
    ListVisibility,
    RegistrationState,
)

registration_question_category = sa.Table(
    "registration_question_category",
    db.metadata,
    sa.Column("question_id", sa.ForeignKey("registration_question.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("category_id", sa.ForeignKey("participant_category.id", ondelete="CASCADE"), primary_key=True),
)

_ACTIVE_SQL = "state IN ({})".format(", ".join(f"'{s.value}'" for s in sorted(ACTIVE_REGISTRATION_STATES)))


class RegistrationSettings(Model):
    """One row per event that takes registrations. Every change to who holds a place locks this
    row first (SELECT ... FOR UPDATE), so concurrent registrations of one event are decided one
    after the other and capacities can never be exceeded."""

    __tablename__ = "registration_settings"
    __table_args__ = (
        sa.CheckConstraint("capacity_in_person IS NULL OR capacity_in_person >= 0", name="in_person_capacity"),
        sa.CheckConstraint("capacity_online IS NULL OR capacity_online >= 0", name="online_capacity"),
        sa.CheckConstraint("offer_hold_hours BETWEEN 1 AND 720", name="offer_hold_range"),
        sa.CheckConstraint("reconfirm_in_person OR reconfirm_online", name="reconfirm_some_mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    # The event's overall capacity per mode, on top of the categories' (None: no overall limit).
    capacity_in_person: Mapped[int | None]
    capacity_online: Mapped[int | None]
    offer_hold_hours: Mapped[int] = mapped_column(default=48)
    participant_list: Mapped[ListVisibility] = mapped_column(enum_type(ListVisibility), default=ListVisibility.HIDDEN)
    # Reconfirmation of places: asked at reconfirm_requested_at, due by reconfirm_by, of the
    # participants attending in the modes chosen (categories exempt from it are never asked).
    reconfirm_by: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reconfirm_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reconfirm_reminder_hours: Mapped[int] = mapped_column(default=48)
    reconfirm_reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reconfirm_closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reconfirm_in_person: Mapped[bool] = mapped_column(default=True)
    reconfirm_online: Mapped[bool] = mapped_column(default=False)
    # Registrations claiming an organisation wait for its focal point until this moment; then
    # the organisers are told and decide themselves. Focal points are reminded before it.
    focal_point_deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    focal_point_reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(
        backref=backref("registration_settings", uselist=False, cascade="all, delete-orphan")
    )

    def capacity(self, mode: AttendanceMode) -> int | None:
        return self.capacity_in_person if mode == AttendanceMode.IN_PERSON else self.capacity_online

    def reconfirm_modes(self) -> frozenset[AttendanceMode]:
        """The modes whose participants are asked to reconfirm."""
        return frozenset(mode for mode, asked in ((AttendanceMode.IN_PERSON, self.reconfirm_in_person),
                                                  (AttendanceMode.ONLINE, self.reconfirm_online)) if asked)


class RegistrationForm(Translatable, Model):
    TRANSLATED = ("title", "intro")
    title_translations = TranslationsOf("title")
    intro_translations = TranslationsOf("intro")

    __tablename__ = "registration_form"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "title"),
        sa.CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        sa.CheckConstraint("modification_deadline IS NULL OR modification_deadline >= opens_at",
                           name="modification_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    intro: Mapped[str] = mapped_column(sa.Text, default="")
    opens_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Participants change their answers until then (None: until the form closes).
    modification_deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    requires_account: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship()
    categories: Mapped[list[ParticipantCategory]] = relationship(
        back_populates="form", cascade="all, delete-orphan", order_by="ParticipantCategory.position",
        lazy="selectin",
    )
    questions: Mapped[list[RegistrationQuestion]] = relationship(
        back_populates="form", cascade="all, delete-orphan", order_by="RegistrationQuestion.position",
    )

    def is_open(self, now: dt.datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    def changes_until(self) -> dt.datetime:
        return self.modification_deadline or self.closes_at


class ParticipantCategory(Translatable, Model):
    """Member agency, observer, speaker, public...: its own capacity per mode (None: unlimited),
    approval, whether only invited people may choose it, and whether its participants are spared
    reconfirmation (resource persons, VIPs)."""

    TRANSLATED = ("name", "description")
    name_translations = TranslationsOf("name")
    description_translations = TranslationsOf("description")


    __tablename__ = "participant_category"
    __table_args__ = (
        sa.UniqueConstraint("form_id", "name"),
        sa.CheckConstraint("capacity_in_person IS NULL OR capacity_in_person >= 0", name="in_person_capacity"),
        sa.CheckConstraint("capacity_online IS NULL OR capacity_online >= 0", name="online_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    form_id: Mapped[int] = mapped_column(sa.ForeignKey("registration_form.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    capacity_in_person: Mapped[int | None]
    capacity_online: Mapped[int | None]
    requires_approval: Mapped[bool] = mapped_column(default=False)
    invitation_only: Mapped[bool] = mapped_column(default=False)
    reconfirmation_exempt: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    form: Mapped[RegistrationForm] = relationship(back_populates="categories")

    def capacity(self, mode: AttendanceMode) -> int | None:
        return self.capacity_in_person if mode == AttendanceMode.IN_PERSON else self.capacity_online


class RegistrationQuestion(QuestionColumns, Model):
    """A custom question of a registration form (any kind), optionally asked only in some of its
    categories. Its kind, label, help text, options... are QuestionColumns'."""

    __tablename__ = "registration_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(sa.ForeignKey("registration_form.id", ondelete="CASCADE"), index=True)
    # Answers such as a passport's number: removed RETAIN_SENSITIVE_ANSWERS_DAYS after the event.
    sensitive: Mapped[bool] = mapped_column(default=False)

    form: Mapped[RegistrationForm] = relationship(back_populates="questions")
    categories: Mapped[list[ParticipantCategory]] = relationship(
        secondary=registration_question_category, lazy="selectin",
        order_by="(ParticipantCategory.position, ParticipantCategory.id)",
    )

    def applies_to(self, category_id: int | None) -> bool:
        return not self.categories or category_id in {c.id for c in self.categories}


class RegistrationInvitation(Model):
    """An invitation by email into a category (invitation-only ones included)."""

    __tablename__ = "registration_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("participant_category.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    skip_approval: Mapped[bool] = mapped_column(default=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A focal point's nomination: the registration joins this organisation's delegation.
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"),
                                                        index=True)
    # A substitution keeps the replaced delegate's place (this mode) for the invitee while open.
    reserved_mode: Mapped[AttendanceMode | None] = mapped_column(
        enum_type(AttendanceMode, name="reserved_mode"), nullable=True)
    substitute_for_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL", use_alter=True))

    category: Mapped[ParticipantCategory] = relationship()
    organisation = relationship("Organisation")

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.revoked_at is None


class Registration(Model):
    __tablename__ = "registration"
    __table_args__ = (
        # One active registration per person and event, by address and by account.
        sa.Index("uq_registration_active_email", "event_id", "email", unique=True,
                 postgresql_where=sa.text(_ACTIVE_SQL), sqlite_where=sa.text(_ACTIVE_SQL)),
        sa.Index("uq_registration_active_user", "event_id", "user_id", unique=True,
                 postgresql_where=sa.text(f"user_id IS NOT NULL AND {_ACTIVE_SQL}"),
                 sqlite_where=sa.text(f"user_id IS NOT NULL AND {_ACTIVE_SQL}")),
        sa.Index("ix_registration_waiting", "event_id", "mode", "state", "waitlisted_at"),
        # Nobody shares a place in line: the waiting lists are ordered by this number.
        sa.Index("uq_registration_waiting_number", "event_id", "waiting_number", unique=True),
        sa.CheckConstraint("state <> 'waitlisted' OR waiting_number IS NOT NULL", name="waitlisted_has_number"),
        sa.CheckConstraint("switch_to IS NULL OR waiting_number IS NOT NULL", name="switch_has_number"),
        sa.CheckConstraint("state <> 'waitlisted' OR waitlisted_at IS NOT NULL", name="waitlisted_has_time"),
        sa.CheckConstraint("state <> 'offered' OR offer_expires_at IS NOT NULL", name="offer_has_expiry"),
        sa.CheckConstraint("state <> 'cancelled' OR cancelled_at IS NOT NULL", name="cancelled_has_time"),
        sa.CheckConstraint("switch_to IS NULL OR switch_to <> mode", name="switch_to_other_mode"),
        sa.CheckConstraint("switch_to IS NULL OR switch_requested_at IS NOT NULL", name="switch_has_time"),
        sa.CheckConstraint("privacy_consent_at IS NOT NULL", name="privacy_consent_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    form_id: Mapped[int] = mapped_column(sa.ForeignKey("registration_form.id", ondelete="RESTRICT"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("participant_category.id", ondelete="RESTRICT"),
                                             index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration_invitation.id", ondelete="SET NULL")
    )
    # The delegation this person registers with (claimed, or nominated by its focal point).
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"),
                                                        index=True)
    # Set when the focal point's deadline passed with this registration still pending.
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    email: Mapped[str] = mapped_column(sa.String(254))  # normalised
    name: Mapped[str] = mapped_column(sa.String(200))
    affiliation: Mapped[str] = mapped_column(sa.String(200), default="")
    # The language of the page the registration was made on: its mail's language when it has no account.
    language: Mapped[str | None] = mapped_column(sa.String(16))
    mode: Mapped[AttendanceMode] = mapped_column(enum_type(AttendanceMode))
    state: Mapped[RegistrationState] = mapped_column(enum_type(RegistrationState), index=True)
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {"<question id>": value}
    privacy_consent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    listed: Mapped[bool] = mapped_column(default=False)  # consents to appear in the participant list
    agenda_updates: Mapped[bool] = mapped_column(default=False)  # wants a mail when a new agenda is released
    waitlisted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The place in the event's waiting lines, given under the event's lock when the registration
    # joins a waiting list or asks to switch mode (one more than any before, see places.join_queue);
    # kept while a place is offered, so a withdrawn offer puts its holder back where they were.
    waiting_number: Mapped[int | None]
    offer_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A hybrid event's participant may ask to attend the other way; they keep their place until
    # the other mode has room (their request waits in that mode's list from switch_requested_at).
    switch_to: Mapped[AttendanceMode | None] = mapped_column(enum_type(AttendanceMode, name="switch_to_mode"),
                                                              nullable=True)
    switch_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ticket_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reconfirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[CancelReason | None] = mapped_column(enum_type(CancelReason), nullable=True)
    # Set when its person's name, address and answers were removed (their account erased, or a
    # cancelled registration past its retention): the row stays for the counts.
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    form: Mapped[RegistrationForm] = relationship()
    category: Mapped[ParticipantCategory] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    invitation: Mapped[RegistrationInvitation | None] = relationship(foreign_keys=[invitation_id])
    organisation = relationship("Organisation")

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.email} {self.state} {self.mode}>"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_REGISTRATION_STATES

    @property
    def holds_place(self) -> bool:
        return self.state in PLACE_HOLDING_STATES

    # Permission predicates. People without an account reach their registration through a
    # signed link (domain.registration.manage_token); with an account, by being its owner.
    def is_owner(self, user) -> bool:
        return getattr(user, "is_authenticated", False) and self.user_id is not None and self.user_id == user.id

    def can_view(self, user) -> bool:
        return self.is_owner(user) or self.event.can_manage(user)

    def can_change_answers(self, now: dt.datetime) -> bool:
        return self.is_active and now < self.form.changes_until()

    def sees_online_details(self) -> bool:
        """The online join details are for confirmed participants only (of either mode)."""
        return self.state == RegistrationState.CONFIRMED and self.event.format != EventFormat.IN_PERSON
