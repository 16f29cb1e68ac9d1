"""Bidding and assignment through the HTTP path: who may open and post each page, what a
conflicted track chair is kept from, the bidding form, manual and automatic assignment, and a
fixed number of queries on the assignments page."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from conference.events.enums import TeamRole
from conference.extensions import db
from conference.review import assignment, conflicts
from conference.review.common import ensure_review_settings
from conference.review.enums import (
    BidPreference,
    BlindMode,
    ConflictKind,
    ConflictSource,
)
from conference.review.models import AssignmentProposal, Bid, Conflict, ReviewAssignment

from .. import factories
from ..conftest import login
from ..query_counting import queries_for
from .builders import add_member, pairs, reviewing_call, submission


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="alert[^"]*"[^>]*>(.*?)</p>', page)]


@dataclass
class Setting:
    call: object
    reviewer: object
    chair: object  # chairs the data track
    other_chair: object  # chairs the privacy track
    author: object
    data_talk: object
    privacy_talk: object

    @property
    def event(self):
        return self.call.event


@pytest.fixture
def setting(db):
    call = reviewing_call()
    reviewer = add_member(call.event, name="Rita Reviewer")
    chair = add_member(call.event, role=TeamRole.TRACK_CHAIR, tracks=[call.data], name="Chad Chair")
    other_chair = add_member(call.event, role=TeamRole.TRACK_CHAIR, tracks=[call.privacy], name="Pia Chair")
    author = factories.make_user(name="Aldo Author")
    data_talk = submission(call, author=author, title="Data talk")
    privacy_talk = submission(call, title="Privacy talk", track=call.privacy)
    return Setting(call, reviewer, chair, other_chair, author, data_talk, privacy_talk)


def client_as(app, setting, who):
    client = app.test_client()
    user = {"organiser": setting.call.organiser, "chair": setting.chair, "other_chair": setting.other_chair,
            "reviewer": setting.reviewer, "author": setting.author, "stranger": factories.make_user(),
            "anonymous": None}[who]
    return login(client, user) if user is not None else client


def url(setting, path: str) -> str:
    return f"/events/{setting.event.slug}/review/{path}"


WHO = ["organiser", "chair", "other_chair", "reviewer", "author", "stranger", "anonymous"]
MANAGER_PAGE = {"organiser": 200, "chair": 200, "other_chair": 200, "reviewer": 403, "author": 403,
                "stranger": 403, "anonymous": 302}


@pytest.mark.parametrize("who", WHO)
def test_manager_pages_permissions(app, setting, who):
    client = client_as(app, setting, who)
    for path in ("assignments", "assignments/auto", f"reviewers/{setting.reviewer.id}"):
        response = client.get(url(setting, path))
        assert response.status_code == MANAGER_PAGE[who], path
        if who == "anonymous":
            assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("who, sees_data, sees_privacy", [
    ("organiser", True, True), ("chair", True, False), ("other_chair", False, True)])
def test_assignments_page_lists_only_the_viewers_tracks(app, setting, who, sees_data, sees_privacy):
    page = client_as(app, setting, who).get(url(setting, "assignments")).get_data(as_text=True)
    assert (setting.data_talk.code in page) is sees_data
    assert (setting.privacy_talk.code in page) is sees_privacy


@pytest.mark.parametrize("who, expected", [("organiser", 200), ("reviewer", 200), ("chair", 403),
                                           ("author", 403), ("stranger", 403), ("anonymous", 302)])
def test_bidding_page_permissions(app, setting, who, expected):
    assert client_as(app, setting, who).get(url(setting, "bidding")).status_code == (
        403 if who == "organiser" else expected)  # organisers are not reviewers here


def test_a_conflicted_chair_sees_neither_the_submission_nor_its_counts(app, setting):
    conflicts.declare_conflict(setting.data_talk, setting.chair, kind=ConflictKind.PERSONAL,
                               source=ConflictSource.ORGANISER, actor=setting.call.organiser)
    other = submission(setting.call, title="Other data talk")
    assignment.assign(setting.data_talk, setting.reviewer, actor=setting.call.organiser, notify=False)
    db.session.add(Bid(submission_id=setting.data_talk.id, user_id=setting.reviewer.id,
                       preference=BidPreference.EAGER))
    db.session.flush()
    client = client_as(app, setting, "chair")

    page = client.get(url(setting, "assignments")).get_data(as_text=True)
    assert setting.data_talk.code not in page and "Data talk" not in page and other.code in page
    # Rita's load and bids leave out the hidden submission: 0 assigned, 0 eager.
    row = re.search(r"Rita Reviewer</a></th>(.*?)</tr>", page, re.DOTALL).group(1)
    assert re.findall(r"<td>(\w+)</td>", row) == ["0", "10", "0", "0", "0"]
    reviewer_page = client.get(url(setting, f"reviewers/{setting.reviewer.id}")).get_data(as_text=True)
    assert setting.data_talk.code not in reviewer_page
    assert "Assigned: 0; cap: 10." in reviewer_page
    # Posting to it answers as if it did not exist.
    assert client.post(url(setting, "assignments/assign"),
                       data={"submission_id": setting.data_talk.id, "reviewer_id": setting.reviewer.id}).status_code == 404
    made = setting.data_talk.review_assignments[0]
    assert client.post(url(setting, f"assignments/{made.id}/remove")).status_code == 404


def test_add_reviewer_select_lists_only_eligible_reviewers(app, setting):
    event = setting.event
    conflicted = add_member(event, name="Connie Conflicted")
    conflicts.declare_conflict(setting.data_talk, conflicted, kind=ConflictKind.PERSONAL,
                               source=ConflictSource.ORGANISER, actor=setting.call.organiser)
    assigned = add_member(event, name="Asa Assigned")
    assignment.assign(setting.data_talk, assigned, actor=setting.call.organiser, notify=False)
    add_member(event, setting.author)  # the author reviews too, but not their own
    add_member(event, name="Pete Privacy", tracks=[setting.call.privacy])
    db.session.add(Bid(submission_id=setting.data_talk.id, user_id=setting.reviewer.id, preference="eager"))
    db.session.flush()

    page = client_as(app, setting, "organiser").get(url(setting, "assignments")).get_data(as_text=True)
    select = re.search(rf'<select class="form-select form-select-sm w-auto" name="reviewer_id" id="reviewer-for-{setting.data_talk.id}">(.*?)</select>',
                       page, re.DOTALL).group(1)
    options = [html.unescape(o) for o in re.findall(r"<option[^>]*>(.*?)</option>", select)]
    assert options == ["Rita Reviewer (0 of 10, eager)"]


@pytest.mark.parametrize("who, expected", [("organiser", 302), ("chair", 302), ("other_chair", 404),
                                           ("reviewer", 403), ("author", 403), ("stranger", 403)])
def test_assign_and_unassign_permissions(app, setting, who, expected):
    client = client_as(app, setting, who)
    response = client.post(url(setting, "assignments/assign"),
                           data={"submission_id": setting.data_talk.id, "reviewer_id": setting.reviewer.id})
    assert response.status_code == expected
    assert pairs(setting.event) == ({(setting.data_talk.code, "Rita Reviewer")} if expected == 302 else set())
    made = assignment.assign(setting.privacy_talk, setting.reviewer, actor=setting.call.organiser, notify=False)
    response = client.post(url(setting, f"assignments/{made.id}/remove"))
    removed = who in ("organiser", "other_chair")
    assert response.status_code == (302 if removed else (404 if who == "chair" else expected))
    assert ((setting.privacy_talk.code, "Rita Reviewer") in pairs(setting.event)) is not removed


def test_assign_refusal_is_flashed(app, setting):
    conflicts.declare_conflict(setting.data_talk, setting.reviewer, kind=ConflictKind.PERSONAL,
                               source=ConflictSource.REVIEWER, actor=setting.reviewer)
    client = client_as(app, setting, "organiser")
    page = client.post(url(setting, "assignments/assign"), follow_redirects=True,
                       data={"submission_id": setting.data_talk.id, "reviewer_id": setting.reviewer.id}).get_data(as_text=True)
    assert flashes(page) == ["Rita Reviewer has a conflict of interest with this submission and cannot review it."]
    page = client.post(url(setting, "assignments/assign"), follow_redirects=True,
                       data={"submission_id": setting.data_talk.id}).get_data(as_text=True)
    assert flashes(page) == ["Choose a reviewer."]


def test_assign_from_the_reviewers_page_returns_there(app, setting):
    client = client_as(app, setting, "organiser")
    back = url(setting, f"reviewers/{setting.reviewer.id}")
    response = client.post(url(setting, "assignments/assign"),
                           data={"submission_id": setting.data_talk.id, "reviewer_id": setting.reviewer.id, "next": back})
    assert response.headers["Location"] == back
    page = client.get(back).get_data(as_text=True)
    assert "Rita Reviewer now reviews" in flashes(page)[0]
    assert "Assigned: 1; cap: 10." in page


def test_reviewers_page_of_someone_not_reviewing_is_404(app, setting):
    client = client_as(app, setting, "organiser")
    assert client.get(url(setting, f"reviewers/{setting.chair.id}")).status_code == 404
    assert client.get(url(setting, "reviewers/999999")).status_code == 404


# Bidding -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode, shows_authors", [(BlindMode.DOUBLE_BLIND, False), (BlindMode.SINGLE_BLIND, True)])
def test_bidding_page_hides_authors_when_double_blind(app, setting, mode, shows_authors):
    ensure_review_settings(setting.event).blind_mode = mode
    db.session.flush()
    page = client_as(app, setting, "reviewer").get(url(setting, "bidding")).get_data(as_text=True)
    assert "Data talk" in page and "Privacy talk" in page
    assert ("Aldo Author" in page) is shows_authors
    assert setting.author.email not in page


def test_a_conflict_bid_is_saved_only_once_confirmed_and_nothing_chosen_is_lost(app, setting):
    client = client_as(app, setting, "reviewer")
    response = client.post(url(setting, "bidding"), data={
        f"bid_{setting.data_talk.id}": "eager", f"bid_{setting.privacy_talk.id}": "conflict"})
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    error = re.search(r'<p class="invalid-feedback d-block" id="error-confirm_conflicts">(.*?)</p>', page, re.DOTALL).group(1)
    assert f"You chose “Conflict of interest” for {setting.privacy_talk.code}." in error
    assert re.search(r'<option selected value="conflict">', page) and re.search(r'<option selected value="eager">',
                                                                               page)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Bid)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Conflict)) == 0


def test_bidding_form_saves_all_preferences(app, setting):
    client = client_as(app, setting, "reviewer")
    response = client.post(url(setting, "bidding"), data={
        f"bid_{setting.data_talk.id}": "eager", f"bid_{setting.privacy_talk.id}": "conflict",
        "confirm_conflicts": "y"})
    assert response.status_code == 302
    assert flashes(client.get(response.headers["Location"]).get_data(as_text=True)) == [
        "Your preferences are saved (2 changed)."]
    bids = db.session.execute(sa.select(Bid.submission_id, Bid.preference).where(Bid.user_id == setting.reviewer.id)).all()
    assert bids == [(setting.data_talk.id, BidPreference.EAGER)]
    assert db.session.scalar(sa.select(Conflict.submission_id).where(Conflict.user_id == setting.reviewer.id)) == \
        setting.privacy_talk.id
    page = client.get(url(setting, "bidding")).get_data(as_text=True)
    assert "Privacy talk" not in page
    assert re.search(r'<option selected value="eager">', page)


def test_bidding_filter_by_track(app, setting):
    client = client_as(app, setting, "reviewer")
    page = client.get(url(setting, f"bidding?track={setting.call.privacy.id}")).get_data(as_text=True)
    assert "Privacy talk" in page and "Data talk" not in page
    client.post(url(setting, f"bidding?track={setting.call.privacy.id}"),
                data={f"bid_{setting.privacy_talk.id}": "willing"})
    assert db.session.scalars(sa.select(Bid.preference).where(Bid.user_id == setting.reviewer.id)).all() == [
        BidPreference.WILLING]


def test_bidding_closed_shows_it_and_refuses_a_post(app, setting):
    ensure_review_settings(setting.event).bidding_open = False
    db.session.flush()
    client = client_as(app, setting, "reviewer")
    page = client.get(url(setting, "bidding")).get_data(as_text=True)
    assert "Bidding is closed." in page and "Save my preferences" not in page
    page = client.post(url(setting, "bidding"), data={f"bid_{setting.data_talk.id}": "eager"}).get_data(as_text=True)
    assert "Bidding is closed: the organisers have not opened it" in html.unescape(page)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Bid)) == 0


# Automatic assignment --------------------------------------------------------------------------------

def test_auto_assign_preview_and_apply(app, setting):
    add_member(setting.event, name="Sam Second")
    client = client_as(app, setting, "organiser")
    page = client.get(url(setting, "assignments/auto")).get_data(as_text=True)
    assert 'value="2"' in page and 'value="10"' in page  # the settings' defaults

    response = client.post(url(setting, "assignments/auto"),
                           data={"reviews_per_submission": "3", "max_load": "5", "track_id": ""})
    proposal = db.session.scalar(sa.select(AssignmentProposal))
    assert response.headers["Location"] == url(setting, f"assignments/proposals/{proposal.id}")
    assert proposal.parameters == {"reviews_per_submission": 3, "max_load": 5, "track_id": None}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Submissions still missing reviews" in page
    assert f"{setting.data_talk.code} Data talk: 1 review missing" in page
    assert re.search(r"<th scope=\"row\">Rita Reviewer</th><td>0</td><td>2</td><td>2</td><td>5</td>", page)
    assert pairs(setting.event) == set()

    response = client.post(url(setting, f"assignments/proposals/{proposal.id}/apply"))
    assert response.headers["Location"] == url(setting, "assignments")
    assert flashes(client.get(response.headers["Location"]).get_data(as_text=True)) == [
        "4 assignments created, 0 skipped because they are no longer possible."]
    assert len(pairs(setting.event)) == 4
    page = client.post(url(setting, f"assignments/proposals/{proposal.id}/apply"), follow_redirects=True)
    assert flashes(page.get_data(as_text=True)) == ["This proposal has already been applied."]


def test_auto_assign_form_errors_keep_what_was_typed(app, setting):
    client = client_as(app, setting, "organiser")
    page = client.post(url(setting, "assignments/auto"),
                       data={"reviews_per_submission": "25", "max_load": "4", "track_id": ""}).get_data(as_text=True)
    assert "Ask for between 1 and 20 reviews." in page and 'value="25"' in page and 'value="4"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssignmentProposal)) == 0


def test_a_chair_auto_assigns_only_a_track_of_theirs(app, setting):
    client = client_as(app, setting, "chair")
    page = client.get(url(setting, "assignments/auto")).get_data(as_text=True)
    assert "All tracks" not in page and "Privacy and ethics" not in page
    page = client.post(url(setting, "assignments/auto"), data={
        "reviews_per_submission": "1", "track_id": str(setting.call.privacy.id)}).get_data(as_text=True)
    assert "Not a valid choice" in page
    response = client.post(url(setting, "assignments/auto"), data={
        "reviews_per_submission": "1", "track_id": str(setting.call.data.id)})
    proposal = db.session.scalar(sa.select(AssignmentProposal))
    assert response.status_code == 302 and proposal.pairs == [[setting.data_talk.id, setting.reviewer.id]]
    # The other track's chair may neither see nor apply it; the organiser may.
    other = client_as(app, setting, "other_chair")
    assert other.get(url(setting, f"assignments/proposals/{proposal.id}")).status_code == 403
    assert other.post(url(setting, f"assignments/proposals/{proposal.id}/apply")).status_code == 403
    assert client_as(app, setting, "reviewer").get(url(setting, f"assignments/proposals/{proposal.id}")).status_code == 403
    assert client_as(app, setting, "organiser").get(url(setting, f"assignments/proposals/{proposal.id}")).status_code == 200
    assert client.post(url(setting, f"assignments/proposals/{proposal.id}/apply")).status_code == 302
    assert pairs(setting.event) == {(setting.data_talk.code, "Rita Reviewer")}


def test_proposal_of_another_event_is_404(app, setting):
    other = reviewing_call()
    add_member(other.event)
    submission(other)
    proposal = assignment.propose(other.event, actor=other.organiser)
    client = client_as(app, setting, "organiser")
    assert client.get(url(setting, f"assignments/proposals/{proposal.id}")).status_code == 404


# Queries -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["organiser", "chair"])
def test_assignments_page_runs_a_fixed_number_of_queries(app, setting, who):
    client = client_as(app, setting, who)
    reviewers = [add_member(setting.event, name=f"Reviewer {i}") for i in range(3)]

    def add(n):
        for i in range(n):
            talk = submission(setting.call, title=f"Talk {i}")
            assignment.assign(talk, reviewers[i % 3], actor=setting.call.organiser, notify=False)
            db.session.add(Bid(submission_id=talk.id, user_id=reviewers[(i + 1) % 3].id, preference="willing"))
            conflicts.declare_conflict(talk, reviewers[(i + 2) % 3], kind=ConflictKind.OTHER,
                                       source=ConflictSource.ORGANISER, actor=setting.call.organiser)
        db.session.flush()

    add(5)
    small = queries_for(db, client, url(setting, "assignments"))
    add(20)
    large = queries_for(db, client, url(setting, "assignments"))
    assert small == large
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewAssignment)) == 25
