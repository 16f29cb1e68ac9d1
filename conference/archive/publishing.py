"""Publishing an accepted paper of an event's call for papers into the archive.

What the camera-ready phase of the call will call once an author has sent the final version; for
now it publishes the paper file the authors submitted."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.archive.enums import LICENCES, RecordKind, RecordSource
from conference.archive.models import ArchiveFile, ArchiveRecord
from conference.archive.records import RecordDetails, apply_details
from conference.cfp.enums import FileKind, SubmissionState
from conference.cfp.models import Submission
from conference.core.audit import record as audit
from conference.errors import AlreadyExists, DomainError
from conference.extensions import db

PUBLISHABLE = (SubmissionState.ACCEPTED, SubmissionState.CONFIRMED)


def publish_from_submission(submission: Submission, *, actor, licence: str, doi: str = "") -> ArchiveRecord:
    """The accepted (or confirmed) paper as a record of its event: its title, abstract, keywords and
    language, its authors in order with their affiliations (never their addresses), the year of the
    event, and the authors' own paper file (never a copy made for reviewers). Only the event's
    organisers publish, each submission once."""
    event = submission.event
    event.require_manager(actor, _("Only the event's organisers can add records of it to the archive."))
    if submission.state not in PUBLISHABLE:
        raise DomainError(_("Only an accepted paper can be published in the archive."))
    if licence not in LICENCES:
        raise DomainError(_("Choose a licence from the list."), field="licence")
    published = db.session.scalar(sa.select(ArchiveRecord.id).where(ArchiveRecord.submission_id == submission.id))
    if published is not None:
        raise AlreadyExists(_("This paper is in the archive already (record %(id)d).", id=published))
    record = ArchiveRecord(source=RecordSource.EVENT, created_by_id=actor.id, submission_id=submission.id)
    apply_details(record, RecordDetails(
        kind=RecordKind.PAPER, title=submission.title, abstract=submission.abstract, keywords=list(submission.keywords),
        authors=[{"name": a.name, "affiliation": a.affiliation} for a in sorted(submission.authors,
                                                                              key=lambda a: a.position)],
        language=submission.written_in, licence=licence, year=event.start_date.year, doi=doi, event=event,
    ))
    paper = submission.file_of_kind(FileKind.PAPER)
    if paper is not None:
        record.files.append(ArchiveFile(filename=paper.filename, content_type=paper.content_type, size=paper.size,
                                        sha256=paper.sha256, uploaded_by_id=paper.uploaded_by_id))
    db.session.add(record)
    db.session.flush()
    audit("archive.paper_published", actor=actor, obj=record, event=event, title=record.title,
          submission=submission.code)
    return record
