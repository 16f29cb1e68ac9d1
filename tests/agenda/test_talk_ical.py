"""A talk's own calendar (/events/<slug>/agenda/items/<id>.ics, "Add to calendar" on its page):
the very VEVENT of the agenda's feed (same UID and SEQUENCE, STATUS:CANCELLED once a later
release dropped the talk), read back by three independent readers (icalendar, vobject, ical);
the feeds' headers, caching and language rules; a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

from conference.extensions import db as _db

from .. import factories
from ..conftest import reader
from ..query_counting import counting
from .builders import JOIN_LINK, add_item, add_talks, on_day, second_release, store_release, two_day_programme


@pytest.fixture
def event(db):
    # 14 March 2030: Zurich is UTC+1.
    return factories.make_event(published=True, slug="sym", timezone="Europe/Zurich", start_date=dt.date(2030, 3, 14))


@pytest.fixture
def p(event):
    return two_day_programme(event)


def path(item) -> str:
    return f"/events/sym/agenda/items/{item.id}.ics"


def vevents(data: bytes) -> dict[str, bytes]:
    """Each VEVENT's content lines as served, by UID."""
    blocks = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, flags=re.S)
    return {re.search(rb"\r\nUID:([^\r]+)\r\n", block).group(1).decode(): block for block in blocks}


def read_three_ways(data: bytes) -> list[tuple]:
    """(uid, sequence, status, summary, start, end) of the only event, as each reader reads it."""
    [by_icalendar] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    [by_vobject] = vobject.readOne(data.decode()).vevent_list
    [by_ical] = IcsCalendarStream.calendar_from_ics(data.decode()).events
    return [
        (str(by_icalendar["UID"]), int(by_icalendar["SEQUENCE"]), str(by_icalendar["STATUS"]),
         str(by_icalendar["SUMMARY"]), by_icalendar["DTSTART"].dt, by_icalendar["DTEND"].dt),
        (by_vobject.uid.value, int(by_vobject.sequence.value), by_vobject.status.value, by_vobject.summary.value,
         by_vobject.dtstart.value, by_vobject.dtend.value),
        (by_ical.uid, by_ical.sequence, str(by_ical.status.value if by_ical.status else None), by_ical.summary,
         by_ical.dtstart, by_ical.dtend),
    ]


def test_a_talks_calendar_is_its_entry_in_the_feed(client, event, p):
    store_release(event)
    data = client.get(path(p["talk1"])).data
    feed = vevents(client.get("/events/sym/agenda.ics").data)
    [(uid, block)] = vevents(data).items()
    assert block == feed[uid]  # byte for byte the feed's VEVENT
    start = on_day(event, 0, 8)
    expected = (uid, 0, "CONFIRMED", "Fast solvers", start, start + dt.timedelta(minutes=30))
    assert read_three_ways(data) == [expected] * 3
    assert uid.endswith("@conference.test")
    assert [str(tz["TZID"]) for tz in icalendar.Calendar.from_ical(data).walk("VTIMEZONE")] == ["Europe/Zurich"]
    assert b"DTSTART;TZID=Europe/Zurich:20300314T090000\r\n" in block
    [by_vobject] = vobject.readOne(data.decode()).vevent_list
    assert by_vobject.dtstart.value.utcoffset() == dt.timedelta(hours=1)
    assert by_vobject.url.value == f"http://conference.test/events/sym/agenda/items/{p['talk1'].id}"
    assert by_vobject.location.value == "Main hall"
    # A talk in the virtual room: its name, never its join link.
    online = client.get(path(p["talk3"])).data
    assert b"LOCATION;LANGUAGE=en:Online room\r\n" in online and JOIN_LINK.encode() not in online


def test_a_later_release_raises_the_sequence_and_cancels_a_removed_talk(client, event, p):
    store_release(event)
    first_uid = next(iter(vevents(client.get(path(p["talk3"])).data)))
    talk3_id, talk3_path = p["talk3"].id, path(p["talk3"])
    second_release(event, p)  # talk 1 moves, talk 2 changes its title, talk 3 is removed
    feed = vevents(client.get("/events/sym/agenda.ics").data)

    moved = client.get(path(p["talk1"])).data
    [(uid, block)] = vevents(moved).items()
    assert block == feed[uid]
    start = on_day(event, 0, 9)
    assert read_three_ways(moved) == [(uid, 1, "CONFIRMED", "Fast solvers", start,
                                       start + dt.timedelta(minutes=30))] * 3

    cancelled = client.get(talk3_path)
    assert cancelled.status_code == 200  # not a 404: calendars that added it must hear it is off
    [(uid, block)] = vevents(cancelled.data).items()
    assert uid == first_uid and block == feed[uid]
    start = on_day(event, 1, 12)
    assert read_three_ways(cancelled.data) == [(uid, 1, "CANCELLED", "Kernels", start,
                                                start + dt.timedelta(minutes=45))] * 3
    # Its page is gone; its calendar says so.
    assert client.get(f"/events/sym/agenda/items/{talk3_id}").status_code == 404


