"""Publishing an accepted paper of the call for papers into the archive."""

from __future__ import annotations

import pytest

from conference.archive.enums import RecordSource
from conference.archive.publishing import publish_from_submission
from conference.cfp.enums import FileKind, SubmissionState
from conference.cfp.models import SubmissionFile
from conference.core import files
from conference.core.types import utcnow
from conference.errors import AlreadyExists, DomainError, NotAllowed
from conference.extensions import db as _db

from .. import factories
from ..cfp.builders import make_call, submitted_talk
from ..pdfs import make_pdf


@pytest.fixture
def accepted(db, store):
    call = make_call()
    author = factories.make_user(name="Anna Author")
    submission = submitted_talk(call, author)
    submission.authors[0].affiliation = "Statistics Norway"
    received = files.receive("final.pdf", make_pdf("Final"), accepted=["pdf"], max_mb=5, field="paper")
    for kind, for_reviewers, name in ((FileKind.PAPER, False, "final.pdf"), (FileKind.PAPER, True, "anon.pdf")):
        submission.files.append(SubmissionFile(kind=kind, filename=name, content_type="application/pdf",
                                               size=received.size, sha256=received.sha256, for_reviewers=for_reviewers))
    # As the decision's release and the author's confirmation leave it.
    submission.state, submission.confirmed_at = SubmissionState.CONFIRMED, utcnow()
    _db.session.flush()
    return call, submission


def test_accepted_paper_published_with_its_authors_and_their_file(accepted):
    call, submission = accepted
    record = publish_from_submission(submission, actor=call.organiser, licence="CC-BY-4.0", doi="10.1234/Final")
    assert (record.source, record.event, record.submission_id, record.doi) == (
        RecordSource.EVENT, call.event, submission.id, "10.1234/final")
    assert (record.title, record.abstract, record.keywords) == (submission.title, submission.abstract,
                                                                submission.keywords)
    assert record.authors == [{"name": "Anna Author", "affiliation": "Statistics Norway"}]
    assert record.year == call.event.start_date.year
    assert [f.filename for f in record.files] == ["final.pdf"]  # the authors' file, not the reviewers' copy
    with pytest.raises(AlreadyExists):
        publish_from_submission(submission, actor=call.organiser, licence="CC-BY-4.0")


def test_only_accepted_papers_by_organisers(accepted):
    call, submission = accepted
    with pytest.raises(NotAllowed):
        publish_from_submission(submission, actor=factories.make_user(), licence="CC-BY-4.0")
    submission.state = SubmissionState.SUBMITTED
    with pytest.raises(DomainError) as refused:
        publish_from_submission(submission, actor=call.organiser, licence="CC-BY-4.0")
    assert refused.value.message == "Only an accepted paper can be published in the archive."
