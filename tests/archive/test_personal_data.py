"""What the archive holds about a person: exported, and forgotten on erasure (the records stay)."""

from __future__ import annotations

import datetime as dt
import io

from conference.archive import personal_data, records
from conference.core.files import Upload
from conference.core.personal_data import Person

from ..pdfs import make_pdf
from .builders import make_record

NOW = dt.datetime(2027, 1, 15, 10, 0, tzinfo=dt.UTC)


def test_export_lists_records_added_and_files_uploaded(db, event, organiser, store):
    record = make_record(event, organiser)
    records.attach_file(record, upload=Upload("paper.pdf", io.BytesIO(make_pdf("Water"))), actor=organiser)
    exported = personal_data.export(organiser)
    assert [(r["record"], r["title"]) for r in exported["archive_records_added"]] == [(record.id, record.title)]
    assert [(f["record"], f["filename"]) for f in exported["archive_files_uploaded"]] == [(record.id, "paper.pdf")]


def test_erasure_keeps_records_without_who_added_them(db, event, organiser, store):
    record = make_record(event, organiser)
    stored = records.attach_file(record, upload=Upload("paper.pdf", io.BytesIO(make_pdf("Water"))), actor=organiser)
    person = Person(id=organiser.id, email=organiser.email, name=organiser.name, verified=True)
    personal_data.erase(organiser, person=person, actor=None, now=NOW)
    db.session.expire_all()
    assert (record.created_by_id, stored.uploaded_by_id, record.title) == (None, None, record.title)
    assert personal_data.export(organiser) == {"archive_records_added": [], "archive_files_uploaded": []}
