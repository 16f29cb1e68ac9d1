"""The organisers' overview of delegations (counts per mode, filters, totals), the focal point
deadline with the reminder on demand, and the participant list grouped by organisation."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.delegations import delegations
from conference.delegations import overview as delegation_overview
from conference.errors import DomainError, NotAllowed
from conference.events.enums import EventFormat
from conference.extensions import db as _db
from conference.registration import places
from conference.registration.enums import (
    AttendanceMode,
    ListVisibility,
    RegistrationState,
)
from conference.registration.models import Registration

from .. import factories
from ..mail.builders import mail_to
from ..registration.builders import DURING, add_category, make_form, register

IN, ON = AttendanceMode.IN_PERSON, AttendanceMode.ONLINE


@pytest.fixture
def setup(db):
    form = make_form(format=EventFormat.HYBRID)
    event = form.event
    members = add_category(form, "Member agency")
    organiser = event.roles[0].user
    save = delegations.save_organisation
    unep = save(event, actor=organiser, name="UN Environment Programme", acronym="UNEP", kind="member",
                quota_in_person=2, quota_online=None, category=members)
    wmo = save(event, actor=organiser, name="World Meteorological Organization", acronym="WMO", kind="member",
               quota_in_person=1, quota_online=3, category=members)
    ifrc = save(event, actor=organiser, name="IFRC", kind="observer", quota_in_person=None, quota_online=None)
    fatima = factories.make_user(email="fatima@unep.org")
    delegations.add_focal_point(unep, actor=organiser, email="fatima@unep.org")
    return form, members, organiser, fatima, unep, wmo, ifrc


def test_the_overview_counts_per_organisation_and_mode_with_totals(setup):
    form, members, organiser, fatima, unep, wmo, ifrc = setup
    approved = register(form, members, organisation=unep, mode=IN)
    delegations.approve(approved, actor=fatima, now=DURING)
    register(form, members, organisation=unep, mode=IN)  # pending for Fatima
    register(form, members, organisation=unep, mode=ON)  # pending too
    for mode in (IN, IN, ON):  # WMO has no focal point: its quota applies at once
        register(form, members, organisation=wmo, mode=mode)
    wmo_first = _db.session.scalars(sa.select(Registration).where(Registration.organisation_id == wmo.id)
                                    .order_by(Registration.id)).first()
    wmo_first.checked_in_at = DURING
    delegations.nominate(unep, actor=fatima, email="nadia@unep.org", now=DURING)

    view = delegation_overview.overview(form.event)

    assert [line.organisation.name for line in view.lines] == ["IFRC", "UN Environment Programme",
                                                                "World Meteorological Organization"]
    table = {line.organisation.acronym or line.organisation.name:
             [(m.mode, m.quota, m.approved, m.pending, m.waiting, m.checked_in, m.left) for m in line.modes]
             for line in view.lines}
    assert table == {
        "IFRC": [(IN, None, 0, 0, 0, 0, None), (ON, None, 0, 0, 0, 0, None)],
        "UNEP": [(IN, 2, 1, 1, 0, 0, 1), (ON, None, 0, 1, 0, 0, None)],
        "WMO": [(IN, 1, 1, 0, 1, 1, 0), (ON, 3, 1, 0, 0, 0, 2)],
    }
    assert [line.nominated for line in view.lines] == [0, 1, 0]
    assert [(m.quota, m.approved, m.pending, m.waiting, m.checked_in, m.left) for m in view.totals] == [
        (None, 2, 1, 1, 1, None), (None, 1, 1, 0, 0, None)]  # IFRC has no quota: no total quota
    assert (view.nominated, view.organisations) == (1, 3)


def test_the_overview_filters(setup):
    form, members, _organiser, _fatima, unep, wmo, _ifrc = setup
    register(form, members, organisation=unep, mode=IN)
    register(form, members, organisation=wmo, mode=IN)

    def names(**filters):
        return [line.organisation.name for line in delegation_overview.overview(form.event, **filters).lines]

    assert names(kind="observer") == ["IFRC"]
    assert names(kind="bogus") == names()  # anything unknown means any
    assert names(pending_only=True) == ["UN Environment Programme"]
    assert names(full_only=True) == ["World Meteorological Organization"]
    assert names(search=" wmo ") == ["World Meteorological Organization"]
    assert names(search="environment") == ["UN Environment Programme"]
    only_wmo = delegation_overview.overview(form.event, full_only=True)
    assert [(m.quota, m.left) for m in only_wmo.totals] == [(1, 0), (3, 3)]  # totals of the lines shown
    assert only_wmo.organisations == 3


def test_the_deadline_is_set_in_the_future_and_rearms_the_reminder(setup):
    form, _members, organiser, _fatima, _unep, _wmo, _ifrc = setup
    event = form.event
    settings = places.ensure_registration_settings(event)
    settings.focal_point_reminded_at = DURING
    deadline = DURING + dt.timedelta(days=3)

    with pytest.raises(DomainError, match="in the future") as refused:
        delegation_overview.set_focal_point_deadline(event, actor=organiser, deadline=DURING, now=DURING)
    assert refused.value.field == "deadline"
    with pytest.raises(NotAllowed):
        delegation_overview.set_focal_point_deadline(event, actor=factories.make_user(), deadline=deadline, now=DURING)
    delegation_overview.set_focal_point_deadline(event, actor=organiser, deadline=deadline, now=DURING)
    assert (settings.focal_point_deadline, settings.focal_point_reminded_at) == (deadline, None)
    # Saving the same deadline later, once it has passed, changes nothing.
    delegation_overview.set_focal_point_deadline(event, actor=organiser, deadline=deadline, now=deadline)
    delegation_overview.set_focal_point_deadline(event, actor=organiser, deadline=None, now=deadline)
    assert settings.focal_point_deadline is None
    details = _db.session.scalars(sa.select(AuditEntry.details).where(
        AuditEntry.action == "delegation.deadline_set").order_by(AuditEntry.id)).all()
    assert details == [{"deadline": deadline.isoformat()}, {"deadline": ""}]


def test_reminding_now_mails_focal_points_with_people_waiting_only(setup):
    form, members, organiser, _fatima, unep, _wmo, _ifrc = setup
    settings = places.ensure_registration_settings(form.event)
    assert delegation_overview.remind_focal_points_now(form.event, actor=organiser, now=DURING) == 0
    assert settings.focal_point_reminded_at is None  # the reminder before the deadline is still due
    register(form, members, organisation=unep, mode=IN)
    with pytest.raises(NotAllowed):
        delegation_overview.remind_focal_points_now(form.event, actor=factories.make_user(), now=DURING)
    assert delegation_overview.remind_focal_points_now(form.event, actor=organiser, now=DURING) == 1
    assert mail_to("delegation_reminder") == ["fatima@unep.org"]
    assert settings.focal_point_reminded_at == DURING


def test_the_participant_list_by_organisation_shows_consenting_confirmed_people(setup):
    form, members, organiser, fatima, unep, wmo, _ifrc = setup
    places.ensure_registration_settings(form.event).participant_list = ListVisibility.PUBLIC
    register(form, members, organisation=wmo, mode=ON, name="Zoe Wind", affiliation="WMO", listed=True)
    register(form, members, organisation=wmo, mode=ON, name="Adam Rain", listed=True)
    register(form, members, organisation=wmo, mode=ON, name="Quiet Quentin")  # did not agree to be listed
    pending = register(form, members, organisation=unep, mode=IN, name="Pending Pia", listed=True)
    assert pending.state == RegistrationState.PENDING
    register(form, members, mode=IN, name="Free Frida", affiliation="Independent", listed=True)

    groups = delegation_overview.participants_by_organisation(form.event, None)

    assert [(g.organisation, [(p.name, p.affiliation) for p in g.participants]) for g in groups] == [
        ("World Meteorological Organization (WMO)", [("Adam Rain", ""), ("Zoe Wind", "WMO")]),
        (None, [("Free Frida", "Independent")]),
    ]
    places.ensure_registration_settings(form.event).participant_list = ListVisibility.HIDDEN
    assert delegation_overview.participants_by_organisation(form.event, None) is None
    assert delegation_overview.participants_by_organisation(form.event, organiser) is not None
