"""An event's team through the HTTP path: invitations by email for people with and without an
account, accepting, declining, withdrawing, removing roles, the dashboard."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from conference.accounts.models import User
from conference.core.models import AuditEntry
from conference.events.enums import TeamRole
from conference.events.models import EventRole, TeamInvitation, Track
from conference.mail.models import OutboxMessage

from .. import factories
from ..conftest import first_link, login

BASE = "http://conference.test"


def invite(client, event, email: str, role: str = "reviewer", message: str = ""):
    return client.post(f"/events/{event.slug}/team", data={"email": email, "role": role, "message": message})


def invitation_mail(db, address: str) -> OutboxMessage:
    db.session.expire_all()
    [mail] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == address,
                                                               OutboxMessage.template == "team_invitation"))
    return mail


def link_path(mail: OutboxMessage) -> str:
    link = first_link(mail.body_text)
    assert link.startswith(BASE + "/invitations/")
    return link.removeprefix(BASE)


def roles_in(db, event) -> set[tuple[str, TeamRole]]:
    db.session.expire_all()
    return {(r.user.email, r.role) for r in db.session.scalars(sa.select(EventRole).where(EventRole.event_id == event.id))}


def invitations_of(db, event) -> list[TeamInvitation]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(TeamInvitation).where(TeamInvitation.event_id == event.id)
                                   .order_by(TeamInvitation.id)))


def audit_actions(db, event) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.event_id == event.id)
                                   .order_by(AuditEntry.id)))


def error_of(html: str, field: str) -> str:
    start = html.index(f'<p class="invalid-feedback d-block" id="error-{field}">')
    return html[start:html.index("</p>", start)]


# Inviting ---------------------------------------------------------------------------------------

def test_organiser_invites_a_person_without_an_account(organiser_client, event, db):
    response = invite(organiser_client, event, "New.Person@Example.org", "track_chair", "Please join us!")

    assert response.status_code == 302 and response.headers["Location"] == f"/events/{event.slug}/team"
    [invitation] = invitations_of(db, event)
    assert (invitation.email, invitation.role, invitation.is_open) == ("new.person@example.org", TeamRole.TRACK_CHAIR, True)
    mail = invitation_mail(db, "new.person@example.org")
    assert mail.subject == f"Invitation: track chair for {event.title}"
    assert "Olga Organiser invites you to join the team" in mail.body_text
    assert "Please join us!" in mail.body_text
    assert "You do not need an account yet" in mail.body_text
    assert mail.reply_to == event.contact_email
    html = organiser_client.get(f"/events/{event.slug}/team").get_data(as_text=True)
    assert "Invitation sent to new.person@example.org." in html
    assert "new.person@example.org: Track chair" in html
    assert audit_actions(db, event)[-1] == "team.invited"


def test_invitation_lets_a_person_without_an_account_sign_up_and_join(app, organiser_client, event, db):
    invite(organiser_client, event, "new.person@example.org", "reviewer")
    path = link_path(invitation_mail(db, "new.person@example.org"))
    visitor = app.test_client()

    page = visitor.get(path).get_data(as_text=True)
    assert f"Invitation to {event.title}" in page and "join the team as reviewer" in page
    signup_path = path.replace("/invitations/", "/auth/signup?invitation=")
    assert f'href="{signup_path}"' in page
    form = visitor.get(signup_path).get_data(as_text=True)
    assert 'value="new.person@example.org"' in form

    response = visitor.post("/auth/signup", data={
        "name": "Nina New", "email": "New.Person@example.org", "password": "a long passphrase",
        "confirm": "a long passphrase", "timezone": "UTC", "invitation": path.rsplit("/", 1)[1]})

    assert response.status_code == 302 and response.headers["Location"] == f"/events/{event.slug}/"
    user = db.session.scalar(sa.select(User).where(User.email == "new.person@example.org"))
    assert user.is_verified and user.name == "Nina New"
    assert ("new.person@example.org", TeamRole.REVIEWER) in roles_in(db, event)
    [invitation] = invitations_of(db, event)
    assert invitation.accepted_by_id == user.id and not invitation.is_open
    assert db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "verify_email")) is None
    event_page = visitor.get(f"/events/{event.slug}/")  # a draft: visible now that they are on the team
    assert event_page.status_code == 200
    assert f"Welcome! You have joined the team of {event.title}." in event_page.get_data(as_text=True)
    assert audit_actions(db, event)[-1] == "team.joined"


def test_signing_up_from_an_invitation_with_another_address_does_not_join(app, organiser_client, event, db):
    invite(organiser_client, event, "invited@example.org")
    token = link_path(invitation_mail(db, "invited@example.org")).rsplit("/", 1)[1]

    response = app.test_client().post("/auth/signup", data={
        "name": "Other", "email": "other@example.org", "password": "a long passphrase",
        "confirm": "a long passphrase", "timezone": "UTC", "invitation": token})

    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    user = db.session.scalar(sa.select(User).where(User.email == "other@example.org"))
    assert not user.is_verified
    assert all(email != "other@example.org" for email, _role in roles_in(db, event))
    assert invitations_of(db, event)[0].is_open


def test_person_with_an_account_logs_in_from_the_link_and_accepts(app, organiser_client, event, db):
    member = factories.make_user(email="member@example.org", name="Mia Member")
    invite(organiser_client, event, "member@example.org", "reviewer")
    mail = invitation_mail(db, "member@example.org")
    assert mail.user_id == member.id and "Hello Mia Member," in mail.body_text
    assert "You do not need an account yet" not in mail.body_text
    path = link_path(mail)
    visitor = app.test_client()

    page = visitor.get(path).get_data(as_text=True)
    login_link = f"/auth/login?next={path}"
    assert f'href="{login_link}"' in page
    response = visitor.post(login_link, data={"email": "member@example.org", "password": factories.DEFAULT_PASSWORD,
                                              "next": path})
    assert response.headers["Location"] == path
    assert 'value="accept"' in visitor.get(path).get_data(as_text=True)

    response = visitor.post(path, data={"decision": "accept"}, follow_redirects=True)

    assert response.request.path == "/dashboard"
    html = response.get_data(as_text=True)
    assert f"Welcome to the team of {event.title}." in html and event.title in html
    assert ("member@example.org", TeamRole.REVIEWER) in roles_in(db, event)
    assert invitations_of(db, event)[0].accepted_by_id == member.id
    assert "This invitation has already been answered." in visitor.get(path).get_data(as_text=True)


def test_anonymous_answer_is_sent_to_log_in(app, organiser_client, event, db):
    invite(organiser_client, event, "someone@example.org")
    path = link_path(invitation_mail(db, "someone@example.org"))

    response = app.test_client().post(path, data={"decision": "accept"})

    assert response.status_code == 302 and response.headers["Location"] == f"/auth/login?next={path}"
    assert invitations_of(db, event)[0].is_open


def test_unverified_account_cannot_accept(app, organiser_client, event, db):
    person = factories.make_user(email="unverified@example.org", verified=False)
    invite(organiser_client, event, "unverified@example.org")
    path = link_path(invitation_mail(db, "unverified@example.org"))
    client = login(app.test_client(), person)

    response = client.post(path, data={"decision": "accept"})

    assert response.status_code == 200
    assert "Verify your email address before joining" in response.get_data(as_text=True)
    assert invitations_of(db, event)[0].is_open


def test_decline(app, organiser_client, event, db):
    person = factories.make_user(email="busy@example.org")
    invite(organiser_client, event, "busy@example.org")
    path = link_path(invitation_mail(db, "busy@example.org"))
    client = login(app.test_client(), person)

    response = client.post(path, data={"decision": "decline"}, follow_redirects=True)

    assert response.request.path == "/dashboard"
    assert "You declined the invitation." in response.get_data(as_text=True)
    [invitation] = invitations_of(db, event)
    assert invitation.revoked_at is not None and invitation.accepted_at is None
    assert all(email != "busy@example.org" for email, _role in roles_in(db, event))
    assert audit_actions(db, event)[-1] == "team.declined"
    again = client.get(path)
    assert again.status_code == 400
    assert "This invitation was withdrawn or declined and no longer works." in again.get_data(as_text=True)


def test_organiser_withdraws_an_invitation(app, organiser_client, event, db):
    invite(organiser_client, event, "maybe@example.org")
    [invitation] = invitations_of(db, event)
    path = link_path(invitation_mail(db, "maybe@example.org"))

    response = organiser_client.post(f"/events/{event.slug}/team/invitations/{invitation.id}/revoke",
                                     follow_redirects=True)

    assert response.request.path == f"/events/{event.slug}/team"
    html = response.get_data(as_text=True)
    assert "The invitation is withdrawn." in html and "No open invitations." in html
    assert invitations_of(db, event)[0].revoked_at is not None
    assert audit_actions(db, event)[-1] == "team.invitation_revoked"
    assert app.test_client().get(path).status_code == 400
    late = login(app.test_client(), factories.make_user(email="maybe@example.org"))
    assert late.post(path, data={"decision": "accept"}).status_code == 400
    assert all(email != "maybe@example.org" for email, _role in roles_in(db, event))


def test_reinviting_an_address_with_an_open_invitation_is_refused(organiser_client, event, db):
    invite(organiser_client, event, "twice@example.org", "reviewer")

    for role in ("reviewer", "track_chair"):
        response = invite(organiser_client, event, "TWICE@example.org", role, "Second try")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "This address already has an open invitation to this team." in error_of(html, "email")
        assert 'value="TWICE@example.org"' in html and "Second try</textarea>" in html
    assert len(invitations_of(db, event)) == 1


def test_inviting_someone_to_a_role_they_hold_is_refused(organiser_client, event, organiser, db):
    response = invite(organiser_client, event, organiser.email, "organiser")

    assert response.status_code == 200
    assert "This person already has this role." in error_of(response.get_data(as_text=True), "email")
    assert invitations_of(db, event) == []


def test_invitation_needs_a_valid_address(organiser_client, event, db):
    response = invite(organiser_client, event, "not an address")
    assert response.status_code == 200
    assert "Enter a valid email address." in error_of(response.get_data(as_text=True), "email")
    assert invitations_of(db, event) == []


def test_an_accepted_invitation_cannot_be_used_by_someone_else(app, organiser_client, event, db):
    first = factories.make_user(email="first@example.org")
    second = factories.make_user(email="second@example.org")
    invite(organiser_client, event, "first@example.org")
    path = link_path(invitation_mail(db, "first@example.org"))
    login(app.test_client(), first).post(path, data={"decision": "accept"})

    response = login(app.test_client(), second).post(path, data={"decision": "accept"})

    assert "This invitation has already been accepted by someone else." in response.get_data(as_text=True)
    assert all(email != "second@example.org" for email, _role in roles_in(db, event))


# Roles ------------------------------------------------------------------------------------------

def test_removing_the_last_organiser_is_refused(organiser_client, event, organiser, db):
    [role] = event.roles

    response = organiser_client.post(f"/events/{event.slug}/team/roles/{role.id}/remove", follow_redirects=True)

    assert "An event needs at least one organiser." in response.get_data(as_text=True)
    assert roles_in(db, event) == {(organiser.email, TeamRole.ORGANISER)}


def test_organiser_removes_a_team_member(organiser_client, event, organiser, db):
    reviewer = factories.make_user(name="Rita Reviewer")
    factories.add_role(event, reviewer, TeamRole.REVIEWER)
    role_id = next(r.id for r in event.roles if r.user_id == reviewer.id)

    response = organiser_client.post(f"/events/{event.slug}/team/roles/{role_id}/remove", follow_redirects=True)

    assert "The role is removed." in response.get_data(as_text=True)
    assert roles_in(db, event) == {(organiser.email, TeamRole.ORGANISER)}
    assert audit_actions(db, event)[-1] == "team.removed"


def test_a_removal_can_be_undone_from_the_next_page_once(app, organiser_client, event, organiser, db):
    track = Track(event_id=event.id, name="Hydrology")
    db.session.add(track)
    reviewer = factories.make_user(name="Rita Reviewer")
    factories.add_role(event, reviewer, TeamRole.REVIEWER)
    role = next(r for r in event.roles if r.user_id == reviewer.id)
    role.max_load, role.tracks = 4, [track]
    db.session.flush()

    page = organiser_client.post(f"/events/{event.slug}/team/roles/{role.id}/remove",
                                 follow_redirects=True).get_data(as_text=True)

    assert roles_in(db, event) == {(organiser.email, TeamRole.ORGANISER)}
    undo = page[page.index('<form method="post" action="/events/' + event.slug + '/team/roles/restore"'):]
    undo = undo[:undo.index("</form>")]
    assert "Undo<span class=\"visually-hidden\"> the removal of Rita Reviewer (reviewer)</span>" in undo
    fields = MultiDict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', undo))
    # Shown once: the next page no longer offers it.
    assert "/team/roles/restore" not in organiser_client.get(f"/events/{event.slug}/team").get_data(as_text=True)
    # Someone else of the team may not use it.
    outsider = factories.make_user()
    factories.add_role(event, outsider, TeamRole.REVIEWER)
    assert login(app.test_client(), outsider).post(f"/events/{event.slug}/team/roles/restore",
                                                    data=fields).status_code == 403

    response = organiser_client.post(f"/events/{event.slug}/team/roles/restore", data=fields, follow_redirects=True)

    assert "The role is back." in response.get_data(as_text=True)
    db.session.expire_all()
    back = next(r for r in event.roles if r.user_id == reviewer.id)
    assert (back.role, back.max_load, [t.id for t in back.tracks]) == (
        TeamRole.REVIEWER, 4, [track.id])
    assert audit_actions(db, event)[-2:] == ["team.removed", "team.restored"]
    # Undoing twice changes nothing more.
    organiser_client.post(f"/events/{event.slug}/team/roles/restore", data=fields)
    assert sum(1 for r in event.roles if r.user_id == reviewer.id) == 1


def test_an_organiser_may_leave_when_another_remains(organiser_client, event, organiser, db):
    second = factories.make_user()
    factories.add_role(event, second, TeamRole.ORGANISER)
    own = next(r.id for r in event.roles if r.user_id == organiser.id)

    response = organiser_client.post(f"/events/{event.slug}/team/roles/{own}/remove")

    assert response.status_code == 302
    assert roles_in(db, event) == {(second.email, TeamRole.ORGANISER)}
    assert organiser_client.get(f"/events/{event.slug}/team").status_code == 404  # a draft, no longer theirs


def test_team_page_lists_members_and_roles(organiser_client, event, db):
    chair = factories.make_user(name="Chad Chair", email="chad@example.org")
    factories.add_role(event, chair, TeamRole.TRACK_CHAIR)

    html = organiser_client.get(f"/events/{event.slug}/team").get_data(as_text=True)

    assert "<td>Chad Chair</td><td>chad@example.org</td><td>Track chair</td>" in html
    assert "<td>Olga Organiser</td>" in html


def test_organiser_gives_the_check_in_desk_role_by_invitation(app, organiser_client, event, db):
    """The desk role is offered on the team page; accepted, the person is listed with it and
    their Home links to the event's check-in (the only part of the event it opens)."""
    page = organiser_client.get(f"/events/{event.slug}/team").get_data(as_text=True)
    assert '<option value="desk">Check-in desk</option>' in page
    desk = factories.make_user(email="desk@example.org", name="Dana Desk")
    assert invite(organiser_client, event, "desk@example.org", "desk").status_code == 302
    mail = invitation_mail(db, "desk@example.org")
    assert "check-in desk" in mail.body_text
    client = login(app.test_client(), desk)
    assert "You are invited to join the team as check-in desk." in client.get(link_path(mail)).get_data(as_text=True)
    client.post(link_path(mail), data={"decision": "accept"})
    assert ("desk@example.org", TeamRole.DESK) in roles_in(db, event)
    html = organiser_client.get(f"/events/{event.slug}/team").get_data(as_text=True)
    assert "<td>Dana Desk</td><td>desk@example.org</td><td>Check-in desk</td>" in html
    home = client.get("/dashboard").get_data(as_text=True)
    assert f'<a href="/events/{event.slug}/manage/check-in">Check-in</a>' in home


