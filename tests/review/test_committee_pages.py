"""The committee and conflicts pages through HTTP: organisers invite and limit members, manage
conflicts and suggestions; track chairs see their tracks only; reviewers declare their own
conflicts; authors declare theirs; invited people decline without an account; expertise."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import itertools
import re

import pytest
import sqlalchemy as sa

from conference.accounts.models import User
from conference.core.models import AuditEntry
from conference.events import team
from conference.events.enums import TeamRole
from conference.events.models import TeamInvitation
from conference.review import conflicts as conflict_ops
from conference.review.common import ensure_review_settings
from conference.review.enums import BlindMode, ConflictKind, ConflictSource
from conference.review.models import Conflict, ReviewAssignment

from .. import factories
from ..cfp.builders import DURING, make_call
from ..conftest import login
from ..query_counting import grow
from .builders import make_reviewer, make_submitted, make_track_chair

UTC = dt.UTC


@pytest.fixture
def call(db):
    return make_call()


@pytest.fixture
def author(db):
    return factories.make_user(name="Ada Author", email="ada@uni-a.edu", affiliation="University A")


@pytest.fixture
def org(app, call):
    return login(app.test_client(), call.organiser)


def text(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def error_of(html: str, field: str) -> str:
    start = html.index(f'<p class="invalid-feedback d-block" id="error-{field}">')
    return html[start:html.index("</p>", start)]


def conflicts_of(db, submission) -> set[tuple[int, ConflictKind, ConflictSource]]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Conflict).where(Conflict.submission_id == submission.id))
    return {(c.user_id, c.kind, c.source) for c in rows}


def last_action(db, event) -> str:
    return db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.event_id == event.id)
                             .order_by(AuditEntry.id.desc()).limit(1))


# The committee -----------------------------------------------------------------------------------

def test_committee_page_lists_members_and_invites_for_tracks(org, call, db):
    make_reviewer(call.event, name="Rita Reviewer", expertise=["SDMX", "privacy"])
    page = org.get(f"/events/{call.event.slug}/review/committee")
    html = text(page)
    assert page.status_code == 200
    assert "Rita Reviewer" in html and "SDMX and privacy" in html and "All tracks" in html

    response = org.post(f"/events/{call.event.slug}/review/committee", data={
        "email": "new@example.org", "role": "track_chair", "track_ids": [str(call.privacy.id)], "message": "Hi"})

    assert response.status_code == 302 and response.headers["Location"] == f"/events/{call.event.slug}/review/committee"
    db.session.expire_all()
    [invitation] = db.session.scalars(sa.select(TeamInvitation).where(TeamInvitation.event_id == call.event.id))
    assert (invitation.email, invitation.role, invitation.track_ids, invitation.message) == (
        "new@example.org", TeamRole.TRACK_CHAIR, [call.privacy.id], "Hi")
    html = text(org.get(f"/events/{call.event.slug}/review/committee"))
    assert "Invitation sent to new@example.org." in html and "Privacy and ethics" in html and "Waiting" in html


def test_committee_invitation_with_bad_input_keeps_what_was_typed(org, call, db):
    response = org.post(f"/events/{call.event.slug}/review/committee", data={
        "email": "not an address", "role": "reviewer", "track_ids": [str(call.data.id)], "message": "Keep me"})
    html = text(response)
    assert response.status_code == 200
    assert "Enter a valid email address." in error_of(html, "email")
    assert 'value="not an address"' in html and "Keep me</textarea>" in html
    assert f'checked class="form-check-input" id="track_ids-0" name="track_ids" type="checkbox" value="{call.data.id}"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TeamInvitation)) == 0


def test_committee_pages_are_for_organisers_only(app, call, db):
    reviewer = make_reviewer(call.event)
    chair = make_track_chair(call.event)
    role = call.event.role_row(reviewer, TeamRole.REVIEWER)
    for person in (reviewer, chair):
        client = login(app.test_client(), person)
        assert client.get(f"/events/{call.event.slug}/review/committee").status_code == 403
        assert client.post(f"/events/{call.event.slug}/review/committee/{role.id}",
                           data={"max_load": "3"}).status_code == 403
    assert role.max_load is None


def test_edit_member_sets_tracks_and_cap(org, call, db):
    reviewer = make_reviewer(call.event, name="Rita")
    role = call.event.role_row(reviewer, TeamRole.REVIEWER)
    path = f"/events/{call.event.slug}/review/committee/{role.id}"
    assert "Own cap on reviews" in text(org.get(path))

    bad = org.post(path, data={"track_ids": [str(call.data.id)], "max_load": "lots"})
    assert bad.status_code == 200 and "Give a whole number" in error_of(text(bad), "max_load")
    db.session.expire_all()
    assert (role.track_ids, role.max_load) == (None, None)

    response = org.post(path, data={"track_ids": [str(call.data.id)], "max_load": "3"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (role.track_ids, role.max_load) == (frozenset({call.data.id}), 3)
    assert last_action(db, call.event) == "committee.limits_changed"
    assert "3 (own)" in text(org.get(f"/events/{call.event.slug}/review/committee"))

    # A track number beyond what the column holds (a tampered form) is no track of the event.
    huge = org.post(path, data={"track_ids": ["99999999999999999999"], "max_load": "4"})
    assert huge.status_code == 200 and "Choose tracks of this event." in error_of(text(huge), "track_ids")
    db.session.expire_all()
    assert (role.track_ids, role.max_load) == (frozenset({call.data.id}), 3)


def test_withdraw_invitation_from_the_committee_page(org, call, db):
    invitation = team.invite_member(call.event, actor=call.organiser, email="x@example.org", role=TeamRole.REVIEWER)
    db.session.flush()  # the audit entry too, before the request adds its own
    response = org.post(f"/events/{call.event.slug}/review/committee/invitations/{invitation.id}/withdraw")
    assert response.status_code == 302
    db.session.expire_all()
    assert invitation.revoked_at is not None
    assert last_action(db, call.event) == "team.invitation_revoked"


def test_invited_person_without_an_account_declines_from_the_link(app, call, db):
    invitation = team.invite_member(call.event, actor=call.organiser, email="no@example.org", role=TeamRole.REVIEWER,
                                    message="Please review for us")
    path = f"/invitations/{team.invitation_token(invitation)}"
    visitor = app.test_client()
    page = text(visitor.get(path))
    assert "Please review for us" in page and "decline without an account" in page

    response = visitor.post(path, data={"decision": "decline"}, follow_redirects=True)

    assert response.status_code == 200 and "You declined the invitation." in text(response)
    db.session.expire_all()
    assert invitation.revoked_at is not None and invitation.accepted_at is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == "no@example.org")) == 0
    org = login(app.test_client(), call.organiser)
    assert "Declined" in text(org.get(f"/events/{call.event.slug}/review/committee"))
    # Accepting still needs an account.
    other = team.invite_member(call.event, actor=call.organiser, email="yes@example.org", role=TeamRole.REVIEWER)
    accept = visitor.post(f"/invitations/{team.invitation_token(other)}", data={"decision": "accept"})
    assert accept.status_code == 302 and accept.headers["Location"].startswith("/auth/login")


# Conflicts: organisers and track chairs ---------------------------------------------------------

def test_organiser_adds_and_removes_a_conflict(org, call, author, db):
    reviewer = make_reviewer(call.event, name="Rita")
    submission = make_submitted(call.event, author)
    base = f"/events/{call.event.slug}/review/conflicts"
    response = org.post(f"{base}/add", data={"code": submission.code.lower(), "user_id": str(reviewer.id),
                                             "kind": "advisor", "note": "Her PhD advisor"})
    assert response.status_code == 302
    assert conflicts_of(db, submission) == {(reviewer.id, ConflictKind.ADVISOR, ConflictSource.ORGANISER)}
    html = text(org.get(base))
    assert "Her PhD advisor" in html and "Advisor or advisee" in html and "1 conflict" in html

    conflict = db.session.scalar(sa.select(Conflict))
    assert org.post(f"{base}/{conflict.id}/remove").status_code == 302
    assert conflicts_of(db, submission) == set()
    assert last_action(db, call.event) == "conflict.removed"


def test_adding_a_conflict_with_an_unknown_code_keeps_the_form(org, call, db):
    reviewer = make_reviewer(call.event)
    response = org.post(f"/events/{call.event.slug}/review/conflicts/add",
                        data={"code": "NOPE42", "user_id": str(reviewer.id), "kind": "personal", "note": "typed"})
    html = text(response)
    assert response.status_code == 422
    assert "No submission of yours to manage has this code." in error_of(html, "code")
    assert 'value="NOPE42"' in html and 'value="typed"' in html
    assert f'<option selected value="{reviewer.id}">' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Conflict)) == 0


def test_conflicts_filter_by_member_and_submission(org, call, author, db):
    ann, bob = make_reviewer(call.event, name="Ann"), make_reviewer(call.event, name="Bob")
    first, second = make_submitted(call.event, author, title="First"), make_submitted(call.event, author, title="Second")
    for submission, user in ((first, ann), (second, bob)):
        conflict_ops.declare_conflict(submission, user, kind=ConflictKind.OTHER, source=ConflictSource.ORGANISER,
                                      actor=call.organiser)
    base = f"/events/{call.event.slug}/review/conflicts"
    by_member = text(org.get(f"{base}?member={bob.id}"))
    assert "1 conflict" in by_member and "Second" in by_member and "First" not in by_member
    by_code = text(org.get(f"{base}?submission={first.code}"))
    assert "1 conflict" in by_code and "First" in by_code and "Second" not in by_code


def test_suggestions_are_confirmed_or_dismissed(org, call, author, db):
    colleague = make_reviewer(call.event, name="Carl", email="carl@uni-a.edu")
    namesake = make_reviewer(call.event, name="Una", email="una@other.org", affiliation="University A")
    submission = make_submitted(call.event, author)
    base = f"/events/{call.event.slug}/review/conflicts"
    html = text(org.get(base))
    assert "Same mail domain (uni-a.edu) as Ada Author." in html
    assert "Same affiliation (University A) as Ada Author." in html

    org.post(f"{base}/suggestions/confirm", data={"submission_id": submission.id, "user_id": colleague.id,
                                                   "kind": "institution"})
    org.post(f"{base}/suggestions/dismiss", data={"submission_id": submission.id, "user_id": namesake.id})

    assert conflicts_of(db, submission) == {(colleague.id, ConflictKind.INSTITUTION, ConflictSource.ORGANISER)}
    html = text(org.get(base))
    assert "No suggestions." in html and "Same affiliation" not in html


def test_a_chair_of_a_double_blind_event_reads_suggestions_without_authors(app, call, author, db):
    ensure_review_settings(call.event).blind_mode = BlindMode.DOUBLE_BLIND
    chair = make_track_chair(call.event, tracks=[call.data], name="Cleo Chair", email="cleo@chairs.example")
    make_reviewer(call.event, name="Carl", email="carl@uni-a.edu", affiliation="University A")
    rex = make_reviewer(call.event, name="Rex", email="rex@other.org")
    earlier = make_submitted(call.event, author, title="Earlier", track_id=call.data.id,
                             coauthors=[("Rex", "rex@other.org", "")])
    submission = make_submitted(call.event, author, title="Later", track_id=call.data.id,
                                coauthors=[("Bea Coauthor", "bea@uni-a.edu", "University A")])
    dora = make_reviewer(call.event, name="Dora", email="dora@elsewhere.org")
    conflict_ops.declare_author_conflicts(submission, actor=author, now=DURING, kinds={dora.id: ConflictKind.ADVISOR})
    base = f"/events/{call.event.slug}/review/conflicts"

    as_chair = text(login(app.test_client(), chair).get(base))
    assert "Advisor or advisee</td>\n    <td>Declared by an author</td>" in as_chair  # by no name
    assert "An author has the same mail domain as this member." in as_chair
    assert "An author has the same affiliation as this member." in as_chair
    assert "An author wrote another submission to this event with this member." in as_chair
    for detail in ("Ada Author", "ada@uni-a.edu", "bea@uni-a.edu", "(uni-a.edu)", "University A", "Bea Coauthor",
                   f"on submission {earlier.code}"):
        assert detail not in as_chair, detail
    as_organiser = text(login(app.test_client(), call.organiser).get(base))
    assert "Same mail domain (uni-a.edu) as Ada Author and Bea Coauthor." in as_organiser
    assert f"Co-author of Ada Author on submission {earlier.code}." in as_organiser

    # Adding a conflict for a member who is an author says nothing of authorship to the chair.
    response = login(app.test_client(), chair).post(f"{base}/add", data={
        "code": earlier.code, "user_id": str(rex.id), "kind": "other"})
    assert response.status_code == 422
    assert error_of(text(response), "user_id").endswith(f"Rex already has a conflict with {earlier.code}.")
    assert conflicts_of(db, submission) == {(dora.id, ConflictKind.ADVISOR, ConflictSource.AUTHOR)}


def test_track_chair_sees_and_manages_only_their_tracks(app, call, author, db):
    chair = make_track_chair(call.event, tracks=[call.data])
    reviewer = make_reviewer(call.event, name="Rita")
    mine = make_submitted(call.event, author, title="Mine", track_id=call.data.id)
    theirs = make_submitted(call.event, author, title="Theirs", track_id=call.privacy.id)
    for submission in (mine, theirs):
        conflict_ops.declare_conflict(submission, reviewer, kind=ConflictKind.OTHER, source=ConflictSource.ORGANISER,
                                      actor=call.organiser)
    client = login(app.test_client(), chair)
    html = text(client.get(f"/events/{call.event.slug}/review/conflicts"))
    assert "Mine" in html and "Theirs" not in html and "1 conflict" in html
    other = db.session.scalar(sa.select(Conflict).where(Conflict.submission_id == theirs.id))
    assert client.post(f"/events/{call.event.slug}/review/conflicts/{other.id}/remove").status_code == 404
    response = client.post(f"/events/{call.event.slug}/review/conflicts/add",
                           data={"code": theirs.code, "user_id": str(chair.id), "kind": "other"})
    assert response.status_code == 422
    assert (reviewer.id, ConflictKind.OTHER, ConflictSource.ORGANISER) in conflicts_of(db, theirs)


def test_reviewers_and_strangers_cannot_open_the_conflicts_page(app, call, db):
    reviewer = make_reviewer(call.event)
    assert login(app.test_client(), reviewer).get(f"/events/{call.event.slug}/review/conflicts").status_code == 403
    stranger = factories.make_user()
    assert login(app.test_client(), stranger).get(f"/events/{call.event.slug}/review/conflicts").status_code == 403


# Conflicts: reviewers and authors ---------------------------------------------------------------

def test_reviewer_declares_own_conflict_and_loses_the_submission(app, call, author, db):
    reviewer = make_reviewer(call.event)
    submission = make_submitted(call.event, author)
    db.session.add(ReviewAssignment(submission=submission, reviewer=reviewer, assigned_by_id=call.organiser.id))
    db.session.flush()
    client = login(app.test_client(), reviewer)

    response = client.post(f"/events/{call.event.slug}/review/submissions/{submission.code}/conflict",
                           data={"kind": "personal", "note": "My spouse", "confirm": "y"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{call.event.slug}/review/my-conflicts"
    assert conflicts_of(db, submission) == {(reviewer.id, ConflictKind.PERSONAL, ConflictSource.REVIEWER)}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewAssignment)) == 0
    again = client.post(f"/events/{call.event.slug}/review/submissions/{submission.code}/conflict",
                        data={"kind": "personal", "confirm": "y"})
    assert again.status_code == 404


def test_declaring_a_conflict_asks_for_confirmation_first(app, call, author, db):
    reviewer = make_reviewer(call.event)
    submission = make_submitted(call.event, author)
    db.session.add(ReviewAssignment(submission=submission, reviewer=reviewer, assigned_by_id=call.organiser.id))
    db.session.flush()
    client = login(app.test_client(), reviewer)
    path = f"/events/{call.event.slug}/review/submissions/{submission.code}/conflict"
    show = text(client.get(f"/events/{call.event.slug}/review/submissions/{submission.code}"))
    assert f'href="{path}"' in show and f'action="{path}"' not in show  # a link to the step, no one-click form

    step = text(client.get(path))
    assert "You are assigned to review this submission: the assignment is deleted." in step
    assert "nothing it deleted comes back" in step
    unconfirmed = client.post(path, data={"kind": "personal", "note": "My spouse"})
    assert unconfirmed.status_code == 200
    page = text(unconfirmed)
    assert error_of(page, "confirm").endswith("Tick the box to confirm the conflict: your assignment and your "
                                              "review of this submission, if any, are deleted.")
    assert 'value="My spouse"' in page and re.search(r'<option selected value="personal">', page)
    assert conflicts_of(db, submission) == set()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewAssignment)) == 1

    confirmed = client.post(path, data={"kind": "personal", "note": "My spouse", "confirm": "y"})
    assert confirmed.status_code == 302
    assert conflicts_of(db, submission) == {(reviewer.id, ConflictKind.PERSONAL, ConflictSource.REVIEWER)}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewAssignment)) == 0
    assert last_action(db, call.event) == "conflict.declared"


def test_a_member_withdraws_their_own_conflict_and_nothing_comes_back(app, call, author, db):
    reviewer = make_reviewer(call.event)
    submission = make_submitted(call.event, author, title="Tidal statistics")
    db.session.add(ReviewAssignment(submission=submission, reviewer=reviewer, assigned_by_id=call.organiser.id))
    db.session.flush()
    client = login(app.test_client(), reviewer)
    declared = client.post(f"/events/{call.event.slug}/review/submissions/{submission.code}/conflict",
                           data={"kind": "other", "note": "Former colleague", "confirm": "y"}, follow_redirects=True)
    page = text(declared)
    assert f"Your conflict with {submission.code} is recorded" in page
    assert "Tidal statistics" in page and "Former colleague" in page
    assert "does not bring back an assignment or a review it deleted" in page
    assert f'<a href="/events/{call.event.slug}/review/my-conflicts" aria-current="page">My conflicts</a>' in page
    conflict = db.session.scalar(sa.select(Conflict))

    withdrawn = client.post(f"/events/{call.event.slug}/review/my-conflicts/{conflict.id}/withdraw",
                            follow_redirects=True)

    page = text(withdrawn)
    assert f"Your conflict with {submission.code} is withdrawn. Nothing it removed comes back" in page
    assert "You have declared no conflicts." in page
    assert conflicts_of(db, submission) == set()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewAssignment)) == 0  # not re-created
    assert last_action(db, call.event) == "conflict.withdrawn"
    # Assignable again.
    assert org_assigns(app, call, submission, reviewer).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewAssignment)) == 1


def org_assigns(app, call, submission, reviewer):
    client = login(app.test_client(), call.organiser)
    return client.post(f"/events/{call.event.slug}/review/assignments/assign",
                       data={"submission_id": submission.id, "reviewer_id": reviewer.id})


def test_a_member_cannot_withdraw_a_conflict_the_authors_or_organisers_declared(app, call, author, db):
    reviewer, other = make_reviewer(call.event), make_reviewer(call.event)
    by_author = make_submitted(call.event, author, title="Declared by its authors")
    by_organiser = make_submitted(call.event, author, title="Declared by the organisers")
    someone_elses = make_submitted(call.event, author, title="Declared by another member")
    conflict_ops.declare_conflict(by_author, reviewer, kind=ConflictKind.OTHER, source=ConflictSource.AUTHOR,
                                  actor=author)
    conflict_ops.declare_conflict(by_organiser, reviewer, kind=ConflictKind.OTHER, source=ConflictSource.ORGANISER,
                                  actor=call.organiser)
    conflict_ops.declare_conflict(someone_elses, other, kind=ConflictKind.OTHER, source=ConflictSource.REVIEWER,
                                  actor=other)
    client = login(app.test_client(), reviewer)
    page = text(client.get(f"/events/{call.event.slug}/review/my-conflicts"))
    assert "You have declared no conflicts." in page and "Declared by" not in page
    for conflict in db.session.scalars(sa.select(Conflict)).all():
        assert client.post(f"/events/{call.event.slug}/review/my-conflicts/{conflict.id}/withdraw").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Conflict)) == 3


def test_author_declares_conflicts_with_committee_members(app, call, author, db):
    ann = make_reviewer(call.event, name="Ann", affiliation="Lab B")
    bob = make_reviewer(call.event, name="Bob")
    submission = make_submitted(call.event, author)
    client = login(app.test_client(), author)
    show = text(client.get(f"/events/{call.event.slug}/submissions/{submission.code}"))
    path = f"/events/{call.event.slug}/submissions/{submission.code}/conflicts"
    assert f'href="{path}"' in show
    page = text(client.get(path))
    assert "Ann (Lab B)" in page and "Bob" in page and "Ada Author" not in page.split("<main")[1]

    response = client.post(path, data={f"member_{ann.id}": "coauthor", f"member_{bob.id}": ""})

    assert response.status_code == 302
    assert conflicts_of(db, submission) == {(ann.id, ConflictKind.COAUTHOR, ConflictSource.AUTHOR)}
    assert '<option selected value="coauthor">' in text(client.get(path))


def test_author_conflicts_after_the_edit_deadline_are_refused(app, call, author, db):
    reviewer = make_reviewer(call.event, name="Ann")
    submission = make_submitted(call.event, author)
    the_call = call.event.call
    the_call.opens_at = dt.datetime(2020, 1, 1, tzinfo=UTC)
    the_call.deadline = dt.datetime(2020, 2, 1, tzinfo=UTC)
    the_call.edit_until = None
    db.session.flush()
    client = login(app.test_client(), author)
    path = f"/events/{call.event.slug}/submissions/{submission.code}/conflicts"
    assert "can no longer be edited" in text(client.get(path))

    response = client.post(path, data={f"member_{reviewer.id}": "coauthor"})

    assert response.status_code == 200 and "can no longer be edited" in text(response)
    assert conflicts_of(db, submission) == set()


def test_strangers_cannot_open_the_author_conflicts_page(app, call, author, db):
    reviewer = make_reviewer(call.event)
    submission = make_submitted(call.event, author)
    path = f"/events/{call.event.slug}/submissions/{submission.code}/conflicts"
    for person in (reviewer, factories.make_user()):
        client = login(app.test_client(), person)
        assert client.get(path).status_code == 404
        assert client.post(path, data={f"member_{reviewer.id}": "other"}).status_code == 404
    assert conflicts_of(db, submission) == set()


# Expertise on the profile ---------------------------------------------------------------------

def test_profile_saves_expertise_keywords(client, db):
    user = factories.make_user()
    login(client, user)
    data = {"name": "Eve", "affiliation": "", "country": "", "timezone": "UTC", "bio": ""}
    response = client.post("/auth/profile", data={**data, "expertise": "SDMX,  data standards ; sdmx"})
    assert response.status_code == 302
    db.session.expire_all()
    assert user.expertise == ["SDMX", "data standards"]
    assert 'value="SDMX, data standards"' in text(client.get("/auth/profile"))

    too_many = ", ".join(f"k{n}" for n in range(11))
    response = client.post("/auth/profile", data={**data, "expertise": too_many})
    assert response.status_code == 200
    html = text(response)
    assert "List at most 10 keywords." in error_of(html, "expertise") and f'value="{too_many}"' in html
    db.session.expire_all()
    assert user.expertise == ["SDMX", "data standards"]


# A fixed number of queries ---------------------------------------------------------------------

def test_committee_and_conflicts_pages_run_a_fixed_number_of_queries(org, call, author, db):
    numbers = itertools.count()

    def add_one(_i):
        i = next(numbers)
        reviewer = make_reviewer(call.event, email=f"r{i}@uni-a.edu", tracks=[call.data], expertise=["SDMX"])
        submission = make_submitted(call.event, author, coauthors=[(f"Co {i}", f"co{i}@uni-a.edu", "University A")])
        db.session.add(ReviewAssignment(submission=submission, reviewer=reviewer, assigned_by_id=call.organiser.id))
        conflict_ops.declare_conflict(submission, make_reviewer(call.event), kind=ConflictKind.OTHER,
                                      source=ConflictSource.ORGANISER, actor=call.organiser)
        team.invite_member(call.event, actor=call.organiser, email=f"inv{i}@example.org", role=TeamRole.REVIEWER,
                           track_ids=[call.privacy.id])

    for page in ("committee", "conflicts"):
        small, large = grow(db, org, f"/events/{call.event.slug}/review/{page}", add_one, start=2, end=6)
        assert small == large, page
