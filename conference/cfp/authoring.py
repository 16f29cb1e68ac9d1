"""The author's side of the call in whole steps: one form sends content, files and perhaps
"submit" at once, and the request must do all of it or nothing. Built on the operations of
:mod:`.submissions`; also what the author's pages need to know (is the call open, what can
this person do next with a submission)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.accounts.models import User
from conference.cfp.enums import FileKind, SubmissionState
from conference.cfp.models import CallForPapers, Question, Submission, SubmissionType
from conference.cfp.submissions import (
    attach_file,
    completeness_errors,
    create_draft,
    is_double_blind,
    submit,
    update_submission,
    window_problems,
)
from conference.core.files import Upload
from conference.core.types import utcnow
from conference.errors import DomainError, ValidationFailed
from conference.events.models import Event
from conference.extensions import db
from conference.i18n import format_datetime

FILE_FIELDS = {"paper": FileKind.PAPER, "supplement": FileKind.SUPPLEMENT}


def start_submission(event: Event, *, actor: User, form_nonce: str | None, content: dict,
                     own_answers: dict | None = None, uploads: dict[str, Upload] | None = None,
                     submit_now: bool = False, access_code: str | None = None,
                     now: dt.datetime | None = None) -> tuple[Submission, bool]:
    """Create a submission from the "new submission" form, and submit it when asked.

    The same form sent twice (a double click, a reload) gives back the submission the first
    one created, unchanged, with ``created`` False. ``own_answers`` are the submitter's
    answers to per-author questions, keyed by question id; their errors come back under
    ``q_<id>_self``, since the form was shown before the author row existed.
    """
    now = now or utcnow()
    if form_nonce:
        existing = db.session.scalar(
            sa.select(Submission).where(Submission.submitter_id == actor.id, Submission.form_nonce == form_nonce))
        if existing is not None:
            return existing, False
    submission = create_draft(event, actor=actor, form_nonce=form_nonce, access_code=access_code, now=now,
                              then_submit=submit_now, **content)
    errors: dict[str, str] = {}
    own = {qid: raw for qid, raw in (own_answers or {}).items()}
    if own:
        me = submission.authors[0]
        try:
            update_submission(submission, actor=actor, now=now, **content,
                              author_answers={(me.id, qid): raw for qid, raw in own.items()})
        except ValidationFailed as error:
            suffix = f"_a{me.id}"
            errors.update({(k[:-len(suffix)] + "_self" if k.endswith(suffix) else k): v
                           for k, v in error.errors.items()})
    errors.update(_attach_all(submission, actor=actor, uploads=uploads, now=now))
    _finish(submission, errors, actor=actor, submit_now=submit_now, access_code=access_code, now=now)
    return submission, True


def save_submission(submission: Submission, *, actor, content: dict, uploads: dict[str, Upload] | None = None,
                    submit_now: bool = False, access_code: str | None = None, now: dt.datetime | None = None) -> None:
    """Save the edit form: content and files together, then submit a draft when asked.

    Every field's problem is reported at once. A submitted submission takes its new files
    first, so that it is judged complete with them; a draft takes its content first, since
    its (perhaps new) type decides which files are accepted.
    """
    now = now or utcnow()
    errors: dict[str, str] = {}

    def save_content():
        try:
            update_submission(submission, actor=actor, now=now, **content)
        except ValidationFailed as error:
            errors.update({k: v for k, v in error.errors.items() if k not in errors})

    if submission.state == SubmissionState.DRAFT:
        save_content()
        errors.update(_attach_all(submission, actor=actor, uploads=uploads, now=now))
    else:
        errors.update(_attach_all(submission, actor=actor, uploads=uploads, now=now))
        save_content()
    _finish(submission, errors, actor=actor, submit_now=submit_now, access_code=access_code, now=now)


def _finish(submission: Submission, errors: dict[str, str], *, actor, submit_now: bool, access_code: str | None,
            now: dt.datetime) -> None:
    """Refuse with every problem found (and, for "submit", everything still missing and what the
    call's window or the access code says), or submit."""
    if errors:
        if submit_now:
            found = {**window_problems(submission, access_code=access_code, now=now),
                     **completeness_errors(submission)}
            errors.update({k: v for k, v in found.items() if k not in errors})
        raise ValidationFailed(errors)
    if submit_now:
        submit(submission, actor=actor, access_code=access_code, now=now)


def _attach_all(submission: Submission, *, actor, uploads: dict[str, Upload] | None,
                now: dt.datetime) -> dict[str, str]:
    """Store each upload; the problems found, by field."""
    errors: dict[str, str] = {}
    for field, upload in (uploads or {}).items():
        question = None
        if field not in FILE_FIELDS:
            question = db.session.get(Question, int(field.removeprefix("q_")))
            if question is None or question.event_id != submission.event_id:
                errors[field] = _("This question does not take a file.")
                continue
        try:
            attach_file(submission, actor=actor, kind=FILE_FIELDS.get(field, FileKind.ANSWER), filename=upload.filename,
                        data=upload.stream, question=question, now=now)
        except ValidationFailed as error:
            errors.update(error.errors)
        except DomainError as error:
            if error.field is None:
                raise
            errors[error.field] = error.message
    return errors


# What the author's pages need to know -----------------------------------------------------------

def file_warnings(submission: Submission) -> list[str]:
    """In a double-blind event, what the authors should know about the files reviewers get (the
    paper and supplement, unless the organisers gave reviewers an anonymised copy): a PDF whose
    document metadata or first page names one of them, as found when it was uploaded. A warning,
    not a refusal: reviewers get a copy without the metadata, but see the pages as they are."""
    if not is_double_blind(submission.event):
        return []
    warnings = []
    for kind in FILE_FIELDS.values():
        stored = submission.file_of_kind(kind)
        if stored is None or submission.reviewer_file_of_kind(kind) is not stored:
            continue
        if stored.names_on_first_page:
            warnings.append(_("The first page of %(file)s seems to name an author. Reviewers of this double-blind "
                              "event see the pages as they are: upload a version without the authors' names.",
                              file=stored.filename))
        if stored.names_in_metadata:
            warnings.append(_("The document properties of %(file)s (author, title or other metadata) name an author. "
                              "Reviewers get a copy without them, but remove them from your file too before you "
                              "share it elsewhere.", file=stored.filename))
    return warnings


def call_state(call: CallForPapers, types: list[SubmissionType], now: dt.datetime) -> str:
    """"not_open", "open" or "closed". A type with a later deadline of its own keeps the call open."""
    if not call.has_opened(now):
        return "not_open"
    if now < call.deadline or any(t.deadline is not None and now < t.deadline for t in types):
        return "open"
    return "closed"


def read_only_reason(submission: Submission, user, now: dt.datetime) -> str | None:
    """Why ``user`` (who may see it) cannot change the submission now; None when they can."""
    if submission.can_edit(user, now):
        return None
    if submission.state == SubmissionState.WITHDRAWN:
        return _("This submission was withdrawn and can no longer be changed.")
    if not submission.is_submitter(user):
        return _("Only the person who submitted this can change it.")
    return _("Changes were possible until %(when)s. The submission can no longer be edited.",
             when=format_datetime(submission.edit_deadline()))


@dataclass(frozen=True)
class NextStep:
    """What an author can do next: ``key`` names the situation, ``when`` its deadline."""

    key: str  # submit_by | closed | waiting_for_submitter | edit_until | read_only | withdrawn
    when: dt.datetime | None = None


def next_step(submission: Submission, user, now: dt.datetime) -> NextStep:
    if submission.state == SubmissionState.WITHDRAWN:
        return NextStep("withdrawn")
    if submission.state == SubmissionState.DRAFT:
        if not submission.is_submitter(user):
            return NextStep("waiting_for_submitter")
        deadline = submission.submission_deadline()
        if deadline is not None and now >= deadline:
            return NextStep("closed", deadline)
        return NextStep("submit_by", deadline)
    if submission.can_edit(user, now):
        return NextStep("edit_until", submission.edit_deadline())
    return NextStep("read_only")


def can_delete(submission: Submission, user) -> bool:
    """Only the submitter's own drafts can be deleted (the domain's delete_draft enforces it)."""
    return submission.is_submitter(user) and submission.state == SubmissionState.DRAFT


def can_submit(submission: Submission | None, user) -> bool:
    """Only the submitter submits their draft (a new one is theirs); the domain's submit enforces it."""
    return submission is None or (submission.state == SubmissionState.DRAFT and submission.is_submitter(user))
