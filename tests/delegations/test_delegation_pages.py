"""The delegation pages through the HTTP path: the focal point's page (who waits, who is
nominated, places left, the delegation's waiting list), nominating, approving (and the full
quota), declining, replacing a delegate and withdrawing a nomination, with errors kept next to
their field and CSRF; the focal point's list and the event page's link; the registration
form's organisation (select, suggestion, fixed for nominees); the registrant's page saying
who decides; the organisers' list and detail naming the organisation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from conference.core.types import utcnow
from conference.delegations import delegations
from conference.delegations.models import FocalPoint
from conference.registration import registrations as ops
from conference.registration.enums import CancelReason, RegistrationState
from conference.registration.models import Registration, RegistrationInvitation
from conference.registration.places import ensure_registration_settings

from .. import factories
from ..conftest import first_link, login
from ..mail.builders import outbox
from ..query_counting import counting
from ..registration.builders import add_category, error_of, register_now, text
from .builders import add_wmo, claim, delegation_path, delegation_world

C, P, W, R, X = (RegistrationState.CONFIRMED, RegistrationState.PENDING, RegistrationState.WAITLISTED,
                 RegistrationState.REJECTED, RegistrationState.CANCELLED)


def flashes(response) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'<p class="alert alert-\w+ py-2"[^>]*>(.*?)</p>',
                                                             text(response), re.DOTALL)]


def state_of(db, registration) -> RegistrationState:
    db.session.expire_all()
    return db.session.get(Registration, registration.id).state


def section(html: str, title_id: str) -> str:
    """The text of the page's section labelled by ``title_id``."""
    start = html.index(f'aria-labelledby="{title_id}"')
    return html[start:html.index("</section>", start)]


def invitations(db, organisation) -> list[RegistrationInvitation]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(RegistrationInvitation).where(
        RegistrationInvitation.organisation_id == organisation.id).order_by(RegistrationInvitation.id)))


@pytest.fixture
def world(app, db):
    return delegation_world()


@pytest.fixture
def focal(app, world):
    return login(app.test_client(), world.fatima)


# The focal point's page ---------------------------------------------------------------------------------

def test_the_page_shows_who_waits_first_then_delegates_nominations_and_places_left(app, db, world, focal):
    delegate = claim(world, name="Dana Delegate", email="dana@unep.org")
    delegations.approve(delegate, actor=world.fatima)
    claim(world, name="Pat Pending", email="pat@unep.org")
    delegations.nominate(world.unep, actor=world.fatima, email="nadia@unep.org", name="Nadia Nominee")
    html = text(focal.get(delegation_path(world)))
    assert html.index("Waiting for your decision") < html.index("Pat Pending") < html.index("Delegates (1)") \
        < html.index("Dana Delegate")
    pending = section(html, "pending-title")
    assert "Pat Pending" in pending and "Registered on" in pending and "Dana Delegate" not in pending
    assert "Nadia Nominee" in section(html, "nominated-title")
    # In person: quota 3, one approved, none kept, so 2 left; one waits for the focal point.
    places = re.sub(r"\s+", "", section(html, "places-title"))
    assert '<thscope="row">Inperson</th><td>3</td><td>1</td><td>0</td><td>2</td><td>1</td><td>0</td>' in places
    assert "1 nomination not used yet." in html


def test_nominating_mails_the_colleague_and_lists_the_nomination(app, db, world, focal):
    response = focal.post(delegation_path(world) + "/nominate",
                          data={"email": "Nadia@UNEP.org", "name": "Nadia Nominee", "message": "Please come."})
    assert response.status_code == 302
    [invitation] = invitations(db, world.unep)
    assert (invitation.email, invitation.name, invitation.category_id) == ("nadia@unep.org", "Nadia Nominee",
                                                                         world.members.id)
    [mail] = outbox("delegation_nomination")
    assert mail.to_address == "nadia@unep.org" and "Please come." in mail.body_text
    page = focal.get(response.headers["Location"])
    assert flashes(page) == ["nadia@unep.org is nominated: we sent them a link that registers them with the "
                             "delegation."]
    assert "nadia@unep.org" in section(text(page), "nominated-title")


def test_a_bad_nomination_keeps_what_was_typed_with_the_error_next_to_the_field(app, db, world, focal):
    response = focal.post(delegation_path(world) + "/nominate",
                          data={"email": "nadia at unep", "name": "Nadia Nominee", "message": "Please come."})
    html = text(response)
    assert response.status_code == 200
    assert "Enter a valid email address." in error_of(html, "email")
    assert 'value="Nadia Nominee"' in html and "Please come.</textarea>" in html
    assert invitations(db, world.unep) == [] and outbox("delegation_nomination") == []


