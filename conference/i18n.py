"""Locale and time-zone selection, and the one way dates and times are shown."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from flask import current_app, g, has_request_context, request
from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime
from flask_login import current_user

from conference.core.timezones import is_valid_timezone


def select_locale() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"


def viewer_timezone_name() -> str:
    """The viewer's zone: their profile's when signed in, else the site default (UTC)."""
    if has_request_context():
        override = getattr(g, "viewer_timezone", None)
        if override:
            return override
        if current_user and current_user.is_authenticated and is_valid_timezone(current_user.timezone):
            return current_user.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def select_timezone() -> str:
    return viewer_timezone_name()


def format_datetime(value: dt.datetime | None, format: str = "medium", *, tz: str | None = None) -> str:
    """Format an aware UTC datetime in ``tz`` or, by default, the viewer's time zone, with the zone named."""
    if value is None:
        return ""
    zone = zoneinfo.ZoneInfo(tz or viewer_timezone_name())
    try:
        local = value.astimezone(zone)
    except OverflowError:  # a time at the calendar's very edge (stored before dates were bounded): shown in UTC
        zone = zoneinfo.ZoneInfo("UTC")
        local = value.astimezone(zone)
    text = babel_format_datetime(local.replace(tzinfo=None), format, rebase=False)
    return f"{text} ({zone.key})"


def format_date(value: dt.date | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return babel_format_date(value, format)


def format_date_range(start: dt.date, end: dt.date) -> str:
    if start == end:
        return format_date(start, "long")
    return f"{format_date(start, 'long')} – {format_date(end, 'long')}"