def test_unknown_talks_are_404(client, db, event, p):
    assert client.get(path(p["talk1"])).status_code == 404  # nothing released yet
    store_release(event)
    assert client.get("/events/sym/agenda/items/999999.ics").status_code == 404
    # In the programme, but added after the release: not public yet.
    later = add_item(p["morning"], "Late addition", on_day(event, 0, 9, 30), 10)
    assert client.get(path(later)).status_code == 404
    assert client.get(f"/events/sym/agenda/items/{later.id}").status_code == 404
    # Another event's address, and a draft event's released talk.
    factories.make_event(published=True, slug="other")
    assert client.get(f"/events/other/agenda/items/{p['talk1'].id}.ics").status_code == 404
    draft = factories.make_event(slug="draft")
    q = two_day_programme(draft)
    store_release(draft)
    assert client.get(f"/events/draft/agenda/items/{q['talk1'].id}.ics").status_code == 404


def test_headers_and_caching_as_the_feeds(client, event, p):
    first = store_release(event)
    response = client.get(path(p["talk1"]))
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Content-Disposition"] == f'inline; filename="sym-item-{p["talk1"].id}.ics"'
    assert {"Accept-Language", "Cookie"} <= set(response.vary)
    etag = response.get_etag()[0]
    assert etag.startswith(f"{first.id}-") and etag.endswith(f"-ical-item-{p['talk1'].id}-en")
    assert client.get(path(p["talk1"]), headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get(path(p["talk2"])).get_etag()[0] != etag
    second_release(event, p)
    again = client.get(path(p["talk1"]), headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 200 and again.get_etag()[0] != etag


def test_the_language_follows_the_feeds_rules(app, event, p):
    store_release(event)
    english = app.test_client().get(path(p["talk3"]))
    french = reader(app, "fr").get(path(p["talk3"]))
    spanish = app.test_client()
    spanish.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-MX,es;q=0.9"
    texts = {language: response.get_data(as_text=True).replace("\r\n ", "")
             for language, response in (("en", english), ("fr", french), ("es", spanish.get(path(p["talk3"]))))}
    assert "Speakers: Ada Lovelace and Grace Hopper" in texts["en"]
    assert "Intervenants : Ada Lovelace et Grace Hopper" in texts["fr"]
    assert "Ponentes: Ada Lovelace y Grace Hopper" in texts["es"]
    assert english.get_etag()[0] != french.get_etag()[0]
    # Only the description changes with the language: the calendar's entry is the same one.
    assert [r[:4] for r in read_three_ways(english.data)] == [r[:4] for r in read_three_ways(french.data)]


def test_a_fixed_number_of_queries_whatever_the_programme(client, event, p):
    store_release(event)

    def queries(target: str) -> int:
        _db.session.expire_all()
        with counting(_db) as statements:
            assert client.get(target).status_code == 200
        return len(statements)

    target = path(p["talk1"])
    cold_small = queries(target)
    warm_small = queries(target)
    add_talks(event, 25)
    store_release(event)
    cold_large, warm_large = queries(target), queries(target)
    assert (cold_small, warm_small) == (cold_large, warm_large)
    assert warm_small == cold_small - 1  # cached per release: the snapshot is not even loaded


def test_add_to_calendar_links_on_the_talk_and_speaker_pages(client, event, p):
    store_release(event)
    talk_page = client.get(f"/events/sym/agenda/items/{p['talk1'].id}").get_data(as_text=True)
    link = f'<a href="/events/sym/agenda/items/{p["talk1"].id}.ics">Add to calendar (iCal file)</a>'
    assert link in talk_page
    speaker_page = client.get(f"/events/sym/agenda/speakers/{p['ada'].id}").get_data(as_text=True)
    href = re.search(r'<a href="([^"]+)">Add these sessions and talks to your calendar \(iCal file\)</a>',
                     speaker_page).group(1)
    assert href == f"/events/sym/agenda.ics?speaker={p['ada'].id}"
    feed = icalendar.Calendar.from_ical(client.get(href).data)
    assert sorted(str(e["SUMMARY"]) for e in feed.walk("VEVENT")) == ["Fast solvers", "Kernels"]
