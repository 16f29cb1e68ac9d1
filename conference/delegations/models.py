"""Delegations: the organisations taking part in an event (member agencies, observers,
partners), their quota of places per attendance mode, and their focal points, who nominate
and approve their organisation's participants."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.accounts.models import User
from conference.core.types import UTCDateTime, enum_type, utcnow
from conference.delegations.enums import OrganisationKind
from conference.extensions import Model
from conference.registration.enums import AttendanceMode


class Organisation(Model):
    __tablename__ = "organisation"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "name"),
        sa.CheckConstraint("quota_in_person IS NULL OR quota_in_person >= 0", name="in_person_quota"),
        sa.CheckConstraint("quota_online IS NULL OR quota_online >= 0", name="online_quota"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    acronym: Mapped[str] = mapped_column(sa.String(40), default="")
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind), default=OrganisationKind.MEMBER)
    country: Mapped[str] = mapped_column(sa.String(100), default="")  # a country code or a region's name
    # Addresses at these domains are suggested this organisation when they register.
    email_domains: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Places per mode for the delegation, on top of the category capacities (None: no quota).
    quota_in_person: Mapped[int | None]
    quota_online: Mapped[int | None]
    # The category a focal point's nominees register in (None: they choose, like anyone).
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participant_category.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    focal_points: Mapped[list[FocalPoint]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", lazy="selectin", order_by="FocalPoint.id"
    )
    category = relationship("ParticipantCategory")

    def quota(self, mode: AttendanceMode) -> int | None:
        return self.quota_in_person if mode == AttendanceMode.IN_PERSON else self.quota_online

    @property
    def label(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def is_focal_point(self, user) -> bool:
        return getattr(user, "is_authenticated", False) and any(f.user_id == user.id for f in self.focal_points)

    @property
    def has_focal_points(self) -> bool:
        return bool(self.focal_points)


class FocalPoint(Model):
    """A person who decides for their organisation's delegation: with an account (``user_id``)
    or invited by email until they sign up or log in and accept."""

    __tablename__ = "focal_point"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship(back_populates="focal_points")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
