"""What the call for papers holds about a person: the submissions they submitted or co-author,
with the answers and files as their authors see them, for the export and for erasure (see
conference.core.personal_data).

Erasure keeps the papers: a submitted paper belongs to all its authors and to the event's
record (its reviews, its decision, the programme), so only the person is taken out of it: their
line in the author list names no one, and the answers asked of them as an author go. Drafts
they started, which nobody else has seen, go entirely."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from conference.cfp.enums import SubmissionState
from conference.cfp.models import Answer, Submission, SubmissionAuthor
from conference.core.personal_data import Person, iso, not_over_since, scrub
from conference.events.models import Event
from conference.extensions import db

TABLES = ("submission", "submission_author", "answer", "submission_file")
BINDING_STATES = (SubmissionState.ACCEPTED, SubmissionState.CONFIRMED)


def _author_rows(user, email: str | None) -> list[SubmissionAuthor]:
    match = SubmissionAuthor.user_id == user.id
    if email:
        match = sa.or_(match, SubmissionAuthor.email == email)
    return list(db.session.scalars(sa.select(SubmissionAuthor).where(match)))


def _submissions(user, email: str | None) -> list[Submission]:
    ids = {row.submission_id for row in _author_rows(user, email)}
    return list(db.session.scalars(
        sa.select(Submission).where(sa.or_(Submission.submitter_id == user.id, Submission.id.in_(ids)))
        .options(joinedload(Submission.event), joinedload(Submission.type), joinedload(Submission.track),
                 selectinload(Submission.authors), selectinload(Submission.answers).joinedload(Answer.question),
                 selectinload(Submission.files))
        .order_by(Submission.id)))


def _exported(submission: Submission, user, email: str | None) -> dict:
    own = {a.id for a in submission.authors if a.user_id == user.id or (email and a.email == email)}
    return {
        "code": submission.code, "event": submission.event.slug, "title": submission.title,
        "abstract": submission.abstract, "language": submission.language,
        "translations": dict(submission.translations or {}), "state": submission.state.value,
        "keywords": list(submission.keywords or []),
        "type": submission.type.name if submission.type else None,
        "track": submission.track.name if submission.track else None,
        "you_submitted": submission.submitter_id == user.id,
        "created_at": iso(submission.created_at), "submitted_at": iso(submission.submitted_at),
        # Authors see their co-authors' names on the submission's page: the same, no addresses.
        "authors": [{"name": a.name, "affiliation": a.affiliation, "is_you": a.id in own,
                     "is_presenter": a.is_presenter} for a in submission.authors],
        "answers": [{"question": a.question.label, "value": a.value, "about_you": a.author_id is not None}
                    for a in submission.answers if a.author_id is None or a.author_id in own],
        "files": [{"kind": f.kind.value, "filename": f.filename, "size": f.size, "sha256": f.sha256,
                   "uploaded_at": iso(f.uploaded_at)} for f in submission.files if not f.for_reviewers],
    }


def export(user) -> dict:
    email = user.email if user.is_verified else None
    return {"submissions": [_exported(s, user, email) for s in _submissions(user, email)]}


def erase(user, *, person: Person, actor, now: dt.datetime) -> None:
    for submission in _submissions(user, person.owned_email):
        if submission.state == SubmissionState.DRAFT and submission.submitter_id == user.id:
            db.session.delete(submission)
            continue
        for author in submission.authors:
            if author.user_id == user.id or (person.verified and author.email == person.email):
                author.name, author.email, author.affiliation = person.label, person.placeholder, ""
                for answer in [a for a in submission.answers if a.author_id == author.id]:
                    submission.answers.remove(answer)
        submission.title, submission.abstract = scrub(submission.title, person), scrub(submission.abstract, person)
        submission.translations = scrub(dict(submission.translations or {}), person)
    db.session.flush()


def binds(user, *, now: dt.datetime) -> list[str]:
    submissions = [s for s in _submissions(user, user.email if user.is_verified else None)
                   if s.state in BINDING_STATES]
    upcoming = db.session.scalars(sa.select(Event.id).where(Event.end_date >= not_over_since(now),
                                                            Event.id.in_([s.event_id for s in submissions])))
    open_ids = set(upcoming)
    return [_("Your submission %(code)s is accepted for %(event)s: withdraw it first, or ask its organisers.",
              code=s.code, event=s.event.title) for s in submissions if s.event_id in open_ids]
