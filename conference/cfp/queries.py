"""What the organisers read about a call for papers: the submissions filtered and sorted, the
counts per state, one submission with its answers and audit trail, the setup lists with how
much each item is used, and the CSV export. Every function runs a fixed number of SQL
statements whatever the number of submissions."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import contains_eager, selectinload

from conference.cfp.enums import FileKind, QuestionTarget, SubmissionState
from conference.cfp.models import (
    AccessCode,
    Answer,
    Question,
    Submission,
    SubmissionAuthor,
    SubmissionFile,
    SubmissionType,
)
from conference.core.csv_files import safe_cell
from conference.core.enums import QuestionKind
from conference.core.models import AuditEntry
from conference.core.questions import answer_text
from conference.events.models import Event, Track
from conference.extensions import db
from conference.i18n import format_datetime
from conference.web.page_values import Standing

SORT_KEYS = ("code", "title", "submitted", "state", "type", "track")


@dataclass(frozen=True)
class SubmissionFilter:
    """What the organiser asked to see. Empty values mean "any"."""

    state: SubmissionState | None = None
    type_id: int | None = None
    track_id: int | None = None
    keyword: str = ""
    text: str = ""
    sort: str = "code"
    descending: bool = False


def _sort_columns(sort: str, descending: bool) -> list:
    column = {
        "code": Submission.code,
        "title": sa.func.lower(Submission.title),
        "submitted": Submission.submitted_at,
        "state": Submission.state,
        "type": sa.func.lower(SubmissionType.name),
        "track": sa.func.lower(Track.name),
    }.get(sort, Submission.code)
    # Missing values (a draft's submission time, no track) go last both ways; the code breaks ties.
    ordered = column.desc() if descending else column.asc()
    return [ordered.nulls_last(), Submission.code.desc() if descending else Submission.code.asc()]


def list_submissions(event: Event, filters: SubmissionFilter = SubmissionFilter(), *,
                     with_answers: bool = False) -> list[Submission]:
    """The event's submissions matching ``filters``, sorted, with their authors, type and track
    loaded (and their answers and files, ``with_answers``, for the export)."""
    stmt = (
        sa.select(Submission)
        .where(Submission.event_id == event.id)
        .outerjoin(Submission.type)
        .outerjoin(Submission.track)
        .options(contains_eager(Submission.type), contains_eager(Submission.track), selectinload(Submission.authors))
        .order_by(*_sort_columns(filters.sort, filters.descending))
    )
    if with_answers:
        stmt = stmt.options(selectinload(Submission.answers), selectinload(Submission.files))
    if filters.state is not None:
        stmt = stmt.where(Submission.state == filters.state)
    if filters.type_id is not None:
        stmt = stmt.where(Submission.type_id == filters.type_id)
    if filters.track_id is not None:
        stmt = stmt.where(Submission.track_id == filters.track_id)
    text = " ".join(filters.text.split()).lower()
    if text:
        by_author = sa.select(SubmissionAuthor.submission_id).where(
            sa.func.lower(SubmissionAuthor.name).contains(text, autoescape=True))
        stmt = stmt.where(sa.or_(sa.func.lower(Submission.title).contains(text, autoescape=True),
                                 Submission.id.in_(by_author)))
    found = list(db.session.scalars(stmt).unique())
    keyword = filters.keyword.strip().casefold()
    if keyword:
        # Keywords are a JSON list: matching them here keeps the query the same on SQLite and PostgreSQL.
        found = [s for s in found if keyword in {k.casefold() for k in s.keywords or []}]
    if filters.sort in _SHOWN:
        found = _sorted_as_shown(found, _SHOWN[filters.sort], filters.descending)
    return found


# Titles, types and tracks are listed in the reader's language (``tr``): sorted as they are shown.
_SHOWN: dict[str, Callable[[Submission], str | None]] = {
    "title": lambda s: s.tr("title"),
    "type": lambda s: s.type.tr("name") if s.type is not None else None,
    "track": lambda s: s.track.tr("name") if s.track is not None else None,
}


def _sorted_as_shown(found: list[Submission], shown: Callable[[Submission], str | None],
                     descending: bool) -> list[Submission]:
    """As the query sorts: by the text, missing ones last both ways, the code breaking ties."""
    present = [s for s in found if shown(s) is not None]
    present.sort(key=lambda s: ((shown(s) or "").casefold(), s.code), reverse=descending)
    missing = sorted((s for s in found if shown(s) is None), key=lambda s: s.code, reverse=descending)
    return present + missing


def state_counts(event: Event) -> dict[SubmissionState, int]:
    """How many of the event's submissions are in each state (every state listed)."""
    counts = dict.fromkeys(SubmissionState, 0)
    rows = db.session.execute(
        sa.select(Submission.state, sa.func.count(Submission.id))
        .where(Submission.event_id == event.id).group_by(Submission.state))
    for state, count in rows:
        counts[SubmissionState(state)] = count
    return counts


