"""The ranking of submissions by their reviews, and the export of every review.

Both read a fixed number of SQL statements whatever the event's size: the submissions, the
submitted reviews with their scores, the criteria, the questions, and who is conflicted.
A viewer sees only the submissions whose review they run (track chairs: their tracks) and
never one they are conflicted with or an author of.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from conference.accounts.models import User
from conference.cfp.enums import REVIEWABLE_STATES, Decision, SubmissionState
from conference.cfp.models import Submission
from conference.core.csv_files import safe_cell
from conference.core.questions import answer_text
from conference.errors import NotAllowed
from conference.events.enums import TeamRole
from conference.events.models import Event
from conference.extensions import db
from conference.review import scoring
from conference.review.common import conflicted_submission_ids
from conference.review.enums import ReviewState
from conference.review.models import (
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewQuestion,
)

SORT_KEYS = ("mean", "median", "stdev", "count", "confidence", "minimum", "maximum", "code", "title")


@dataclasses.dataclass(frozen=True)
class Row:
    submission: Submission
    stats: scoring.Stats
    reviews: tuple[Review, ...]

    @property
    def pending_decision(self) -> Decision | None:
        return self.submission.pending_decision

    @property
    def pending_type(self):
        return self.submission.pending_type

    @property
    def disagreement(self) -> bool:
        return self.stats.disagreement


def criteria_of(event: Event) -> list[ReviewCriterion]:
    return list(db.session.scalars(sa.select(ReviewCriterion).where(ReviewCriterion.event_id == event.id)
                                   .order_by(ReviewCriterion.position, ReviewCriterion.id)))


def review_questions_of(event: Event) -> list[ReviewQuestion]:
    return list(db.session.scalars(sa.select(ReviewQuestion).where(ReviewQuestion.event_id == event.id)
                                   .order_by(ReviewQuestion.position, ReviewQuestion.id)))


def overall_score(review: Review, criteria) -> float | None:
    return scoring.review_score({s.criterion_id: s.value for s in review.scores}, criteria)


def _visible_submissions(event: Event, viewer, *, track_id=None, type_id=None, state=None) -> list[Submission]:
    """The reviewable submissions ``viewer`` runs the review of, filtered."""
    if event.can_manage(viewer):
        tracks = None
    elif event.is_track_chair(viewer):
        tracks = event.track_ids_for(viewer, TeamRole.TRACK_CHAIR)
    else:
        raise NotAllowed(_("Only organisers and track chairs see the ranking."))
    stmt = (
        sa.select(Submission)
        .where(Submission.event_id == event.id, Submission.state.in_(REVIEWABLE_STATES))
        .options(joinedload(Submission.type), joinedload(Submission.track), joinedload(Submission.pending_type))
        .order_by(Submission.code)
    )
    if tracks is not None:
        stmt = stmt.where(Submission.track_id.in_(tracks))
    if track_id is not None:
        stmt = stmt.where(Submission.track_id == track_id)
    if type_id is not None:
        stmt = stmt.where(Submission.type_id == type_id)
    if state is not None:
        stmt = stmt.where(Submission.state == SubmissionState(state))
    found = list(db.session.scalars(stmt).unique())
    hidden = conflicted_submission_ids(event, viewer)
    return [s for s in found if s.id not in hidden]


def _submitted_reviews(submission_ids, *, with_reviewer: bool = False) -> dict[int, list[Review]]:
    """Submission id -> its submitted reviews (scores loaded), oldest first."""
    if not submission_ids:
        return {}
    options = [selectinload(Review.scores), joinedload(Review.assignment)]
    if with_reviewer:
        options = [selectinload(Review.scores), joinedload(Review.assignment).joinedload(ReviewAssignment.reviewer)]
    rows = db.session.scalars(
        sa.select(Review).join(Review.assignment)
        .where(ReviewAssignment.submission_id.in_(list(submission_ids)), Review.state == ReviewState.SUBMITTED)
        .options(*options)
        .order_by(Review.submitted_at, Review.id)
    ).unique()
    by_submission: dict[int, list[Review]] = {}
    for review in rows:
        by_submission.setdefault(review.assignment.submission_id, []).append(review)
    return by_submission


def _sort_key(sort: str):
    if sort == "code":
        return lambda row: row.submission.code
    if sort == "title":
        return lambda row: row.submission.tr("title").casefold()  # as the page shows it
    if sort == "count":
        return lambda row: row.stats.count
    attribute = {"confidence": "confidence_weighted"}.get(sort, sort if sort in SORT_KEYS else "mean")
    return lambda row: getattr(row.stats, attribute)


def ranking(event: Event, *, viewer, track_id: int | None = None, type_id: int | None = None,
            state: SubmissionState | str | None = None, disagreement_only: bool = False, sort: str = "mean",
            descending: bool = True) -> list[Row]:
    """The viewer's reviewable submissions with the statistics of their submitted reviews,
    sorted by ``sort`` (submissions without a score last, either way; the code breaks ties)."""
    submissions = _visible_submissions(event, viewer, track_id=track_id, type_id=type_id, state=state)
    criteria = criteria_of(event)
    reviews = _submitted_reviews([s.id for s in submissions])
    rows = []
    for submission in submissions:
        own = reviews.get(submission.id, [])
        stats = scoring.submission_stats([(overall_score(r, criteria), r.confidence) for r in own])
        row = Row(submission=submission, stats=stats, reviews=tuple(own))
        if disagreement_only and not row.disagreement:
            continue
        rows.append(row)
    key = _sort_key(sort)
    present = sorted((r for r in rows if key(r) is not None), key=lambda r: r.submission.code)
    present.sort(key=key, reverse=descending)
    return present + [r for r in rows if key(r) is None]


# The export -------------------------------------------------------------------------------------

def _utc_iso(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else ""


def _decision_text(submission: Submission) -> str:
    if submission.pending_decision is None:
        return ""
    if submission.pending_decision == Decision.REJECT:
        return _("reject")
    if submission.pending_type is not None and submission.pending_type_id != submission.type_id:
        return _("accept as %(type)s", type=submission.pending_type.tr("name"))
    return _("accept")


def reviews_csv(event: Event, *, viewer) -> str:
    """Every submitted review of the viewer's submissions, one line each, as CSV (with a
    byte-order mark so spreadsheets read it as UTF-8)."""
    submissions = _visible_submissions(event, viewer)
    criteria = criteria_of(event)
    questions = review_questions_of(event)
    reviews = _submitted_reviews([s.id for s in submissions], with_reviewer=True)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([_("Code"), _("Title"), _("Track"), _("Type"), _("State"), _("Pending decision"),
                     _("Reviewer"), _("Reviewer email"), _("Confidence")]
                    + [c.name for c in criteria]
                    + [_("Overall score"), _("Comments to authors"), _("Confidential comments")]
                    + [q.label for q in questions] + [_("Submitted at (UTC)")])
    for submission in submissions:
        for review in reviews.get(submission.id, []):
            reviewer: User = review.assignment.reviewer
            score = overall_score(review, criteria)
            row = [submission.code, submission.title, submission.track.name if submission.track else "",
                   submission.type.name if submission.type else "", submission.state.value,
                   _decision_text(submission), reviewer.name, reviewer.email,
                   review.confidence if review.confidence is not None else ""]
            row += ["" if (value := review.score_for(c.id)) is None else value for c in criteria]
            row += ["" if score is None else f"{score:.2f}", review.comments_to_authors, review.comments_to_committee]
            row += [answer_text((review.answers or {}).get(str(q.id))) for q in questions]
            row.append(_utc_iso(review.submitted_at))
            writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
