"""Who may do what, as a matrix: every management URL of an event against every kind of
visitor, on a draft and on a published event; and the admin pages against non-admins.

Expected answers: anonymous visitors are sent to log in; a signed-in outsider gets 403 on a
published event and 404 on a draft (its existence must not leak); reviewers and track chairs
get 403; organisers and site admins are allowed. A refused request changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from conference.accounts.models import User
from conference.core.models import AuditEntry
from conference.events.enums import EventStatus, TeamRole
from conference.events.models import Event, EventRole, TeamInvitation

from .. import factories
from ..conftest import login


@dataclass
class Scene:
    event: Event
    target_role_id: int
    invitation_id: int


def build_scene(*, published: bool) -> Scene:
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="matrix", published=published)
    target = factories.make_user(name="Tara Target")
    factories.add_role(event, target, TeamRole.REVIEWER)
    invitation = TeamInvitation(event=event, email="invited@example.org", role=TeamRole.REVIEWER,
                                invited_by_id=organiser.id)
    factories.db.session.add(invitation)
    factories.db.session.flush()
    role_id = next(r.id for r in event.roles if r.user_id == target.id)
    return Scene(event=event, target_role_id=role_id, invitation_id=invitation.id)


ACTIONS = {
    # name: (method, path template)
    "edit": ("GET", "/events/{slug}/edit"),
    "edit-save": ("POST", "/events/{slug}/edit"),
    "publish": ("POST", "/events/{slug}/publish"),
    "unpublish": ("POST", "/events/{slug}/unpublish"),
    "team": ("GET", "/events/{slug}/team"),
    "invite": ("POST", "/events/{slug}/team"),
    "remove-role": ("POST", "/events/{slug}/team/roles/{role_id}/remove"),
    "revoke-invitation": ("POST", "/events/{slug}/team/invitations/{invitation_id}/revoke"),
    "audit-log": ("GET", "/events/{slug}/audit"),
}
EDIT_FORM = {
    "title": "Changed Title", "slug": "matrix", "kind": "conference", "start_date": "2030-01-01",
    "end_date": "2030-01-02", "timezone": "UTC", "format": "virtual", "venue": "", "online_details": "Online",
    "contact_email": "changed@example.org", "description": "",
}
FORMS = {"edit-save": EDIT_FORM, "invite": {"email": "new@example.org", "role": "reviewer"}}

VISITORS = ["anonymous", "outsider", "reviewer", "track_chair", "organiser", "admin"]


def visitor_client(app, scene: Scene, visitor: str):
    client = app.test_client()
    if visitor == "anonymous":
        return client
    if visitor == "organiser":
        user = factories.db.session.get(User, scene.event.created_by_id)
    elif visitor == "admin":
        user = factories.make_user(is_admin=True)
    else:
        user = factories.make_user()
        if visitor in ("reviewer", "track_chair"):
            factories.add_role(scene.event, user, TeamRole(visitor))
    return login(client, user)


def expected_status(visitor: str, method: str, published: bool) -> int:
    if visitor == "anonymous":
        return 302
    if visitor == "outsider":
        return 403 if published else 404
    if visitor in ("reviewer", "track_chair"):
        return 403
    return 200 if method == "GET" else 302


def snapshot(db, scene: Scene) -> tuple:
    db.session.expire_all()
    event = db.session.get(Event, scene.event.id)
    return (
        event.status, event.title,
        db.session.get(EventRole, scene.target_role_id) is not None,
        db.session.get(TeamInvitation, scene.invitation_id).is_open,
        db.session.scalar(sa.select(sa.func.count()).select_from(TeamInvitation)),
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)),
    )


@pytest.mark.parametrize("published", [False, True], ids=["draft", "published"])
@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_event_management_matrix(app, db, action, visitor, published):
    scene = build_scene(published=published)
    client = visitor_client(app, scene, visitor)
    method, template = ACTIONS[action]
    path = template.format(slug="matrix", role_id=scene.target_role_id, invitation_id=scene.invitation_id)
    before = snapshot(db, scene)

    response = client.open(path, method=method, data=FORMS.get(action))

    status = expected_status(visitor, method, published)
    assert response.status_code == status, (action, visitor, published)
    after = snapshot(db, scene)
    if visitor == "anonymous":
        assert response.headers["Location"].startswith("/auth/login?next=")
    if status in (403, 404):
        html = response.get_data(as_text=True)
        assert ("Not allowed" if status == 403 else "Page not found") in html
        assert scene.event.title not in html
    allowed = visitor in ("organiser", "admin")
    if not allowed or method == "GET":
        assert after == before, "a refused request or a page view changed something"
        return
    # Allowed changes took effect.
    assert response.headers["Location"].startswith("/events/")
    status_after, title_after, role_kept, invitation_open, invitations, _audit = after
    if action == "publish":
        assert status_after == EventStatus.PUBLISHED
    elif action == "unpublish":
        assert status_after == EventStatus.DRAFT
    elif action == "edit-save":
        assert title_after == "Changed Title"
    elif action == "invite":
        assert invitations == before[4] + 1
    elif action == "remove-role":
        assert not role_kept
    elif action == "revoke-invitation":
        assert not invitation_open


def test_team_member_sees_the_draft_but_not_its_management(app, db):
    scene = build_scene(published=False)
    client = visitor_client(app, scene, "reviewer")

    html = client.get("/events/matrix/").get_data(as_text=True)

    assert "Draft: only the team sees this page" in html
    assert "/events/matrix/edit" not in html and "/events/matrix/audit" not in html


def test_organiser_of_one_event_cannot_manage_another(app, db):
    build_scene(published=True)
    someone = factories.make_user(may_create_events=True)
    factories.make_event(organiser=someone, slug="their-own")
    client = login(app.test_client(), someone)

    assert client.get("/events/matrix/edit").status_code == 403
    assert client.post("/events/matrix/publish").status_code == 403
    assert client.get("/events/their-own/edit").status_code == 200


def test_role_and_invitation_ids_of_another_event_are_404(app, db):
    scene = build_scene(published=True)
    other_organiser = factories.make_user(may_create_events=True)
    factories.make_event(organiser=other_organiser, slug="other")
    client = login(app.test_client(), other_organiser)

    assert client.post(f"/events/other/team/roles/{scene.target_role_id}/remove").status_code == 404
    assert client.post(f"/events/other/team/invitations/{scene.invitation_id}/revoke").status_code == 404
    db.session.expire_all()
    assert db.session.get(EventRole, scene.target_role_id) is not None
    assert db.session.get(TeamInvitation, scene.invitation_id).is_open


# Admin pages ----------------------------------------------------------------------------------

ADMIN_ACTIONS = [("GET", "/admin/users"), ("POST", "/admin/users/{user_id}/rights")]


@pytest.mark.parametrize("visitor", ["anonymous", "plain user", "organiser", "creator", "admin"])
@pytest.mark.parametrize(("method", "template"), ADMIN_ACTIONS)
def test_admin_pages_are_for_site_admins_only(app, db, visitor, method, template):
    target = factories.make_user(name="Tom Target")
    client = app.test_client()
    if visitor == "plain user":
        login(client, factories.make_user())
    elif visitor == "organiser":
        login(client, db.session.get(User, factories.make_event().created_by_id))
    elif visitor == "creator":
        login(client, factories.make_user(may_create_events=True))
    elif visitor == "admin":
        login(client, factories.make_user(is_admin=True))

    response = client.open(template.format(user_id=target.id), method=method, data={"may_create_events": "1"})

    db.session.expire_all()
    if visitor == "anonymous":
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")
    elif visitor != "admin":
        assert response.status_code == 403 and "Not allowed" in response.get_data(as_text=True)
    else:
        assert response.status_code == (200 if method == "GET" else 302)
    assert db.session.get(User, target.id).may_create_events == (visitor == "admin" and method == "POST")
