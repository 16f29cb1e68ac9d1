"""The archive's read side: the public index and the organisers' list, each a fixed number of
queries (a record's event is joined, its files and themes loaded in one query each per page)."""

from __future__ import annotations

import sqlalchemy as sa

from conference.archive.enums import RecordState
from conference.archive.models import ArchiveRecord, Theme, managed_event_ids
from conference.extensions import db

PAGE_SIZE = 20


def published_records() -> sa.Select:
    """Published records, the latest first."""
    return (sa.select(ArchiveRecord).where(ArchiveRecord.state == RecordState.PUBLISHED)
            .order_by(ArchiveRecord.year.desc(), ArchiveRecord.id.desc()))


def managed_records(user) -> sa.Select:
    """Every record ``user`` manages (site administrators: all), withdrawn ones included, the
    latest added first."""
    query = sa.select(ArchiveRecord).order_by(ArchiveRecord.id.desc())
    if not user.can_administer():
        query = query.where(ArchiveRecord.event_id.in_(managed_event_ids(user)))
    return query


def all_themes() -> list[Theme]:
    return list(db.session.scalars(sa.select(Theme).order_by(Theme.name)))
