"""The outbox: every message the app sends, written in the transaction that causes it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.core.types import UTCDateTime, enum_type, utcnow
from conference.extensions import Model
from conference.mail.enums import MailState


class OutboxMessage(Model):
    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_state_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    group_mail_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("group_mail.id", ondelete="SET NULL"), index=True
    )
    template: Mapped[str] = mapped_column(sa.String(64))
    # The language it was written in (the recipient's, see mailer.mail_language); None before languages.
    language: Mapped[str | None] = mapped_column(sa.String(16))
    to_address: Mapped[str] = mapped_column(sa.String(254), index=True)
    to_name: Mapped[str] = mapped_column(sa.String(200), default="")
    reply_to: Mapped[str | None] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Message-ID fixed when queued, so a message delivered twice can be recognised as one.
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    state: Mapped[MailState] = mapped_column(enum_type(MailState), default=MailState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OutboxAttachment.id"
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.template} to {self.to_address} {self.state}>"


class OutboxAttachment(Model):
    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


class MailTemplate(Model):
    """An organiser's version of one of the app's named mail templates for their event, in one
    language (the shipped default of that language, translated by the catalogue, applies where
    there is none)."""

    __tablename__ = "mail_template"
    __table_args__ = (sa.UniqueConstraint("event_id", "key", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    language: Mapped[str] = mapped_column(sa.String(16), default="en", server_default="en")
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MailOptOut(Model):
    """An address that asked (through List-Unsubscribe or the link in a mail) to receive no more
    mail of one kind from an event: ``announcements`` (group mail) or ``agenda_updates``."""

    __tablename__ = "mail_opt_out"
    __table_args__ = (sa.UniqueConstraint("event_id", "email", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))  # lower case
    kind: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