def keywords_of(event: Event) -> list[str]:
    """Every keyword the event's submissions use, once each whatever its case, sorted."""
    seen: dict[str, str] = {}
    for keywords in db.session.scalars(sa.select(Submission.keywords).where(Submission.event_id == event.id)):
        for keyword in keywords or []:
            seen.setdefault(keyword.casefold(), keyword)
    return sorted(seen.values(), key=str.casefold)


# The call's setup, with how much each part is used ------------------------------------------------

def types_of(event: Event) -> list[SubmissionType]:
    return list(db.session.scalars(sa.select(SubmissionType).where(SubmissionType.event_id == event.id)
                                   .order_by(SubmissionType.position, SubmissionType.id)))


def tracks_of(event: Event) -> list[Track]:
    return list(db.session.scalars(sa.select(Track).where(Track.event_id == event.id)
                                   .order_by(Track.position, Track.id)))


def _usage(column, event: Event) -> dict[int, int]:
    rows = db.session.execute(sa.select(column, sa.func.count(Submission.id))
                              .where(Submission.event_id == event.id, column.is_not(None)).group_by(column))
    return dict(rows.all())


def type_usage(event: Event) -> dict[int, int]:
    """Submission type id -> number of submissions (drafts included) of that type."""
    return _usage(Submission.type_id, event)


def track_usage(event: Event) -> dict[int, int]:
    return _usage(Submission.track_id, event)


def answer_counts(event: Event) -> dict[int, int]:
    """Question id -> number of submissions that answered it (a file counts as an answer)."""
    answered = (
        sa.select(Answer.question_id.label("question_id"), Answer.submission_id.label("submission_id"))
        .join(Submission, Submission.id == Answer.submission_id).where(Submission.event_id == event.id)
        .union(sa.select(SubmissionFile.question_id, SubmissionFile.submission_id)
               .join(Submission, Submission.id == SubmissionFile.submission_id)
               .where(Submission.event_id == event.id, SubmissionFile.question_id.is_not(None)))
        .subquery()
    )
    rows = db.session.execute(sa.select(answered.c.question_id, sa.func.count()).group_by(answered.c.question_id))
    return dict(rows.all())


def access_codes_of(event: Event) -> list[AccessCode]:
    return list(db.session.scalars(sa.select(AccessCode).where(AccessCode.event_id == event.id)
                                   .order_by(AccessCode.created_at.desc(), AccessCode.id.desc())))


# One submission ---------------------------------------------------------------------------------

@dataclass
class AnswerRow:
    """A question and what the submission answered: ``value`` for a question asked of the
    submission, ``per_author`` (author, value) pairs for one asked of each author, ``files``
    for a file question."""

    question: Question
    value: object = None
    per_author: list[tuple[SubmissionAuthor, object]] = field(default_factory=list)
    files: list[SubmissionFile] = field(default_factory=list)


def answers_of(submission: Submission, questions: Iterable[Question]) -> list[AnswerRow]:
    """Each question that applies to the submission (or that it answered), in the questions' order."""
    values = {(a.question_id, a.author_id): a.value for a in submission.answers}
    type_id, track_id = submission.type_id, submission.track_id
    rows = []
    for question in questions:
        row = AnswerRow(question=question)
        if question.kind == QuestionKind.FILE:
            row.files = [f for f in submission.files if f.question_id == question.id]
        elif question.target == QuestionTarget.AUTHOR:
            row.per_author = [(author, values.get((question.id, author.id))) for author in submission.authors]
        else:
            row.value = values.get((question.id, None))
        answered = row.files or row.value is not None or any(v is not None for _a, v in row.per_author)
        if answered or question.applies_to(type_id, track_id):
            rows.append(row)
    return rows


