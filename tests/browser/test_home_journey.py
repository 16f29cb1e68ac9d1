"""From the Home each person reaches their work in a click (issue 18's proof), on the demo's data,
in Chromium with axe-core on every page (see conftest.py): a reviewer logs in and opens their
first review from the Home (two clicks: log in, then the to-do); an author confirms an accepted
paper from it; a track chair reaches the ranking of their tracks from the event's bar; an
organiser opens the registrations waiting for approval from the Home, and clears them; the
check-in desk staff reach the check-in from the header and the Home, check someone in, and open
no other management page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from conference.demo import DEMO_PASSWORD, load_demo
from conference.events.enums import TeamRole
from conference.registration.enums import RegistrationState
from conference.registration.models import Registration

from .. import factories
from ..registration.builders import confirmed, make_desk, pending
from .test_account_and_event_journey import log_in

try:
    from playwright.sync_api import expect as playwright_expect
except ImportError:  # conftest.py skips (or, with REQUIRE_BROWSER=1, fails) every test here
    playwright_expect = None


def expect(actual):
    return playwright_expect(getattr(actual, "raw", actual))


@pytest.fixture
def demo(committed_db):
    load_demo()
    committed_db.session.commit()


def waiting(page):
    return page.get_by_role("region", name="Waiting for you")


def test_a_reviewer_opens_their_first_review_from_the_home(page, demo):
    log_in(page, "reviewer@example.org", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard$"))  # the Home is where log-in lands
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    first = waiting(page).get_by_role("link", name=re.compile("^Review “")).first
    title = re.match(r"Review “(.*)”", first.inner_text()).group(1)
    page.follow(first)
    expect(page).to_have_url(re.compile(r"/events/icdd/review/submissions/[A-Z0-9-]+/review$"))
    expect(page.get_by_text(title).first).to_be_visible()
    expect(page.get_by_role("navigation", name="Event management").get_by_role("link", name="My reviews")).to_be_visible()


def test_a_track_chair_reaches_the_ranking_from_the_event_bar(page, demo):
    log_in(page, "chair@example.org", DEMO_PASSWORD)
    page.goto("/events/icdd/")
    bar = page.get_by_role("navigation", name="Event management")
    expect(bar.get_by_role("link", name="Settings")).to_have_count(0)  # organisers' parts stay theirs
    page.follow(bar.get_by_role("link", name="Ranking and decisions"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ranking")


def test_an_organiser_opens_the_registrations_waiting_for_approval_from_the_home(page, demo):
    log_in(page, "organiser@example.org", DEMO_PASSWORD)
    todo = waiting(page).get_by_role("link", name=re.compile(r"^\d+ registrations? waits? for approval"))
    page.follow(todo.first)
    expect(page).to_have_url(re.compile(r"/events/iatf-symposium/manage/registrations.*state=pending"))
    expect(page.locator("tbody tr").first).to_be_visible()


def test_an_author_confirms_an_accepted_paper_from_the_home(page, demo):
    log_in(page, "author@example.org", DEMO_PASSWORD)
    todo = waiting(page).get_by_role("link", name=re.compile("^Confirm that you will present “")).first
    title = re.match(r"Confirm that you will present “(.*)”", todo.inner_text()).group(1)
    page.follow(todo)
    expect(page.get_by_text(title).first).to_be_visible()
    page.submit(page.get_by_role("button", name="Confirm: we will present it"))
    expect(page.get_by_role("status").first).to_contain_text("is confirmed")
    page.goto("/dashboard")
    expect(waiting(page).get_by_role("link", name=f"Confirm that you will present “{title}”")).to_have_count(0)


def test_an_organiser_clears_the_approvals_waiting_on_the_home(page, committed_db):
    desk = make_desk(slug="approvals")
    pending(desk, "Ben Brown")
    pending(desk, "Cleo Chen")
    committed_db.session.commit()

    log_in(page, desk.organiser.email, factories.DEFAULT_PASSWORD)
    todo = waiting(page).get_by_role("link", name="2 registrations wait for approval")
    page.follow(todo)
    expect(page).to_have_url(re.compile(r"/events/approvals/manage/registrations\?state=pending$"))
    page.get_by_role("checkbox", name="Select Ben Brown").check()
    page.get_by_role("checkbox", name="Select Cleo Chen").check()
    page.get_by_label("What to do with the selected registrations").select_option(label="Approve")
    page.submit(page.get_by_role("button", name="Apply to the selected registrations"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve 2 registrations?")
    page.submit(page.get_by_role("button", name="Approve 2 registrations"))
    expect(page.get_by_text("Approve: done for 2 registrations.")).to_be_visible()

    page.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Home"))
    expect(waiting(page).get_by_role("link", name=re.compile("wait for approval"))).to_have_count(0)
    expect(waiting(page)).to_contain_text("Nothing waits for you right now.")
    committed_db.session.rollback()  # end the test's read transaction: see what the app committed
    assert committed_db.session.scalars(sa.select(Registration.state).where(Registration.name.in_(
        ["Ben Brown", "Cleo Chen"]))).all() == [RegistrationState.CONFIRMED] * 2


def test_desk_staff_check_someone_in_and_open_nothing_else(page, committed_db):
    desk = make_desk(slug="front-desk")
    confirmed(desk, "Ada Lovelace", affiliation="Analytical Engines")
    staff = factories.make_user(name="Dana Desk", email="dana@example.org")
    factories.add_role(desk.event, staff, TeamRole.DESK)
    title = desk.event.title
    committed_db.session.commit()

    log_in(page, "dana@example.org", factories.DEFAULT_PASSWORD)
    page.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="My work"))
    expect(page).to_have_url(re.compile(r"/dashboard#work$"))
    page.follow(page.get_by_role("list", name=f"Your work in {title}").get_by_role("link", name="Check-in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-in")
    bar = page.get_by_role("navigation", name="Event management")
    expect(bar.get_by_role("link")).to_have_text(["Event page", "Check-in"])
    expect(page.get_by_role("navigation", name="Registration")).to_have_count(0)

    page.get_by_label("Name, email or affiliation").fill("Ada")
    page.submit(page.get_by_role("button", name="Search"))
    page.submit(page.get_by_role("button", name="Check in Ada Lovelace"))
    expect(page.get_by_role("status").filter(has_text="Checked in:")).to_have_text(
        "Checked in: Ada Lovelace (Member agency)")

    for path in ["/events/front-desk/manage/registrations", "/events/front-desk/team", "/events/front-desk/edit"]:
        response = page.goto(path)
        assert response.status == 403, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
