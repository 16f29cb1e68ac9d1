"""Conflicts of interest: who may declare and remove them, what a conflict does to an
assignment, the authors' list and its deadline, and the suggestions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.domain import conflicts as ops
from conference.enums import ConflictKind, ConflictSource, ReviewState
from conference.errors import DeadlinePassed, DomainError, NotAllowed
from conference.extensions import db
from conference.models import AuditEntry, Conflict, DismissedConflictSuggestion, Review, ReviewAssignment

from .. import factories
from ..test_query_counts import counting
from .cfp_helpers import AFTER_EDIT_UNTIL, DURING, make_call
from .review_helpers import make_reviewer, make_submitted, make_track_chair


@pytest.fixture
def call(db):
    return make_call()


@pytest.fixture
def author(db):
    return factories.make_user(name="Ada Author", email="ada@uni-a.edu", affiliation="University A")


def conflicts_of(submission) -> set[tuple[int, ConflictKind, ConflictSource]]:
    rows = db.session.scalars(sa.select(Conflict).where(Conflict.submission_id == submission.id))
    return {(c.user_id, c.kind, c.source) for c in rows}


def actions(event) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.event_id == event.id)
                                   .order_by(AuditEntry.id)))


def declare(submission, user, actor, source=ConflictSource.ORGANISER, kind=ConflictKind.PERSONAL):
    return ops.declare_conflict(submission, user, kind=kind, source=source, actor=actor)


# Declaring ---------------------------------------------------------------------------------------

def test_organiser_declares_a_conflict_for_any_member_and_it_is_audited(call, author):
    reviewer = make_reviewer(call.event)
    submission = make_submitted(call.event, author)
    conflict = declare(submission, reviewer, call.organiser, kind=ConflictKind.ADVISOR)
    assert conflicts_of(submission) == {(reviewer.id, ConflictKind.ADVISOR, ConflictSource.ORGANISER)}
    assert conflict.created_by_id == call.organiser.id
    assert submission.is_conflicted(reviewer)
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "conflict.declared")).one()
    assert entry.actor_id == call.organiser.id
    assert entry.details == {"code": submission.code, "user_id": reviewer.id, "kind": "advisor", "source": "organiser"}


def test_declaring_the_same_pair_again_returns_the_existing_row(call, author):
    reviewer = make_reviewer(call.event)
    submission = make_submitted(call.event, author)
    first = declare(submission, reviewer, reviewer, source=ConflictSource.REVIEWER)
    again = declare(submission, reviewer, call.organiser, kind=ConflictKind.OTHER)
    assert again.id == first.id
    assert conflicts_of(submission) == {(reviewer.id, ConflictKind.PERSONAL, ConflictSource.REVIEWER)}
    assert actions(call.event).count("conflict.declared") == 1


def test_reviewer_declares_only_for_themself(call, author):
    reviewer, other = make_reviewer(call.event), make_reviewer(call.event)
    submission = make_submitted(call.event, author)
    with pytest.raises(NotAllowed):
        declare(submission, other, reviewer, source=ConflictSource.REVIEWER)
    declare(submission, reviewer, reviewer, source=ConflictSource.REVIEWER)
    assert conflicts_of(submission) == {(reviewer.id, ConflictKind.PERSONAL, ConflictSource.REVIEWER)}


def test_author_declares_only_for_their_own_submission(call, author):
    reviewer = make_reviewer(call.event)
    own = make_submitted(call.event, author)
    someone_elses = make_submitted(call.event, factories.make_user())
    declare(own, reviewer, author, source=ConflictSource.AUTHOR)
    with pytest.raises(NotAllowed):
        declare(someone_elses, reviewer, author, source=ConflictSource.AUTHOR)
    assert conflicts_of(own) == {(reviewer.id, ConflictKind.PERSONAL, ConflictSource.AUTHOR)}
    assert conflicts_of(someone_elses) == set()


def test_track_chair_declares_only_within_their_tracks(call, author):
    chair = make_track_chair(call.event, tracks=[call.data])
    reviewer = make_reviewer(call.event)
    in_track = make_submitted(call.event, author, track_id=call.data.id)
    elsewhere = make_submitted(call.event, author, track_id=call.privacy.id)
    declare(in_track, reviewer, chair)
    with pytest.raises(NotAllowed):
        declare(elsewhere, reviewer, chair)
    assert conflicts_of(in_track) == {(reviewer.id, ConflictKind.PERSONAL, ConflictSource.ORGANISER)}
    assert conflicts_of(elsewhere) == set()


def test_stranger_cannot_declare_and_only_committee_members_can_be_conflicted(call, author):
    reviewer = make_reviewer(call.event)
    stranger = factories.make_user()
    submission = make_submitted(call.event, author)
    with pytest.raises(NotAllowed):
        declare(submission, reviewer, stranger)
    with pytest.raises(NotAllowed):
        declare(submission, stranger, stranger, source=ConflictSource.REVIEWER)
    with pytest.raises(DomainError, match="not on this event's committee"):
        declare(submission, stranger, call.organiser)
    assert conflicts_of(submission) == set()


def test_declaring_a_conflict_removes_the_assignment_and_its_review(call, author):
    reviewer = make_reviewer(call.event)
    submission = make_submitted(call.event, author)
    assignment = ReviewAssignment(submission=submission, reviewer=reviewer, assigned_by_id=call.organiser.id)
    assignment.review = Review(state=ReviewState.DRAFT, comments_to_authors="Half written")
    db.session.add(assignment)
    db.session.flush()
    declare(submission, reviewer, reviewer, source=ConflictSource.REVIEWER)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewAssignment)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 0
    unassigned = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "review.unassigned")).one()
    assert unassigned.details == {"code": submission.code, "reviewer_id": reviewer.id, "reason": "conflict",
                                  "review_state": "draft"}
    assert actions(call.event)[-2:] == ["review.unassigned", "conflict.declared"]


# Removing ----------------------------------------------------------------------------------------

def test_remove_conflict_permissions(call, author):
    reviewer = make_reviewer(call.event)
    chair_elsewhere = make_track_chair(call.event, tracks=[call.privacy])
    submission = make_submitted(call.event, author, track_id=call.data.id)
    by_organiser = declare(submission, reviewer, call.organiser)
    for actor in (author, reviewer, chair_elsewhere):
        with pytest.raises(NotAllowed):
            ops.remove_conflict(by_organiser, actor=actor, now=DURING)
    ops.remove_conflict(by_organiser, actor=call.organiser)
    assert conflicts_of(submission) == set()
    assert actions(call.event)[-1] == "conflict.removed"


def test_author_removes_their_own_declaration_only_while_editable(call, author):
    reviewer = make_reviewer(call.event)
    submission = make_submitted(call.event, author)
    conflict = declare(submission, reviewer, author, source=ConflictSource.AUTHOR)
    with pytest.raises(NotAllowed):
        ops.remove_conflict(conflict, actor=author, now=AFTER_EDIT_UNTIL)
    ops.remove_conflict(conflict, actor=author, now=DURING)
    assert conflicts_of(submission) == set()


# The authors' list -------------------------------------------------------------------------------

def test_author_list_adds_changes_and_removes_only_author_conflicts(call, author):
    ann, bob, cid = (make_reviewer(call.event, name=n) for n in ("Ann", "Bob", "Cid"))
    submission = make_submitted(call.event, author)
    declare(submission, cid, call.organiser, kind=ConflictKind.OTHER)
    ops.declare_author_conflicts(submission, actor=author, now=DURING,
                                 kinds={ann.id: ConflictKind.COAUTHOR, bob.id: ConflictKind.INSTITUTION})
    ops.declare_author_conflicts(submission, actor=author, now=DURING,
                                 kinds={ann.id: ConflictKind.ADVISOR, bob.id: None, cid.id: None})
    assert conflicts_of(submission) == {(ann.id, ConflictKind.ADVISOR, ConflictSource.AUTHOR),
                                        (cid.id, ConflictKind.OTHER, ConflictSource.ORGANISER)}
    assert actions(call.event)[-2:] == ["conflict.changed", "conflict.removed"]


def test_author_list_after_the_edit_deadline_is_refused_but_organisers_may(call, author):
    reviewer = make_reviewer(call.event)
    submission = make_submitted(call.event, author)
    with pytest.raises(DeadlinePassed):
        ops.declare_author_conflicts(submission, actor=author, now=AFTER_EDIT_UNTIL,
                                     kinds={reviewer.id: ConflictKind.COAUTHOR})
    assert conflicts_of(submission) == set()
    ops.declare_author_conflicts(submission, actor=call.organiser, now=AFTER_EDIT_UNTIL,
                                 kinds={reviewer.id: ConflictKind.COAUTHOR})
    assert conflicts_of(submission) == {(reviewer.id, ConflictKind.COAUTHOR, ConflictSource.AUTHOR)}


def test_author_list_refuses_strangers_and_non_members(call, author):
    reviewer = make_reviewer(call.event)
    submission = make_submitted(call.event, author)
    with pytest.raises(NotAllowed):
        ops.declare_author_conflicts(submission, actor=reviewer, now=DURING, kinds={reviewer.id: ConflictKind.OTHER})
    with pytest.raises(DomainError, match="committee"):
        ops.declare_author_conflicts(submission, actor=author, now=DURING,
                                     kinds={factories.make_user().id: ConflictKind.OTHER})
    assert conflicts_of(submission) == set()


# Suggestions -------------------------------------------------------------------------------------

def pairs(suggestions):
    return {(s.submission.code, s.user.name): s.reasons for s in suggestions}


def test_suggests_same_mail_domain_but_not_public_providers(call, author):
    colleague = make_reviewer(call.event, name="Colleague", email="carl@uni-a.edu")
    gmail_reviewer = make_reviewer(call.event, name="Gmail", email="g@gmail.com")
    make_reviewer(call.event, name="Yahoo", email="y@yahoo.co.uk")
    submission = make_submitted(call.event, author, coauthors=[("Gina", "gina@gmail.com", ""),
                                                               ("Yann", "yann@yahoo.co.uk", "")])
    found = pairs(ops.suggest_conflicts(call.event))
    assert found == {(submission.code, "Colleague"): ["Same mail domain (uni-a.edu) as Ada Author."]}
    assert colleague.id != gmail_reviewer.id


def test_suggests_same_affiliation_ignoring_case_and_spaces(call, author):
    make_reviewer(call.event, name="Ria", email="ria@elsewhere.org", affiliation="  university   a ")
    make_reviewer(call.event, name="Empty", email="e@elsewhere.net", affiliation="")
    submission = make_submitted(call.event, author)
    suggestion, = ops.suggest_conflicts(call.event)
    assert (suggestion.submission.code, suggestion.user.name) == (submission.code, "Ria")
    assert suggestion.reasons == ["Same affiliation (university a) as Ada Author."]
    assert suggestion.kind == ConflictKind.INSTITUTION


def test_suggests_earlier_coauthorship_within_the_event(call, author):
    reviewer = make_reviewer(call.event, name="Rex", email="rex@other.org")
    earlier = make_submitted(call.event, author, title="Earlier", coauthors=[("Rex", "rex@other.org", "")])
    later = make_submitted(call.event, author, title="Later")
    found = ops.suggest_conflicts(call.event)
    # Rex wrote "earlier": that pair is authorship, not a suggestion.
    assert [(s.submission.code, s.user.id, s.kind) for s in found] == [(later.code, reviewer.id, ConflictKind.COAUTHOR)]
    assert found[0].reasons == [f"Co-author of Ada Author on submission {earlier.code}."]


def test_declared_and_dismissed_pairs_are_not_suggested_again(call, author):
    declared = make_reviewer(call.event, name="Declared", email="d@uni-a.edu")
    dismissed = make_reviewer(call.event, name="Dismissed", email="x@uni-a.edu")
    submission = make_submitted(call.event, author)
    assert set(pairs(ops.suggest_conflicts(call.event))) == {(submission.code, "Declared"), (submission.code, "Dismissed")}
    ops.confirm_suggestion(submission, declared, kind=ConflictKind.INSTITUTION, actor=call.organiser)
    ops.dismiss_suggestion(submission, dismissed, actor=call.organiser)
    ops.dismiss_suggestion(submission, dismissed, actor=call.organiser)  # twice is harmless
    assert ops.suggest_conflicts(call.event) == []
    assert conflicts_of(submission) == {(declared.id, ConflictKind.INSTITUTION, ConflictSource.ORGANISER)}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DismissedConflictSuggestion)) == 1
    assert actions(call.event)[-2:] == ["conflict.declared", "conflict.suggestion_dismissed"]


def test_only_managers_confirm_or_dismiss(call, author):
    reviewer = make_reviewer(call.event, email="r@uni-a.edu")
    submission = make_submitted(call.event, author)
    with pytest.raises(NotAllowed):
        ops.confirm_suggestion(submission, reviewer, kind=ConflictKind.INSTITUTION, actor=reviewer)
    with pytest.raises(NotAllowed):
        ops.dismiss_suggestion(submission, reviewer, actor=author)
    assert len(ops.suggest_conflicts(call.event)) == 1


def test_suggestions_take_a_fixed_number_of_queries(call, author):
    for n in range(3):
        make_reviewer(call.event, email=f"r{n}@uni-a.edu")
    for _ in range(3):
        make_submitted(call.event, author, coauthors=[("Co", f"co{_}@uni-a.edu", "University A")])
    db.session.expire_all()
    event = call.event
    event.roles  # noqa: B018  (loaded, as the page that asks has them)
    with counting(db) as statements:
        found = ops.suggest_conflicts(event)
        names = {s.user.name for s in found}
    assert len(found) == 9 and len(names) == 3
    assert len(statements) <= 5