def audit_of(submission: Submission) -> list[AuditEntry]:
    """What was done to the submission, newest first."""
    return list(db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.event_id == submission.event_id, AuditEntry.object_type == "Submission",
               AuditEntry.object_id == submission.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())))


# CSV export ---------------------------------------------------------------------------------------

def _utc_iso(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else ""


def _author_text(author: SubmissionAuthor) -> str:
    roles = [_("presenter")] if author.is_presenter else []
    roles += [_("corresponding")] if author.is_corresponding else []
    return f"{author.name} ({', '.join(roles)})" if roles else author.name


def export_rows(submissions: Iterable[Submission], questions: list[Question]) -> Iterable[list[str]]:
    """The header, then one row per submission. Submissions need their authors, answers, files,
    type and track loaded (``list_submissions(..., with_answers=True)``)."""
    yield [_("Code"), _("State"), _("Title"), _("Abstract"), _("Type"), _("Track"), _("Keywords"),
           _("Submitted at (UTC)"), _("Authors"), _("Author emails"), _("Author affiliations"),
           _("Pages of the paper"), _("Language")] + [q.label for q in questions]
    for submission in submissions:
        row = [submission.code, submission.state.value, submission.title, submission.abstract,
               submission.type.name if submission.type else "", submission.track.name if submission.track else "",
               "; ".join(submission.keywords or []), _utc_iso(submission.submitted_at),
               "; ".join(_author_text(a) for a in submission.authors),
               "; ".join(a.email for a in submission.authors),
               "; ".join(a.affiliation for a in submission.authors), _paper_pages(submission),
               submission.written_in]  # the code (fr): the title and abstract are in it
        row.extend(_answer_cells(submission, questions))
        yield [safe_cell(cell) for cell in row]


def _paper_pages(submission: Submission) -> str:
    """The page count of the authors' paper when it is a PDF, else empty."""
    paper = submission.file_of_kind(FileKind.PAPER)
    return str(paper.page_count) if paper is not None and paper.page_count else ""


def _answer_cells(submission: Submission, questions: list[Question]) -> list[str]:
    """One cell per question, in order, empty when unanswered or not asked."""
    by_question = {row.question.id: row for row in answers_of(submission, questions)}
    cells = []
    for question in questions:
        row = by_question.get(question.id)
        if row is None:
            cells.append("")
        elif row.files:
            cells.append("; ".join(f.filename for f in row.files))
        elif row.per_author:
            cells.append("; ".join(f"{author.name}: {answer_text(value)}"
                                   for author, value in row.per_author if value is not None))
        else:
            cells.append(answer_text(row.value))
    return cells


def submissions_csv(submissions: Iterable[Submission], questions: list[Question]) -> str:
    """The export as CSV text, with a byte-order mark so spreadsheets read it as UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows(export_rows(submissions, questions))
    return buffer.getvalue()


def stored_file_digests() -> Iterable[str]:
    """The SHA-256 of every file a submission refers to (the authors' and the organisers'
    anonymised copies): what the collection of unreferenced files keeps."""
    return db.session.scalars(sa.select(SubmissionFile.sha256).distinct())


def call_standing(event: Event, _user, now: dt.datetime) -> Standing | None:
    """Where the event's call for papers stands, for its page: when it opens, its deadline and
    the days left, in the viewer's time zone (None without a call)."""
    call = event.call
    if call is None:
        return None
    opens, deadline = format_datetime(call.opens_at), format_datetime(call.deadline)
    if not call.has_opened(now):
        text = _("Opens on %(opens)s; deadline %(deadline)s.", opens=opens, deadline=deadline)
    elif call.is_open(now):
        days = call.days_left(now)
        text = ngettext("Open; deadline %(deadline)s: closes in %(num)d day.",
                        "Open; deadline %(deadline)s: closes in %(num)d days.", days, deadline=deadline)
    else:
        text = _("Closed since %(deadline)s.", deadline=deadline)
    return Standing(_("Call for papers"), text)
