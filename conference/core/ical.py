"""iCalendar builders (pure: no database, no Flask).

``vtimezone`` is the one way the app writes a time zone's VTIMEZONE (the agenda's feeds and
the registration's calendar entry alike). ``event_calendar`` is the one-event calendar attached
to registration confirmations: the event's span in its own time zone (from the start of its
first day to the end of its last, with its TZID and VTIMEZONE, so a participant in another zone
sees the real times), its venue and a link to its page. The UID is given by the caller, unique
to the site and stable, so re-importing updates the entry rather than adding a second one.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar

from conference.core.bounds import clamped

PRODID = "-//Conference//Conference management//EN"


def vtimezone(zone_name: str, first: dt.date, last: dt.date) -> icalendar.Timezone:
    """The VTIMEZONE of ``zone_name`` with its transitions from the day before ``first`` to the
    day after ``last`` (enough for every time written between them)."""
    return icalendar.Timezone.from_tzinfo(zoneinfo.ZoneInfo(zone_name), tzid=zone_name,
                                          first_date=clamped(first) - dt.timedelta(days=1),
                                          last_date=clamped(last) + dt.timedelta(days=1))


def event_calendar(*, uid: str, title: str, start: dt.date, end: dt.date, zone_name: str, url: str,
                   location: str = "", description: str = "", stamp: dt.datetime) -> bytes:
    """The event from 00:00 on ``start`` to 24:00 on ``end`` (inclusive days) in ``zone_name``."""
    zone = zoneinfo.ZoneInfo(zone_name)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(vtimezone(zone_name, start, end))
    entry = icalendar.Event()
    entry.add("uid", uid)
    entry.add("dtstamp", stamp.astimezone(dt.UTC))
    entry.add("summary", title)
    entry.add("dtstart", dt.datetime.combine(clamped(start), dt.time(0), tzinfo=zone))
    entry.add("dtend", dt.datetime.combine(clamped(end) + dt.timedelta(days=1), dt.time(0), tzinfo=zone))
    entry.add("url", url)
    if location:
        entry.add("location", location)
    if description:
        entry.add("description", description)
    calendar.add_component(entry)
    return calendar.to_ical()
