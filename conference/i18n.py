"""Locale and time-zone selection, and the one way dates and times are shown.

A page's language is, first found: the signed-in person's profile language, the visitor's
choice kept in the ``language`` cookie (the switcher in every page's header), the browser's
Accept-Language, the default language of the event the page belongs to (areas add that look-up
with ``add_page_language``), the site's default (BABEL_DEFAULT_LOCALE). Only the languages of
LANGUAGES are ever chosen.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from functools import cache

from babel import Locale
from flask import current_app, g, has_request_context, request
from flask_babel import format_date as babel_format_date
from flask_babel import format_time as babel_format_time
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from conference.core.timezones import is_valid_timezone

LANGUAGE_COOKIE = "language"
LANGUAGE_COOKIE_MAX_AGE = 60 * 60 * 24 * 365 * 2
# Functions giving the default language of what the current page belongs to (an event), or None.
PAGE_LANGUAGES: list[Callable[[], str | None]] = []


def add_page_language(lookup: Callable[[], str | None]) -> None:
    """Let an area name the language of its pages when the visitor's own is not known."""
    if lookup not in PAGE_LANGUAGES:
        PAGE_LANGUAGES.append(lookup)


def languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def default_language() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def supported(code: str | None) -> str | None:
    """``code`` when it is one of the site's languages, else None."""
    return code if code and code in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    if not has_request_context():
        return default_language()
    own = getattr(current_user, "language", None) if current_user and current_user.is_authenticated else None
    chosen = supported(own) or supported(request.cookies.get(LANGUAGE_COOKIE))
    chosen = chosen or request.accept_languages.best_match(languages())
    if chosen:
        return chosen
    for lookup in PAGE_LANGUAGES:
        found = supported(lookup())
        if found:
            return found
    return default_language()


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def language_name(code: str) -> str:
    """The language's name in itself, e.g. "Français", "Español", "العربية"."""
    name = _locale(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def text_direction(code: str) -> str:
    """``rtl`` for languages written right to left (Arabic, Hebrew, Persian, Urdu...), else ``ltr``."""
    return "rtl" if _locale(code).character_order == "right-to-left" else "ltr"


def language_choices() -> list[tuple[str, str]]:
    """The site's languages as (code, name in itself), in the order of LANGUAGES."""
    return [(code, language_name(code)) for code in languages()]


def own_timezone_name() -> str | None:
    """The signed-in person's zone, from their profile; None for a visitor."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.timezone if is_valid_timezone(current_user.timezone) else None
    return None


def viewer_timezone_name() -> str:
    """The zone times are shown in: the one a page chose (``g.viewer_timezone``: the agenda's
    ?tz=), else the person's profile zone when signed in, else the site default (UTC)."""
    if has_request_context():
        override = getattr(g, "viewer_timezone", None)
        if override:
            return override
    return own_timezone_name() or current_app.config["BABEL_DEFAULT_TIMEZONE"]


def timezone_statement(page_zone: str | None = None, event_zone: str | None = None) -> str:
    """The one sentence every page's footer uses to say which zone its times are in, and why.

    ``page_zone`` is the zone of a page that shows its times in another zone than the viewer's
    (an organiser's registration pages use the event's); ``event_zone`` the zone of the event the
    page belongs to, if any, so that a page in that zone says it is the event's.
    """
    chosen = page_zone or (getattr(g, "viewer_timezone", None) if has_request_context() else None)
    zone = chosen or viewer_timezone_name()
    if zone == own_timezone_name():
        return _("Times are shown in %(zone)s, your time zone.", zone=zone)
    if zone == event_zone:
        return _("Times are shown in %(zone)s, the event's time zone.", zone=zone)
    if not chosen:  # a visitor: the site's zone until they sign in
        return _("Times are shown in %(zone)s, the site's time zone.", zone=zone)
    return _("Times are shown in %(zone)s, the time zone chosen for this page.", zone=zone)


def select_timezone() -> str:
    return viewer_timezone_name()


def format_wall_clock(local: dt.datetime) -> str:
    """A naive wall-clock time in the site's one date-and-time format: the locale's medium date
    and its short time, never seconds ("Jan 5, 2027, 4:00 PM", "5 janv. 2027, 16:00",
    "5 ene 2027, 16:00"), joined as the locale joins a date and a time."""
    locale = get_locale() or _locale(default_language())
    date_text = babel_format_date(local.date(), "medium")
    time_text = format_time_of_day(local)
    return locale.datetime_formats["medium"].format(time_text, date_text)


def format_time_of_day(local: dt.datetime | dt.time) -> str:
    """A wall-clock time of day without seconds, in the locale's short form ("4:00 PM", "16:00")."""
    return babel_format_time(local, "short", rebase=False)


def format_datetime(value: dt.datetime | None, *, tz: str | None = None) -> str:
    """Format an aware UTC datetime in ``tz`` or, by default, the viewer's time zone, with the zone named.

    The site has one format per locale (``format_wall_clock``); callers choose the zone, not the style.
    """
    if value is None:
        return ""
    zone = zoneinfo.ZoneInfo(tz or viewer_timezone_name())
    try:
        local = value.astimezone(zone)
    except OverflowError:  # a time at the calendar's very edge (stored before dates were bounded): shown in UTC
        zone = zoneinfo.ZoneInfo("UTC")
        local = value.astimezone(zone)
    return f"{format_wall_clock(local.replace(tzinfo=None))} ({zone.key})"


def format_date(value: dt.date | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return babel_format_date(value, format)


def format_date_range(start: dt.date, end: dt.date) -> str:
    if start == end:
        return format_date(start, "long")
    return f"{format_date(start, 'long')} – {format_date(end, 'long')}"
