"""A new edition keeps the delegations: organisations (quotas, domains, the copied category their
nominees register in) and their focal points, who keep deciding for them; no nomination or
registration."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from conference.delegations.models import Organisation
from conference.events.cloning import clone_event
from conference.extensions import db as _db
from conference.registration.models import ParticipantCategory, Registration, RegistrationInvitation

from .builders import add_wmo, claim, delegation_world


def count(model, event) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.event_id == event.id))


def test_a_new_edition_keeps_the_organisations_and_their_focal_points(db):
    world = delegation_world(in_person=3, online=2)
    add_wmo(world)
    claim(world)
    _db.session.add(RegistrationInvitation(event_id=world.event.id, category_id=world.members.id,
                                           email="nominee@unep.org", organisation_id=world.unep.id))
    _db.session.flush()
    before = {o.name: [(f.email, f.user_id, f.accepted_at is not None) for f in o.focal_points]
              for o in _db.session.scalars(sa.select(Organisation).where(Organisation.event_id == world.event.id))}
    target = clone_event(world.event, title="Assembly 2", slug="assembly-2",
                         starts_on=world.event.start_date + dt.timedelta(days=365), actor=world.organiser)

    new_members = _db.session.scalars(sa.select(ParticipantCategory).where(
        ParticipantCategory.event_id == target.id, ParticipantCategory.name == "Member agency")).one()
    organisations = _db.session.scalars(sa.select(Organisation).where(Organisation.event_id == target.id)
                                        .order_by(Organisation.id)).all()
    assert [(o.name, o.acronym, o.kind.value, o.email_domains, o.quota_in_person, o.quota_online, o.category_id)
            for o in organisations] == [
        ("UN Environment Programme", "UNEP", "member", ["unep.org"], 3, 2, new_members.id),
        ("World Meteorological Organization", "WMO", "member", ["wmo.int"], 2, None, new_members.id)]
    assert {o.name: [(f.email, f.user_id, f.accepted_at is not None) for f in o.focal_points]
            for o in organisations} == before
    assert count(RegistrationInvitation, target) == count(Registration, target) == 0
    assert count(RegistrationInvitation, world.event) == 1
