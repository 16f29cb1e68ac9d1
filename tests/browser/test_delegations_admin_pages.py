"""The organisers' delegation pages in Chromium: an organiser adds an organisation (first with
errors), adds and removes focal points, imports a CSV file (first with wrong lines), copies
the list of an earlier event, filters the overview, downloads the list, sets the focal point
deadline, reminds the focal points, looks at the participant list by organisation and deletes
an organisation. Every page (those with errors too) passes axe-core and the
Content-Security-Policy check of the ``page`` fixture."""

from __future__ import annotations

import csv
import datetime as dt
import io
import pathlib
import re

import sqlalchemy as sa

from conference.core.types import utcnow
from conference.delegations import delegations
from conference.delegations.models import Organisation
from conference.events.enums import EventFormat
from conference.mail.models import OutboxMessage
from conference.registration import places
from conference.registration import registrations as ops
from conference.registration.enums import AttendanceMode, ListVisibility
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
)

from .. import factories
from .test_account_and_event_journey import expect, log_in

DAY = dt.timedelta(days=1)


def test_organiser_keeps_the_list_of_organisations_and_follows_the_delegations(page, committed_db):
    db = committed_db
    now = utcnow()
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, title="Task Force Symposium", slug="iatf",
                                 published=True, format=EventFormat.HYBRID, venue="Geneva")
    places.ensure_registration_settings(event).participant_list = ListVisibility.PARTICIPANTS
    form = RegistrationForm(event_id=event.id, title="Members and observers", opens_at=now - 10 * DAY,
                            closes_at=now + 10 * DAY)
    db.session.add(form)
    db.session.flush()
    members = ParticipantCategory(event_id=event.id, form=form, name="Member agency")
    db.session.add(members)
    db.session.flush()
    earlier = factories.make_event(organiser=organiser, title="Task Force Symposium 2029", slug="iatf-2029")
    delegations.save_organisation(earlier, actor=organiser, name="Food and Agriculture Organization",
                                  acronym="FAO", kind="member", email_domains="fao.org", quota_online=4)
    fatima = factories.make_user(name="Fatima Focal", email="fatima@unep.example.org")
    db.session.commit()

    log_in(page, organiser.email, factories.DEFAULT_PASSWORD)
    page.goto("/events/iatf/manage/registrations")
    page.follow(page.get_by_role("navigation", name="Registration").get_by_role("link", name="Delegations"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Delegations to Task Force Symposium")
    expect(page.get_by_text("No organisations yet.")).to_be_visible()

    # An organisation: a negative quota is refused next to its field, nothing typed is lost.
    page.follow(page.get_by_role("link", name="Add an organisation"))
    page.get_by_label("Name (required)").fill("UN Environment Programme")
    page.get_by_label("Acronym (optional)").fill("UNEP")
    page.get_by_label("Email domains (optional)").fill("unep.example.org")
    page.get_by_label("Quota in person (optional)").fill("-2")
    page.get_by_label("Category the delegates register in").select_option(label="Member agency")
    page.submit(page.get_by_role("button", name="Save the organisation"))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Quota in person (optional)")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Acronym (optional)")).to_have_value("UNEP")
    page.get_by_label("Quota in person (optional)").fill("2")
    page.submit(page.get_by_role("button", name="Save the organisation"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit UN Environment Programme (UNEP)")

    # Its focal points: one with an account, one invited, one removed again.
    page.get_by_label("Email address").fill("fatima@unep.example.org")
    page.submit(page.get_by_role("button", name="Add the focal point"))
    expect(page.get_by_role("row", name=re.compile("^Fatima Focal"))).to_contain_text("Has an account")
    page.get_by_label("Email address").fill("not an address")
    page.submit(page.get_by_role("button", name="Add the focal point"))
    expect(page.get_by_role("alert")).to_be_focused()
    page.get_by_label("Email address").fill("omar@unep.example.org")
    page.get_by_label("Name (optional)").fill("Omar Other")
    page.submit(page.get_by_role("button", name="Add the focal point"))
    expect(page.get_by_role("row", name=re.compile("^Omar Other"))).to_contain_text("Invited on")
    page.submit(page.get_by_role("button", name="Remove omar@unep.example.org as a focal point"))
    expect(page.get_by_text("omar@unep.example.org is no longer a focal point of UN Environment Programme."))\
        .to_be_visible()

    # The import: a wrong line first (nothing imported, the line named), then pasted right.
    page.goto("/events/iatf/manage/delegations")
    page.follow(page.get_by_role("link", name="Import from a CSV file"))
    page.get_by_label("CSV file", exact=True).set_input_files(files=[{
        "name": "organisations.csv", "mimeType": "text/csv",
        "buffer": b"name,kind,quota_online\nWorld Health Organization,agency,3\n"}])
    page.submit(page.get_by_role("button", name="Import the organisations"))
    expect(page.get_by_text("Line 2: kind: Choose member, observer, partner or other.")).to_be_visible()
    page.get_by_label("Or paste the CSV text").fill(
        "name,acronym,kind,quota_in_person,quota_online,focal_points\n"
        "World Health Organization,WHO,observer,1,3,Wanda <wanda@who.example.org>\n")
    page.submit(page.get_by_role("button", name="Import the organisations"))
    expect(page.get_by_text("Imported: 1 organisations added, 0 updated, 1 focal points added.")).to_be_visible()

    # The copy of an earlier event's list.
    page.follow(page.get_by_role("link", name="Copy from an earlier event"))
    page.get_by_label("Event to copy from").select_option(label="Task Force Symposium 2029 (1 organisations)")
    page.submit(page.get_by_role("button", name="Copy the organisations"))
    expect(page.get_by_text("1 organisation copied from Task Force Symposium 2029.")).to_be_visible()

    # People register naming UNEP: they wait for Fatima.
    db.session.rollback()  # end the test's read transaction: see what the app committed
    unep = db.session.scalar(sa.select(Organisation).where(Organisation.name == "UN Environment Programme"))
    for name in ("Ana Alvarez", "Ben Brown"):
        ops.register(form, category=members, name=name, email=f"{name.split()[0].lower()}@unep.example.org",
                     mode=AttendanceMode.IN_PERSON, privacy_consent=True, listed=True, organisation=unep,
                     now=now - DAY)
    ana = db.session.scalar(sa.select(Registration).where(Registration.name == "Ana Alvarez"))
    delegations.approve(ana, actor=fatima, now=now - DAY)
    db.session.commit()

    page.goto("/events/iatf/manage/delegations")
    expect(page.get_by_role("heading", name="3 organisations shown")).to_be_visible()
    unep_row = page.get_by_role("row", name=re.compile("^UN Environment Programme"))
    expect(unep_row).to_contain_text("Fatima Focal")
    page.get_by_label("Only those with people pending").check()
    page.submit(page.get_by_role("button", name="Show"))
    expect(page.get_by_role("heading", name="1 organisation shown (of 3)")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the list (CSV)").click()
    text = pathlib.Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(text))}
    assert (rows["UN Environment Programme"]["approved"], rows["UN Environment Programme"]["pending"]) == ("1", "1")
    assert rows["Food and Agriculture Organization"]["quota_online"] == "4"

    # The deadline: an hour the clocks skip is refused, then a good one; the reminder.
    page.get_by_label("Focal points decide until (optional)").fill("2031-03-30T02:30")
    page.submit(page.get_by_role("button", name="Save the deadline"))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Focal points decide until (optional)")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Focal points decide until (optional)").fill((now + 20 * DAY).strftime("%Y-%m-%dT10:00"))
    page.submit(page.get_by_role("button", name="Save the deadline"))
    expect(page.get_by_text("The focal point deadline is saved.")).to_be_visible()
    page.submit(page.get_by_role("button", name="Remind focal points now"))
    expect(page.get_by_text("1 reminder is on its way to a focal point.")).to_be_visible()
    db.session.rollback()  # end the test's read transaction: see what the app committed
    assert db.session.scalars(sa.select(OutboxMessage.to_address).where(
        OutboxMessage.template == "delegation_reminder")).all() == ["fatima@unep.example.org"]

    # The participant list by organisation.
    page.follow(page.get_by_role("link", name="Participant list by organisation"))
    expect(page.get_by_role("heading", name=re.compile("^UN Environment Programme"))).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("^UN Environment Programme"))).to_contain_text("Ana Alvarez")
    page.follow(page.get_by_role("link", name="Show everyone by name"))

    # A deletion refused while people are registered, one allowed.
    page.goto("/events/iatf/manage/delegations")
    page.follow(page.get_by_role("link", name="Edit Food and Agriculture Organization"))
    # The button asks first, in a dialog: Escape leaves it, with the focus back on the button.
    delete = page.get_by_role("button", name="Delete Food and Agriculture Organization")
    delete.click()
    dialog = page.get_by_role("dialog", name="Delete Food and Agriculture Organization")
    expect(dialog).to_contain_text("This cannot be undone. Do you want to go on?")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.audit()  # axe-core with the dialog open
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()
    db.session.expire_all()
    assert db.session.scalar(sa.select(Organisation.id).where(
        Organisation.event_id == event.id, Organisation.name == "Food and Agriculture Organization")) is not None
    delete.press("Enter")
    page.submit(dialog.get_by_role("button", name="Delete Food and Agriculture Organization"))
    expect(page.get_by_text("Food and Agriculture Organization is deleted from the list.")).to_be_visible()
    page.follow(page.get_by_role("link", name="Edit UN Environment Programme"))
    page.get_by_role("button", name="Delete UN Environment Programme").click()
    page.submit(page.get_by_role("dialog").get_by_role("button", name="Delete UN Environment Programme"))
    expect(page.get_by_text("UN Environment Programme has 2 people registered")).to_be_visible()
