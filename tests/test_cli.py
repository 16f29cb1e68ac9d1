"""The command line: demo data and site administrators."""

import sqlalchemy as sa

from conference.demo import DEMO_PASSWORD, DEMO_USERS
from conference.enums import EventStatus, TeamRole
from conference.models import AuditEntry, Event, EventRole, User


def _counts(db):
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (User, Event, EventRole)
    }


def test_demo_loads_events_and_a_user_per_role_and_is_idempotent(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    first = _counts(db)
    assert first["User"] == len(DEMO_USERS)
    events = {e.slug: e for e in db.session.scalars(sa.select(Event))}
    assert set(events) == {"iatf-symposium", "icdd"}
    assert all(e.status == EventStatus.PUBLISHED for e in events.values())
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    assert users["admin@example.org"].is_admin
    assert TeamRole.ORGANISER in events["icdd"].roles_of(users["organiser@example.org"])
    assert TeamRole.REVIEWER in events["icdd"].roles_of(users["reviewer@example.org"])
    assert TeamRole.TRACK_CHAIR in events["icdd"].roles_of(users["chair@example.org"])
    assert all(u.check_password(DEMO_PASSWORD) and u.is_verified for u in users.values())
    for email, *_ in DEMO_USERS:
        assert email in result.output

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    db.session.expire_all()
    assert _counts(db) == first


def test_create_admin_makes_a_verified_administrator(runner, db):
    result = runner.invoke(args=["users", "create-admin", "--email", "Root@Example.org", "--name", "Root",
                                 "--password", "a long admin password"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(sa.select(User).where(User.email == "root@example.org"))
    assert admin.is_admin and admin.may_create_events and admin.is_verified
    assert admin.check_password("a long admin password")
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.object_id == admin.id)) == "account.made_admin"


def test_create_admin_refuses_a_short_password(runner, db):
    result = runner.invoke(args=["users", "create-admin", "--email", "root@example.org", "--name", "Root",
                                 "--password", "short"])
    assert result.exit_code == 2
    assert "at least 10 characters" in result.output
    assert db.session.scalar(sa.select(User).where(User.email == "root@example.org")) is None


def test_grant_creator(runner, db):
    from . import factories

    user = factories.make_user(email="chair@example.org")
    result = runner.invoke(args=["users", "grant-creator", "chair@example.org"])
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.may_create_events
    missing = runner.invoke(args=["users", "grant-creator", "nobody@example.org"])
    assert missing.exit_code == 1 and "No account uses nobody@example.org" in missing.output
