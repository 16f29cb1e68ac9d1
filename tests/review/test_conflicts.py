"""Conflicts of interest: who may declare and remove them, what a conflict does to an
assignment, the authors' list and its deadline, and the suggestions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.errors import DeadlinePassed, DomainError, NotAllowed
from conference.extensions import db
from conference.review import conflict_suggestions as suggestions
from conference.review import conflicts as ops
from conference.review.common import ensure_review_settings
from conference.review.enums import BlindMode, ConflictKind, ConflictSource, ReviewState
from conference.review.models import (
    Conflict,
    DismissedConflictSuggestion,
    Review,
    ReviewAssignment,
)

from .. import factories
from ..cfp.builders import AFTER_EDIT_UNTIL, DURING, make_call
from ..query_counting import counting
from .builders import make_reviewer, make_submitted, make_track_chair


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


# A member's own declaration: confirmed first, withdrawn by them only ------------------------------

def test_a_member_declares_their_own_conflict_only_once_confirmed(call, author):
    reviewer = make_reviewer(call.event)
    submission = make_submitted(call.event, author)
    db.session.add(ReviewAssignment(submission=submission, reviewer=reviewer, assigned_by_id=call.organiser.id))
    db.session.flush()
    with pytest.raises(DomainError) as refused:
        ops.declare_own_conflict(submission, actor=reviewer, kind=ConflictKind.PERSONAL, confirmed=False)
    assert refused.value.field == "confirm"
    assert conflicts_of(submission) == set() and submission.assignment_of(reviewer) is not None
    assert ops.what_declaring_removes(submission, reviewer) == \
        "You are assigned to review this submission: the assignment is deleted."
    ops.declare_own_conflict(submission, actor=reviewer, kind=ConflictKind.PERSONAL, note="My sister", confirmed=True)
    assert conflicts_of(submission) == {(reviewer.id, ConflictKind.PERSONAL, ConflictSource.REVIEWER)}
    assert submission.assignment_of(reviewer) is None


def test_a_member_withdraws_their_own_declaration_and_nothing_comes_back(call, author):
    reviewer = make_reviewer(call.event)
    submission = make_submitted(call.event, author)
    assignment = ReviewAssignment(submission=submission, reviewer=reviewer, assigned_by_id=call.organiser.id)
    assignment.review = Review(state=ReviewState.DRAFT, comments_to_authors="Half written")
    db.session.add(assignment)
    db.session.flush()
    conflict = ops.declare_own_conflict(submission, actor=reviewer, kind=ConflictKind.OTHER, confirmed=True)
    assert ops.own_declarations(call.event, reviewer) == [conflict]

    ops.withdraw_own_conflict(conflict, actor=reviewer)

    db.session.expire_all()
    assert conflicts_of(submission) == set() and ops.own_declarations(call.event, reviewer) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewAssignment)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 0
    assert not submission.is_conflicted(reviewer)
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "conflict.withdrawn")).one()
    assert entry.actor_id == reviewer.id
    assert entry.details == {"code": submission.code, "user_id": reviewer.id, "kind": "other", "source": "reviewer"}


@pytest.mark.parametrize("source", [ConflictSource.AUTHOR, ConflictSource.ORGANISER])
def test_a_member_cannot_withdraw_a_conflict_others_declared(call, author, source):
    reviewer, other = make_reviewer(call.event), make_reviewer(call.event)
    submission = make_submitted(call.event, author)
    by_others = declare(submission, reviewer, author if source == ConflictSource.AUTHOR else call.organiser,
                        source=source)
    own = declare(make_submitted(call.event, author), other, other, source=ConflictSource.REVIEWER)
    assert ops.own_declarations(call.event, reviewer) == []
    with pytest.raises(NotAllowed):
        ops.withdraw_own_conflict(by_others, actor=reviewer)
    with pytest.raises(NotAllowed):
        ops.withdraw_own_conflict(own, actor=reviewer)  # someone else's own declaration
    assert conflicts_of(submission) == {(reviewer.id, ConflictKind.PERSONAL, source)}
    assert "conflict.withdrawn" not in actions(call.event)


def test_a_chair_who_may_not_see_authors_is_not_told_a_member_is_one(call, author):
    ensure_review_settings(call.event).blind_mode = BlindMode.DOUBLE_BLIND
    chair = make_track_chair(call.event, tracks=[call.data])
    member = make_reviewer(call.event, name="Ada's Colleague", email="col@uni-a.edu")
    submission = make_submitted(call.event, author, track_id=call.data.id,
                                coauthors=[("Ada's Colleague", "col@uni-a.edu", "")])
    assert submission.is_author(member)
    with pytest.raises(DomainError) as as_chair:
        declare(submission, member, chair)
    assert as_chair.value.message == f"Ada's Colleague already has a conflict with {submission.code}."
    with pytest.raises(DomainError) as as_organiser:
        declare(submission, member, call.organiser)
    assert "is an author of this submission" in as_organiser.value.message


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
    found = pairs(suggestions.suggest_conflicts(call.event, viewer=call.organiser))
    assert found == {(submission.code, "Colleague"): ["Same mail domain (uni-a.edu) as Ada Author."]}
    assert colleague.id != gmail_reviewer.id


def test_suggests_same_affiliation_ignoring_case_and_spaces(call, author):
    make_reviewer(call.event, name="Ria", email="ria@elsewhere.org", affiliation="  university   a ")
    make_reviewer(call.event, name="Empty", email="e@elsewhere.net", affiliation="")
    submission = make_submitted(call.event, author)
    suggestion, = suggestions.suggest_conflicts(call.event, viewer=call.organiser)
    assert (suggestion.submission.code, suggestion.user.name) == (submission.code, "Ria")
    assert suggestion.reasons == ["Same affiliation (university a) as Ada Author."]
    assert suggestion.kind == ConflictKind.INSTITUTION


def test_suggests_earlier_coauthorship_within_the_event(call, author):
    reviewer = make_reviewer(call.event, name="Rex", email="rex@other.org")
    earlier = make_submitted(call.event, author, title="Earlier", coauthors=[("Rex", "rex@other.org", "")])
    later = make_submitted(call.event, author, title="Later")
    found = suggestions.suggest_conflicts(call.event, viewer=call.organiser)
    # Rex wrote "earlier": that pair is authorship, not a suggestion.
    assert [(s.submission.code, s.user.id, s.kind) for s in found] == [(later.code, reviewer.id, ConflictKind.COAUTHOR)]
    assert found[0].reasons == [f"Co-author of Ada Author on submission {earlier.code}."]


def test_declared_and_dismissed_pairs_are_not_suggested_again(call, author):
    declared = make_reviewer(call.event, name="Declared", email="d@uni-a.edu")
    dismissed = make_reviewer(call.event, name="Dismissed", email="x@uni-a.edu")
    submission = make_submitted(call.event, author)
    assert set(pairs(suggestions.suggest_conflicts(call.event, viewer=call.organiser))) == {
        (submission.code, "Declared"), (submission.code, "Dismissed")}
    suggestions.confirm_suggestion(submission, declared, kind=ConflictKind.INSTITUTION, actor=call.organiser)
    suggestions.dismiss_suggestion(submission, dismissed, actor=call.organiser)
    suggestions.dismiss_suggestion(submission, dismissed, actor=call.organiser)  # twice is harmless
    assert suggestions.suggest_conflicts(call.event, viewer=call.organiser) == []
    assert conflicts_of(submission) == {(declared.id, ConflictKind.INSTITUTION, ConflictSource.ORGANISER)}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DismissedConflictSuggestion)) == 1
    assert actions(call.event)[-2:] == ["conflict.declared", "conflict.suggestion_dismissed"]


def test_only_managers_confirm_or_dismiss(call, author):
    reviewer = make_reviewer(call.event, email="r@uni-a.edu")
    submission = make_submitted(call.event, author)
    with pytest.raises(NotAllowed):
        suggestions.confirm_suggestion(submission, reviewer, kind=ConflictKind.INSTITUTION, actor=reviewer)
    with pytest.raises(NotAllowed):
        suggestions.dismiss_suggestion(submission, reviewer, actor=author)
    assert len(suggestions.suggest_conflicts(call.event, viewer=call.organiser)) == 1


@pytest.mark.parametrize("mode", [BlindMode.DOUBLE_BLIND, BlindMode.SINGLE_BLIND, BlindMode.OPEN])
def test_suggestions_name_authors_only_to_those_who_may_see_them(call, author, mode):
    ensure_review_settings(call.event).blind_mode = mode
    chair = make_track_chair(call.event, tracks=[call.data], name="Cleo Chair", email="cleo@chairs.example")
    make_reviewer(call.event, name="Carl", email="carl@uni-a.edu", affiliation="University A")
    make_reviewer(call.event, name="Rex", email="rex@other.org")
    earlier = make_submitted(call.event, author, title="Earlier", track_id=call.privacy.id,
                             coauthors=[("Rex", "rex@other.org", "")])
    later = make_submitted(call.event, author, title="Later", track_id=call.data.id)
    named = {
        (later.code, "Carl"): ["Same mail domain (uni-a.edu) as Ada Author.",
                               "Same affiliation (University A) as Ada Author."],
        (later.code, "Rex"): [f"Co-author of Ada Author on submission {earlier.code}."],
    }
    neutral = {
        (later.code, "Carl"): ["An author has the same mail domain as this member.",
                               "An author has the same affiliation as this member."],
        (later.code, "Rex"): ["An author wrote another submission to this event with this member."],
    }
    for_organiser = pairs(suggestions.suggest_conflicts(call.event, viewer=call.organiser))
    assert for_organiser == {**named, (earlier.code, "Carl"): named[(later.code, "Carl")]}
    # The chair manages "Later" only, and reads its authors only where the event shows them.
    for_chair = pairs(suggestions.suggest_conflicts(call.event, viewer=chair))
    assert for_chair == (neutral if mode == BlindMode.DOUBLE_BLIND else named)


def test_suggestions_take_a_fixed_number_of_queries(call, author):
    for n in range(3):
        make_reviewer(call.event, email=f"r{n}@uni-a.edu")
    for _ in range(3):
        make_submitted(call.event, author, coauthors=[("Co", f"co{_}@uni-a.edu", "University A")])
    db.session.expire_all()
    event = call.event
    event.roles  # noqa: B018  (loaded, as the page that asks has them)
    with counting(db) as statements:
        found = suggestions.suggest_conflicts(event, viewer=call.organiser)
        names = {s.user.name for s in found}
    assert len(found) == 9 and len(names) == 3
    assert len(statements) <= 5
