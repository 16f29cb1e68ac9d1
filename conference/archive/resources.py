"""Adding an external resource (a policy brief, report or paper published elsewhere) by its DOI
or address, with the metadata the organiser types, its source, licence and link."""

from __future__ import annotations

from flask_babel import gettext as _

from conference.archive.enums import RecordSource
from conference.archive.models import ArchiveRecord
from conference.archive.records import RecordDetails, apply_details, attach_file
from conference.core import files
from conference.core.audit import record as audit
from conference.errors import DomainError, NotAllowed
from conference.extensions import db


def add_resource(*, details: RecordDetails, actor, upload: files.Upload | None = None) -> ArchiveRecord:
    """A resource kept by its DOI or address (at least one of them: that is what makes it findable
    and never stored twice). Site administrators add any; an organiser adds one to an event they
    manage (say, a report presented there)."""
    if actor is None or not actor.is_authenticated:
        raise NotAllowed(_("Only the archive's managers can add resources."))
    if details.event is None and not actor.can_administer():
        raise DomainError(_("Choose the event the record belongs to."), field="event_id")
    if details.event is not None:
        details.event.require_manager(actor, _("Only the event's organisers can add records of it to the archive."))
    if not details.doi.strip() and not details.url.strip():
        raise DomainError(_("Give the resource's DOI or its web address."), field="doi")
    record = ArchiveRecord(source=RecordSource.EXTERNAL, created_by_id=actor.id)
    apply_details(record, details)
    db.session.add(record)
    db.session.flush()
    audit("archive.resource_added", actor=actor, obj=record, event=record.event, title=record.title,
          doi=record.doi, url=record.url)
    if upload is not None:
        attach_file(record, upload=upload, actor=actor)
    return record
