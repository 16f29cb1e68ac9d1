"""Pages run a fixed number of SQL statements whatever the event's size.

Each test counts the statements a page runs with 2 and with 20 of the things it lists (events,
team members, invitations, audit entries, each with its own people), and demands the same
number. A lazy load per row (an N+1) makes the second count grow.
"""

from __future__ import annotations

import datetime as dt

import pytest

from conference.core import audit
from conference.events.enums import TeamRole
from conference.events.models import TeamInvitation

from .. import factories
from ..conftest import login
from ..query_counting import grow


def test_home_page(app, db):
    today = dt.date.today()

    def add_one(i):
        # One upcoming and one past event, each with its own organiser and a second member.
        for start in (today + dt.timedelta(days=10 + i), today - dt.timedelta(days=100 + i)):
            event = factories.make_event(start_date=start, published=True)
            factories.add_role(event, factories.make_user(), TeamRole.REVIEWER)

    small, large = grow(db, app.test_client(), "/", add_one)
    assert small == large


@pytest.mark.parametrize("viewer", ["anonymous", "organiser"])
def test_event_page(app, db, viewer):
    organiser = factories.make_user(may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="big", published=True)
    client = app.test_client()
    if viewer == "organiser":
        login(client, organiser)

    small, large = grow(db, client, "/events/big/",
                        lambda i: factories.add_role(event, factories.make_user(), TeamRole.REVIEWER))
    assert small == large


def test_team_page(app, db):
    organiser = factories.make_user(may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="big")
    client = login(app.test_client(), organiser)

    def add_one(i):
        factories.add_role(event, factories.make_user(), TeamRole.REVIEWER if i % 2 else TeamRole.TRACK_CHAIR)
        inviter = factories.make_user()
        db.session.add(TeamInvitation(event=event, email=f"invitee{i}@example.org", role=TeamRole.REVIEWER,
                                      invited_by_id=inviter.id))

    small, large = grow(db, client, "/events/big/team", add_one)
    assert small == large


def test_audit_page(app, db):
    organiser = factories.make_user(may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="big")
    client = login(app.test_client(), organiser)

    def add_one(i):
        audit.record("event.updated", actor=factories.make_user(), obj=event, event=event, fields=["title"])

    small, large = grow(db, client, "/events/big/audit", add_one)
    assert small == large


def test_dashboard(app, db):
    person = factories.make_user(email="busy@example.org")
    client = login(app.test_client(), person)

    def add_one(i):
        mine = factories.make_event()
        factories.add_role(mine, person, TeamRole.REVIEWER)
        factories.add_role(mine, factories.make_user(), TeamRole.REVIEWER)
        other = factories.make_event()
        db.session.add(TeamInvitation(event=other, email="busy@example.org", role=TeamRole.TRACK_CHAIR,
                                      invited_by_id=other.created_by_id))

    small, large = grow(db, client, "/dashboard", add_one)
    assert small == large


def test_admin_user_list(app, db):
    client = login(app.test_client(), factories.make_user(is_admin=True))
    small, large = grow(db, client, "/admin/users", lambda i: factories.make_user())
    assert small == large
