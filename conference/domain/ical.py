"""iCalendar builders (pure: no database, no Flask).

``event_calendar`` is the one-event calendar attached to registration confirmations: an
all-day event over the event's dates (dates, not times: the same days in every time zone),
with its venue and a link to its page. The UID is stable, so re-importing updates the entry.
"""

from __future__ import annotations

import datetime as dt

import icalendar

from ..bounds import clamped

PRODID = "-//Conference//Conference management//EN"


def event_calendar(*, uid: str, title: str, start: dt.date, end: dt.date, url: str, location: str = "",
                   description: str = "", stamp: dt.datetime) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = icalendar.Event()
    entry.add("uid", uid)
    entry.add("dtstamp", stamp.astimezone(dt.timezone.utc))
    entry.add("summary", title)
    entry.add("dtstart", start)
    entry.add("dtend", clamped(end) + dt.timedelta(days=1))  # DTEND of an all-day event is exclusive
    entry.add("url", url)
    if location:
        entry.add("location", location)
    if description:
        entry.add("description", description)
    calendar.add_component(entry)
    return calendar.to_ical()
