"""The organisers' registration set-up in Chromium: an organiser creates a form, a category and
a question and invites someone; every page (those with errors too) passes axe-core and the
Content-Security-Policy check of the ``page`` fixture."""

from __future__ import annotations

import re

import sqlalchemy as sa

from conference.events.enums import EventFormat
from conference.mail.models import OutboxMessage
from conference.registration.models import (
    ParticipantCategory,
    RegistrationForm,
    RegistrationInvitation,
)

from .. import factories
from .test_account_and_event_journey import expect, log_in


def test_organiser_sets_up_registration_and_invites_someone(page, committed_db):
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, title="Safeguards Symposium", slug="safeguards",
                                 published=True, format=EventFormat.HYBRID, venue="Vienna International Centre")
    committed_db.session.commit()

    log_in(page, organiser.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/events/{event.slug}/")
    page.follow(page.get_by_role("navigation", name="Event management").get_by_role("link", name="Registration"))
    page.goto(f"/events/{event.slug}/manage/registration")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registration set-up of Safeguards Symposium")

    # A form: first with its dates the wrong way round, then right.
    page.follow(page.get_by_role("link", name="Add a form"))
    page.get_by_label("Title").fill("Members and observers")
    page.get_by_label("Opens").fill("2030-03-01T09:00")
    page.get_by_label("Closes").fill("2030-01-10T09:00")
    page.submit(page.get_by_role("button", name="Save the form"))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Closes")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Title")).to_have_value("Members and observers")
    page.get_by_label("Opens").fill("2030-01-10T09:00")
    page.get_by_label("Closes").fill("2030-03-01T09:00")
    page.submit(page.get_by_role("button", name="Save the form"))
    expect(page.get_by_role("heading", name="Members and observers")).to_be_visible()

    # A category with separate in-person and online places.
    page.follow(page.get_by_role("link", name="Add a category to Members and observers"))
    page.get_by_label("Name").fill("Member agency")
    page.get_by_label("In-person places (optional)").fill("-5")
    page.submit(page.get_by_role("button", name="Save the category"))
    expect(page.get_by_role("alert")).to_be_focused()
    page.get_by_label("In-person places (optional)").fill("40")
    page.get_by_label("Online places (optional)").fill("200")
    page.get_by_label("By invitation only").check()
    page.submit(page.get_by_role("button", name="Save the category"))
    expect(page.get_by_role("row", name=re.compile("^Member agency"))).to_contain_text("0 taken of 40")

    # A question asked only in that category.
    page.follow(page.get_by_role("link", name="Add a question to Members and observers"))
    page.get_by_label("Question").fill("Delegation size")
    page.get_by_label("Kind of answer").select_option("number")
    page.get_by_role("checkbox", name="Member agency").check()
    page.submit(page.get_by_role("button", name="Save the question"))
    expect(page.get_by_role("row", name=re.compile("^Delegation size"))).to_contain_text("Member agency")

    # An invitation: a bad address first.
    page.get_by_label("Category").select_option(label="Member agency")
    page.get_by_label("Email address").fill("ann-at-example.org")
    page.get_by_label("Name (optional)").fill("Ann Lee")
    page.submit(page.get_by_role("button", name="Send the invitation"))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Name (optional)")).to_have_value("Ann Lee")
    page.get_by_label("Email address").fill("ann@example.org")
    page.submit(page.get_by_role("button", name="Send the invitation"))
    expect(page.get_by_text("An invitation is on its way to ann@example.org.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Ann Lee"))).to_contain_text("Open")

    # A CSV file with a wrong line invites nobody and says which line.
    page.locator("#field-csv-file").set_input_files(files=[{
        "name": "people.csv", "mimeType": "text/csv",
        "buffer": b"name,email,category\nBob,bob@example.org,Member agency\nCleo,cleo@example.org,Press\n"}])
    page.submit(page.get_by_role("button", name="Invite everyone in the file"))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_text("Line 3: there is no category “Press”.")).to_be_visible()

    # The pages of what was made.
    page.follow(page.get_by_role("link", name="Member agency"))
    page.goto(f"/events/{event.slug}/manage/registration")
    page.follow(page.get_by_role("link", name="Delegation size"))

    session = committed_db.session
    session.rollback()  # end the test's read transaction: see what the server committed
    assert session.scalars(sa.select(RegistrationForm.title)).all() == ["Members and observers"]
    category = session.scalars(sa.select(ParticipantCategory)).one()
    assert (category.capacity_in_person, category.capacity_online, category.invitation_only) == (40, 200, True)
    invitation = session.scalars(sa.select(RegistrationInvitation)).one()
    assert (invitation.email, invitation.category_id) == ("ann@example.org", category.id)
    assert session.scalar(sa.select(OutboxMessage.to_address).where(
        OutboxMessage.template == "registration_invitation")) == "ann@example.org"
