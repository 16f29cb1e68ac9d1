"""The demo's symposium belongs to the task force's series, with last year's edition made from it:
published, over, set up like it and with nobody's registration; loading again changes nothing."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from conference.demo import load_demo
from conference.events.enums import EventStatus
from conference.events.models import Event, Series
from conference.registration.models import Registration, RegistrationForm


def count(db, model, event) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.event_id == event.id))


def test_the_demo_symposium_has_a_past_edition_in_its_series(client, db):
    load_demo()
    series = db.session.scalars(sa.select(Series)).one()
    editions = db.session.scalars(sa.select(Event).where(Event.series_id == series.id)
                                  .order_by(Event.start_date)).all()
    assert [e.slug for e in editions][1] == "iatf-symposium"
    past, symposium = editions
    assert past.status == EventStatus.PUBLISHED and past.end_date < dt.date.today()
    assert past.title.endswith(str(past.start_date.year))
    assert count(db, RegistrationForm, past) == count(db, RegistrationForm, symposium) > 0
    assert count(db, Registration, symposium) > 0 and count(db, Registration, past) == 0
    page = client.get(f"/series/{series.slug}/").get_data(as_text=True)
    assert past.title in page.split('id="past-title"')[1] and symposium.title in page.split('id="past-title"')[0]
    load_demo()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(Event.series_id == series.id)) == 2
