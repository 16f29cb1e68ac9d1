"""Adding and editing the archive's records, and their files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import sqlalchemy as sa
from babel import Locale, UnknownLocaleError
from flask_babel import gettext as _

from conference.archive.enums import LICENCES, RecordKind, RecordSource
from conference.archive.identifiers import normalise_doi, normalise_url
from conference.archive.models import ArchiveFile, ArchiveRecord, Theme
from conference.core import files
from conference.core.audit import record as audit
from conference.errors import AlreadyExists, DomainError, NotAllowed
from conference.events.models import Event
from conference.extensions import db

ACCEPTED_FORMATS = ["pdf", "docx", "odt", "pptx", "odp", "zip"]
MAX_FILE_MB = 50
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")


@dataclasses.dataclass
class RecordDetails:
    """What organisers type about a record (the form's fields, already read)."""

    kind: RecordKind
    title: str
    authors: list[dict[str, str]]  # in order, each {"name": ..., "affiliation": ...}
    language: str
    licence: str
    year: int
    abstract: str = ""
    keywords: list[str] = dataclasses.field(default_factory=list)
    doi: str = ""
    url: str = ""
    publisher: str = ""
    published_on: dt.date | None = None
    theme_ids: list[int] = dataclasses.field(default_factory=list)
    event: Event | None = None


def add_record(*, details: RecordDetails, actor, upload: files.Upload | None = None) -> ArchiveRecord:
    """A record of a paper or resource of one of this site's events: its organisers (and site
    administrators) add it."""
    if details.event is None:
        raise DomainError(_("Choose the event the record belongs to."), field="event_id")
    details.event.require_manager(actor, _("Only the event's organisers can add records of it to the archive."))
    record = ArchiveRecord(source=RecordSource.EVENT, created_by_id=actor.id)
    apply_details(record, details)
    db.session.add(record)
    db.session.flush()
    audit("archive.record_added", actor=actor, obj=record, event=record.event, title=record.title)
    if upload is not None:
        attach_file(record, upload=upload, actor=actor)
    return record


def edit_record(record: ArchiveRecord, *, details: RecordDetails, actor,
                upload: files.Upload | None = None) -> ArchiveRecord:
    """Changes a published record's metadata (a withdrawn one stays as it was taken down). Its
    event may change only to another the actor manages."""
    record.require_manager(actor, _("Only the archive's managers can change this record."))
    if record.is_withdrawn:
        raise DomainError(_("This record was withdrawn; it can no longer be changed."))
    if details.event is not None and details.event is not record.event and not details.event.can_manage(actor):
        raise NotAllowed(_("Only the event's organisers can add records of it to the archive."))
    apply_details(record, details)
    db.session.flush()
    audit("archive.record_edited", actor=actor, obj=record, event=record.event, title=record.title)
    if upload is not None:
        attach_file(record, upload=upload, actor=actor)
    return record


def apply_details(record: ArchiveRecord, details: RecordDetails) -> None:
    """Checks ``details`` and sets them on ``record``: a title, at least one author, a known
    licence, a language code, a DOI and address that are well-formed and not kept by another
    record (the same resource is never stored twice)."""
    title = " ".join(details.title.split())
    if not title:
        raise DomainError(_("Give the title."), field="title")
    authors = [{"name": " ".join(a.get("name", "").split()), "affiliation": " ".join(a.get("affiliation", "").split())}
               for a in details.authors]
    authors = [a for a in authors if a["name"]]
    if not authors:
        raise DomainError(_("Give at least one author, one per line."), field="authors")
    if details.licence not in LICENCES:
        raise DomainError(_("Choose a licence from the list."), field="licence")
    if not _LANGUAGE.fullmatch(details.language) or not _known_language(details.language):
        raise DomainError(_("Give the language as a code such as en, fr or es."), field="language")
    if not 1000 <= details.year <= 9999:
        raise DomainError(_("Give the year as four digits."), field="year")
    doi, url = normalise_doi(details.doi), normalise_url(details.url)
    refuse_duplicates(record, doi=doi, url=url)
    record.kind, record.title, record.authors = details.kind, title, authors
    record.abstract, record.keywords = details.abstract.strip(), list(details.keywords)
    record.language, record.licence, record.doi, record.url = details.language, details.licence, doi, url
    record.publisher = " ".join(details.publisher.split())
    record.year, record.published_on = details.year, details.published_on
    if details.event is not None:
        record.event = details.event
    record.themes = list(db.session.scalars(sa.select(Theme).where(Theme.id.in_(details.theme_ids)))) \
        if details.theme_ids else []


def _known_language(code: str) -> bool:
    try:
        Locale.parse(code, sep="-")
    except (ValueError, UnknownLocaleError):
        return False
    return True


def refuse_duplicates(record: ArchiveRecord, *, doi: str | None, url: str | None) -> None:
    """AlreadyExists, next to the field, when another record has this DOI or address (the
    database's unique constraints are the last guard)."""
    for field, column, value in (("doi", ArchiveRecord.doi, doi), ("url", ArchiveRecord.url, url)):
        if value is None:
            continue
        query = sa.select(ArchiveRecord.id, ArchiveRecord.title).where(column == value)
        if record.id is not None:
            query = query.where(ArchiveRecord.id != record.id)
        found = db.session.execute(query).first()
        if found is None:
            continue
        if field == "doi":
            message = _("This DOI is already in the archive, as “%(title)s” (record %(id)d).", title=found.title,
                        id=found.id)
        else:
            message = _("This address is already in the archive, as “%(title)s” (record %(id)d).",
                        title=found.title, id=found.id)
        raise AlreadyExists(message, field=field)


def attach_file(record: ArchiveRecord, *, upload: files.Upload, actor) -> ArchiveFile:
    """Stores ``upload`` (a document: PDF, word-processor, slides or ZIP) as one of the record's files."""
    record.require_manager(actor, _("Only the archive's managers can change this record."))
    if record.is_withdrawn:
        raise DomainError(_("This record was withdrawn; it can no longer be changed."))
    received = files.receive(upload.filename, upload.stream, accepted=ACCEPTED_FORMATS, max_mb=MAX_FILE_MB,
                             field="file")
    stored = ArchiveFile(filename=received.filename, content_type=received.format.content_type,
                         size=received.size, sha256=received.sha256, uploaded_by_id=actor.id)
    record.files.append(stored)
    db.session.flush()
    audit("archive.file_added", actor=actor, obj=record, event=record.event, filename=stored.filename)
    return stored


def stored_file_digests() -> list[str]:
    """Every digest the archive's files refer to (for the collection of unreferenced files)."""
    return list(db.session.scalars(sa.select(ArchiveFile.sha256).distinct()))
