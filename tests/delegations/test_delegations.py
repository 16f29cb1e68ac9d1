"""Delegations: organisations and focal points, quotas per mode, nomination, approval by the
focal point, substitution, the fallback to organisers after the deadline, and quota approvals
racing on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.delegations import delegations
from conference.delegations.enums import OrganisationKind
from conference.errors import AlreadyExists, InvalidState, NotAllowed, ValidationFailed
from conference.events.enums import EventFormat
from conference.extensions import db as _db
from conference.mail.models import OutboxMessage
from conference.registration import registrations as ops
from conference.registration.enums import (
    AttendanceMode,
    CancelReason,
    RegistrationState,
)
from conference.registration.models import Registration, RegistrationInvitation
from conference.registration.places import ensure_registration_settings

from .. import factories
from ..mail.builders import mail_to
from ..races import race
from ..registration.builders import DURING, make_form, register
from .builders import delegation_setup, organiser_of

C, P, W, R, X = (RegistrationState.CONFIRMED, RegistrationState.PENDING, RegistrationState.WAITLISTED,
                 RegistrationState.REJECTED, RegistrationState.CANCELLED)


# Organisations and focal points ---------------------------------------------------------------------------

def test_an_organisation_is_checked_and_saved(app, db):
    form = make_form()
    event, organiser = form.event, organiser_of(form.event)
    with pytest.raises(ValidationFailed) as failed:
        delegations.save_organisation(event, actor=organiser, name=" ", kind="sponsor", email_domains="not a domain",
                                      quota_in_person="-1", quota_online="many")
    assert set(failed.value.errors) == {"name", "kind", "email_domains", "quota_in_person", "quota_online"}
    who = delegations.save_organisation(event, actor=organiser, name="World Health  Organization", acronym="WHO",
                                        kind=OrganisationKind.MEMBER, email_domains="@WHO.int, who.org who.int",
                                        quota_in_person="2", quota_online="")
    assert (who.name, who.email_domains, who.quota_in_person, who.quota_online) == (
        "World Health Organization", ["who.int", "who.org"], 2, None)
    with pytest.raises(ValidationFailed) as failed:
        delegations.save_organisation(event, actor=organiser, name="world health organization")
    assert "already in the list" in failed.value.errors["name"]
    assert delegations.suggested_organisation(event, "ana@who.int") == who
    assert delegations.suggested_organisation(event, "ana@example.org") is None
    outsider = factories.make_user()
    with pytest.raises(NotAllowed):
        delegations.save_organisation(event, actor=outsider, name="Other")


def test_a_focal_point_with_an_account_acts_at_once_and_one_invited_by_address_on_arrival(app, db):
    form, _members, unep, organiser, fatima = delegation_setup()
    assert unep.is_focal_point(fatima) and mail_to("focal_point_invitation") == ["fatima@unep.org"]
    delegations.add_focal_point(unep, actor=organiser, email="Omar@UNEP.org", name="Omar")
    with pytest.raises(AlreadyExists):
        delegations.add_focal_point(unep, actor=organiser, email="omar@unep.org")
    omar = factories.make_user(email="omar@unep.org", name="Omar")
    assert not unep.is_focal_point(omar)
    assert delegations.focal_organisations(form.event, omar) == [unep]  # verified account of that address
    assert not unep.is_focal_point(omar)  # reading changes nothing
    assert delegations.claim_invitations(form.event, omar) is True
    assert unep.is_focal_point(omar) and delegations.claim_invitations(form.event, omar) is False
    stranger = factories.make_user(email="someone@unep.org")
    assert delegations.focal_organisations(form.event, stranger) == []


# Registering and deciding -------------------------------------------------------------------------------------

def test_a_registration_claiming_an_organisation_waits_for_its_focal_point(app, db):
    form, members, unep, _organiser, fatima = delegation_setup()
    person = register(form, members, email="ali@unep.org", organisation=unep)
    assert person.state == P and delegations.awaiting_focal_point(person)
    assert mail_to("delegation_pending") == ["fatima@unep.org"]
    received = _db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "registration_received")).one()
    assert "It awaits approval by the focal point of UN Environment Programme" in received.body_text
    assert delegations.approve(person, actor=fatima, now=DURING) == C
    assert mail_to("delegation_approved") == ["ali@unep.org"]
    entry = _db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "delegation.approved")).one()
    assert entry.actor_id == fatima.id


def test_without_focal_points_the_quota_applies_at_once(app, db):
    form, members, unep, _organiser, _focal = delegation_setup(focal=False, in_person=2)
    states = [register(form, members, organisation=unep).state for _ in range(3)]
    assert states == [C, C, W]  # the third waits for the delegation's quota, not for the category


def test_approvals_past_the_quota_are_refused_or_go_to_the_delegations_waiting_list(app, db):
    form, members, unep, _organiser, fatima = delegation_setup(in_person=1)
    first, second, third = (register(form, members, organisation=unep) for _ in range(3))
    delegations.approve(first, actor=fatima, now=DURING)
    with pytest.raises(InvalidState, match="quota of 1 in person is full"):
        delegations.approve(second, actor=fatima, now=DURING)
    assert second.state == P
    assert delegations.approve(second, actor=fatima, waitlist_if_full=True, now=DURING) == W
    # When the delegate cancels, the delegation's waiting list gets the place.
    ops.cancel(first, actor=None, now=DURING + dt.timedelta(hours=1))
    assert second.state == RegistrationState.OFFERED
    delegations.decline(third, actor=fatima, message="We send two people only.", now=DURING)
    assert third.state == R and mail_to("delegation_declined") == [third.email]


def test_quotas_are_per_mode_in_a_hybrid_event(app, db):
    form, members, unep, _organiser, fatima = delegation_setup(format=EventFormat.HYBRID, in_person=1, online=2)
    people = [register(form, members, organisation=unep, mode=mode)
              for mode in ("in_person", "in_person", "online", "online", "online")]
    results = []
    for person in people:
        results.append(delegations.approve(person, actor=fatima, waitlist_if_full=True, now=DURING))
    assert results == [C, W, C, C, W]
    counts = delegations.delegation_counts(form.event)
    assert counts.left(unep, AttendanceMode.IN_PERSON) == 0 and counts.left(unep, AttendanceMode.ONLINE) == 0
    assert counts.approved[(unep.id, AttendanceMode.ONLINE)] == 2


def test_a_focal_point_acts_only_on_their_own_organisation(app, db):
    form, members, unep, organiser, fatima = delegation_setup()
    wmo = delegations.save_organisation(form.event, actor=organiser, name="World Meteorological Organization",
                                        quota_in_person=2, category=members)
    delegations.add_focal_point(wmo, actor=organiser, email="walter@wmo.int")
    theirs = register(form, members, organisation=wmo)
    with pytest.raises(NotAllowed):
        delegations.approve(theirs, actor=fatima)
    with pytest.raises(NotAllowed):
        delegations.nominate(wmo, actor=fatima, email="x@wmo.int")
    participant = factories.make_user()
    with pytest.raises(NotAllowed):
        delegations.approve(theirs, actor=participant)
    assert delegations.approve(theirs, actor=organiser, now=DURING) == C  # organisers may always decide
    assert mail_to("registration_approved") == [theirs.email]


def test_an_organiser_approving_from_the_registration_pages_keeps_to_the_quota(app, db):
    form, members, unep, organiser, fatima = delegation_setup(in_person=1)
    first, second = register(form, members, organisation=unep), register(form, members, organisation=unep)
    ops.approve(first, actor=organiser, now=DURING)
    with pytest.raises(InvalidState, match="quota of 1 in person is full"):
        ops.approve(second, actor=organiser, now=DURING)
    assert (first.state, second.state) == (C, P)


# Nominating and substituting ---------------------------------------------------------------------------------

def test_a_nominee_registers_straight_into_the_delegation(app, db):
    form, members, unep, _organiser, fatima = delegation_setup(in_person=2)
    invitation = delegations.nominate(unep, actor=fatima, email="Nadia@unep.org", name="Nadia",
                                      message="Please come.", now=DURING)
    assert mail_to("delegation_nomination") == ["nadia@unep.org"]
    with pytest.raises(AlreadyExists):
        delegations.nominate(unep, actor=fatima, email="nadia@unep.org")
    nadia = register(form, members, email="nadia@unep.org", invitation=invitation)
    assert (nadia.state, nadia.organisation_id) == (C, unep.id)
    assert mail_to("delegation_pending") == []  # nobody waits for the focal point


def test_nominating_past_a_full_quota_is_refused(app, db):
    form, members, unep, _organiser, fatima = delegation_setup(in_person=1)
    delegations.nominate(unep, actor=fatima, email="one@unep.org", now=DURING)
    with pytest.raises(InvalidState, match="quota is full"):
        delegations.nominate(unep, actor=fatima, email="two@unep.org", now=DURING)


def test_a_substitute_takes_the_place_without_the_general_waiting_list(app, db):
    form, members, unep, _organiser, fatima = delegation_setup(in_person=2, category_capacity=1)
    delegate = register(form, members, email="dan@unep.org", organisation=unep)
    delegations.approve(delegate, actor=fatima, now=DURING)
    outsider = register(form, members, email="someone@example.org")
    assert outsider.state == W  # the category's one place is taken
    invitation = delegations.substitute(delegate, actor=fatima, email="sara@unep.org", name="Sara", now=DURING)
    assert (delegate.state, delegate.cancel_reason) == (X, CancelReason.SUBSTITUTED)
    assert outsider.state == W  # the place was kept for the substitute
    sara = register(form, members, email="sara@unep.org", invitation=invitation)
    assert (sara.state, sara.organisation_id, sara.mode) == (C, unep.id, delegate.mode)
    assert _db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.action == "delegation.substituted")).all() == ["delegation.substituted"]


def test_withdrawing_a_substitution_frees_the_place(app, db):
    form, members, unep, _organiser, fatima = delegation_setup(in_person=2, category_capacity=1)
    delegate = register(form, members, organisation=unep)
    delegations.approve(delegate, actor=fatima, now=DURING)
    outsider = register(form, members)
    invitation = delegations.substitute(delegate, actor=fatima, email="sara@unep.org", now=DURING)
    delegations.withdraw_nomination(invitation, actor=fatima, now=DURING)
    assert outsider.state == RegistrationState.OFFERED


# The deadline ----------------------------------------------------------------------------------------------

def test_focal_points_are_reminded_and_after_the_deadline_the_organisers_decide(app, db):
    form, members, unep, organiser, fatima = delegation_setup()
    waiting = register(form, members, organisation=unep)
    deadline = DURING + dt.timedelta(days=5)
    ensure_registration_settings(form.event).focal_point_deadline = deadline
    assert delegations.run_deadlines(now=DURING) == {"focal_points_reminded": 0, "escalated": 0}
    assert delegations.run_deadlines(now=deadline - dt.timedelta(hours=47)) == {
        "focal_points_reminded": 1, "escalated": 0}
    assert mail_to("delegation_reminder") == ["fatima@unep.org"]
    assert delegations.run_deadlines(now=deadline - dt.timedelta(hours=1))["focal_points_reminded"] == 0  # once
    assert delegations.run_deadlines(now=deadline) == {"focal_points_reminded": 0, "escalated": 1}
    assert waiting.escalated_at == deadline and not delegations.awaiting_focal_point(waiting)
    assert mail_to("delegation_escalated") == [organiser.email]
    assert delegations.run_deadlines(now=deadline + dt.timedelta(hours=1))["escalated"] == 0
    ops.approve(waiting, actor=organiser, now=deadline)
    assert waiting.state == C


# Concurrency on PostgreSQL ------------------------------------------------------------------------------------

@pytest.mark.postgres_only
def test_two_focal_points_approving_at_once_never_overbook_the_quota(app, database_url, postgres_db):
    form, members, unep, organiser, fatima = delegation_setup(in_person=1, slug="quota-race")
    omar = factories.make_user(email="omar@unep.org")
    delegations.add_focal_point(unep, actor=organiser, email="omar@unep.org")
    first, second = register(form, members, organisation=unep), register(form, members, organisation=unep)
    ids = (first.id, second.id, fatima.id, omar.id)
    postgres_db.session.commit()

    def approving(registration_id, user_id):
        def work():
            from conference.accounts.models import User

            return delegations.approve(_db.session.get(Registration, registration_id),
                                       actor=_db.session.get(User, user_id), now=DURING)
        return work

    one, two = race(app, database_url, approving(ids[0], ids[2]), approving(ids[1], ids[3]))
    assert one.result == C and two.result is None
    assert "quota of 1 in person is full" in two.error.message
    postgres_db.session.expire_all()
    states = postgres_db.session.scalars(sa.select(Registration.state).order_by(Registration.id)).all()
    assert states == [C, P]
    assert postgres_db.session.scalar(sa.select(sa.func.count()).select_from(RegistrationInvitation)) == 0
