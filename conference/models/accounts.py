"""People: accounts and their profile."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .types import UTCDateTime, utcnow


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored normalised (see domain.accounts.normalise_email), so uniqueness is case-blind.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    name: Mapped[str] = mapped_column(sa.String(200))
    affiliation: Mapped[str] = mapped_column(sa.String(200), default="")
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    # Expertise keywords, shown to organisers building a committee and matched against
    # submissions' keywords by automatic assignment.
    expertise: Mapped[list] = mapped_column(sa.JSON, default=list)
    email_verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    is_admin: Mapped[bool] = mapped_column(default=False)
    may_create_events: Mapped[bool] = mapped_column(default=False)
    disabled: Mapped[bool] = mapped_column(default=False)
    # Bumped when the password changes: every other session and "remember me" cookie ends.
    login_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    # Flask-Login
    def get_id(self) -> str:
        return f"{self.id}:{self.login_version}"

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
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def can_create_event(self) -> bool:
        if not self.is_authenticated or not self.is_verified:
            return False
        return self.is_admin or self.may_create_events or current_app.config["ANYONE_CAN_CREATE_EVENTS"]

    def can_administer(self) -> bool:
        return self.is_authenticated and self.is_admin

    @property
    def display_name(self) -> str:
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
    display_name = ""

    def get_id(self) -> None:
        return None

    def can_create_event(self) -> bool:
        return False

    def can_administer(self) -> bool:
        return False
