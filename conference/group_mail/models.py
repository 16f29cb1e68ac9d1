"""Mail to groups: what an organiser wrote and to whom."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conference.core.types import UTCDateTime, utcnow
from conference.extensions import Model


class GroupMail(Model):
    """A mail an organiser wrote to a group chosen by filters; one outbox message per person."""

    __tablename__ = "group_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(sa.String(32))  # authors, reviewers, registrants, speakers, team
    filters: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # announcements may be refused (List-Unsubscribe); essential mail reaches everyone chosen.
    announcement: Mapped[bool] = mapped_column(default=True)
    held: Mapped[bool] = mapped_column(default=False)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    recipients: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
