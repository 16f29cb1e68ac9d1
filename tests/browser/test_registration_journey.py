"""The registration journey end to end in Chromium, every page checked by axe-core and for CSP
violations: a participant without an account registers from the event page, is told to look
in their mail, receives the confirmation (over SMTP) with the event as an iCalendar attachment, which is read
back here by a small independent parser, opens their ticket from the mail's link, and an
organiser checks them in by typing the ticket's code."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from conference.registration.enums import RegistrationState
from conference.registration.models import Registration

from .. import factories
from ..conftest import first_link, message_text
from ..registration.builders import add_category, open_form
from .test_account_and_event_journey import expect, fresh, log_in


def read_ical(data: bytes) -> list[dict[str, str]]:
    """The VEVENTs of an iCalendar file as {property name: value}, per RFC 5545: lines are
    CRLF-terminated, a line starting with a space or tab continues the previous one, and a
    property's parameters follow its name after semicolons."""
    text = data.decode("utf-8")
    assert "\r\n" in text
    lines: list[str] = []
    for raw in text.split("\r\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    events, current = [], None
    for line in lines:
        name, _, value = line.partition(":")
        name = name.split(";")[0].upper()
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
    return events


def test_register_receive_the_calendar_open_the_ticket_and_get_checked_in(page, new_page, live_server, live_mail,
                                                                         committed_db):
    form = open_form(slug="journey-symposium", title="Everyone")
    event = form.event
    add_category(form, "Member agency", in_person=50)
    committed_db.session.commit()

    # The participant registers from the event page, without an account.
    page.goto(f"/events/{event.slug}/")
    page.follow(page.get_by_role("link", name="Register"))
    page.get_by_label(re.compile("^Name")).fill("Rita Registrant")
    page.get_by_label(re.compile("^Email address")).fill("rita@example.org")
    page.get_by_role("radio", name="Member agency").check()
    page.get_by_role("checkbox", name=re.compile("^I agree")).check()
    page.submit(page.get_by_role("button", name="Register"))
    expect(page.get_by_role("status").first).to_have_text(
        "We have sent a mail to rita@example.org. Follow the link in it to see your registration.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mail")
    assert fresh(committed_db).scalar(sa.select(Registration.state)) == RegistrationState.CONFIRMED

    # The confirmation arrives over SMTP with the event's calendar entry attached.
    assert live_server.deliver_mail().sent == 1
    [mail] = live_mail.messages
    assert mail["to"] == ["rita@example.org"]
    message = mail["message"]
    assert message["Subject"] == f"Confirmed: your registration for {event.title}"
    [attachment] = [part for part in message.iter_attachments()]
    assert attachment.get_content_type() == "text/calendar" and attachment.get_filename().endswith(".ics")
    [entry] = read_ical(attachment.get_payload(decode=True))
    assert entry["SUMMARY"] == event.title
    # From the start of the first day to the end of the last, in the event's zone (TZID, VTIMEZONE).
    assert entry["DTSTART"] == event.start_date.strftime("%Y%m%dT000000")
    assert entry["DTEND"] == (event.end_date + dt.timedelta(days=1)).strftime("%Y%m%dT000000")
    assert entry["URL"].endswith(f"/events/{event.slug}/")

    # The mail's link opens their registration page without an account; from there, the ticket.
    page.goto(first_link(message_text(message)).replace("http://conference.test", ""))
    expect(page.get_by_role("heading", level=1)).to_have_text("Registration of Rita Registrant")
    page.follow(page.get_by_role("link", name="Your ticket"))
    expect(page.get_by_role("img", name="QR code of your ticket")).to_be_visible()
    token = fresh(committed_db).scalar(sa.select(Registration.ticket_token))
    assert page.url.endswith(f"/tickets/{token}")

    # The organiser checks them in by typing the code.
    desk = new_page()
    organiser = event.roles[0].user
    log_in(desk, organiser.email, factories.DEFAULT_PASSWORD)
    desk.goto(f"/events/{event.slug}/manage/check-in")
    desk.get_by_role("textbox", name=re.compile("^Ticket code")).fill(token)
    desk.submit(desk.get_by_role("button", name=re.compile("^Check in")).first)
    expect(desk.get_by_role("status").filter(has_text="Checked in:")).to_contain_text("Rita Registrant")
    assert fresh(committed_db).scalar(sa.select(Registration.checked_in_at)) is not None
