"""The demo conference's review: a programme committee with expertise, a double-blind review
form, bids, conflicts (one confirmed from the app's suggestions, others left to look at), an
automatic assignment, reviews (the demo reviewer still has some to do), and decisions: some
released (their mail held in the outbox for the organisers to send), some only staged.

Everything goes through the domain functions, so the audit log tells the story. It runs once
per event: when the event already has review settings it changes nothing."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from conference.accounts import users as accounts
from conference.accounts.models import User
from conference.cfp.enums import Decision, SubmissionState
from conference.cfp.models import Submission
from conference.cfp.submissions import confirm as confirm_submission
from conference.core.audit import record
from conference.core.enums import QuestionKind
from conference.events.enums import TeamRole
from conference.events.models import Event, EventRole, Track
from conference.extensions import db
from conference.mail.enums import MailState
from conference.mail.models import OutboxMessage
from conference.review import (
    assignment,
    bidding,
    conflict_suggestions,
    decisions,
    reviews,
)
from conference.review import setup as review_setup
from conference.review.common import ensure_review_settings
from conference.review.enums import (
    BidPreference,
    BlindMode,
    ConflictKind,
)

# email, name, affiliation, country, time zone, expertise
DEMO_REVIEWERS = [
    ("ines.garcia@example.com", "Inés García", "Member Agency for Statistics", "ES", "Europe/Madrid",
     ["SDMX", "data standards", "metadata", "interoperability"]),
    ("john.okoro@example.com", "John Okoro", "University of Lagos", "NG", "Africa/Lagos",
     ["survey methods", "small area estimation", "poverty"]),
    ("mei.lin@example.com", "Mei Lin", "National University of Singapore", "SG", "Asia/Singapore",
     ["machine learning", "satellite imagery", "remote sensing"]),
    ("pierre.dubois@example.com", "Pierre Dubois", "Member Agency for Food and Agriculture", "FR", "Europe/Paris",
     ["agriculture", "food security", "crop statistics"]),
    ("sara.haddad@example.com", "Sara Haddad", "Observer Network for Humanitarian Data", "JO", "Asia/Amman",
     ["humanitarian data", "displacement", "needs assessment"]),
    ("kenji.sato@example.com", "Kenji Sato", "University of Tokyo", "JP", "Asia/Tokyo",
     ["privacy", "record linkage", "differential privacy"]),
]
ROSA_EXPERTISE = ["privacy", "data protection", "differential privacy", "open data"]
CHEN_EXPERTISE = ["data standards", "SDMX", "statistical governance"]

CRITERIA = [
    ("Originality", "Is the question new, or the answer?", 1.0, True,
     {"1": "Known", "3": "Some new insight", "5": "Ground-breaking"}),
    ("Technical quality", "Are the data and methods sound, and the conclusions supported?", 2.0, True,
     {"1": "Flawed", "3": "Acceptable", "5": "Excellent"}),
    ("Relevance", "Does it matter to data for development?", 1.0, True,
     {"1": "Off topic", "5": "Central"}),
    ("Clarity", "Can a reader from another agency follow it?", 0.5, False,
     {"1": "Hard to follow", "5": "Very clear"}),
]


def _reviewer(email, name, affiliation, country, timezone, expertise, *, password: str) -> User:
    user = accounts.find_user_by_email(email)
    if user is None:
        user = accounts.create_user(email=email, name=name, password=password, verified=True,
                                    affiliation=affiliation, country=country, timezone=timezone)
        record("account.created_by_demo", actor=None, obj=user)
    user.expertise = list(expertise)
    return user


def _role(event: Event, user: User, role: TeamRole, tracks=()) -> EventRole:
    row = event.role_row(user, role)
    if row is None:
        row = EventRole(user_id=user.id, role=role)
        event.roles.append(row)
    row.tracks = list(tracks)
    return row


def _bid_for(index: int, submission: Submission, reviewer: User) -> BidPreference | None:
    """A believable bid: eager where the keywords meet the reviewer's expertise, else a mix."""
    overlap = {k.casefold() for k in submission.keywords} & {k.casefold() for k in reviewer.expertise}
    if overlap:
        return BidPreference.EAGER
    return [None, BidPreference.WILLING, None, BidPreference.NOT_WILLING, None, None, BidPreference.WILLING][index % 7]


def _scores(criteria, n: int, quality: int) -> dict[int, int | None]:  # as save_review takes them
    """Scores around a submission's ``quality`` (1-5), varying a little by reviewer ``n``."""
    wobble = [0, 1, -1, 0, 1][n % 5]
    return {c.id: max(c.scale_min, min(c.scale_max, quality + wobble + (1 if c.name == "Relevance" else 0)))
            for c in criteria}


