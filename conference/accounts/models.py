"""People: accounts and their profile."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from conference.core.types import UTCDateTime, utcnow
from conference.extensions import Model


class User(UserMixin, Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored normalised (see domain.accounts.normalise_email), so uniqueness is case-blind.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    name: Mapped[str] = mapped_column(sa.String(200))
    affiliation: Mapped[str] = mapped_column(sa.String(200), default="")
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    # Pages and mail in this language (one of LANGUAGES); None: pages follow the browser.
    language: Mapped[str | None] = mapped_column(sa.String(16))
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    # Expertise keywords, shown to organisers building a committee and matched against
    # submissions' keywords by automatic assignment.
    expertise: Mapped[list] = mapped_column(sa.JSON, default=list)
    email_verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    is_admin: Mapped[bool] = mapped_column(default=False)
    may_create_events: Mapped[bool] = mapped_column(default=False)
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Set when the account was erased (see conference.privacy.erasure): the row stays, so that
    # reviews, audit entries and counts still refer to someone, but it names no one.
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    # The login session this object was loaded for or logged in with (see LoginSession): not a
    # column. Flask-Login keeps ``get_id()`` in the session cookie and the "remember me" cookie,
    # so both name that login session and stop working once it is revoked.
    if TYPE_CHECKING:
        login_id: str | None
    login_id = None

    def get_id(self) -> str:
        if self.login_id is None:
            raise RuntimeError("log in through domain.login_sessions.open_session, which names the session")
        return self.login_id

    # Flask-Login's mixin compares users by get_id(); the same account is the same person
    # whichever login session it was loaded for.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, User):
            return self is other or (self.id is not None and self.id == other.id)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = object.__hash__

    @property
    def is_active(self) -> bool:
        return not self.disabled

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return False
        return check_password_hash(self.password_hash, password)

    def can_create_event(self) -> bool:
        if not self.is_authenticated or not self.is_verified:
            return False
        return self.is_admin or self.may_create_events or current_app.config["ANYONE_CAN_CREATE_EVENTS"]

    def can_administer(self) -> bool:
        return self.is_authenticated and self.is_admin

    @property
    def display_name(self) -> str:
        if self.erased_at is not None:
            return _("Deleted user #%(id)d", id=self.id)
        return self.name or self.email


class AnonymousUser:
    """The visitor who is not signed in: every predicate says no."""

    id = None
    is_authenticated = False
    is_active = False
    is_anonymous = True
    is_admin = False
    is_verified = False
    timezone = None
    language = None
    display_name = ""

    def get_id(self) -> None:
        return None

    def can_create_event(self) -> bool:
        return False

    def can_administer(self) -> bool:
        return False


class LoginSession(Model):
    """One log-in on one device, until it is logged out, revoked or too old.

    The browser holds a random token (in the session cookie and, with "remember me", the
    remember cookie); only its SHA-256 is stored, so a copy of this table logs no one in.
    """

    __tablename__ = "login_session"
    __table_args__ = (
        sa.CheckConstraint("last_seen_at >= created_at", name="seen_after_created"),
        sa.CheckConstraint("revoked_at IS NULL OR revoked_at >= created_at", name="revoked_after_created"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Updated at most every few minutes (see domain.login_sessions.SEEN_EVERY), not on every request.
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "Firefox (Windows)": enough to recognise a device in the list, no more.
    device: Mapped[str] = mapped_column(sa.String(100), default="")
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<LoginSession {self.id} of user {self.user_id}>"


class PrivacyNotice(Model):
    """The site's privacy notice as its administrators wrote it (Markdown). Each save is a new
    version, so what people were shown at any date stays known; the newest is the notice. A
    blank one means the default notice built from the settings."""

    __tablename__ = "privacy_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<PrivacyNotice {self.id}>"
