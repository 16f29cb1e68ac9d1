"""Reviewer assignment: by hand, one pair at a time, and automatically, by computing the optimal
assignment (``assignment_solver``) as a proposal that organisers preview, then apply or discard."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Set as AbstractSet

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from conference.accounts.models import User
from conference.cfp.enums import SubmissionState
from conference.cfp.models import Submission
from conference.core.audit import record
from conference.core.links import external_url
from conference.core.types import utcnow
from conference.errors import AlreadyExists, DomainError, InvalidState, NotAllowed
from conference.events.enums import TeamRole
from conference.events.models import Event
from conference.extensions import db
from conference.mail.mailer import queue_mail
from conference.review.assignment_solver import Problem, load_spread, solve
from conference.review.common import (
    assignment_loads,
    conflict_pairs,
    conflicted_submission_ids,
    ensure_review_settings,
    reviewer_roles,
)
from conference.review.enums import AssignmentSource, BidPreference, ReviewState
from conference.review.models import AssignmentProposal, Bid, ReviewAssignment

_ASSIGNERS_ONLY = _l("Only the event's organisers and the track's chairs can assign reviewers.")

# How much each bid is worth to the objective; no bid counts as neutral.
BID_POINTS = {
    BidPreference.EAGER: 20,
    BidPreference.WILLING: 10,
    BidPreference.NEUTRAL: 0,
    BidPreference.NOT_WILLING: -20,
}
KEYWORD_POINTS = 5  # per keyword of the submission in the reviewer's expertise, up to three
MAX_KEYWORD_MATCHES = 3
TRACK_SPECIALIST_POINTS = 3  # a reviewer limited to the submission's track, over a generalist
BALANCE = 2  # the k-th review of one reviewer costs BALANCE * k: loads even out


def preference_score(bid: BidPreference | None, submission_keywords, expertise, specialist: bool) -> int:
    score = BID_POINTS[bid or BidPreference.NEUTRAL]
    wanted = {k.casefold() for k in submission_keywords or []}
    matches = len(wanted & {k.casefold() for k in expertise or []})
    score += KEYWORD_POINTS * min(matches, MAX_KEYWORD_MATCHES)
    if specialist:
        score += TRACK_SPECIALIST_POINTS
    return score


# Manual assignment ------------------------------------------------------------------------------

def assign(submission: Submission, reviewer: User, *, actor, notify: bool = True) -> ReviewAssignment:
    """Assign one reviewer to one submission. A conflict (declared, or authorship) is refused."""
    if not submission.can_manage_review(actor):
        raise NotAllowed(str(_ASSIGNERS_ONLY))
    event = submission.event
    if submission.state != SubmissionState.SUBMITTED:
        raise InvalidState(_("Only submissions under review can get reviewers."), field="reviewer")
    if event.role_row(reviewer, TeamRole.REVIEWER) is None:
        raise DomainError(_("%(name)s is not on this event's review committee.", name=reviewer.name), field="reviewer")
    if (submission.id, reviewer.id) in conflict_pairs(event):
        raise DomainError(
            _("%(name)s has a conflict of interest with this submission and cannot review it.", name=reviewer.name),
            field="reviewer",
        )
    if submission.assignment_of(reviewer) is not None:
        raise AlreadyExists(_("%(name)s already reviews this submission.", name=reviewer.name), field="reviewer")
    assignment = ReviewAssignment(submission_id=submission.id, reviewer_id=reviewer.id, assigned_by_id=actor.id,
                                  source=AssignmentSource.MANUAL)
    try:
        with db.session.begin_nested():  # the same pair sent twice at once: the second is told
            db.session.add(assignment)
    except sa.exc.IntegrityError:
        raise AlreadyExists(_("%(name)s already reviews this submission.", name=reviewer.name),
                            field="reviewer") from None
    submission.review_assignments.append(assignment)
    record("review.assigned", actor=actor, obj=submission, event=event, code=submission.code,
           reviewer_id=reviewer.id, source=AssignmentSource.MANUAL.value)
    if notify:
        _notify_reviewer(event, reviewer, [submission])
    return assignment


def unassign(assignment: ReviewAssignment, *, actor) -> None:
    """Remove an assignment; a draft review goes with it, a submitted review keeps it in place."""
    submission = assignment.submission
    if not submission.can_manage_review(actor):
        raise NotAllowed(str(_ASSIGNERS_ONLY))
    if assignment.review is not None and assignment.review.state == ReviewState.SUBMITTED:
        raise InvalidState(_("%(name)s has already submitted a review; it cannot be unassigned.",
                             name=assignment.reviewer.name))
    record("review.unassigned", actor=actor, obj=submission, event=submission.event, code=submission.code,
           reviewer_id=assignment.reviewer_id)
    submission.review_assignments.remove(assignment)
    db.session.delete(assignment)
    db.session.flush()


def _notify_reviewer(event: Event, reviewer: User, submissions: list[Submission]) -> None:
    queue_mail(
        "review_assigned",
        to=reviewer.email, to_name=reviewer.name, event=event, user=reviewer,
        context={
            "reviewer": reviewer,
            "submissions": sorted(submissions, key=lambda s: s.code),
            "deadline": event.review_settings.review_deadline if event.review_settings else None,
            "link": external_url("review.my_reviews", slug=event.slug),
        },
    )


# Automatic assignment -----------------------------------------------------------------------------

def build_problem(event: Event, *, reviews_per_submission: int, max_load: int | None,
                  track_id: int | None = None, exclude: AbstractSet[int] = frozenset()) -> tuple[Problem, dict]:
    """The assignment problem for the event as it stands: what is already assigned is kept
    (it lowers what a submission still needs and what a reviewer may still take). Submissions
    in ``exclude`` (those a track chair running it is conflicted with) are left out."""
    ensure_review_settings(event)
    roles = reviewer_roles(event)
    query = (
        sa.select(Submission)
        .where(Submission.event_id == event.id, Submission.state == SubmissionState.SUBMITTED)
        .options(selectinload(Submission.review_assignments))
        .order_by(Submission.id)
    )
    if track_id is not None:
        query = query.where(Submission.track_id == track_id)
    if exclude:
        query = query.where(Submission.id.not_in(exclude))
    submissions = list(db.session.scalars(query))
    conflicts = conflict_pairs(event)
    bids = {
        (s, u): p
        for s, u, p in db.session.execute(
            sa.select(Bid.submission_id, Bid.user_id, Bid.preference)
            .join(Submission, Submission.id == Bid.submission_id)
            .where(Submission.event_id == event.id)
        )
    }
    loads = assignment_loads(event)
    need, capacity, existing, scores = {}, {}, {}, {}
    for submission in submissions:
        need[submission.id] = max(0, reviews_per_submission - len(submission.review_assignments))
    assigned = {(a.submission_id, a.reviewer_id) for s in submissions for a in s.review_assignments}
    for role in roles:
        cap = role.max_load if role.max_load is not None else max_load
        load = loads.get(role.user_id, 0)
        existing[role.user_id] = load
        capacity[role.user_id] = max(0, (cap if cap is not None else len(submissions) + load) - load)
        tracks = role.track_ids
        for submission in submissions:
            pair = (submission.id, role.user_id)
            if pair in conflicts or pair in assigned or not role.covers_track(submission.track_id):
                continue
            scores[pair] = preference_score(
                bids.get(pair), submission.keywords, role.user.expertise,
                specialist=tracks is not None and submission.track_id in tracks,
            )
    problem = Problem(need=need, capacity=capacity, existing_load=existing, scores=scores, balance=BALANCE)
    context = {"bids": bids, "roles": {r.user_id: r for r in roles}, "submissions": {s.id: s for s in submissions}}
    return problem, context


def propose(event: Event, *, actor, reviews_per_submission: int | None = None, max_load: int | None = None,
            track_id: int | None = None) -> AssignmentProposal:
    """Compute the optimal assignment that fills the gaps, and store it for a preview."""
    if not (event.can_manage(actor) or (track_id is not None and _chairs_track(event, actor, track_id))):
        raise NotAllowed(str(_ASSIGNERS_ONLY))
    settings = ensure_review_settings(event)
    reviews_per_submission = reviews_per_submission or settings.reviews_per_submission
    if not 1 <= reviews_per_submission <= 20:
        raise DomainError(_("Ask for between 1 and 20 reviews per submission."), field="reviews_per_submission")
    if max_load is not None and max_load < 1:
        raise DomainError(_("The cap must be at least 1 review."), field="max_load")
    if max_load is None:
        max_load = settings.max_load
    if not reviewer_roles(event):
        raise InvalidState(_("Invite reviewers to the committee before assigning them."))
    problem, context = build_problem(event, reviews_per_submission=reviews_per_submission,
                                     max_load=max_load, track_id=track_id, exclude=_hidden_from(event, actor))
    solution = solve(problem)
    proposal = AssignmentProposal(
        event_id=event.id, created_by_id=actor.id,
        parameters={"reviews_per_submission": reviews_per_submission, "max_load": max_load, "track_id": track_id},
        pairs=[list(p) for p in solution.pairs],
        summary=_summarise(problem, solution, context),
    )
    db.session.add(proposal)
    db.session.flush()
    record("review.assignment_proposed", actor=actor, obj=proposal, event=event,
           pairs=len(solution.pairs), parameters=proposal.parameters)
    return proposal


def _hidden_from(event: Event, actor) -> set[int]:
    """A track chair never assigns reviewers to what they wrote or are conflicted with."""
    return set() if event.can_manage(actor) else conflicted_submission_ids(event, actor)


def _chairs_track(event: Event, user, track_id: int) -> bool:
    row = event.role_row(user, TeamRole.TRACK_CHAIR)
    return row is not None and row.covers_track(track_id)


def _summarise(problem: Problem, solution, context) -> dict:
    bids = context["bids"]
    new_by_reviewer: dict[int, int] = defaultdict(int)
    by_bid: dict[str, int] = defaultdict(int)
    keyword_matches = 0
    for s, r in solution.pairs:
        new_by_reviewer[r] += 1
        by_bid[(bids.get((s, r)) or BidPreference.NEUTRAL).value] += 1
        if problem.scores[(s, r)] - BID_POINTS[bids.get((s, r)) or BidPreference.NEUTRAL] >= KEYWORD_POINTS:
            keyword_matches += 1
    loads = {r: problem.existing_load.get(r, 0) + new_by_reviewer.get(r, 0) for r in problem.capacity}
    eager_bidders = {r for (s, r), p in bids.items() if p == BidPreference.EAGER and s in problem.need}
    got_eager = {r for (s, r) in solution.pairs if bids.get((s, r)) == BidPreference.EAGER}
    return {
        "new": len(solution.pairs),
        "wanted": sum(problem.need.values()),
        "missing": {str(s): n for s, n in solution.missing.items()},
        "loads": {str(r): {"before": problem.existing_load.get(r, 0), "new": new_by_reviewer.get(r, 0)}
                  for r in problem.capacity},
        "spread": load_spread(loads),
        "by_bid": dict(by_bid),
        "keyword_matches": keyword_matches,
        "eager_bidders": len(eager_bidders),
        "eager_bidders_served": len(got_eager & eager_bidders),
        "objective": solution.objective,
    }


def apply_proposal(proposal: AssignmentProposal, *, actor, now: dt.datetime | None = None) -> int:
    """Create the proposal's assignments. Pairs that stopped being valid since the preview
    (a new conflict, a reviewer removed, a withdrawn submission, someone assigned by hand)
    are skipped; returns how many were created."""
    event = db.session.get_one(Event, proposal.event_id)
    track_id = proposal.parameters.get("track_id")
    if not (event.can_manage(actor) or (track_id is not None and _chairs_track(event, actor, track_id))):
        raise NotAllowed(str(_ASSIGNERS_ONLY))
    # Lock the proposal: a second "apply" (a double click, another organiser) waits here, then
    # sees it applied.
    db.session.execute(
        sa.select(AssignmentProposal).where(AssignmentProposal.id == proposal.id)
        .with_for_update().execution_options(populate_existing=True)
    ).scalar_one()
    if proposal.applied_at is not None:
        raise InvalidState(_("This proposal has already been applied."))
    newer = db.session.scalar(
        sa.select(sa.func.count()).where(AssignmentProposal.event_id == event.id,
                                         AssignmentProposal.applied_at.is_not(None),
                                         AssignmentProposal.created_at > proposal.created_at)
    )
    if newer:
        raise InvalidState(_("A later proposal has been applied since; compute a new one."))
    conflicts = conflict_pairs(event)
    hidden = _hidden_from(event, actor)
    reviewers = {r.user_id: r for r in reviewer_roles(event)}
    submissions = {
        s.id: s for s in db.session.scalars(
            sa.select(Submission).where(Submission.id.in_({s for s, _r in proposal.pairs}))
            .options(selectinload(Submission.review_assignments))
        )
    }
    created: dict[int, list[Submission]] = defaultdict(list)
    for s, r in proposal.pairs:
        submission = submissions.get(s)
        if (submission is None or submission.state != SubmissionState.SUBMITTED or r not in reviewers or s in hidden
                or (s, r) in conflicts or any(a.reviewer_id == r for a in submission.review_assignments)):
            continue
        assignment = ReviewAssignment(submission_id=s, reviewer_id=r, assigned_by_id=actor.id,
                                      source=AssignmentSource.AUTOMATIC)
        submission.review_assignments.append(assignment)
        created[r].append(submission)
    proposal.applied_at = now or utcnow()
    db.session.flush()
    total = sum(len(v) for v in created.values())
    record("review.assignment_applied", actor=actor, obj=proposal, event=event, created=total,
           skipped=len(proposal.pairs) - total)
    for reviewer_id, subs in created.items():
        _notify_reviewer(event, reviewers[reviewer_id].user, subs)
    return total
