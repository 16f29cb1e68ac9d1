"""A participant's registration in Chromium, every page checked with axe-core and for CSP
violations: on a hybrid event they register with the keyboard alone, are told to look in their
mail, open their registration page from it (over SMTP), switch to attending online, ask for the
agenda-change summary, then cancel."""

from __future__ import annotations

import re

import sqlalchemy as sa

from conference.events.enums import EventFormat
from conference.registration.enums import AttendanceMode, RegistrationState
from conference.registration.models import Registration

from ..conftest import first_link, message_text
from ..registration.builders import add_category, add_question, open_form
from .test_account_and_event_journey import expect, fresh


def test_a_participant_registers_with_the_keyboard_switches_mode_and_cancels(page, live_server, live_mail,
                                                                           committed_db):
    form = open_form(slug="hybrid", format=EventFormat.HYBRID, title="Everyone")
    form.event.online_details = "Join at https://meet.example.org/hybrid-room"
    add_category(form, "Member agency", in_person=20, online=20)
    add_category(form, "Observer", approval=True)
    add_question(form, "Dietary needs")
    committed_db.session.commit()

    page.goto("/events/hybrid/")
    page.follow(page.get_by_role("link", name="Register"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Register for "))

    # Sending it empty by keyboard: the summary takes focus and names every problem at once.
    page.get_by_role("button", name="Register").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.audit()
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_role("alert").get_by_role("link")).to_have_text([
        "Name: Enter your name.", "Email address: Enter a valid email address.",
        "Category: Choose one of the categories listed.", "How you attend: Choose how you will attend.",
        re.compile(r"^I agree .*: Registering needs your consent to the privacy notice\.$")])

    page.get_by_label(re.compile("^Name")).focus()
    page.keyboard.type("Rita Registrant")
    page.keyboard.press("Tab")
    expect(page.get_by_label(re.compile("^Email address"))).to_be_focused()
    page.keyboard.type("rita@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("Met Office")
    page.get_by_role("radio", name="Member agency").focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="Member agency")).to_be_checked()
    page.get_by_role("radio", name="In person").focus()
    page.keyboard.press("Space")
    page.get_by_label("Dietary needs").focus()
    page.keyboard.type("Vegetarian")
    page.get_by_role("checkbox", name=re.compile("^I agree")).focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Register").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.audit()

    # The result is in the mail: its link opens their own page.
    expect(page.get_by_role("status").first).to_have_text(
        "We have sent a mail to rita@example.org. Follow the link in it to see your registration.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mail")
    assert live_server.deliver_mail().sent == 1
    [mail] = live_mail.messages
    assert mail["message"]["Subject"].startswith("Confirmed: your registration for")
    page.goto(first_link(message_text(mail["message"])))
    expect(page.get_by_role("heading", level=1)).to_have_text("Registration of Rita Registrant")
    expect(page.get_by_role("heading", name="How to join online")).to_be_visible()
    registration = fresh(committed_db).scalar(sa.select(Registration))
    assert (registration.state, registration.mode, registration.answers) == (
        RegistrationState.CONFIRMED, AttendanceMode.IN_PERSON, {str(form.questions[0].id): "Vegetarian"})

    # Switching to online, where there is room, happens at once.
    page.get_by_role("radio", name="Online").focus()
    page.keyboard.press("Space")
    page.submit(page.get_by_role("button", name="Ask to switch"))
    expect(page.get_by_role("status").first).to_have_text("You now attend online.")
    assert fresh(committed_db).scalar(sa.select(Registration.mode)) == AttendanceMode.ONLINE

    # The summary of agenda changes is asked for with a box and a button.
    page.get_by_role("checkbox", name="Mail me a summary when the agenda changes").focus()
    page.keyboard.press("Space")
    page.submit(page.get_by_role("button", name="Save", exact=True))
    expect(page.get_by_role("status").first).to_have_text("We will mail you a summary when the agenda changes.")
    expect(page.get_by_role("checkbox", name="Mail me a summary when the agenda changes")).to_be_checked()
    assert fresh(committed_db).scalar(sa.select(Registration.agenda_updates)) is True

    # Cancelling asks first.
    page.follow(page.get_by_role("link", name="Cancel my registration…"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your registration?")
    page.submit(page.get_by_role("button", name="Yes, cancel my registration"))
    expect(page.get_by_role("status").first).to_have_text("Your registration is cancelled.")
    expect(page.get_by_role("heading", name="How to join online")).to_have_count(0)
    assert fresh(committed_db).scalar(sa.select(Registration.state)) == RegistrationState.CANCELLED
