"""Who may open and act on which delegation page: one table for every page and action (GET
and POST) of the delegations, for each kind of person, and what each request changed.

* A focal point sees and acts on their own organisation's delegation only: another's does not
  exist for them (404), nor for participants or an organiser of another event.
* Organisers see and act on every delegation of their event; the organisers' own delegation
  pages are theirs alone (403 for those who know the event, like the other management pages).
* A participant sees only their own registration (their signed page).
* Anonymous visitors are sent to log in (302), except on a registration's signed page.

A test checks that the table names every delegation endpoint of the app, so a new page or
action cannot be added without deciding who may use it.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from conference.delegations import delegations
from conference.delegations.models import FocalPoint, Organisation
from conference.registration import registrations as ops
from conference.registration.enums import RegistrationState
from conference.registration.models import Registration, RegistrationInvitation

from .. import factories
from ..conftest import login
from .builders import add_wmo, claim, delegation_world

ROLES = ["anonymous", "participant", "focal_point", "other_focal_point", "organiser", "other_organiser"]
N, P, F, OF, O, OO = range(6)


def expect(*statuses: int) -> dict[int, int]:
    return dict(zip(range(6), statuses, strict=True))


# Of an organisation's delegation: the focal point of another one learns nothing about it.
DELEGATION_PAGE = expect(302, 404, 200, 404, 200, 404)
DELEGATION_ACTION = expect(302, 404, 302, 404, 302, 404)
# The list of one's own delegations: any focal point of the event, and its organisers.
OWN_LIST = expect(302, 404, 200, 200, 200, 404)
# The organisers' pages: refused to those who know the event.
ORGANISERS_PAGE = expect(302, 403, 403, 403, 200, 403)


def organisers_action(organiser_status: int) -> dict[int, int]:
    return expect(302, 403, 403, 403, organiser_status, 403)


D = "/events/{slug}/delegations/{unep}"
M = "/events/{slug}/manage/delegations"

# endpoint: (method, path, form data, expected status per role). Requests run in this order.
TABLE = {
    "registration.my_delegations": ("GET", "/events/{slug}/delegations", {}, OWN_LIST),
    "registration.delegation": ("GET", D, {}, DELEGATION_PAGE),
    "registration.delegation_nominate": ("POST", D + "/nominate", {"email": "new@unep.org", "name": "New"},
                                         DELEGATION_ACTION),
    "registration.delegation_approve": ("POST", D + "/registrations/{first}/approve", {}, DELEGATION_ACTION),
    "registration.delegation_decline": ("POST", D + "/registrations/{second}/decline",
                                        {"p{second}-message": "Not this year."}, DELEGATION_ACTION),
    "registration.delegation_substitute": ("POST", D + "/registrations/{delegate}/substitute",
                                           {"p{delegate}-email": "sub@unep.org", "p{delegate}-name": "Sub"},
                                           DELEGATION_ACTION),
    "registration.delegation_withdraw": ("POST", D + "/nominations/{nomination}/withdraw", {}, DELEGATION_ACTION),
    # The organisers' delegation pages (another module), on an organisation nobody registered with.
    "registration.delegations_overview": ("GET", M, {}, ORGANISERS_PAGE),
    "registration.export_organisations": ("GET", M + ".csv", {}, ORGANISERS_PAGE),
    "registration.import_organisations": ("GET", M + "/import", {}, ORGANISERS_PAGE),
    "registration.new_organisation": ("GET", M + "/new", {}, ORGANISERS_PAGE),
    "registration.edit_organisation": ("GET", M + "/{spare}", {}, ORGANISERS_PAGE),
    "registration.copy_organisations": ("POST", M + "/copy", {}, organisers_action(200)),  # no source chosen
    "registration.set_focal_point_deadline": ("POST", M + "/deadline", {}, organisers_action(302)),  # none
    "registration.remind_focal_points": ("POST", M + "/remind", {}, organisers_action(302)),
    "registration.add_focal_point": ("POST", M + "/{spare}/focal-points", {}, organisers_action(200)),  # no address
    "registration.remove_focal_point": ("POST", M + "/{spare}/focal-points/{spare_focal}/remove", {},
                                        organisers_action(302)),
    "registration.delete_organisation": ("POST", M + "/{spare}/delete", {"confirmed": "1"}, organisers_action(302)),
}
# Endpoints that answer GET and POST: the POST, with nothing filled in, shows the form again.
POSTS_TOO = {
    "registration.import_organisations": organisers_action(200),
    "registration.new_organisation": organisers_action(200),
    "registration.edit_organisation": organisers_action(200),
}
# The participant's own registration page, by its signed link.
OWN_REGISTRATION = expect(200, 200, 403, 403, 200, 403)


def delegation_endpoints(app) -> set[str]:
    """Every endpoint of the delegations: the focal points' and the organisers' pages."""
    found = set()
    for rule in app.url_map.iter_rules():
        name = rule.endpoint.removeprefix("registration.")
        if rule.endpoint.startswith("registration.") and (
                name.startswith("delegation") or name == "my_delegations" or "organisation" in name
                or "/delegations" in rule.rule):
            found.add(rule.endpoint)
    return found


def test_the_table_names_every_delegation_endpoint(app):
    found = delegation_endpoints(app)
    assert {"registration.delegation", "registration.my_delegations", "registration.delegation_approve"} <= found
    assert found == set(TABLE)


@pytest.fixture
def world(app, db):
    world = delegation_world(in_person=10)
    event, organiser = world.event, world.organiser
    wmo, walter = add_wmo(world)
    spare = delegations.save_organisation(event, actor=organiser, name="Spare Agency", acronym="SPA")
    spare_focal = delegations.add_focal_point(spare, actor=organiser, email="sam@spare.example")
    participant = factories.make_user(name="Paula Participant", email="paula@unep.org")
    own = claim(world, email=participant.email, name=participant.name, user=participant)
    first, second = claim(world, name="First Pending"), claim(world, name="Second Pending")
    delegate = claim(world, name="Dana Delegate")
    delegations.approve(delegate, actor=world.fatima)
    nomination = delegations.nominate(world.unep, actor=world.fatima, email="nominee@unep.org")
    other_organiser = factories.make_user(may_create_events=True)
    factories.make_event(organiser=other_organiser, published=True)
    db.session.commit()
    people = {"participant": participant, "focal_point": world.fatima, "other_focal_point": walter,
              "organiser": organiser, "other_organiser": other_organiser}
    values = {"slug": event.slug, "unep": world.unep.id, "wmo": wmo.id, "spare": spare.id,
              "spare_focal": spare_focal.id, "first": first.id,
              "second": second.id, "delegate": delegate.id, "nomination": nomination.id}
    ids = SimpleNamespace(own=own.id, first=first.id, second=second.id, delegate=delegate.id,
                          nomination=nomination.id, spare=spare.id, unep=world.unep.id)
    return SimpleNamespace(event=event, people=people, values=values, ids=ids,
                           own_path=f"/registrations/{ops.manage_token(own)}")


def fill(template: str, values: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), template)


def requests(world):
    """(label, method, path, data, expected) for every row of the table, in order."""
    for endpoint, (method, path, data, allowed) in TABLE.items():
        if endpoint in POSTS_TOO:
            yield endpoint + " POST", "POST", path, {}, POSTS_TOO[endpoint]
        yield endpoint, method, path, data, allowed
    yield "registration.manage (the participant's own)", "GET", world.own_path, {}, OWN_REGISTRATION


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_and_act_on_each_delegation_page(app, db, world, role):
    client = app.test_client()
    if role != "anonymous":
        login(client, world.people[role])
    index = ROLES.index(role)
    found, expected = {}, {}
    for label, method, path, data, allowed in requests(world):
        url = fill(path, world.values)
        form = {fill(key, world.values): value for key, value in data.items()}
        response = client.get(url) if method == "GET" else client.post(url, data=form)
        response.close()
        found[label] = response.status_code
        expected[label] = allowed[index]
        if response.status_code == 302 and role == "anonymous":
            assert "/auth/login" in response.headers["Location"], label
    assert found == expected

    # What the requests changed: everything for those allowed, nothing for the others.
    db.session.expire_all()
    ids = world.ids
    state = {r.id: r.state for r in db.session.scalars(sa.select(Registration))}
    open_nominations = set(db.session.scalars(sa.select(RegistrationInvitation.email).where(
        RegistrationInvitation.organisation_id == ids.unep, RegistrationInvitation.used_at.is_(None),
        RegistrationInvitation.revoked_at.is_(None))))
    spare_left = db.session.get(Organisation, ids.spare) is not None
    if index in (F, O):
        assert (state[ids.first], state[ids.second], state[ids.delegate]) == (
            RegistrationState.CONFIRMED, RegistrationState.REJECTED, RegistrationState.CANCELLED)
        assert open_nominations == {"new@unep.org", "sub@unep.org"}
    else:
        assert (state[ids.first], state[ids.second], state[ids.delegate]) == (
            RegistrationState.PENDING, RegistrationState.PENDING, RegistrationState.CONFIRMED)
        assert open_nominations == {"nominee@unep.org"}
    assert state[ids.own] == RegistrationState.PENDING
    assert spare_left == (index != O)  # only the organiser deletes an organisation, or removes a focal point
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FocalPoint)) == (2 if index == O else 3)
