"""Journeys through the real app in headless Chromium.

Every page the browser lands on is checked with axe-core and for CSP violations by the
``page`` fixture (see conftest.py), so these tests also prove the pages are accessible.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from conference.accounts.models import User
from conference.events.enums import EventStatus, TeamRole
from conference.events.models import Event
from conference.mail.enums import MailState
from conference.mail.models import OutboxMessage

from .. import factories
from ..conftest import first_link, message_text
from .conftest import AccessibilityViolation, ContentSecurityViolation

try:
    from playwright.sync_api import expect as playwright_expect
except ImportError:  # conftest.py skips (or, with REQUIRE_BROWSER=1, fails) every test here
    playwright_expect = None


def expect(actual):
    """Playwright's expect, also for the audited page wrapper."""
    return playwright_expect(getattr(actual, "raw", actual))


def fresh(db):
    """The test's session, after ending its read transaction so it sees what the server committed."""
    db.session.rollback()
    return db.session


def log_in(page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label(re.compile("^Password")).fill(password)
    page.submit(page.get_by_role("button", name="Log in"))


def test_visitor_signs_up_verifies_creates_and_publishes_an_event(page, new_page, live_server, live_mail, committed_db):
    email = "vera.visitor@example.org"
    password = "a long enough passphrase"

    # A visitor signs up, filling the form like a person.
    page.goto("/")
    page.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    page.get_by_label("Full name").fill("Vera Visitor")
    page.get_by_label("Email address").fill(email)
    page.get_by_label(re.compile("^Password")).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    # app.js picked the browser's zone (the context runs in Europe/Zurich).
    expect(page.get_by_label("Your time zone")).to_have_value("Europe/Zurich")
    page.submit(page.get_by_role("button", name="Create account"))
    expect(page).to_have_url(f"{live_server.url}/auth/login")
    expect(page.get_by_role("status")).to_contain_text(f"we sent a link to {email}")

    # The worker delivers the verification mail over real SMTP.
    report = live_server.deliver_mail()
    assert (report.sent, report.failed, report.retrying) == (1, 0, 0)
    assert len(live_mail.messages) == 1
    delivered = live_mail.messages[0]
    assert delivered["to"] == [email]
    assert delivered["message"]["Subject"] == "Confirm your email address"
    link = first_link(message_text(delivered["message"]))
    assert link.startswith(f"{live_server.url}/auth/verify/")
    assert fresh(committed_db).scalar(sa.select(OutboxMessage.state)) == MailState.SENT

    # The link from the delivered mail confirms the address.
    page.goto(link)
    expect(page).to_have_url(f"{live_server.url}/auth/login")
    expect(page.get_by_role("status")).to_contain_text(f"Your email address {email} is confirmed.")
    user = fresh(committed_db).scalars(sa.select(User).where(User.email == email)).one()
    assert user.is_verified and not user.may_create_events

    # A site admin gives the new account the right to create events, in their own browser.
    admin = factories.make_user(email="ada.admin@example.org", name="Ada Admin", is_admin=True)
    committed_db.session.commit()
    admin_page = new_page()
    log_in(admin_page, admin.email, factories.DEFAULT_PASSWORD)
    admin_page.follow(admin_page.get_by_role("link", name="Administration"))
    admin_page.get_by_role("searchbox", name="Search by name or email").fill(email)
    admin_page.submit(admin_page.get_by_role("button", name="Search"))
    row = admin_page.get_by_role("row", name=re.compile("Vera Visitor"))
    row.get_by_label("May create events").check()
    admin_page.submit(row.get_by_role("button", name="Save rights of Vera Visitor"))
    expect(admin_page.get_by_role("status")).to_contain_text("Rights of Vera Visitor are saved.")
    fresh(committed_db)
    assert user.may_create_events and not user.is_admin

    # The new organiser logs in and creates an event.
    page.get_by_label("Email address").fill(email)
    page.get_by_label(re.compile("^Password")).fill(password)
    page.submit(page.get_by_role("button", name="Log in"))
    expect(page).to_have_url(f"{live_server.url}/dashboard")
    page.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="New event"))
    start = dt.date.today() + dt.timedelta(days=90)
    page.get_by_label("Title").fill("Symposium on Accessible Forms")
    page.get_by_label("Web address").fill("accessible-forms-2027")
    page.get_by_role("group", name="Kind of event").get_by_label("Symposium").check()
    page.get_by_label("First day").fill(start.isoformat())
    page.get_by_label("Last day").fill((start + dt.timedelta(days=1)).isoformat())
    page.get_by_label("Time zone of the event").select_option("America/Toronto")
    page.get_by_role("group", name="Format").get_by_label("Virtual").check()
    page.get_by_label("Online details").fill("A video conference; the link goes to registered people.")
    expect(page.get_by_label("Contact email")).to_have_value(email)
    page.get_by_label("Description").fill("Two days on forms that **everyone** can use.")
    page.submit(page.get_by_role("button", name="Create event"))

    # It is a draft: the team sees it, visitors do not.
    event_url = f"{live_server.url}/events/accessible-forms-2027/"
    expect(page).to_have_url(event_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Symposium on Accessible Forms")
    expect(page.get_by_text("Draft: only the team sees this page")).to_be_visible()
    expect(page.locator("main .prose strong")).to_have_text("everyone")
    visitor = new_page()
    response = visitor.goto(event_url)
    assert response.status == 404
    visitor.goto("/")
    expect(visitor.get_by_text("No upcoming events are published yet.")).to_be_visible()

    # Publishing makes it public.
    page.submit(page.get_by_role("button", name="Publish event"))
    expect(page.get_by_role("status")).to_contain_text("The event is published")
    expect(page.get_by_text("Draft: only the team sees this page")).to_have_count(0)

    visitor.goto("/")
    card = visitor.get_by_role("listitem").filter(has=visitor.get_by_role("heading", name="Symposium on Accessible Forms"))
    expect(card).to_contain_text("Symposium · Virtual")
    visitor.follow(card.get_by_role("link", name="Symposium on Accessible Forms"))
    expect(visitor).to_have_url(event_url)
    expect(visitor.get_by_role("button", name="Publish event")).to_have_count(0)
    expect(visitor.get_by_role("button", name="Unpublish")).to_have_count(0)

    event = fresh(committed_db).scalars(sa.select(Event).where(Event.slug == "accessible-forms-2027")).one()
    assert event.status == EventStatus.PUBLISHED
    assert event.published_at is not None
    assert (event.start_date, event.end_date, event.timezone) == (start, start + dt.timedelta(days=1), "America/Toronto")
    assert [(role.user_id, role.role) for role in event.roles] == [(user.id, TeamRole.ORGANISER)]


def test_login_page_works_with_the_keyboard(page):
    page.goto("/auth/login")

    # The skip link is the first stop, visible once focused, and moves focus to main.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"focused skip link is off screen: {box}"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside main, not back in the header, and the focus is visible:
    # a yellow ring inside a near-black one, so it shows on light and dark backgrounds.
    page.keyboard.press("Tab")
    email = page.get_by_label("Email address")
    expect(email).to_be_focused()
    expect(email).to_have_css("outline-style", "solid")
    expect(email).to_have_css("outline-width", "3px")
    expect(email).to_have_css("outline-color", "rgb(255, 191, 71)")
    expect(email).to_have_css("box-shadow", "rgb(27, 31, 36) 0px 0px 0px 6px")

    # Sending the empty form (by keyboard) shows the error summary, which takes focus even
    # though the URL still ends in #main from the skip link; the title says there is a problem.
    page.get_by_label(re.compile("^Password")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.audit()
    assert page.url.endswith("/auth/login#main")
    expect(page).to_have_title(re.compile("^Error: Log in"))
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_have_accessible_name("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        ["Email address: Enter your email address.", "Password: Enter your password."]
    )

    # Each error sits next to its field and is tied to it.
    for label, error in (("Email address", "Enter your email address."), (re.compile("^Password"), "Enter your password.")):
        field = page.get_by_label(label)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile(re.escape(error)))

    # A link in the summary takes the keyboard to its field.
    summary.get_by_role("link", name=re.compile("^Password")).press("Enter")
    expect(page.get_by_label(re.compile("^Password"))).to_be_focused()


def test_guards_report_accessibility_and_csp_violations(page):
    """The checks every test relies on do catch problems (so a green run means something)."""
    # The live server demands CSRF tokens: the journeys' forms passed with real ones.
    refused = page.request.post(f"{page.base_url}/auth/login", form={"email": "a@example.org", "password": "x"})
    assert refused.status == 400
    assert "Form expired" in refused.text()

    page.goto("/auth/login")
    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.inlineRan = true';
        document.body.append(script);
    }""")
    with pytest.raises(ContentSecurityViolation, match="script-src"):
        page.audit()
    assert page.evaluate("() => window.inlineRan === undefined")

    page.evaluate("""() => {
        const image = document.createElement('img');
        image.src = '/static/missing.png';
        document.querySelector('main').append(image);
    }""")
    with pytest.raises(AccessibilityViolation, match=r"image-alt \(critical\)"):
        page.audit()
