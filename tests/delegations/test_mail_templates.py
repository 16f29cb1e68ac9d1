"""The delegation mail templates: each default renders with a real record of the event found
by its ``sample``; every placeholder a template offers gets its value; names typed by people
are escaped in the HTML part; the registrant's mail says who decides."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from conference.delegations import delegations
from conference.mail import registry
from conference.registration.places import ensure_registration_settings

from ..registration.builders import DURING, register
from .builders import delegation_setup

KEYS = ["focal_point_invitation", "delegation_nomination", "delegation_pending", "delegation_approved",
        "delegation_declined", "delegation_reminder", "delegation_escalated"]
HOSTILE = "<script>x</script> & Co"


@pytest.fixture
def world(db):
    form, members, unep, organiser, fatima = delegation_setup()
    fatima.name = f"Fatima {HOSTILE}"
    unep.focal_points[0].name = fatima.name
    register(form, members, name=f"Ali {HOSTILE}", organisation=unep)
    delegations.nominate(unep, actor=fatima, email="nadia@unep.org", name="Nadia", now=DURING)
    ensure_registration_settings(form.event).focal_point_deadline = DURING + dt.timedelta(days=3)
    return form.event


def context_for(key, event, **more):
    spec = registry.get(key)
    found = spec.sample(event)
    assert found is not None, key
    data, name, email, user = found
    return spec, registry.MailContext(event=event, recipient_name=name, recipient_email=email, user=user,
                                            data={**data, "message": "Please come & <b>see</b>.",
                                                  "nominated_by": "Fatima", "deadline": DURING, **more})


@pytest.mark.parametrize("key", KEYS)
def test_default_renders_with_a_real_record(world, key):
    spec, context = context_for(key, world)
    rendered = registry.render(spec, context)
    assert world.title in rendered.subject + rendered.text
    assert "{" not in rendered.subject + rendered.text + rendered.html
    assert "<script>" not in rendered.html and "<b>" not in rendered.html


@pytest.mark.parametrize("key", KEYS)
def test_every_placeholder_renders_its_value(world, key):
    spec, context = context_for(key, world)
    body = "\n\n".join(f"{name}: {{{name}}}" for name in spec.placeholders)
    rendered = registry.render(spec, context, subject="{event_title}", body=body)
    for name, placeholder in spec.placeholders.items():
        value = placeholder.value(context)
        if name == "organisation_acronym" and not value:
            continue
        assert value, f"{key}: {{{name}}} is empty with the sample record"
        assert f"{name}: {value}" in rendered.text, name
        assert html.escape(value.splitlines()[-1]) in rendered.html, name


def test_samples_find_nothing_in_an_event_without_delegations(db):
    from .. import factories

    event = factories.make_event(published=True)
    assert {key: registry.get(key).sample(event) for key in KEYS} == {key: None for key in KEYS}