# Dashboard --------------------------------------------------------------------------------------

def test_dashboard_lists_pending_invitations_with_accept_and_decline(app, organiser_client, event, db):
    person = factories.make_user(email="pending@example.org")
    other = factories.make_event(title="Second Event")
    invite(organiser_client, event, "pending@example.org", "track_chair")
    other_organiser = login(app.test_client(), db.session.get(User, other.roles[0].user_id))
    invite(other_organiser, other, "pending@example.org", "reviewer")
    client = login(app.test_client(), person)

    html = client.get("/dashboard").get_data(as_text=True)

    assert "Invitations waiting for you" in html
    assert f"{event.title}: track chair" in html and "Second Event: reviewer" in html
    assert html.count('value="accept"') == 2 and html.count('value="decline"') == 2
    forms = dict(re.findall(r'<li>([^<:]+): [^<]*<form method="post" action="([^"]+)"', html))
    assert set(forms) == {event.title, "Second Event"}

    response = client.post(forms[event.title], data={"decision": "accept"}, follow_redirects=True)

    assert f"Welcome to the team of {event.title}." in response.get_data(as_text=True)
    response = client.post(forms["Second Event"], data={"decision": "decline"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "You declined the invitation." in html and "Invitations waiting for you" not in html
    assert ("pending@example.org", TeamRole.TRACK_CHAIR) in roles_in(db, event)
    assert invitations_of(db, event)[0].accepted_by_id == person.id
    assert invitations_of(db, other)[0].revoked_at is not None
    assert all(email != "pending@example.org" for email, _role in roles_in(db, other))


def test_dashboard_hides_invitations_from_unverified_accounts(app, organiser_client, event, db):
    person = factories.make_user(email="pending@example.org", verified=False)
    invite(organiser_client, event, "pending@example.org")
    html = login(app.test_client(), person).get("/dashboard").get_data(as_text=True)
    assert "Invitations waiting for you" not in html
    assert "Confirm your email address pending@example.org" in html


@pytest.mark.parametrize("role", ["reviewer", "track_chair"])
def test_team_members_see_the_event_on_their_dashboard(app, event, db, role):
    member = factories.make_user()
    factories.add_role(event, member, TeamRole(role))
    html = login(app.test_client(), member).get("/dashboard").get_data(as_text=True)
    assert event.title in html and "Draft" in html
