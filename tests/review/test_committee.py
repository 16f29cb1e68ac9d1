"""The review committee: invitations for some tracks, accepting and declining, track limits and
individual caps, and the committee listing with loads and answers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.errors import DomainError, NotAllowed
from conference.events import team
from conference.events.enums import TeamRole
from conference.extensions import db
from conference.review import committee as ops
from conference.review.models import ReviewAssignment

from .. import factories
from ..cfp.builders import make_call
from ..mail.builders import outbox
from .builders import make_reviewer, make_submitted, make_track_chair


@pytest.fixture
def call(db):
    return make_call()


def audit(action):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def test_invitation_for_tracks_gives_a_role_limited_to_them(call):
    invitation = ops.invite_to_committee(call.event, actor=call.organiser, email="Rita@Example.org",
                                         role=TeamRole.REVIEWER, track_ids=[call.data.id], message=" Join us! ")
    assert (invitation.email, invitation.track_ids, invitation.message) == ("rita@example.org", [call.data.id], "Join us!")
    [mail] = outbox("team_invitation")
    assert "For these tracks: Data standards." in mail.body_text and "Join us!" in mail.body_text
    assert audit("team.invited")[-1].details == {"email": "rita@example.org", "role": "reviewer",
                                                 "track_ids": [call.data.id]}
    rita = factories.make_user(email="rita@example.org", name="Rita")
    role = team.accept_invitation(invitation, user=rita)
    assert (role.role, role.track_ids) == (TeamRole.REVIEWER, frozenset({call.data.id}))
    assert call.event.role_row(rita, TeamRole.REVIEWER).covers_track(call.privacy.id) is False


def test_invitation_without_tracks_covers_all_tracks(call):
    invitation = ops.invite_to_committee(call.event, actor=call.organiser, email="chair@example.org",
                                         role=TeamRole.TRACK_CHAIR)
    chair = factories.make_user(email="chair@example.org")
    role = team.accept_invitation(invitation, user=chair)
    assert (role.role, role.track_ids) == (TeamRole.TRACK_CHAIR, None)


def test_invitation_refuses_other_events_tracks_organisers_and_non_organisers(call):
    other = make_call()
    reviewer = make_reviewer(call.event)
    with pytest.raises(DomainError) as refused:
        ops.invite_to_committee(call.event, actor=call.organiser, email="x@example.org", role=TeamRole.REVIEWER,
                                track_ids=[other.data.id])
    assert refused.value.field == "track_ids"
    with pytest.raises(DomainError) as refused:
        ops.invite_to_committee(call.event, actor=call.organiser, email="x@example.org", role="organiser")
    assert refused.value.field == "role"
    with pytest.raises(DomainError, match="Only reviewers and track chairs"):
        team.invite_member(call.event, actor=call.organiser, email="x@example.org", role=TeamRole.ORGANISER,
                           track_ids=[call.data.id])
    with pytest.raises(NotAllowed):
        ops.invite_to_committee(call.event, actor=reviewer, email="x@example.org", role=TeamRole.REVIEWER)
    assert outbox("team_invitation") == []


def test_declined_and_withdrawn_invitations_are_told_apart(call):
    declined = ops.invite_to_committee(call.event, actor=call.organiser, email="no@example.org", role="reviewer")
    withdrawn = ops.invite_to_committee(call.event, actor=call.organiser, email="gone@example.org", role="reviewer")
    waiting = ops.invite_to_committee(call.event, actor=call.organiser, email="wait@example.org", role="reviewer")
    team.decline_invitation(declined, user=None)  # from the link, without an account
    team.revoke_invitation(withdrawn, actor=call.organiser)
    status = {row.invitation.email: row.status for row in ops.committee_of(call.event).invitations}
    assert status == {"no@example.org": "declined", "gone@example.org": "withdrawn", "wait@example.org": "open"}
    assert [r.invitation.id for r in ops.committee_of(call.event).open_or_declined] == [waiting.id, declined.id]
    assert audit("team.declined")[-1].actor_id is None


def test_set_member_limits_changes_tracks_and_cap_with_an_audit_entry(call):
    reviewer = make_reviewer(call.event)
    role = call.event.role_row(reviewer, TeamRole.REVIEWER)
    ops.set_member_limits(role, actor=call.organiser, track_ids=[call.privacy.id], max_load=4)
    assert (role.track_ids, role.max_load) == (frozenset({call.privacy.id}), 4)
    assert audit("committee.limits_changed")[-1].details == {"user_id": reviewer.id, "role": "reviewer",
                                                             "track_ids": [call.privacy.id], "max_load": 4}
    ops.set_member_limits(role, actor=call.organiser, track_ids=[], max_load=None)
    assert (role.track_ids, role.max_load) == (None, None)
    assert len(audit("committee.limits_changed")) == 2


@pytest.mark.parametrize("max_load", [0, 501])
def test_set_member_limits_refuses_a_cap_out_of_range(call, max_load):
    reviewer = make_reviewer(call.event)
    role = call.event.role_row(reviewer, TeamRole.REVIEWER)
    with pytest.raises(DomainError) as refused:
        ops.set_member_limits(role, actor=call.organiser, track_ids=[], max_load=max_load)
    assert refused.value.field == "max_load" and role.max_load is None


def test_set_member_limits_only_by_organisers_and_no_cap_for_chairs(call):
    chair = make_track_chair(call.event)
    role = call.event.role_row(chair, TeamRole.TRACK_CHAIR)
    with pytest.raises(NotAllowed):
        ops.set_member_limits(role, actor=chair, track_ids=[call.data.id], max_load=None)
    with pytest.raises(DomainError) as refused:
        ops.set_member_limits(role, actor=call.organiser, track_ids=[], max_load=3)
    assert refused.value.field == "max_load"
    ops.set_member_limits(role, actor=call.organiser, track_ids=[call.data.id], max_load=None)
    assert role.track_ids == frozenset({call.data.id})


def test_committee_lists_members_with_load_cap_and_expertise(call):
    author = factories.make_user()
    busy = make_reviewer(call.event, name="Busy", expertise=["SDMX"])
    idle = make_reviewer(call.event, name="Idle")
    call.event.role_row(idle, TeamRole.REVIEWER).max_load = 2
    for _ in range(2):
        submission = make_submitted(call.event, author)
        db.session.add(ReviewAssignment(submission=submission, reviewer=busy, assigned_by_id=call.organiser.id))
    db.session.flush()
    members = ops.committee_of(call.event).members
    rows = [(m.user.name, m.role.role, m.load, m.cap, m.own_cap) for m in members]
    assert rows == [("Olga Organiser", TeamRole.ORGANISER, 0, None, False),
                    ("Busy", TeamRole.REVIEWER, 2, 10, False),
                    ("Idle", TeamRole.REVIEWER, 0, 2, True)]
    assert members[1].user.expertise == ["SDMX"]
