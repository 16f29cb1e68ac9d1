"""The ranking: statistics worked out by hand, filters, sorting, who sees what, the CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from conference.cfp.enums import Decision
from conference.errors import NotAllowed
from conference.events.enums import TeamRole
from conference.events.models import EventRole
from conference.extensions import db
from conference.review import ranking as ranking_ops
from conference.review.decisions import stage_decision
from conference.review.enums import ConflictKind, ConflictSource, ReviewState
from conference.review.models import Conflict

from .. import factories
from .builders import add_review, make_committee, make_submission, three_reviews


@pytest.fixture
def committee(db):
    return make_committee()


def test_stats_of_three_reviews_match_the_hand_computed_values(committee):
    submission = make_submission(committee)
    three_reviews(committee, submission)
    # A draft review counts for nothing.
    extra = factories.make_user(name="Drafting Reviewer")
    factories.add_role(committee.event, extra, TeamRole.REVIEWER)
    add_review(committee, submission, extra, originality=1, relevance=0, state=ReviewState.DRAFT)

    [row] = ranking_ops.ranking(committee.event, viewer=committee.organiser)

    stats = row.stats
    assert (stats.count, stats.mean, stats.median, stats.stdev) == (3, 5.55, 3.33, 3.14)
    assert (stats.minimum, stats.maximum, stats.confidence_weighted) == (3.33, 10.0, 7.04)
    assert row.disagreement is True
    assert row.pending_decision is None


def test_submission_without_reviews_has_empty_stats_and_sorts_last_both_ways(committee):
    reviewed = make_submission(committee, title="Reviewed")
    add_review(committee, reviewed, committee.reviewers[0], originality=3, relevance=2)
    unreviewed = make_submission(committee, title="Unreviewed")

    for descending in (True, False):
        rows = ranking_ops.ranking(committee.event, viewer=committee.organiser, descending=descending)
        assert [r.submission for r in rows] == [reviewed, unreviewed]
    assert rows[1].stats.count == 0 and rows[1].stats.mean is None


def test_sort_by_mean_and_by_spread(committee):
    high = make_submission(committee, title="High")
    add_review(committee, high, committee.reviewers[0], originality=5, relevance=3)  # 10.0
    low = make_submission(committee, title="Low")
    add_review(committee, low, committee.reviewers[0], originality=1, relevance=0)  # 0.0
    split = make_submission(committee, title="Split")
    add_review(committee, split, committee.reviewers[0], originality=5, relevance=3)  # 10.0
    add_review(committee, split, committee.reviewers[1], originality=1, relevance=0)  # 0.0 -> mean 5, spread 5

    by_mean = ranking_ops.ranking(committee.event, viewer=committee.organiser, sort="mean")
    assert [r.submission.title for r in by_mean] == ["High", "Split", "Low"]
    ascending = ranking_ops.ranking(committee.event, viewer=committee.organiser, sort="mean", descending=False)
    assert [r.submission.title for r in ascending] == ["Low", "Split", "High"]
    by_spread = ranking_ops.ranking(committee.event, viewer=committee.organiser, sort="stdev")
    assert next(r.submission.title for r in by_spread) == "Split"
    assert by_spread[0].stats.stdev == 5.0


def test_filters_by_track_type_state_and_disagreement(committee):
    call = committee.call
    data = make_submission(committee, title="Data talk", track=call.data)
    privacy = make_submission(committee, title="Privacy talk", track=call.privacy)
    three_reviews(committee, privacy)  # disagreement
    add_review(committee, data, committee.reviewers[0], originality=3, relevance=2)
    event, organiser = committee.event, committee.organiser

    def titles(**filters):
        return [r.submission.title for r in ranking_ops.ranking(event, viewer=organiser, sort="code", **filters)]

    assert titles(track_id=call.data.id) == ["Data talk"]
    assert titles(type_id=call.paper.id) == []
    assert sorted(titles(type_id=call.talk.id)) == ["Data talk", "Privacy talk"]
    assert titles(disagreement_only=True) == ["Privacy talk"]
    assert titles(state="accepted") == []
    assert sorted(titles(state="submitted")) == ["Data talk", "Privacy talk"]


def test_pending_decision_shows_in_the_row(committee):
    submission = make_submission(committee)
    stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT,
                   accept_as_type_id=committee.call.paper.id)
    [row] = ranking_ops.ranking(committee.event, viewer=committee.organiser)
    assert row.pending_decision == Decision.ACCEPT
    assert row.pending_type == committee.call.paper


def test_track_chair_sees_own_track_only_and_nothing_of_a_conflicted_submission(committee):
    call = committee.call
    own = make_submission(committee, title="Own track", track=call.data)
    conflicted = make_submission(committee, title="Conflicted", track=call.data)
    make_submission(committee, title="Other track", track=call.privacy)
    three_reviews(committee, conflicted)
    db.session.add(Conflict(event_id=committee.event.id, submission_id=conflicted.id, user_id=committee.chair.id,
                            kind=ConflictKind.INSTITUTION, source=ConflictSource.ORGANISER))
    db.session.flush()

    rows = ranking_ops.ranking(committee.event, viewer=committee.chair)
    assert [r.submission for r in rows] == [own]
    text = ranking_ops.reviews_csv(committee.event, viewer=committee.chair)
    assert "Conflicted" not in text and conflicted.code not in text
    assert text.count("\r\n") == 1  # the header only


def test_reviewers_and_strangers_may_not_see_the_ranking(committee):
    for person in (committee.reviewers[0], factories.make_user()):
        with pytest.raises(NotAllowed):
            ranking_ops.ranking(committee.event, viewer=person)
        with pytest.raises(NotAllowed):
            ranking_ops.reviews_csv(committee.event, viewer=person)


def test_organiser_who_wrote_a_submission_does_not_see_it_ranked(committee):
    co_organiser = factories.make_user(name="Co Organiser")
    committee.event.roles.append(EventRole(user_id=co_organiser.id, role=TeamRole.ORGANISER))
    own = make_submission(committee, author=co_organiser)
    other = make_submission(committee)
    assert [r.submission for r in ranking_ops.ranking(committee.event, viewer=co_organiser)] == [other]
    assert {r.submission for r in ranking_ops.ranking(committee.event, viewer=committee.organiser)} == {own, other}


def test_reviews_csv_has_a_line_per_submitted_review_with_every_column(committee):
    submission = make_submission(committee, title="=cmd|' /C calc'!A0")
    three_reviews(committee, submission)
    stage_decision(submission, actor=committee.organiser, decision=Decision.REJECT)

    text = ranking_ops.reviews_csv(committee.event, viewer=committee.organiser)

    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["Code", "Title", "Track", "Type", "State", "Pending decision", "Reviewer", "Reviewer email",
                       "Confidence", "Originality", "Relevance", "Overall score", "Comments to authors",
                       "Confidential comments", "Suggestions for the talk", "Best paper candidate?",
                       "Submitted at (UTC)"]
    assert len(rows) == 4
    first = rows[1]
    reviewer = committee.reviewers[0]
    assert first == [submission.code, "'=cmd|' /C calc'!A0", "Data standards", "Talk", "submitted", "reject",
                     reviewer.name, reviewer.email, "5", "5", "3", "10.00", "A clear, useful talk.", "Strong accept.",
                     "Show a demo.", "Yes", "2030-04-10T09:00:00+00:00"]
    assert rows[3][8] == "" and rows[3][11] == "3.33"
    assert rows[3][13] == "'=HYPERLINK(\"evil\")"  # a formula is defused
