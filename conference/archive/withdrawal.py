"""Withdrawing a record: it is taken down but keeps a tombstone at its address."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from conference.archive.enums import RecordState
from conference.archive.models import ArchiveRecord
from conference.core.audit import record as audit
from conference.errors import DomainError
from conference.extensions import db

MAX_REASON = 2000


def withdraw(record: ArchiveRecord, *, reason: str, actor, now: dt.datetime) -> ArchiveRecord:
    """Takes the record down, with a reason readers will see. Its title, authors and identifiers
    stay (its address answers 410 Gone with a tombstone, and the DOI or address is not taken again
    by another record); its files go (they are no longer served, and the stored bytes are
    collected once nothing else refers to them). A withdrawal is final."""
    record.require_manager(actor, _("Only the archive's managers can withdraw this record."))
    if record.is_withdrawn:
        raise DomainError(_("This record was withdrawn already."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the record is withdrawn: readers will see it."), field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_("The reason can have at most %(max)d characters.", max=MAX_REASON), field="reason")
    record.state = RecordState.WITHDRAWN
    record.withdrawn_at = now
    record.withdrawal_reason = reason
    filenames = [stored.filename for stored in record.files]
    record.files.clear()
    db.session.flush()
    audit("archive.record_withdrawn", actor=actor, obj=record, event=record.event, reason=reason, files=filenames)
    return record
