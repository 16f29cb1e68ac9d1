"""Builders of the delegation tests: an event with a member agency (UNEP, a quota, a focal point
with an account), either on the registration's fixed timeline (``delegation_setup``, for the
domain tests) or with its registration open now (``delegation_world``, for the pages); on
request, a second organisation with its own focal point; people registering claiming an
organisation."""

from __future__ import annotations

from types import SimpleNamespace

from conference.delegations import delegations
from conference.events.enums import EventFormat, TeamRole

from .. import factories
from ..registration.builders import add_category, make_form, open_form, register_now


def organiser_of(event):
    return next(role.user for role in event.roles if role.role == TeamRole.ORGANISER)


def add_unep(event, organiser, members, *, in_person: int | None, online: int | None, focal: bool):
    """UNEP, a member agency of ``event`` with the given quotas in ``members``, and (when ``focal``)
    its focal point Fatima, who has an account: (organisation, focal point or None)."""
    unep = delegations.save_organisation(event, actor=organiser, name="UN Environment Programme", acronym="UNEP",
                                         kind="member", country="KE", email_domains="unep.org",
                                         quota_in_person=in_person, quota_online=online, category=members)
    fatima = None
    if focal:
        fatima = factories.make_user(name="Fatima Focal", email="fatima@unep.org")
        delegations.add_focal_point(unep, actor=organiser, email=fatima.email)
    return unep, fatima


def delegation_setup(*, format=EventFormat.IN_PERSON, in_person=3, online=None, focal=True, category_capacity=None,
                     slug=None):
    """(form, members, unep, organiser, focal point) on the registration's fixed timeline."""
    form = make_form(format=format, **({"slug": slug} if slug else {}))
    event = form.event
    members = add_category(form, "Member agency", in_person=category_capacity,
                           online=category_capacity if format != EventFormat.IN_PERSON else None)
    organiser = organiser_of(event)
    unep, focal_user = add_unep(event, organiser, members, in_person=in_person, online=online, focal=focal)
    return form, members, unep, organiser, focal_user


def delegation_world(*, slug: str = "assembly", format: EventFormat = EventFormat.IN_PERSON, in_person: int | None = 3,
                     online: int | None = None, focal: bool = True) -> SimpleNamespace:
    form = open_form(slug=slug, format=format, title="Members and observers")
    event = form.event
    organiser = organiser_of(event)
    members = add_category(form, "Member agency")
    unep, fatima = add_unep(event, organiser, members, in_person=in_person, online=online, focal=focal)
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
