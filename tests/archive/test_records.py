"""Adding, editing and withdrawing records; the same DOI or address never kept twice."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from conference.archive import records, withdrawal
from conference.archive.enums import RecordSource, RecordState
from conference.archive.identifiers import normalise_doi, normalise_url
from conference.archive.models import ArchiveRecord, may_manage_archive
from conference.core.files import Upload
from conference.core.models import AuditEntry
from conference.errors import AlreadyExists, DomainError, NotAllowed

from .. import factories
from ..pdfs import make_pdf
from .builders import details, make_record, make_resource

NOW = dt.datetime(2027, 1, 15, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("typed", "stored"), [
    ("10.1234/ABC.def", "10.1234/abc.def"),
    ("https://doi.org/10.1234/Abc", "10.1234/abc"),
    ("  doi:10.1234/x(1)  ", "10.1234/x(1)"),
    ("http://dx.doi.org/10.12345/ABC", "10.12345/abc"),
    ("", None),
])
def test_doi_normalised(typed, stored):
    assert normalise_doi(typed) == stored


@pytest.mark.parametrize("typed", ["11.1234/abc", "10.12/abc", "10.1234/", "10.1234/a b", "https://example.org/x"])
def test_doi_not_a_doi_refused_on_its_field(typed, app):
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        normalise_doi(typed)
    assert refused.value.field == "doi"


def test_url_normalised_scheme_and_host_lower_case_fragment_dropped(app):
    with app.test_request_context():
        assert normalise_url("HTTPS://Example.ORG/Reports/A?x=1#top") == "https://example.org/Reports/A?x=1"
        assert normalise_url("https://example.org") == "https://example.org/"
        with pytest.raises(DomainError) as refused:
            normalise_url("ftp://example.org/x")
    assert refused.value.field == "url"


def test_add_record_of_event_by_organiser_with_audit(db, event, organiser):
    record = make_record(event, organiser, doi="https://doi.org/10.1234/Paper.1")
    assert (record.source, record.state, record.event_id, record.doi) == (
        RecordSource.EVENT, RecordState.PUBLISHED, event.id, "10.1234/paper.1")
    assert record.title == "Water & sanitation: 50% of $costs_{rural}"
    assert record.author_names == ["Ada Lovelace", "Alan Turing"]
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "ArchiveRecord")).one()
    assert (entry.action, entry.object_id, entry.event_id) == ("archive.record_added", record.id, event.id)


def test_add_record_by_organiser_of_another_event_refused(db, event):
    other = factories.make_user(may_create_events=True)
    with pytest.raises(NotAllowed):
        make_record(event, other)


def test_duplicate_doi_refused_with_clear_message_however_typed(db, event, organiser):
    first = make_record(event, organiser, doi="10.1234/same")
    with pytest.raises(AlreadyExists) as refused:
        make_resource(organiser, event=event, doi="https://doi.org/10.1234/SAME")
    assert refused.value.field == "doi"
    assert refused.value.message == f"This DOI is already in the archive, as “{first.title}” (record {first.id})."


def test_duplicate_url_refused_with_clear_message(db, event, organiser):
    first = make_resource(organiser, event=event, doi="", url="https://example.org/brief")
    with pytest.raises(AlreadyExists) as refused:
        make_resource(organiser, event=event, doi="", url="HTTPS://EXAMPLE.org/brief#summary")
    assert refused.value.field == "url"
    assert f"(record {first.id})" in refused.value.message


def test_database_refuses_duplicate_doi_even_without_the_operation(db, event, organiser):
    record = make_record(event, organiser, doi="10.1234/twice")
    copy = ArchiveRecord(kind=record.kind, title="Copy", authors=record.authors, language="en", licence="CC0-1.0",
                         source=RecordSource.EVENT, event_id=event.id, year=2026, doi="10.1234/twice")
    db.session.add(copy)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_edit_keeps_own_doi_and_changes_fields(db, event, organiser):
    record = make_record(event, organiser, doi="10.1234/mine")
    records.edit_record(record, details=details(event=event, doi="10.1234/MINE", title="New title"), actor=organiser)
    assert (record.title, record.doi) == ("New title", "10.1234/mine")


def test_external_resource_needs_doi_or_url(db, event, organiser):
    with pytest.raises(DomainError) as refused:
        make_resource(organiser, event=event, doi="", url="")
    assert refused.value.field == "doi"


def test_external_resource_without_event_only_by_admin(db, organiser):
    with pytest.raises(DomainError) as refused:
        make_resource(organiser)
    assert refused.value.field == "event_id"
    admin = factories.make_user(is_admin=True)
    record = make_resource(admin, publisher="UNDP")
    assert (record.source, record.event, record.publisher) == (RecordSource.EXTERNAL, None, "UNDP")


@pytest.mark.parametrize(("field", "overrides"), [
    ("title", {"title": "   "}),
    ("authors", {"authors": [{"name": "  ", "affiliation": "x"}]}),
    ("licence", {"licence": "GPL-3.0"}),
    ("language", {"language": "english"}),
    ("language", {"language": "qq"}),
    ("year", {"year": 99999}),
])
def test_bad_details_refused_next_to_their_field(db, event, organiser, field, overrides):
    with pytest.raises(DomainError) as refused:
        make_record(event, organiser, **overrides)
    assert refused.value.field == field


def test_withdraw_keeps_tombstone_drops_files(db, event, organiser, store):
    record = make_record(event, organiser)
    records.attach_file(record, upload=Upload("paper.pdf", io.BytesIO(make_pdf("Water"))), actor=organiser)
    assert [f.filename for f in record.files] == ["paper.pdf"]
    withdrawal.withdraw(record, reason="Published without consent.", actor=organiser, now=NOW)
    assert (record.state, record.withdrawn_at, record.withdrawal_reason, record.files) == (
        RecordState.WITHDRAWN, NOW, "Published without consent.", [])
    with pytest.raises(DomainError):
        withdrawal.withdraw(record, reason="Again", actor=organiser, now=NOW)
    with pytest.raises(DomainError):
        records.edit_record(record, details=details(event=event), actor=organiser)


def test_withdraw_needs_a_reason_and_a_manager(db, event, organiser):
    record = make_record(event, organiser)
    with pytest.raises(DomainError) as refused:
        withdrawal.withdraw(record, reason="  ", actor=organiser, now=NOW)
    assert refused.value.field == "reason"
    with pytest.raises(NotAllowed):
        withdrawal.withdraw(record, reason="Mine", actor=factories.make_user(), now=NOW)
    with pytest.raises(NotAllowed):
        withdrawal.withdraw(record, reason="Mine", actor=None, now=NOW)


def test_permissions_admin_organiser_stranger(db, event, organiser):
    record = make_record(event, organiser)
    admin, stranger = factories.make_user(is_admin=True), factories.make_user()
    assert (record.can_manage(admin), record.can_manage(organiser), record.can_manage(stranger)) == (True, True, False)
    assert (may_manage_archive(admin), may_manage_archive(organiser), may_manage_archive(stranger)) == (
        True, True, False)
