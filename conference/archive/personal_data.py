"""What the archive holds about a person (the records they added, the files they uploaded), for
the export and for erasure (see conference.core.personal_data).

Authors' names in a record are the published work's own metadata (its citation), typed by the
organisers rather than taken from an account: erasing an account leaves them. An author who wants
a record taken down asks its organisers, who withdraw it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from conference.archive.models import ArchiveFile, ArchiveRecord
from conference.core.personal_data import Person, iso
from conference.extensions import db

TABLES = ("archive_record", "archive_file")


def export(user) -> dict:
    added = db.session.scalars(sa.select(ArchiveRecord).where(ArchiveRecord.created_by_id == user.id)
                               .order_by(ArchiveRecord.id))
    uploaded = db.session.scalars(sa.select(ArchiveFile).where(ArchiveFile.uploaded_by_id == user.id)
                                  .order_by(ArchiveFile.id))
    return {
        "archive_records_added": [{"record": r.id, "title": r.title, "added_at": iso(r.created_at)} for r in added],
        "archive_files_uploaded": [{"record": f.record_id, "filename": f.filename, "uploaded_at": iso(f.uploaded_at)}
                                   for f in uploaded],
    }


def erase(user, *, person: Person, actor, now: dt.datetime) -> None:
    """The records and files stay (they are the archive's); they no longer say who added them."""
    db.session.execute(sa.update(ArchiveRecord).where(ArchiveRecord.created_by_id == user.id)
                       .values(created_by_id=None).execution_options(synchronize_session="fetch"))
    db.session.execute(sa.update(ArchiveFile).where(ArchiveFile.uploaded_by_id == user.id)
                       .values(uploaded_by_id=None).execution_options(synchronize_session="fetch"))
