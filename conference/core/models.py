"""The audit log: who did what to which object, and when."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.core.types import UTCDateTime, utcnow
from conference.extensions import Model

if TYPE_CHECKING:  # core knows no area at run time; the mapper finds User by name
    from conference.accounts.models import User


class AuditEntry(Model):
    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_event_time", "event_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # Dotted verb, e.g. "event.published", "team.invited", "account.password_changed".
    action: Mapped[str] = mapped_column(sa.String(64))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship("User", lazy="joined")


class JobRun(Model):
    """One row per periodic job (conference.core.jobs): when it last ran and how that went, and how
    many times it ran and failed; /healthz and /metrics read it. Written in the job's own
    transaction, so a job another process skipped is not counted twice."""

    __tablename__ = "job_run"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    runs: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)
    last_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_succeeded: Mapped[bool | None]
    last_count: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
