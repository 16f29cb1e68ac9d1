"""What the assignment pages show: each submission with its reviewers and the reviewers who could
still take it, each reviewer with their load, cap and bids. A fixed number of queries whatever
the event's size, and nothing a conflicted viewer must not see: a track chair sees their tracks'
submissions except those they are conflicted with or wrote, and counts leave those out too."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from conference.cfp.enums import SubmissionState
from conference.cfp.models import Submission
from conference.events.enums import TeamRole
from conference.events.models import Event, EventRole
from conference.extensions import db
from conference.review.common import (
    cap_of,
    conflict_pairs,
    conflicted_submission_ids,
    ensure_review_settings,
    reviewer_roles,
)
from conference.review.enums import BidPreference
from conference.review.models import AssignmentProposal, Bid, ReviewAssignment


@dataclasses.dataclass
class Candidate:
    role: EventRole
    load: int
    cap: int | None
    bid: BidPreference


@dataclasses.dataclass
class SubmissionRow:
    submission: Submission
    assignments: list[ReviewAssignment]
    candidates: list[Candidate]


@dataclasses.dataclass
class ReviewerRow:
    role: EventRole
    load: int
    cap: int | None
    bids: Counter  # BidPreference -> how many (of the submissions the viewer sees)


@dataclasses.dataclass
class AssignmentOverview:
    wanted: int
    submissions: list[SubmissionRow]
    reviewers: list[ReviewerRow]


def hidden_from(event: Event, viewer) -> set[int]:
    """Submissions of the event the viewer may not see while running review: none for
    organisers, those they are conflicted with or wrote for track chairs."""
    return set() if event.can_manage(viewer) else conflicted_submission_ids(event, viewer)


def visible_tracks(event: Event, viewer) -> frozenset[int] | None:
    """The tracks whose review the viewer runs: None for all."""
    if event.can_manage(viewer):
        return None
    return event.track_ids_for(viewer, TeamRole.TRACK_CHAIR)


def visible_loads(event: Event, hidden: set[int]) -> dict[int, int]:
    """Reviewer id -> assigned reviews, leaving out the submissions in ``hidden``."""
    query = (
        sa.select(ReviewAssignment.reviewer_id, sa.func.count())
        .join(Submission, Submission.id == ReviewAssignment.submission_id)
        .where(Submission.event_id == event.id, Submission.state != SubmissionState.WITHDRAWN)
        .group_by(ReviewAssignment.reviewer_id)
    )
    if hidden:
        query = query.where(Submission.id.not_in(hidden))
    return {reviewer_id: count for reviewer_id, count in db.session.execute(query)}


def _visible_submissions(event: Event, viewer, hidden: set[int], *, reviewer_id: int | None = None) -> list[Submission]:
    query = (
        sa.select(Submission)
        .where(Submission.event_id == event.id, Submission.state == SubmissionState.SUBMITTED)
        .options(joinedload(Submission.track), joinedload(Submission.type),
                 selectinload(Submission.review_assignments).joinedload(ReviewAssignment.review),
                 selectinload(Submission.review_assignments).joinedload(ReviewAssignment.reviewer))
        .order_by(Submission.code)
    )
    tracks = visible_tracks(event, viewer)
    if tracks is not None:
        query = query.where(Submission.track_id.in_(tracks))
    if hidden:
        query = query.where(Submission.id.not_in(hidden))
    return list(db.session.scalars(query))


def _event_bids(event: Event, hidden: set[int]) -> dict[tuple[int, int], BidPreference]:
    query = (
        sa.select(Bid.submission_id, Bid.user_id, Bid.preference)
        .join(Submission, Submission.id == Bid.submission_id)
        .where(Submission.event_id == event.id)
    )
    if hidden:
        query = query.where(Submission.id.not_in(hidden))
    return {(s, u): p for s, u, p in db.session.execute(query)}


def assignment_overview(event: Event, viewer) -> AssignmentOverview:
    settings = ensure_review_settings(event)
    hidden = hidden_from(event, viewer)
    submissions = _visible_submissions(event, viewer, hidden)
    roles = reviewer_roles(event)
    conflicts = conflict_pairs(event)
    bids = _event_bids(event, hidden)
    loads = visible_loads(event, hidden)
    rows = []
    for submission in submissions:
        assigned = {a.reviewer_id for a in submission.review_assignments}
        candidates = [
            Candidate(role, loads.get(role.user_id, 0), cap_of(role, settings),
                      bids.get((submission.id, role.user_id), BidPreference.NEUTRAL))
            for role in roles
            if role.user_id not in assigned and (submission.id, role.user_id) not in conflicts
            and role.covers_track(submission.track_id)
        ]
        assignments = sorted(submission.review_assignments, key=lambda a: a.reviewer.name.lower())
        rows.append(SubmissionRow(submission, assignments, candidates))
    visible_ids = {s.id for s in submissions}
    bid_counts: dict[int, Counter] = defaultdict(Counter)
    for (s, u), preference in bids.items():
        if s in visible_ids:
            bid_counts[u][preference] += 1
    reviewers = [ReviewerRow(role, loads.get(role.user_id, 0), cap_of(role, settings), bid_counts[role.user_id])
                 for role in roles]
    return AssignmentOverview(settings.reviews_per_submission, rows, reviewers)


@dataclasses.dataclass
class ReviewerOverview:
    role: EventRole
    load: int
    cap: int | None
    assignments: list[ReviewAssignment]
    bids: list[tuple[Submission, BidPreference]]
    assignable: list[tuple[Submission, BidPreference]]  # submissions the reviewer could still take


def reviewer_overview(event: Event, viewer, role: EventRole) -> ReviewerOverview:
    settings = ensure_review_settings(event)
    hidden = hidden_from(event, viewer)
    submissions = _visible_submissions(event, viewer, hidden)
    conflicts = conflict_pairs(event)
    bids = {s: p for (s, u), p in _event_bids(event, hidden).items() if u == role.user_id}
    loads = visible_loads(event, hidden)
    assignments, assignable, bid_rows = [], [], []
    for submission in submissions:
        preference = bids.get(submission.id, BidPreference.NEUTRAL)
        mine = submission.assignment_of(role.user)
        if mine is not None:
            assignments.append(mine)
        elif (submission.id, role.user_id) not in conflicts and role.covers_track(submission.track_id):
            assignable.append((submission, preference))
        if submission.id in bids:
            bid_rows.append((submission, preference))
    return ReviewerOverview(role, loads.get(role.user_id, 0), cap_of(role, settings), assignments, bid_rows,
                            assignable)


@dataclasses.dataclass
class ProposalPreview:
    proposal: AssignmentProposal
    missing: list[tuple[Submission, int]]
    loads: list[dict]  # {"role", "before", "new", "after", "cap"}


def proposal_preview(event: Event, viewer, proposal: AssignmentProposal) -> ProposalPreview:
    """The proposal's figures with names, leaving out what the viewer may not see."""
    settings = ensure_review_settings(event)
    hidden = hidden_from(event, viewer)
    summary = proposal.summary or {}
    missing_ids = {int(s) for s in summary.get("missing", {})} - hidden
    submissions = {
        s.id: s for s in db.session.scalars(sa.select(Submission).where(Submission.id.in_(missing_ids)))
    } if missing_ids else {}
    missing = sorted(((submissions[s], n) for s, n in ((int(k), v) for k, v in summary.get("missing", {}).items())
                      if s in submissions), key=lambda row: row[0].code)
    hidden_loads = _hidden_loads(event, hidden)
    loads = []
    for role in reviewer_roles(event):
        figures = summary.get("loads", {}).get(str(role.user_id))
        if figures is None:
            continue
        before = figures["before"] - hidden_loads.get(role.user_id, 0)
        cap = role.max_load if role.max_load is not None else proposal.parameters.get("max_load", settings.max_load)
        loads.append({"role": role, "before": before, "new": figures["new"], "after": before + figures["new"],
                      "cap": cap})
    return ProposalPreview(proposal, missing, loads)


def _hidden_loads(event: Event, hidden: set[int]) -> dict[int, int]:
    if not hidden:
        return {}
    rows = db.session.execute(
        sa.select(ReviewAssignment.reviewer_id, sa.func.count())
        .join(Submission, Submission.id == ReviewAssignment.submission_id)
        .where(Submission.id.in_(hidden), Submission.state != SubmissionState.WITHDRAWN)
        .group_by(ReviewAssignment.reviewer_id)
    )
    return {reviewer_id: count for reviewer_id, count in rows}
