"""A new edition keeps registration: its settings, forms, categories and questions (limited to
the new categories), dates moved; no registration, answer or invitation, no reconfirmation."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from conference.events.cloning import clone_event
from conference.extensions import db as _db
from conference.registration.models import (
    Registration,
    RegistrationForm,
    RegistrationInvitation,
    RegistrationSettings,
)

from .builders import CLOSES, OPENS, add_category, add_question, make_form, register

UTC = dt.UTC


def count(model, event) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.event_id == event.id))


def test_a_new_edition_keeps_the_forms_categories_and_questions(db):
    form = make_form(capacity_in_person=120, modification_deadline=CLOSES - dt.timedelta(days=3),
                     intro="Welcome")
    event = form.event
    members = add_category(form, "Member agency", in_person=80, approval=True)
    observers = add_category(form, "Observer", online=40, invitation_only=True)
    add_question(form, "Passport number", categories=[members])
    add_question(form, "Dietary needs")
    settings = event.registration_settings
    settings.focal_point_deadline = dt.datetime(2030, 2, 1, 11, 0, tzinfo=UTC)
    settings.reconfirm_by = dt.datetime(2030, 2, 20, 11, 0, tzinfo=UTC)
    settings.reconfirm_requested_at = dt.datetime(2030, 2, 10, 11, 0, tzinfo=UTC)
    register(form, members)
    form.requires_account = True
    _db.session.add(RegistrationInvitation(event_id=event.id, category_id=observers.id, email="obs@example.org"))
    _db.session.flush()
    organiser = next(role.user for role in event.roles)
    target = clone_event(event, title="Next", slug="next-registration",
                         starts_on=event.start_date + dt.timedelta(days=7), actor=organiser)

    new_settings = _db.session.scalars(sa.select(RegistrationSettings)
                                       .where(RegistrationSettings.event_id == target.id)).one()
    assert (new_settings.capacity_in_person, new_settings.offer_hold_hours) == (120, 48)
    assert new_settings.focal_point_deadline == dt.datetime(2030, 2, 8, 11, 0, tzinfo=UTC)
    assert (new_settings.reconfirm_by, new_settings.reconfirm_requested_at) == (None, None)
    new_form = _db.session.scalars(sa.select(RegistrationForm).where(RegistrationForm.event_id == target.id)).one()
    assert (new_form.title, new_form.intro, new_form.requires_account) == (form.title, "Welcome", True)
    assert (new_form.opens_at, new_form.closes_at, new_form.modification_deadline) == (
        OPENS + dt.timedelta(days=7), CLOSES + dt.timedelta(days=7), CLOSES + dt.timedelta(days=4))
    assert [(c.name, c.event_id, c.capacity_in_person, c.capacity_online, c.requires_approval, c.invitation_only)
            for c in new_form.categories] == [("Member agency", target.id, 80, None, True, False),
                                              ("Observer", target.id, None, 40, False, True)]
    questions = {q.label: q for q in new_form.questions}
    assert sorted(questions) == ["Dietary needs", "Passport number"]
    assert [c.id for c in questions["Passport number"].categories] == [new_form.categories[0].id]
    assert questions["Dietary needs"].categories == []
    assert count(Registration, target) == count(RegistrationInvitation, target) == 0
    assert count(Registration, event) == 1
