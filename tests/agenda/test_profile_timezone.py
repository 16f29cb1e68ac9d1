"""The public agenda in the viewer's own time zone: a signed-in person sees it in their
profile's zone unless they choose another with ?tz= (which always wins); a visitor, or a
profile whose zone we do not know, sees the event's. The editor keeps the event's zone."""

from __future__ import annotations

import pytest

from conference.extensions import db as _db

from .. import factories
from ..conftest import login
from .builders import make_programme, small_programme, store_release

TOKYO_MORNING = '<time datetime="{day}T17:00:00+09:00">17:00</time>'  # 08:00 UTC


@pytest.fixture
def released(db):
    event = factories.make_event(published=True, slug="zone-event", timezone="Europe/Zurich")
    programme = small_programme(event)
    store_release(event)
    return event, programme


def text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_signed_in_person_sees_the_agenda_in_their_profile_zone(app, released):
    event, programme = released
    client = login(app.test_client(), factories.make_user(timezone="Asia/Tokyo"))
    page = text(client.get("/events/zone-event/agenda"))
    assert "Times are shown in Asia/Tokyo." in page
    assert "The event’s own time zone is Europe/Zurich." in page
    assert TOKYO_MORNING.format(day=event.start_date.isoformat()) in page
    assert '<option value="Asia/Tokyo" selected>Asia/Tokyo (your profile’s)</option>' in page
    # Links carry no ?tz=: the pages they open take the profile's zone again.
    assert f'href="/events/zone-event/agenda/sessions/{programme["morning"].id}"' in page
    session = text(client.get(f"/events/zone-event/agenda/sessions/{programme['morning'].id}"))
    assert "(Asia/Tokyo)" in session and ">17:00</time>" in session
    assert "Times are shown in Asia/Tokyo." in text(client.get("/events/zone-event/agenda/mine"))
    assert "Times are shown in Asia/Tokyo." in text(client.get("/events/zone-event/agenda/changes"))


def test_a_zone_chosen_in_the_address_wins_over_the_profile(app, released):
    event, programme = released
    client = login(app.test_client(), factories.make_user(timezone="Asia/Tokyo"))
    page = text(client.get("/events/zone-event/agenda?tz=Europe/Zurich"))
    assert "Times are shown in Europe/Zurich." in page
    assert TOKYO_MORNING.format(day=event.start_date.isoformat()) not in page
    assert '<option value="Europe/Zurich" selected>Europe/Zurich (the event’s)</option>' in page
    # The choice is carried on to the session page, even though it is the event's own zone.
    assert f'href="/events/zone-event/agenda/sessions/{programme["morning"].id}?tz=Europe/Zurich"' in page
    moscow = text(client.get("/events/zone-event/agenda?tz=Europe/Moscow"))
    assert "Times are shown in Europe/Moscow." in moscow


def test_visitors_and_unknown_profile_zones_see_the_event_zone(app, released):
    assert "Times are shown in Europe/Zurich." in text(app.test_client().get("/events/zone-event/agenda"))
    odd = factories.make_user()
    odd.timezone = "Mars/Olympus"  # stored before zones were checked
    _db.session.flush()
    page = text(login(app.test_client(), odd).get("/events/zone-event/agenda"))
    assert "Times are shown in Europe/Zurich." in page and "Mars/Olympus" not in page


def test_an_unknown_zone_in_the_address_falls_back_to_the_event_zone_it_names(app, released):
    client = login(app.test_client(), factories.make_user(timezone="Asia/Tokyo"))
    page = text(client.get("/events/zone-event/agenda?tz=Mars/Olympus"))
    assert "“Mars/Olympus” is not a time zone we know. Times are shown in the event’s time zone, Europe/Zurich." in page
    assert "Times are shown in Europe/Zurich." in page


def test_the_editor_keeps_the_event_zone_for_a_person_elsewhere(app, db):
    built = make_programme()
    built.organiser.timezone = "Asia/Tokyo"
    _db.session.flush()
    page = text(login(app.test_client(), built.organiser).get(f"/events/{built.event.slug}/manage/agenda"))
    assert "Times are shown in Europe/Zurich, the event" in page  # the footer agrees with the editor's own note
    assert "Times are in the event's time zone, Europe/Zurich." in page.replace("&#39;", "'")
    assert "Asia/Tokyo" not in page
