"""The organisers' registration pages in Chromium: an organiser filters the list, approves two
pending registrations at once, opens one, exports the list, asks for reconfirmation and looks at
the participant list; every page passes axe-core and the Content-Security-Policy check."""

from __future__ import annotations

import csv
import datetime as dt
import io
import pathlib
import re

import sqlalchemy as sa

from conference.core.types import utcnow
from conference.events.enums import EventFormat
from conference.registration import places
from conference.registration import registrations as ops
from conference.registration.enums import (
    AttendanceMode,
    ListVisibility,
    RegistrationState,
)
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
)

from .. import factories
from .test_account_and_event_journey import expect, log_in

DAY = dt.timedelta(days=1)


def test_organiser_filters_approves_two_opens_one_and_exports(page, committed_db):
    db = committed_db
    now = utcnow()
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, title="Safeguards Symposium", slug="safeguards",
                                 published=True, format=EventFormat.HYBRID, venue="Vienna International Centre")
    places.ensure_registration_settings(event).participant_list = ListVisibility.PARTICIPANTS
    form = RegistrationForm(event_id=event.id, title="Members and observers", opens_at=now - 10 * DAY,
                            closes_at=now + 10 * DAY)
    db.session.add(form)
    db.session.flush()
    members = ParticipantCategory(event_id=event.id, form=form, name="Member agency", capacity_in_person=10)
    speakers = ParticipantCategory(event_id=event.id, form=form, name="Speaker", requires_approval=True, position=1)
    db.session.add_all([members, speakers])
    db.session.flush()
    for name, category, mode in [("Ana Alvarez", members, AttendanceMode.IN_PERSON),
                                 ("Ben Brown", speakers, AttendanceMode.IN_PERSON),
                                 ("Cleo Chen", speakers, AttendanceMode.ONLINE)]:
        ops.register(form, category=category, name=name, email=f"{name.split()[0].lower()}@example.org",
                     affiliation="IAEA", mode=mode, privacy_consent=True, listed=True, now=now - 5 * DAY)
    db.session.commit()

    log_in(page, organiser.email, factories.DEFAULT_PASSWORD)
    page.goto("/events/safeguards/manage/registrations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrations for Safeguards Symposium")
    expect(page.get_by_role("row", name=re.compile("^Member agency in person"))).to_contain_text("1 of 10")

    # Only those pending approval.
    page.get_by_label("State").select_option(label="Pending approval")
    page.submit(page.get_by_role("button", name="Show"))
    expect(page.get_by_role("heading", name="2 registrations shown")).to_be_visible()
    page.get_by_role("checkbox", name="Select Ben Brown").check()
    page.get_by_role("checkbox", name="Select Cleo Chen").check()
    page.get_by_label("What to do with the selected registrations").select_option(label="Approve")
    page.submit(page.get_by_role("button", name="Apply to the selected registrations"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve 2 registrations?")
    page.submit(page.get_by_role("button", name="Approve 2 registrations"))
    expect(page.get_by_text("Approve: done for 2 registrations.")).to_be_visible()
    expect(page.get_by_text("No registration matches these filters.")).to_be_visible()  # still filtered
    db.session.rollback()  # end the test's read transaction: see what the app committed
    assert db.session.scalars(sa.select(Registration.state).order_by(Registration.id)).all() == [
        RegistrationState.CONFIRMED] * 3

    # One registration, with its history.
    page.follow(page.get_by_role("link", name="Clear the filters"))
    page.follow(page.get_by_role("link", name="Ben Brown"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Registration of Ben Brown")
    history = page.get_by_role("table", name="History")
    expect(history).to_contain_text("approved")
    expect(history).to_contain_text("Olga Organiser")

    # The export.
    page.follow(page.get_by_role("link", name="Back to the registrations"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download all registrations with their answers (CSV)").click()
    text = pathlib.Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["Name"], r["State"]) for r in rows] == [("Ana Alvarez", "confirmed"), ("Ben Brown", "confirmed"),
                                                       ("Cleo Chen", "confirmed")]

    # Reconfirmation: a date in the past is refused next to the field, then a good one.
    page.follow(page.get_by_role("navigation", name="Registration").get_by_role("link", name="Reconfirmation"))
    page.get_by_label("Reconfirm by").fill("2001-01-01T10:00")
    page.submit(page.get_by_role("button", name="Ask for reconfirmation"))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Reconfirm by")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Reconfirm by").fill((now + 20 * DAY).strftime("%Y-%m-%dT10:00"))
    page.submit(page.get_by_role("button", name="Ask for reconfirmation"))
    expect(page.get_by_text("Reconfirmation is requested; 2 participants are asked by mail.")).to_be_visible()

    page.goto("/events/safeguards/participants")
    expect(page.get_by_role("row", name=re.compile("^Cleo Chen"))).to_contain_text("IAEA")
