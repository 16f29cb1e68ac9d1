"""Column types shared by the models."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database.

    PostgreSQL keeps ``timestamptz``; SQLite keeps the naive UTC value. Both give back an
    aware datetime in UTC, and naive datetimes are refused on the way in so that no local
    time is ever stored by mistake.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def enum_type(enum_class: type[enum.Enum], length: int = 20, name: str | None = None) -> sa.Enum:
    """Store an enum by its value as VARCHAR with a CHECK constraint (portable, readable).
    Two columns of one table with the same enum need distinct constraint ``name``s."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        name=name or enum_class.__name__.lower(),
    )


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
