"""The calendar entry attached to a registration confirmation, read from the raw attachment of
the mail the SMTP server received, by two readers that are not its writer (icalendar): vobject,
which reads the VTIMEZONE itself, and ical, an RFC 5545 parser of its own. The entry has the
event's real span in its own time zone, and a UID unique to the site (BASE_URL's host, never a
request's) and stable across mails."""

from __future__ import annotations

import datetime as dt
import email
import zoneinfo
from email import policy

import vobject
from ical.calendar_stream import IcsCalendarStream

from conference.mail.mailer import queue_mail
from conference.mail.outbox import OutboxWorker
from conference.registration.registrations import calendar_attachment

from .builders import add_category, make_form, register

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def received_calendar(smtp_server, address: str) -> bytes:
    [received] = [m for m in smtp_server.messages if m["to"] == [address]]
    message = email.message_from_bytes(received["raw"], policy=policy.default)
    [attachment] = message.iter_attachments()
    assert attachment.get_content_type() == "text/calendar" and attachment.get_param("method") == "PUBLISH"
    return attachment.get_payload(decode=True)


def test_the_confirmation_carries_the_event_with_its_times_zone_and_a_uid_of_the_site(committed_db, smtp_server):
    db = committed_db
    form = make_form()
    event = form.event
    # Over the change to summer time in New York (10 March 2030): each day keeps its local midnight.
    event.timezone, event.start_date, event.end_date = "America/New_York", dt.date(2030, 3, 9), dt.date(2030, 3, 11)
    register(form, add_category(form), name="Rita Registrant", email="rita@example.org")
    db.session.commit()
    assert OutboxWorker().run_once().failed == 0

    data = received_calendar(smtp_server, "rita@example.org")
    start = dt.datetime(2030, 3, 9, 0, 0, tzinfo=NEW_YORK)
    end = dt.datetime(2030, 3, 12, 0, 0, tzinfo=NEW_YORK)  # the end of the last day
    uid = f"event-{event.id}@conference.test"
    assert b"DTSTART;TZID=America/New_York:20300309T000000\r\n" in data
    assert b"DTEND;TZID=America/New_York:20300312T000000\r\n" in data

    calendar = vobject.readOne(data.decode())
    [timezone] = calendar.vtimezone_list
    assert timezone.tzid.value == "America/New_York"
    entry = calendar.vevent
    assert entry.uid.value == uid
    assert entry.summary.value == event.title
    assert entry.location.value == "Vienna International Centre"
    assert entry.url.value == f"http://conference.test/events/{event.slug}/"
    # vobject reads the offsets from the VTIMEZONE written in the file.
    assert (entry.dtstart.value, entry.dtend.value) == (start, end)
    assert entry.dtstart.value.utcoffset() == dt.timedelta(hours=-5)
    assert entry.dtend.value.utcoffset() == dt.timedelta(hours=-4)

    other = IcsCalendarStream.calendar_from_ics(data.decode())
    [entry] = other.events
    assert [tz.tz_id for tz in other.timezones] == ["America/New_York"]
    assert (entry.uid, entry.summary) == (uid, event.title)
    assert (entry.dtstart, entry.dtend) == (start, end)
    assert entry.dtstart.astimezone(dt.UTC) == dt.datetime(2030, 3, 9, 5, 0, tzinfo=dt.UTC)


def test_the_uid_is_the_sites_and_the_same_in_every_mail(app, db, monkeypatch):
    form = make_form()
    first = calendar_attachment(form.event)[2]
    again = calendar_attachment(form.event)[2]
    uid = f"UID:event-{form.event.id}@conference.test\r\n".encode()
    assert uid in first and uid in again
    monkeypatch.setitem(app.config, "BASE_URL", "https://events.example.org")
    elsewhere = calendar_attachment(form.event)[2]
    assert f"UID:event-{form.event.id}@events.example.org\r\n".encode() in elsewhere
    # Queued from a request with another Host, the entry is still the site's.
    with app.test_request_context("/", base_url="http://attacker.example"):
        row = queue_mail("verify_email", to="a@example.org", context={"user": None, "link": "x"},
                         attachments=[calendar_attachment(form.event)])
    assert b"attacker" not in row.attachments[0].data