def test_nominating_past_a_full_quota_is_refused_with_the_domains_message(app, db):
    world = delegation_world(in_person=1)
    focal = login(app.test_client(), world.fatima)
    delegations.nominate(world.unep, actor=world.fatima, email="one@unep.org")
    response = focal.post(delegation_path(world) + "/nominate", data={"email": "two@unep.org"})
    assert response.status_code == 200
    summary = text(response).split('id="error-summary"')[1].split("</div>")[0]
    assert "The delegation's quota is full: no places are left to nominate for." in summary
    assert [i.email for i in invitations(db, world.unep)] == ["one@unep.org"]


def test_approving_confirms_and_past_the_quota_is_refused_clearly_or_goes_to_the_waiting_list(app, db):
    world = delegation_world(in_person=1)
    focal = login(app.test_client(), world.fatima)
    first, second = claim(world, name="Ana First"), claim(world, name="Ben Second")
    base = delegation_path(world) + "/registrations/{}/approve"
    response = focal.post(base.format(first.id), follow_redirects=True)
    assert state_of(db, first) == C and flashes(response) == ["Ana First is approved and told by mail."]
    assert [m.to_address for m in outbox("delegation_approved")] == [first.email]

    refused = focal.post(base.format(second.id))
    html = text(refused)
    assert refused.status_code == 200 and state_of(db, second) == P
    message = "The delegation's quota of 1 in person is full."
    assert message in html.split('id="error-summary"')[1].split("</div>")[0]
    assert message in html.split(f'id="approve-error-{second.id}"')[1].split("</p>")[0]  # next to the buttons
    assert f'aria-describedby="approve-error-{second.id}"' in html

    waitlisted = focal.post(base.format(second.id), data={f"p{second.id}-waitlist_if_full": "y"},
                            follow_redirects=True)
    assert state_of(db, second) == W
    assert flashes(waitlisted) == [
        "The quota is full: Ben Second is on the delegation's waiting list and told by mail."]
    assert "Ben Second" in section(text(waitlisted), "waiting-title")


def test_declining_sends_the_message_and_a_too_long_one_is_kept_next_to_its_field(app, db, world, focal):
    person = claim(world, name="Dan Declined")
    path = delegation_path(world) + f"/registrations/{person.id}/decline"
    too_long = focal.post(path, data={f"p{person.id}-message": "x" * 5001})
    assert too_long.status_code == 200 and state_of(db, person) == P
    html = text(too_long)
    assert "at most 5,000 characters" in error_of(html, f"p{person.id}-message")
    assert f'href="#field-p{person.id}-message"' in html  # the summary links to the field
    assert re.search(r"<details open>\s*<summary>Decline…", html)

    response = focal.post(path, data={f"p{person.id}-message": "We send two people only."}, follow_redirects=True)
    assert state_of(db, person) == R and flashes(response) == ["Dan Declined is declined and told by mail."]
    [mail] = outbox("delegation_declined")
    assert mail.to_address == person.email and "We send two people only." in mail.body_text
    assert "Dan Declined" in section(text(response), "past-title")


def test_replacing_a_delegate_keeps_the_place_for_the_colleague(app, db, world, focal):
    delegate = claim(world, name="Dana Delegate", email="dana@unep.org")
    delegations.approve(delegate, actor=world.fatima)
    response = focal.post(delegation_path(world) + f"/registrations/{delegate.id}/substitute",
                          data={f"p{delegate.id}-email": "sara@unep.org", f"p{delegate.id}-name": "Sara Substitute"},
                          follow_redirects=True)
    db.session.expire_all()
    replaced = db.session.get(Registration, delegate.id)
    assert (replaced.state, replaced.cancel_reason) == (X, CancelReason.SUBSTITUTED)
    [invitation] = invitations(db, world.unep)
    assert (invitation.email, invitation.reserved_mode, invitation.substitute_for_id) == (
        "sara@unep.org", delegate.mode, delegate.id)
    assert flashes(response) == ["Dana Delegate is replaced: sara@unep.org got a link to register in their place, "
                                 "which is kept for them."]
    assert "Replaces Dana Delegate; their place is kept." in section(text(response), "nominated-title")


