"""The check-in desk in Chromium, every page checked by axe-core and for CSP violations: a
participant opens their ticket; the organiser checks them in by typing the code with the
keyboard (as a handheld scanner does), checks another person in from a search by name, sees
the counts change, and sees the counts refresh by themselves when a colleague checks someone in."""

from __future__ import annotations

import re

import sqlalchemy as sa

from conference.registration import checkin
from conference.registration.enums import AttendanceMode
from conference.registration.models import Registration

from .. import factories
from ..registration.builders import confirmed, make_desk
from .test_account_and_event_journey import expect, log_in


def code_field(page):
    return page.get_by_role("textbox", name=re.compile("^Ticket code"))


def total_checked_in(page):
    return page.locator('tr[data-row="total"] [data-field="checked_in"]')


def test_organiser_checks_people_in_by_code_and_by_name(page, new_page, live_server, committed_db, monkeypatch):
    db = committed_db
    monkeypatch.setitem(live_server.app.config, "CHECKIN_REFRESH_SECONDS", 1)
    desk = make_desk(slug="checkin-desk")
    ada = confirmed(desk, "Ada Lovelace", affiliation="Analytical Engines")
    confirmed(desk, "Grace Hopper", mode=AttendanceMode.ONLINE)
    alan = confirmed(desk, "Alan Turing")
    token, alan_id = ada.ticket_token, alan.id
    db.session.commit()

    # The participant's ticket: readable, with its QR code loaded as an image.
    page.goto(f"/tickets/{token}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ticket for {desk.event.title}")
    qr = page.get_by_role("img", name="QR code of your ticket")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth") > 100
    expect(page.locator("[data-ticket-code] code")).to_have_text(" ".join(token[i:i + 4] for i in range(0, len(token), 4)))

    # The organiser types the code into the focused field and presses Enter.
    desk_page = new_page()
    log_in(desk_page, desk.organiser.email, factories.DEFAULT_PASSWORD)
    desk_page.goto("/events/checkin-desk/manage/check-in")
    expect(desk_page.get_by_role("heading", level=1)).to_have_text("Check-in")
    expect(code_field(desk_page)).to_be_focused()
    expect(total_checked_in(desk_page)).to_have_text("0")
    # A misread code is refused next to the field, which keeps the focus for the next scan.
    desk_page.keyboard.type("not-a-ticket")
    with desk_page.expect_navigation():
        desk_page.keyboard.press("Enter")
    desk_page.audit()
    expect(desk_page.locator("#error-code")).to_have_text("Error: No confirmed registration with this code.")
    expect(code_field(desk_page)).to_be_focused()
    expect(code_field(desk_page)).to_have_value("not-a-ticket")
    desk_page.keyboard.type(token)
    with desk_page.expect_navigation():
        desk_page.keyboard.press("Enter")
    desk_page.audit()
    expect(desk_page.get_by_role("status").filter(has_text="Checked in:")).to_have_text(
        "Checked in: Ada Lovelace (Member agency)")
    expect(total_checked_in(desk_page)).to_have_text("1")
    expect(code_field(desk_page)).to_be_focused()

    # Scanning the same ticket again is harmless and says who was first.
    desk_page.keyboard.type(token)
    with desk_page.expect_navigation():
        desk_page.keyboard.press("Enter")
    desk_page.audit()
    expect(desk_page.get_by_role("status").filter(has_text="Already")).to_contain_text(
        "by Olga Organiser: Ada Lovelace (Member agency)")
    expect(total_checked_in(desk_page)).to_have_text("1")

    # A person without their ticket: found by name and checked in from the results.
    desk_page.get_by_label("Name, email or affiliation").fill("hopper")
    desk_page.submit(desk_page.get_by_role("button", name="Search"))
    results = desk_page.get_by_role("table", name="Confirmed registrations matching “hopper”")
    expect(results.get_by_role("row")).to_have_count(2)
    desk_page.submit(results.get_by_role("button", name="Check in Grace Hopper"))
    expect(desk_page.get_by_role("status").filter(has_text="Checked in:")).to_have_text(
        "Checked in: Grace Hopper (Member agency)")
    expect(total_checked_in(desk_page)).to_have_text("2")
    expect(desk_page.locator(f'tr[data-row="{desk.members.id}-online"] [data-field="checked_in"]')).to_have_text("1")

    # A colleague checks someone in elsewhere: the counts refresh without reloading the page.
    db.session.rollback()  # a fresh snapshot: the live server has written since
    checkin.check_in(db.session.get(Registration, alan_id), actor=desk.organiser)
    db.session.commit()
    expect(total_checked_in(desk_page)).to_have_text("3")
    expect(desk_page.locator("[data-counts-announcement]")).to_have_text("Checked in: 3 of 3")
    assert db.session.scalar(sa.select(sa.func.count()).where(Registration.checked_in_at.is_not(None))) == 3
