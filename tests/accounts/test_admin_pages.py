"""Site administration through the HTTP path: the user list, search, and site rights."""

from __future__ import annotations

import sqlalchemy as sa

from conference.accounts.models import User
from conference.core.models import AuditEntry

from .. import factories


def fresh_user(db, user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def test_admin_lists_users_with_their_rights(admin_client, db):
    factories.make_user(name="Carla Creator", email="carla@example.org", may_create_events=True)
    factories.make_user(name="Uma Unverified", email="uma@example.org", verified=False)

    response = admin_client.get("/admin/users")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    carla = db.session.scalar(sa.select(User).where(User.email == "carla@example.org"))
    assert f'<td><a href="/admin/users/{carla.id}">Carla Creator</a></td>' in html
    assert "<td>carla@example.org</td>" in html
    carla_row = html[html.index(">Carla Creator</a></td>"):]
    carla_row = carla_row[:carla_row.index("</tr>")]
    assert 'name="may_create_events" value="1" checked' in carla_row
    assert 'name="is_admin" value="1" checked' not in carla_row
    uma_row = html[html.index(">Uma Unverified</a></td>"):]
    assert uma_row[:uma_row.index("</tr>")].count("<td>no</td>") == 1


def test_admin_searches_by_name_or_email(admin_client, db):
    factories.make_user(name="Carla Creator", email="carla@example.org")
    factories.make_user(name="Bruno Other", email="bruno@agency.example")

    by_name = admin_client.get("/admin/users?q=CARLA").get_data(as_text=True)
    by_email = admin_client.get("/admin/users?q=agency").get_data(as_text=True)

    assert "Carla Creator" in by_name and "Bruno Other" not in by_name
    assert "Bruno Other" in by_email and "Carla Creator" not in by_email
    assert 'value="agency"' in by_email


def test_search_treats_wildcards_literally(admin_client, db):
    factories.make_user(name="Carla Creator", email="carla@example.org")

    html = admin_client.get("/admin/users?q=%25").get_data(as_text=True)

    assert "Carla Creator" not in html


def test_admin_grants_and_withdraws_site_rights(admin_client, db):
    user = factories.make_user(name="Carla Creator")

    response = admin_client.post(f"/admin/users/{user.id}/rights", data={"may_create_events": "1", "is_admin": "1"},
                                 follow_redirects=True)

    assert response.request.path == "/admin/users"
    assert "Rights of Carla Creator are saved." in response.get_data(as_text=True)
    user = fresh_user(db, user.id)
    assert user.may_create_events and user.is_admin
    entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.actor_id, entry.object_type, entry.object_id) == (
        "account.rights_changed", admin_client.user.id, "User", user.id)
    assert entry.details == {"may_create_events": True, "is_admin": True}

    admin_client.post(f"/admin/users/{user.id}/rights", data={})

    user = fresh_user(db, user.id)
    assert not user.may_create_events and not user.is_admin


def test_new_creator_can_create_events_at_once(app, admin_client, db):
    from ..conftest import login

    user = factories.make_user()
    client = login(app.test_client(), user)
    assert client.get("/events/new").status_code == 403

    admin_client.post(f"/admin/users/{user.id}/rights", data={"may_create_events": "1"})

    assert client.get("/events/new").status_code == 200


def test_admin_cannot_remove_their_own_admin_right(admin_client, db):
    response = admin_client.post(f"/admin/users/{admin_client.user.id}/rights", data={"may_create_events": "1"},
                                 follow_redirects=True)

    assert "You cannot remove your own administrator right" in response.get_data(as_text=True)
    assert fresh_user(db, admin_client.user.id).is_admin


def test_rights_of_an_unknown_user_are_404(admin_client, db):
    assert admin_client.post("/admin/users/999999/rights", data={"is_admin": "1"}).status_code == 404


def test_admin_link_shows_for_admins_only(admin_client, user_client):
    assert 'href="/admin/users"' in admin_client.get("/").get_data(as_text=True)
    assert 'href="/admin/users"' not in user_client.get("/").get_data(as_text=True)