def test_replacing_by_someone_already_registered_is_refused_next_to_the_field(app, db, world, focal):
    delegate = claim(world, name="Dana Delegate")
    delegations.approve(delegate, actor=world.fatima)
    claim(world, email="already@unep.org")
    response = focal.post(delegation_path(world) + f"/registrations/{delegate.id}/substitute",
                          data={f"p{delegate.id}-email": "already@unep.org", f"p{delegate.id}-name": "Al Ready"})
    html = text(response)
    assert response.status_code == 200 and state_of(db, delegate) == C
    assert "already@unep.org is already registered for this event" in error_of(html, f"p{delegate.id}-email")
    assert 'value="Al Ready"' in html and re.search(r"<details open>\s*<summary>Replace Dana Delegate", html)
    assert invitations(db, world.unep) == []


def test_withdrawing_a_nomination_stops_its_link(app, db, world, focal):
    invitation = delegations.nominate(world.unep, actor=world.fatima, email="nadia@unep.org")
    token = ops.invitation_token(invitation)
    response = focal.post(delegation_path(world) + f"/nominations/{invitation.id}/withdraw", follow_redirects=True)
    assert flashes(response) == ["The nomination of nadia@unep.org is withdrawn: its link no longer works."]
    assert invitations(db, world.unep)[0].revoked_at is not None
    assert "No nomination is waiting to be used." in text(response)
    assert app.test_client().get(f"/registration-invitations/{token}").status_code == 400


def test_a_focal_point_cannot_reach_another_delegations_people_through_their_own_page(app, db, world, focal):
    wmo, _walter = add_wmo(world)
    theirs = claim(world, wmo)
    nomination = delegations.nominate(wmo, actor=world.organiser, email="x@wmo.int")
    own = delegation_path(world)
    for path in (f"{own}/registrations/{theirs.id}/approve", f"{own}/registrations/{theirs.id}/decline",
                 f"{own}/registrations/{theirs.id}/substitute", f"{own}/nominations/{nomination.id}/withdraw"):
        assert focal.post(path, data={f"p{theirs.id}-email": "y@unep.org"}).status_code == 404, path
    assert state_of(db, theirs) == P and invitations(db, wmo)[0].revoked_at is None