def load_review(event: Event, *, organiser: User, chair: User, reviewer: User, password: str) -> str:
    if event.review_settings is not None:
        return f"Review of {event.slug}: already loaded."
    queued_before = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    tracks = {t.name: t for t in db.session.scalars(sa.select(Track).where(Track.event_id == event.id))}

    # The committee: the demo reviewer, six more, and the demo chair for one track.
    reviewer.expertise = ROSA_EXPERTISE
    chair.expertise = CHEN_EXPERTISE
    _role(event, chair, TeamRole.TRACK_CHAIR, tracks=[tracks["Data standards"]])
    _role(event, reviewer, TeamRole.REVIEWER)
    committee = [reviewer] + [_reviewer(*row, password=password) for row in DEMO_REVIEWERS]
    db.session.flush()
    for person in committee[1:]:
        _role(event, person, TeamRole.REVIEWER)
    db.session.flush()

    # The review form: double-blind, four criteria, one question; bidding open.
    settings = ensure_review_settings(event)
    review_setup.update_settings(
        event, actor=organiser, blind_mode=BlindMode.DOUBLE_BLIND, other_reviews=settings.other_reviews,
        reviews_per_submission=3, max_load=11, bidding_open=True,
        review_deadline=dt.datetime.combine(event.start_date - dt.timedelta(days=120), dt.time(22, 0),
                                            tzinfo=dt.UTC),
        ask_confidence=True, reviews_to_authors=True, scores_to_authors=False,
    )
    for name, description, weight, required, labels in CRITERIA:
        review_setup.save_criterion(event, actor=organiser, name=name, description=description, scale_min=1,
                                    scale_max=5, labels=labels, weight=weight, required=required)
    review_setup.save_review_question(event, actor=organiser, label="Would this work better as a poster?",
                                      kind=QuestionKind.YES_NO, help_text="", options=[], required=False,
                                      visible_to_authors=False)
    criteria = review_setup.criteria_for(event)

    submissions = list(db.session.scalars(
        sa.select(Submission).where(Submission.event_id == event.id, Submission.state == SubmissionState.SUBMITTED)
        .order_by(Submission.id)
    ))

    # Conflicts: confirm the first suggestion the app makes; the rest wait for an organiser.
    suggestions = conflict_suggestions.suggest_conflicts(event, viewer=organiser)
    if suggestions:
        first = suggestions[0]
        conflict_suggestions.confirm_suggestion(first.submission, first.user, kind=ConflictKind.INSTITUTION,
                                                actor=organiser)

    # Bids, then the automatic assignment.
    for n, person in enumerate(committee):
        preferences = {}
        for i, submission in enumerate(submissions):
            if submission.can_bid(person):
                bid = _bid_for(i + n, submission, person)
                if bid is not None:
                    preferences[submission.id] = bid
        bidding.place_bids(event, reviewer=person, preferences=preferences, actor=person)
    proposal = assignment.propose(event, actor=organiser)
    created = assignment.apply_proposal(proposal, actor=organiser)

    # Reviews: everyone but the demo reviewer has finished; she has one in, one draft, the rest to do.
    db.session.expire_all()
    quality = {s.id: 1 + (i * 3) % 5 for i, s in enumerate(submissions)}
    kwame_paper = next((s for s in submissions if s.submitter.email == "author@example.org"), None)
    if kwame_paper is not None:
        quality[kwame_paper.id] = 5
    done = 0
    for submission in submissions:
        for n, assigned in enumerate(sorted(submission.review_assignments, key=lambda a: a.reviewer_id)):
            mine = assigned.reviewer_id == reviewer.id
            if mine and done >= 2:
                continue
            submit = not mine or done == 0
            reviews.save_review(
                assigned, actor=assigned.reviewer, scores=_scores(criteria, n, quality[submission.id]),
                confidence=3 + n % 3, comments_to_authors="The question is well posed; the discussion of "
                "limitations could go further.", comments_to_committee="", answers={}, submit=submit,
            )
            done += 1 if mine else 0

    # Decisions: the best released as accepted (the author's own paper among them), the weakest
    # released as rejected, two more only staged.
    ranked = sorted(submissions, key=lambda s: (-quality[s.id], s.id))
    accepted, rejected, staged = ranked[:6], ranked[-3:], ranked[6:8]
    for submission in accepted:
        decisions.stage_decision(submission, actor=organiser, decision=Decision.ACCEPT)
    for submission in rejected:
        decisions.stage_decision(submission, actor=organiser, decision=Decision.REJECT)
    released = decisions.release_decisions(event, actor=organiser)
    for submission in staged:
        decisions.stage_decision(submission, actor=organiser, decision=Decision.ACCEPT)
    confirmer = next((s for s in accepted if s is not kwame_paper), None)
    if confirmer is not None:
        confirm_submission(confirmer, actor=confirmer.submitter)

    # No demo mail leaves by itself: what was queued goes; held decision mail stays for organisers.
    db.session.execute(
        sa.delete(OutboxMessage).where(OutboxMessage.id > queued_before, OutboxMessage.state == MailState.QUEUED)
    )
    db.session.flush()
    return (f"Review of {event.slug}: {len(committee)} reviewers and a track chair, {created} assignments, "
            f"{released} decisions released (their mail held in the outbox), {len(staged)} staged.")
