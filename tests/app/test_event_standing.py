"""The event page's "Where things stand", through the HTTP path: the call for papers' dates,
deadline and days left, registration open, not yet open, closed or full, and the released agenda,
each in the viewer's time zone."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conference.cfp import setup as cfp_setup
from conference.core.types import utcnow
from conference.events.enums import EventFormat
from conference.extensions import db
from conference.registration.enums import AttendanceMode
from conference.registration.models import RegistrationForm

from .. import factories
from ..agenda.builders import store_release
from ..conftest import login
from ..query_counting import grow
from ..registration.builders import add_category, register_now

UTC = dt.UTC
LATER = dt.datetime(2099, 1, 5, 9, 0, tzinfo=UTC)  # 18:00 in Tokyo
MUCH_LATER = dt.datetime(2099, 2, 1, 12, 0, tzinfo=UTC)  # 21:00 in Tokyo
EARLIER = dt.datetime(2020, 6, 1, 8, 30, tzinfo=UTC)


def standing_of(html: str) -> dict[str, str]:
    """The section's lines, {heading: text}, spaces normalised (Babel puts a narrow one before PM)."""
    section = re.search(r'<section aria-labelledby="standing-heading">(.*?)</section>', html, re.S)
    assert section is not None
    lines = re.findall(r"<dt class=\"col-sm-3\">([^<]+)</dt><dd class=\"col-sm-9\">([^<]+)</dd>", section.group(1))
    return {heading: re.sub(r"\s", " ", text) for heading, text in lines}


@pytest.fixture
def organiser(db):
    return factories.make_user(name="Olga Organiser", may_create_events=True)


@pytest.fixture
def event(db, organiser):
    return factories.make_event(organiser=organiser, slug="ews", published=True,
                               format=EventFormat.IN_PERSON, venue="Vienna International Centre")


@pytest.fixture
def tokyo(client, db):
    """The client, logged in as someone who reads times in Tokyo."""
    return login(client, factories.make_user(timezone="Asia/Tokyo"))


def call(event, organiser, opens: dt.datetime, deadline: dt.datetime):
    cfp_setup.configure_call(event, actor=organiser, opens_at=opens, deadline=deadline, edit_until=None, intro="")


def form(event, opens: dt.datetime, closes: dt.datetime) -> RegistrationForm:
    row = RegistrationForm(event_id=event.id, title="Members", opens_at=opens, closes_at=closes)
    db.session.add(row)
    db.session.flush()
    return row


def page(client) -> dict[str, str]:
    response = client.get("/events/ews/")
    assert response.status_code == 200
    return standing_of(response.get_data(as_text=True))


def test_nothing_set_up_shows_only_the_agenda_not_released(client, event):
    assert page(client) == {"Agenda": "Not released yet."}


def test_call_not_open_yet_shows_its_dates_in_the_viewers_zone(tokyo, event, organiser):
    call(event, organiser, LATER, MUCH_LATER)
    assert page(tokyo)["Call for papers"] == ("Opens on Jan 5, 2099, 6:00 PM (Asia/Tokyo); "
                                              "deadline Feb 1, 2099, 9:00 PM (Asia/Tokyo).")


def test_call_not_open_yet_shows_utc_to_visitors(client, event, organiser):
    call(event, organiser, LATER, MUCH_LATER)
    assert page(client)["Call for papers"] == ("Opens on Jan 5, 2099, 9:00 AM (UTC); "
                                               "deadline Feb 1, 2099, 12:00 PM (UTC).")


def test_open_call_tells_the_days_left(tokyo, event, organiser):
    deadline = (utcnow() + dt.timedelta(days=3, hours=2)).replace(microsecond=0)
    call(event, organiser, EARLIER, deadline)
    text = page(tokyo)["Call for papers"]
    assert re.fullmatch(r"Open; deadline .* \(Asia/Tokyo\): closes in 4 days\.", text), text


def test_open_call_on_its_last_day_says_one_day(client, event, organiser):
    call(event, organiser, EARLIER, utcnow() + dt.timedelta(hours=5))
    assert page(client)["Call for papers"].endswith(": closes in 1 day.")


def test_closed_call(tokyo, event, organiser):
    call(event, organiser, EARLIER - dt.timedelta(days=30), EARLIER)
    assert page(tokyo)["Call for papers"] == "Closed since Jun 1, 2020, 5:30 PM (Asia/Tokyo)."


def test_registration_open_until_its_closing_in_the_viewers_zone(tokyo, event):
    add_category(form(event, EARLIER, MUCH_LATER))
    assert page(tokyo)["Registration"] == "Open until Feb 1, 2099, 9:00 PM (Asia/Tokyo)."


def test_registration_not_open_yet(tokyo, event):
    add_category(form(event, LATER, MUCH_LATER))
    assert page(tokyo)["Registration"] == "Not open yet: opens on Jan 5, 2099, 6:00 PM (Asia/Tokyo)."


def test_registration_closed(client, event):
    add_category(form(event, EARLIER - dt.timedelta(days=30), EARLIER))
    assert page(client)["Registration"] == "Closed."


def test_registration_full_sends_newcomers_to_the_waiting_list(client, event):
    members = add_category(form(event, EARLIER, MUCH_LATER), in_person=1)
    register_now(members.form, members)
    assert page(client)["Registration"] == "Full: new registrations go on the waiting list."


def test_registration_with_room_in_one_category_is_not_full(client, event):
    registration_form = form(event, EARLIER, MUCH_LATER)
    members = add_category(registration_form, in_person=1)
    add_category(registration_form, "Observers")
    register_now(registration_form, members)
    assert page(client)["Registration"] == "Open until Feb 1, 2099, 12:00 PM (UTC)."


def test_online_room_keeps_a_hybrid_event_open(client, event):
    event.format = EventFormat.HYBRID
    members = add_category(form(event, EARLIER, MUCH_LATER), in_person=1)
    register_now(members.form, members, mode=AttendanceMode.IN_PERSON)
    assert page(client)["Registration"] == "Open until Feb 1, 2099, 12:00 PM (UTC)."


def test_invitation_only_room_does_not_keep_registration_open(client, event):
    registration_form = form(event, EARLIER, MUCH_LATER)
    members = add_category(registration_form, in_person=1)
    add_category(registration_form, "Guests", invitation_only=True)
    register_now(registration_form, members)
    assert page(client)["Registration"] == "Full: new registrations go on the waiting list."


def test_released_agenda_shows_its_version_and_date(tokyo, event):
    store_release(event)
    second = store_release(event)
    second.released_at = LATER
    db.session.flush()
    html = tokyo.get("/events/ews/").get_data(as_text=True)
    assert standing_of(html)["Agenda"] == "Version 2 released on Jan 5, 2099, 6:00 PM (Asia/Tokyo)."
    assert 'href="/events/ews/agenda' in html


def test_event_page_runs_as_many_queries_whatever_the_registrations_and_releases(client, event, organiser):
    call(event, organiser, EARLIER, MUCH_LATER)
    registration_form = form(event, EARLIER, MUCH_LATER)
    login(client, organiser)

    def add_one(i):
        category = add_category(registration_form, f"Category {i}", in_person=1)
        register_now(registration_form, category)
        store_release(event)

    small, large = grow(db, client, "/events/ews/", add_one)
    assert small == large