def test_actions_need_the_csrf_token(app, db, world, focal, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    person = claim(world)
    path = delegation_path(world)
    refused = focal.post(path + "/nominate", data={"email": "nadia@unep.org"})
    assert refused.status_code == 400 and invitations(db, world.unep) == []
    assert focal.post(f"{path}/registrations/{person.id}/approve").status_code == 400
    assert state_of(db, person) == P
    html = text(focal.get(path))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    row_token = re.search(rf'name="p{person.id}-csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert focal.post(path + "/nominate", data={"email": "nadia@unep.org", "csrf_token": token}).status_code == 302
    assert focal.post(f"{path}/registrations/{person.id}/approve",
                      data={f"p{person.id}-csrf_token": row_token}).status_code == 302
    assert [i.email for i in invitations(db, world.unep)] == ["nadia@unep.org"] and state_of(db, person) == C


def test_a_focal_point_invited_by_address_is_one_on_arrival(app, db, world):
    delegations.add_focal_point(world.unep, actor=world.organiser, email="omar@unep.org")
    omar = factories.make_user(name="Omar", email="omar@unep.org")
    client = login(app.test_client(), omar)
    assert client.get(delegation_path(world)).status_code == 200
    db.session.expire_all()
    focal = db.session.scalar(sa.select(FocalPoint).where(FocalPoint.email == "omar@unep.org"))
    assert focal.user_id == omar.id and focal.accepted_at is not None


def test_the_page_runs_a_fixed_number_of_queries(app, db, world, focal):
    path = delegation_path(world)

    def statements() -> int:
        assert focal.get(path).status_code == 200
        db.session.expire_all()
        with counting(db) as seen:
            assert focal.get(path).status_code == 200
        return len(seen)

    for _ in range(2):
        delegations.approve(claim(world), actor=world.fatima, waitlist_if_full=True)
        claim(world)
    delegations.nominate(world.unep, actor=world.fatima, email="n0@unep.org")
    few = statements()
    for _i in range(8):
        delegations.approve(claim(world), actor=world.fatima, waitlist_if_full=True)
        claim(world)
    delegations.substitute(db.session.scalars(sa.select(Registration).where(Registration.state == C)).first(),
                           actor=world.fatima, email="sub@unep.org")
    assert statements() == few


# The focal point's list and the event page ------------------------------------------------------------------

def test_a_focal_point_of_several_organisations_gets_a_list_and_the_event_page_links_it(app, db, world, focal):
    event_page = f"/events/{world.event.slug}/"
    html = text(focal.get(event_page))
    assert f'href="{delegation_path(world)}">Your delegation: UN Environment Programme (UNEP)</a>' in html
    wmo, _walter = add_wmo(world)
    delegations.add_focal_point(wmo, actor=world.organiser, email=world.fatima.email)
    claim(world, wmo)
    html = text(focal.get(event_page))
    assert f'href="/events/{world.event.slug}/delegations">Your delegations (2)</a>' in html
    listing = text(focal.get(f"/events/{world.event.slug}/delegations"))
    assert "UN Environment Programme (UNEP)" in listing and "World Meteorological Organization (WMO)" in listing
    assert "1 person waits for a decision." in listing
    assert "0 approved of a quota of 3, 3 left" in listing


def test_others_get_no_delegation_link_and_no_list(app, db, world):
    participant = factories.make_user()
    client = login(app.test_client(), participant)
    assert "Your delegation" not in text(client.get(f"/events/{world.event.slug}/"))
    assert "Your delegation" not in text(app.test_client().get(f"/events/{world.event.slug}/"))
    assert client.get(f"/events/{world.event.slug}/delegations").status_code == 404


# The registration form ------------------------------------------------------------------------------------

def register_fields(world, **overrides) -> dict:
    data = {"name": "Rita Registrant", "email": "rita@unep.org", "category_id": str(world.members.id),
            "privacy_consent": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def selected_organisation(html: str) -> str | None:
    select = html.split('id="field-organisation_id"')[1].split("</select>")[0]
    found = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select)
    return None if found is None else (found.group(1) or found.group(2))


def test_the_form_offers_the_organisations_only_when_the_event_has_some(app, db):
    without = delegation_world(slug="without", focal=False)
    delegations.delete_organisation(without.unep, actor=without.organiser)
    assert 'id="field-organisation_id"' not in text(app.test_client().get("/events/without/register"))
    delegation_world(slug="with")
    html = text(app.test_client().get("/events/with/register"))
    assert 'id="field-organisation_id"' in html and "UN Environment Programme (UNEP)" in html
    assert selected_organisation(html) in (None, "")  # a visitor's address is not known yet


def test_a_signed_in_person_gets_their_domains_organisation_preselected(app, db, world):
    rita = factories.make_user(name="Rita Registrant", email="rita@unep.org")
    html = text(login(app.test_client(), rita).get("/events/assembly/register"))
    assert selected_organisation(html) == str(world.unep.id)
    assert "We chose UN Environment Programme (UNEP) from your address's domain" in html
    other = factories.make_user(email="someone@example.org")
    assert selected_organisation(text(login(app.test_client(), other).get("/events/assembly/register"))) in (None, "")


def test_after_an_error_the_form_suggests_the_organisation_of_the_address(app, db, world):
    response = app.test_client().post("/events/assembly/register", data=register_fields(world, privacy_consent=None))
    html = text(response)
    assert "consent" in error_of(html, "privacy_consent")
    assert selected_organisation(html) == str(world.unep.id)
    assert "We chose UN Environment Programme (UNEP)" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0
    # A choice made stays as it was: here, none.
    wmo, _walter = add_wmo(world)
    kept = text(app.test_client().post("/events/assembly/register",
                                       data=register_fields(world, privacy_consent=None, organisation_id=str(wmo.id))))
    assert selected_organisation(kept) == str(wmo.id) and "We chose" not in kept


def mailed_page(app, template: str, address: str) -> str:
    """The registrant's page, opened from the link of their last ``template`` mail."""
    [*_, mail] = [m for m in outbox(template) if m.to_address == address]
    return text(app.test_client().get(first_link(mail.body_text).replace("http://conference.test", "")))


def test_registering_for_an_organisation_waits_for_its_focal_point(app, db, world):
    response = app.test_client().post("/events/assembly/register",
                                      data=register_fields(world, organisation_id=str(world.unep.id)),
                                      follow_redirects=True)
    registration = db.session.scalar(sa.select(Registration))
    assert (registration.state, registration.organisation_id) == (P, world.unep.id)
    # A visitor's address is not known to be theirs: the result goes by mail (registration_participants).
    assert flashes(response) == ["We have sent a mail to rita@unep.org. Follow the link in it to see your "
                                 "registration."]
    signed_in = login(app.test_client(), factories.make_user(email="ravi@unep.org"))
    own = signed_in.post("/events/assembly/register", data=register_fields(
        world, email="ravi@unep.org", organisation_id=str(world.unep.id)), follow_redirects=True)
    assert flashes(own) == ["Your registration is received and awaits approval by the focal point of UN "
                            "Environment Programme. We will tell you by mail."]
    html = mailed_page(app, "registration_received", "rita@unep.org")
    assert "Awaiting approval by the focal point of UN Environment Programme." in html
    assert "The organisers look at your registration" not in html
    assert [m.to_address for m in outbox("delegation_pending")] == ["fatima@unep.org"] * 2  # Rita, then Ravi


def test_an_unknown_organisation_is_refused_next_to_the_field(app, db, world):
    response = app.test_client().post("/events/assembly/register",
                                      data=register_fields(world, organisation_id="999999"))
    assert "Choose one of the organisations listed." in error_of(text(response), "organisation_id")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def test_a_nominee_sees_the_organisation_fixed_and_is_confirmed(app, db, world):
    invitation = delegations.nominate(world.unep, actor=world.fatima, email="nadia@unep.org", name="Nadia")
    path = f"/registration-invitations/{ops.invitation_token(invitation)}"
    html = text(app.test_client().get(path))
    assert "You register with the delegation of UN Environment Programme (UNEP)" in html
    assert 'id="field-organisation_id"' not in html
    response = app.test_client().post(path, data=register_fields(world, email="nadia@unep.org", name="Nadia"))
    assert response.status_code == 302
    nadia = db.session.scalar(sa.select(Registration).where(Registration.email == "nadia@unep.org"))
    assert (nadia.state, nadia.organisation_id) == (C, world.unep.id)


# The registrant's page ------------------------------------------------------------------------------------

def manage_page(app, registration) -> str:
    return text(app.test_client().get(f"/registrations/{ops.manage_token(registration)}"))


def test_the_registrant_page_says_who_decides_and_the_organisers_after_the_deadline(app, db, world):
    deadline = utcnow().replace(microsecond=0) + dt.timedelta(days=3)
    ensure_registration_settings(world.event).focal_point_deadline = deadline
    person = claim(world)
    html = manage_page(app, person)
    assert "Awaiting approval by the focal point of UN Environment Programme." in html
    assert "If they have not decided by" in html
    delegations.run_deadlines(now=deadline)
    html = manage_page(app, person)
    assert "Awaiting approval by the organisers." in html and "focal point of UN Environment Programme." not in html
    assert "has not decided in time" in html


def test_the_registrant_page_says_they_wait_for_the_delegations_quota(app, db):
    world = delegation_world(in_person=1, focal=False)
    first = claim(world)
    second = claim(world)
    assert (first.state, second.state) == (C, W)
    assert "You are on the waiting list of the delegation of UN Environment Programme" in manage_page(app, second)
    assert "waiting list of the delegation" not in manage_page(app, first)
    third = login(app.test_client(), factories.make_user(email="third@unep.org"))
    response = third.post("/events/assembly/register", data=register_fields(
        world, email="third@unep.org", organisation_id=str(world.unep.id)), follow_redirects=True)
    assert flashes(response) == ["The delegation of UN Environment Programme has no place left: you are on its "
                                 "waiting list. We will mail you if a place frees up."]


# The organisers' list and detail ----------------------------------------------------------------------------

def test_the_organisers_list_and_detail_name_the_organisation_and_who_decides(app, db, world):
    waiting = claim(world, name="Pat Pending")
    observers = add_category(world.form, "Observer", approval=True)
    register_now(world.form, observers, name="Oscar Observer")
    organiser = login(app.test_client(), world.organiser)
    html = re.sub(r"\s+", " ", text(organiser.get("/events/assembly/manage/registrations")))
    assert '<th scope="col">Organisation</th>' in html
    assert f'href="{delegation_path(world)}">UNEP</a>' in html
    assert "the focal point of UNEP decides" in html
    assert re.search(r"Oscar Observer.*?Pending approval</span> <span class=\"text-body-secondary small\">the organisers decide", html)
    detail = re.sub(r"\s+", " ", text(organiser.get(f"/events/assembly/manage/registrations/{waiting.id}")))
    assert "<dt class=\"col-sm-3\">Organisation</dt>" in detail and "UN Environment Programme (UNEP)" in detail
    assert "The focal point of UN Environment Programme (you may decide in their place)" in detail
