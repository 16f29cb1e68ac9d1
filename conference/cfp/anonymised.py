"""Anonymised copies: organisers give reviewers a copy of a submission's paper or supplement with
the authors' names taken out. Reviewers get it instead of the authors' file; authors never see it."""

from __future__ import annotations

from typing import BinaryIO

from flask_babel import gettext as _

from conference.cfp.enums import FileKind
from conference.cfp.models import Submission, SubmissionFile
from conference.cfp.submissions import is_double_blind, stored_file
from conference.core import files
from conference.core.audit import record
from conference.errors import DomainError
from conference.extensions import db

DEFAULT_MAX_MB = 10
ANONYMISABLE = (FileKind.PAPER, FileKind.SUPPLEMENT)


def attach_anonymised_copy(submission: Submission, *, actor, kind: FileKind | str, filename: str,
                           data: bytes | BinaryIO) -> SubmissionFile:
    """Store an organiser's anonymised copy of the paper or supplement, checked like the authors'
    file (the type's formats and size limit; not its page limit, which is the authors' to keep).
    It replaces an earlier copy of the same kind; the uploaded name is kept for organisers only,
    downloads by reviewers get a neutral name and, in a double-blind event, no document metadata."""
    submission.event.require_manager(actor, _("Only the event's organisers can upload an anonymised copy."))
    file_kind = _anonymisable_kind(kind)
    if not data and not filename:
        raise DomainError(_("Choose the file to upload."), field="file")
    submission_type = submission.type
    accepted = submission_type.accepted_file_types if submission_type else ["pdf"]
    max_mb = submission_type.max_file_size_mb if submission_type else DEFAULT_MAX_MB
    received = files.receive(filename, data, accepted=accepted, max_mb=max_mb, field="file",
                             copy_without_metadata=is_double_blind(submission.event))
    for old in [f for f in submission.files if f.kind == file_kind and f.question_id is None and f.for_reviewers]:
        submission.files.remove(old)
    stored = stored_file(submission, received, kind=file_kind, question_id=None, uploaded_by=actor,
                         for_reviewers=True)
    submission.files.append(stored)
    db.session.flush()
    record("review.anonymised_copy_uploaded", actor=actor, obj=submission, event=submission.event,
           code=submission.code, kind=file_kind.value, sha256=received.sha256)
    return stored


def _anonymisable_kind(kind: FileKind | str) -> FileKind:
    """The kind of file an anonymised copy may replace (a form sends its value)."""
    for file_kind in ANONYMISABLE:
        if kind == file_kind.value:  # a FileKind is a str equal to its value
            return file_kind
    raise DomainError(_("Choose the paper or the supplementary file."), field="kind")
