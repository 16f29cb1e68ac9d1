"""The event's bar by role, through the HTTP path: organisers see every management page, track
chairs the review of their tracks, reviewers their reviews and bidding, the check-in desk staff
the check-in, and anyone else no bar; on the event page and on the review pages, and each link
opens."""

from __future__ import annotations

import re

import pytest

from conference.events.enums import TeamRole

from .. import factories
from ..cfp.builders import make_open_call
from ..conftest import login
from ..registration.builders import add_category, open_form, register_now
from ..review.builders import add_member

ORGANISER_BAR = [
    ("Event page", "/events/ews/"),
    ("Settings", "/events/ews/edit"),
    ("Team", "/events/ews/team"),
    ("Call for papers", "/events/ews/manage/call"),
    ("Submissions", "/events/ews/manage/submissions/"),
    ("Review", "/events/ews/review/"),
    ("Registration", "/events/ews/manage/registrations"),
    ("Agenda", "/events/ews/manage/agenda"),
    ("Mail", "/events/ews/mail/outbox"),
    ("Audit log", "/events/ews/audit"),
]
CHAIR_BAR = [
    ("Event page", "/events/ews/"),
    ("Review", "/events/ews/review/"),
    ("Assignments", "/events/ews/review/assignments"),
    ("Ranking and decisions", "/events/ews/review/ranking"),
    ("My conflicts", "/events/ews/review/my-conflicts"),
]
REVIEWER_BAR = [
    ("Event page", "/events/ews/"),
    ("My reviews", "/events/ews/review/mine"),
    ("Bidding", "/events/ews/review/bidding"),
    ("My conflicts", "/events/ews/review/my-conflicts"),
]
DESK_BAR = [
    ("Event page", "/events/ews/"),
    ("Check-in", "/events/ews/manage/check-in"),
]


def bar_of(html: str) -> list[tuple[str, str]]:
    """The (label, address) links of the event's bar, in order ([] when there is none)."""
    found = re.search(r'<nav class="subnav d-print-none" aria-label="Event management">(.*?)</nav>', html, re.S)
    if found is None:
        return []
    return [(label, href) for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', found.group(1))]


def current_of(html: str) -> list[str]:
    found = re.search(r'<nav class="subnav d-print-none" aria-label="Event management">(.*?)</nav>', html, re.S)
    assert found is not None
    return re.findall(r'<a href="[^"]+" aria-current="page">([^<]+)</a>', found.group(1))


@pytest.fixture
def call(db):
    return make_open_call(slug="ews")


def member(call, role: TeamRole):
    user = factories.make_user()
    if role == TeamRole.TRACK_CHAIR:
        return add_member(call.event, user, role, tracks=[call.track])
    return add_member(call.event, user, role)


def test_organiser_sees_the_full_bar_on_the_event_page(client, call):
    login(client, call.organiser)
    html = client.get("/events/ews/").get_data(as_text=True)
    assert bar_of(html) == ORGANISER_BAR
    assert current_of(html) == ["Event page"]


def test_organiser_bar_links_all_open(client, call):
    login(client, call.organiser)
    for _label, href in ORGANISER_BAR:
        assert client.get(href).status_code == 200, href


def test_reviewer_sees_my_reviews_and_bidding_and_they_open(client, call):
    login(client, member(call, TeamRole.REVIEWER))
    assert bar_of(client.get("/events/ews/").get_data(as_text=True)) == REVIEWER_BAR
    for _label, href in REVIEWER_BAR:
        assert client.get(href).status_code == 200, href
    html = client.get("/events/ews/review/bidding").get_data(as_text=True)
    assert bar_of(html) == REVIEWER_BAR
    assert current_of(html) == ["Bidding"]


def test_track_chair_sees_the_review_of_their_tracks_and_it_opens(client, call):
    login(client, member(call, TeamRole.TRACK_CHAIR))
    assert bar_of(client.get("/events/ews/").get_data(as_text=True)) == CHAIR_BAR
    for _label, href in CHAIR_BAR:
        assert client.get(href).status_code == 200, href
    html = client.get("/events/ews/review/ranking").get_data(as_text=True)
    assert bar_of(html) == CHAIR_BAR
    assert current_of(html) == ["Ranking and decisions"]


def test_chair_who_also_reviews_sees_both_once(client, call):
    user = member(call, TeamRole.TRACK_CHAIR)
    add_member(call.event, user, TeamRole.REVIEWER)
    login(client, user)
    assert bar_of(client.get("/events/ews/").get_data(as_text=True)) == CHAIR_BAR[:4] + REVIEWER_BAR[1:]


def test_organisers_review_pages_keep_the_review_menu(client, call):
    login(client, call.organiser)
    html = client.get("/events/ews/review/").get_data(as_text=True)
    assert current_of(html) == ["Review"]
    assert '<nav class="mb-3 d-print-none" aria-label="Review">' in html


def test_reviewers_review_pages_have_no_second_menu(client, call):
    login(client, member(call, TeamRole.REVIEWER))
    html = client.get("/events/ews/review/mine").get_data(as_text=True)
    assert current_of(html) == ["My reviews"]
    assert '<nav class="mb-3 d-print-none" aria-label="Review">' not in html


def test_desk_staff_see_the_check_in_only_and_it_opens(client, call):
    login(client, member(call, TeamRole.DESK))
    assert bar_of(client.get("/events/ews/").get_data(as_text=True)) == DESK_BAR
    html = client.get("/events/ews/manage/check-in").get_data(as_text=True)
    assert bar_of(html) == DESK_BAR
    assert current_of(html) == ["Check-in"]
    for _label, href in ORGANISER_BAR[1:]:
        assert client.get(href).status_code == 403, href


def test_visitor_sees_no_bar(client, call):
    assert bar_of(client.get("/events/ews/").get_data(as_text=True)) == []


def test_participant_sees_no_bar(client, db):
    form = open_form(slug="ews")
    person = factories.make_user(email="pat@example.org")
    register_now(form, add_category(form), email="pat@example.org", user=person)
    login(client, person)
    html = client.get("/events/ews/").get_data(as_text=True)
    assert "Your registration" in html
    assert bar_of(html) == []
