"""What the app accepts from outside, in one place: the integers its columns hold, the characters
its text columns can store, and the dates it works with. A leaf module: it imports nothing of ours.

* Integers: every integer column is SQLAlchemy's ``Integer``, a signed 32-bit INTEGER on PostgreSQL
  (SQLite would take 64 bits, Python any size). Ids in addresses, numbers in forms and query
  arguments outside that range are refused before they reach a query.
* Text: PostgreSQL's text types cannot hold the NUL character, and no encoding holds a lone UTF-16
  surrogate. Both are refused wherever text comes in (addresses, forms, the models).
* Dates: from 1 January 1900 to 31 December 2199. Far enough on both sides for any event, and far
  enough from the calendar's ends (years 1 and 9999) that adding a day or a time-zone offset to
  any accepted date can never overflow. A typo such as 0202 or 20255 is caught as well.
"""

from __future__ import annotations

import datetime as dt
import re

INT_MIN, INT_MAX = -(2**31), 2**31 - 1

EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
# An event lasts at most this many days: its pages (the programme grid, exports) show every day.
MAX_EVENT_DAYS = 366

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def int_in_range(value: int) -> bool:
    return INT_MIN <= value <= INT_MAX


def parse_int(text: str | None, *, minimum: int = INT_MIN, maximum: int = INT_MAX) -> int | None:
    """The whole number ``text`` spells (surrounding spaces allowed), or None when it spells none
    or one outside ``minimum``..``maximum`` (by default the columns' range)."""
    text = (text or "").strip()
    if not text or len(text) > 20 or not re.fullmatch(r"[+-]?[0-9]+", text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def id_or_none(value) -> int | None:
    """An id as chosen in a form or passed by a caller (an int or its digits), or None for
    "nothing chosen" and for anything that is not an id a column can hold (a tampered field)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if int_in_range(value) else None
    return parse_int(value) if isinstance(value, str) else None


def storable(text: str) -> bool:
    """Whether the database can store ``text`` as it is (no NUL, no lone surrogate)."""
    return _UNSTORABLE.search(text) is None


def date_in_range(value: dt.date | dt.datetime) -> bool:
    """Whether a date (or the date of a datetime, as given) lies in the range the app accepts."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return EARLIEST_DATE <= day <= LATEST_DATE


def clamped(day: dt.date) -> dt.date:
    """``day`` moved into the accepted range: a date stored before the range was enforced (year
    9999) can then take a day or a time zone's offset without overflowing."""
    return min(max(day, EARLIEST_DATE), LATEST_DATE)


def event_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """The days from ``first`` to ``last`` as pages list them: within the accepted range and at
    most MAX_EVENT_DAYS of them (an event stored before these limits may be longer)."""
    first, last = clamped(first), clamped(last)
    return [first + dt.timedelta(days=n) for n in range(min((last - first).days + 1, MAX_EVENT_DAYS))]
