"""The agenda's iCal feeds, read back by two independent readers (icalendar and vobject)
across two releases."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import vobject

from conference.agenda import ical as agenda_ical

from .. import factories
from .builders import JOIN_LINK, on_day, second_release, store_release, two_day_programme

STAMP = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def build(snapshot, entries=None) -> bytes:
    return agenda_ical.calendar(snapshot, entries=entries, name="Symposium", host="conference.test", stamp=STAMP,
                                url_for_entry=lambda e: f"http://conference.test/{e['uid']}")


def by_summary_vobject(data: bytes) -> dict:
    parsed = vobject.readOne(data.decode())
    return {str(e.summary.value): e for e in parsed.vevent_list}


def by_uid_icalendar(data: bytes) -> dict:
    parsed = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): e for e in parsed.walk("VEVENT")}


@pytest.fixture
def releases(db):
    event = factories.make_event(timezone="Europe/Zurich", start_date=dt.date(2030, 3, 14))  # winter: UTC+1
    p = two_day_programme(event)
    first = store_release(event)
    snapshot1 = first.snapshot
    second = second_release(event, p)
    return event, p, snapshot1, second.snapshot


def test_calendar_has_the_event_zone_and_local_times(releases):
    event, p, snapshot, _ = releases
    data = build(snapshot)

    cal = icalendar.Calendar.from_ical(data)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Zurich"]
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert sorted(events) == ["Coffee", "Fast solvers", "Kernels", "Stable solvers"]  # sessions with items are not doubled
    start = events["Fast solvers"]["DTSTART"]
    first_start = on_day(event, 0, 8)  # as released first (the fixture's second release moves it)
    assert start.params["TZID"] == "Europe/Zurich"
    assert start.dt == first_start
    assert start.dt.hour == 9
    assert str(start.dt.tzinfo) == "Europe/Zurich"
    assert b"DTSTART;TZID=Europe/Zurich:" in data

    parsed = by_summary_vobject(data)
    assert parsed["Fast solvers"].dtstart.value == first_start
    assert parsed["Fast solvers"].dtstart.value.utcoffset() == dt.timedelta(hours=1)
    assert [str(tz.tzid.value) for tz in vobject.readOne(data.decode()).vtimezone_list] == ["Europe/Zurich"]
    assert parsed["Fast solvers"].dtend.value == first_start + dt.timedelta(minutes=30)
    assert parsed["Fast solvers"].uid.value == f"{snapshot['items'][0]['guid']}@conference.test"
    assert parsed["Fast solvers"].location.value == "Main hall"
    assert parsed["Fast solvers"].dtstamp.value == STAMP
    assert parsed["Fast solvers"].description.value == (
        f"Faster.\n\nSpeakers: Ada Lovelace\n\nhttp://conference.test/item-{p['talk1'].id}")
    assert parsed["Fast solvers"].url.value == f"http://conference.test/item-{p['talk1'].id}"
    assert parsed["Kernels"].location.value == "Online room"
    assert JOIN_LINK not in data.decode()


def test_second_release_keeps_uids_and_raises_sequences(releases):
    _event, p, snapshot1, snapshot2 = releases
    old_vobject, new_vobject = by_summary_vobject(build(snapshot1)), by_summary_vobject(build(snapshot2))
    old_ical, new_ical = by_uid_icalendar(build(snapshot1)), by_uid_icalendar(build(snapshot2))

    # Same UIDs, the removed one included; the session that lost its only talk now stands alone.
    afternoon = next(s for s in snapshot2["sessions"] if s["id"] == p["afternoon"].id)
    assert sorted(new_ical) == sorted([*old_ical, f"{afternoon['guid']}@conference.test"])
    assert {str(e.uid.value) for e in old_vobject.values()} == set(old_ical)
    assert {uid: int(e["SEQUENCE"]) for uid, e in old_ical.items()} == dict.fromkeys(old_ical, 0)

    moved = new_vobject["Fast solvers"]
    assert moved.dtstart.value == p["talk1"].starts_at
    assert (int(moved.sequence.value), moved.status.value) == (1, "CONFIRMED")
    changed = new_vobject["Stable solvers, revised"]
    assert changed.uid.value == old_vobject["Stable solvers"].uid.value
    assert (int(changed.sequence.value), changed.status.value) == (1, "CONFIRMED")
    cancelled = new_vobject["Kernels"]
    assert cancelled.uid.value == old_vobject["Kernels"].uid.value
    assert (int(cancelled.sequence.value), cancelled.status.value) == (1, "CANCELLED")
    assert (int(new_vobject["Coffee"].sequence.value), new_vobject["Coffee"].status.value) == (0, "CONFIRMED")
    assert str(new_ical[cancelled.uid.value]["STATUS"]) == "CANCELLED"
    assert int(new_ical[cancelled.uid.value]["SEQUENCE"]) == 1


def titles(snapshot, kind, ident):
    chosen = agenda_ical.filtered(snapshot, kind, ident)
    return None if chosen is None else sorted(by_summary_vobject(build(snapshot, chosen)))


def test_filters_select_entries(releases):
    _event, p, snapshot, _ = releases
    assert titles(snapshot, "track", p["numerics"].id) == ["Fast solvers", "Stable solvers"]
    assert titles(snapshot, "track", p["systems"].id) == ["Kernels"]
    assert titles(snapshot, "room", p["hall"].id) == ["Coffee", "Fast solvers", "Stable solvers"]
    assert titles(snapshot, "session", p["afternoon"].id) == ["Kernels"]
    assert titles(snapshot, "session", p["break"].id) == ["Coffee"]
    assert titles(snapshot, "speaker", p["grace"].id) == ["Kernels", "Stable solvers"]
    assert titles(snapshot, "speaker", p["chair"].id) == ["Fast solvers", "Stable solvers"]
    assert titles(snapshot, "speaker", 999999) is None
    assert titles(snapshot, "room", 999999) is None


def test_starred_session_brings_its_items(releases):
    _event, p, snapshot, _ = releases
    chosen = agenda_ical.starred(snapshot, {f"session-{p['morning'].id}", f"item-{p['talk3'].id}"})
    assert sorted(e["title"] for e in chosen) == ["Fast solvers", "Kernels", "Stable solvers"]
