"""Helpers for the delegation pages: an event whose registration is open now, with a member
agency (UNEP, a quota, a focal point with an account) and, on request, a second organisation
with its own focal point; people registering claiming an organisation."""

from __future__ import annotations

from types import SimpleNamespace

from conference.delegations import delegations
from conference.events.enums import EventFormat, TeamRole

from .. import factories
from .participant_helpers import open_form, register_now
from .registration_helpers import add_category


def organiser_of(event):
    return next(role.user for role in event.roles if role.role == TeamRole.ORGANISER)


def delegation_world(*, slug: str = "assembly", format: EventFormat = EventFormat.IN_PERSON, in_person: int | None = 3,
                     online: int | None = None, focal: bool = True) -> SimpleNamespace:
    form = open_form(slug=slug, format=format, title="Members and observers")
    event = form.event
    organiser = organiser_of(event)
    members = add_category(form, "Member agency")
    unep = delegations.save_organisation(event, actor=organiser, name="UN Environment Programme", acronym="UNEP",
                                         kind="member", country="KE", email_domains="unep.org",
                                         quota_in_person=in_person, quota_online=online, category=members)
    fatima = None
    if focal:
        fatima = factories.make_user(name="Fatima Focal", email="fatima@unep.org")
        delegations.add_focal_point(unep, actor=organiser, email=fatima.email)
    return SimpleNamespace(form=form, event=event, organiser=organiser, members=members, unep=unep, fatima=fatima)


def add_wmo(world, *, focal_email: str = "walter@wmo.int"):
    """A second organisation of the same event, with its own focal point."""
    wmo = delegations.save_organisation(world.event, actor=world.organiser, name="World Meteorological Organization",
                                        acronym="WMO", kind="member", email_domains="wmo.int", quota_in_person=2,
                                        category=world.members)
    walter = factories.make_user(name="Walter Focal", email=focal_email)
    delegations.add_focal_point(wmo, actor=world.organiser, email=focal_email)
    return wmo, walter


def claim(world, organisation=None, *, email: str | None = None, name: str | None = None, **extra):
    """Someone registers naming ``organisation`` (UNEP by default)."""
    return register_now(world.form, world.members, email=email, name=name,
                        organisation=organisation or world.unep, **extra)


def delegation_path(world, organisation=None) -> str:
    return f"/events/{world.event.slug}/delegations/{(organisation or world.unep).id}"
