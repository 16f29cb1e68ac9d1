"""Dates and times are shown through one helper that knows the viewer's time zone."""

import datetime as dt

from flask import g

from conference.i18n import format_date_range, format_datetime
from conference.timezones import all_timezones, countries, is_valid_timezone

from . import factories
from .conftest import login

UTC = dt.timezone.utc


def test_format_datetime_uses_the_requested_zone(app):
    moment = dt.datetime(2027, 3, 16, 13, 0, tzinfo=UTC)
    with app.test_request_context():
        assert format_datetime(moment, "short", tz="Europe/Zurich") == "3/16/27, 2:00\u202fPM (Europe/Zurich)"
        assert format_datetime(moment, "short", tz="Asia/Tokyo") == "3/16/27, 10:00\u202fPM (Asia/Tokyo)"


def test_format_datetime_defaults_to_the_viewer_zone(app):
    moment = dt.datetime(2027, 3, 16, 23, 30, tzinfo=UTC)
    with app.test_request_context():
        assert format_datetime(moment, "short").endswith("(UTC)")
        g.viewer_timezone = "Pacific/Auckland"
        # 23:30 UTC is already the next day in Auckland.
        assert format_datetime(moment, "short") == "3/17/27, 12:30\u202fPM (Pacific/Auckland)"


def test_signed_in_viewer_sees_their_zone(client, db):
    user = factories.make_user(timezone="America/New_York")
    login(client, user)
    assert "Times are shown in America/New_York." in client.get("/").get_data(as_text=True)


def test_date_range(app):
    with app.test_request_context():
        assert format_date_range(dt.date(2027, 3, 16), dt.date(2027, 3, 18)) == "March 16, 2027 – March 18, 2027"
        assert format_date_range(dt.date(2027, 3, 16), dt.date(2027, 3, 16)) == "March 16, 2027"


def test_time_zone_and_country_lists():
    assert is_valid_timezone("Europe/Zurich") and is_valid_timezone("America/Argentina/Buenos_Aires")
    assert not is_valid_timezone("Europe/Geneva") and not is_valid_timezone("") and not is_valid_timezone(None)
    assert "Factory" not in all_timezones()
    codes = dict(countries())
    assert codes["CH"] == "Switzerland" and codes["GH"] == "Ghana"
    assert "001" not in codes and "ZZ" not in codes


def test_user_facing_strings_are_extractable_for_translation():
    """babel.cfg finds the wrapped strings in Python code, page templates and mail templates."""
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    root = Path(__file__).resolve().parent.parent
    with open(root / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None}
    found = {message for _f, _l, message, _c, _ctx in extract_from_dir(str(root), method_map, options_map, keywords=keywords)}
    assert "Skip to main content" in found  # base.html
    assert "The end date must be on or after the start date." in found  # domain/events.py
    assert "Enter your email address." in found  # a lazy form message
    assert "Confirm your email address" in found  # emails/verify_email.txt
