"""Dates and times are shown through one helper that knows the viewer's time zone."""

import datetime as dt
import re

import pytest
from flask import g, render_template_string
from flask_babel import force_locale

from conference.core.timezones import (
    all_timezones,
    canonical_timezone,
    countries,
    is_valid_timezone,
)
from conference.i18n import format_date_range, format_datetime

from .. import factories
from ..conftest import login

UTC = dt.UTC


def test_format_datetime_uses_the_requested_zone(app):
    moment = dt.datetime(2027, 3, 16, 13, 0, tzinfo=UTC)
    with app.test_request_context():
        assert format_datetime(moment, tz="Europe/Zurich") == "Mar 16, 2027, 2:00\u202fPM (Europe/Zurich)"
        assert format_datetime(moment, tz="Asia/Tokyo") == "Mar 16, 2027, 10:00\u202fPM (Asia/Tokyo)"


def test_format_datetime_defaults_to_the_viewer_zone(app):
    moment = dt.datetime(2027, 3, 16, 23, 30, tzinfo=UTC)
    with app.test_request_context():
        assert format_datetime(moment).endswith("(UTC)")
        g.viewer_timezone = "Pacific/Auckland"
        # 23:30 UTC is already the next day in Auckland.
        assert format_datetime(moment) == "Mar 17, 2027, 12:30\u202fPM (Pacific/Auckland)"


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Jan 5, 2027, 4:05\u202fPM (UTC)"),
    ("fr", "5 janv. 2027, 16:05 (UTC)"),
    ("es", "5 ene 2027, 16:05 (UTC)"),
])
def test_one_date_and_time_format_per_language_without_seconds(app, language, expected):
    moment = dt.datetime(2027, 1, 5, 16, 5, 42, tzinfo=UTC)
    with app.test_request_context(), force_locale(language):
        assert format_datetime(moment) == expected
        # Templates get the same text through the filter, which takes a zone and no style.
        rendered = render_template_string("{{ when|datetime }}|{{ when|datetime(tz='UTC') }}", when=moment)
        assert rendered == "|".join([expected] * 2)


def _footer_zone(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    found = re.search(r'<p class="timezone-statement">([^<]*)', response.get_data(as_text=True))
    assert found, path
    return found.group(1).strip().replace("&#39;", "'")


def test_signed_in_viewer_sees_their_zone_stated_the_same_way_on_every_page(client, db):
    event = factories.make_event(published=True, timezone="Asia/Tokyo")
    user = factories.make_user(timezone="America/New_York")
    login(client, user)
    for path in ["/", "/dashboard", "/auth/profile", f"/events/{event.slug}/", "/my/submissions"]:
        assert _footer_zone(client, path) == "Times are shown in America/New_York, your time zone.", path


def test_a_visitor_is_told_the_site_zone(client, db):
    event = factories.make_event(published=True, timezone="Asia/Tokyo")
    for path in ["/", f"/events/{event.slug}/", "/auth/login"]:
        assert _footer_zone(client, path) == "Times are shown in UTC, the site's time zone.", path


def test_pages_in_the_event_zone_say_so_in_the_same_words(client, db, organiser):
    event = factories.make_event(organiser=organiser, timezone="Asia/Tokyo")
    organiser.timezone = "America/New_York"
    db.session.flush()
    login(client, organiser)
    # The registration organiser's pages show times at the event; everything else in the person's zone.
    assert _footer_zone(client, f"/events/{event.slug}/manage/registration") == (
        "Times are shown in Asia/Tokyo, the event's time zone.")
    assert _footer_zone(client, f"/events/{event.slug}/manage/agenda") == (
        "Times are shown in Asia/Tokyo, the event's time zone.")
    assert _footer_zone(client, f"/events/{event.slug}/edit") == "Times are shown in America/New_York, your time zone."
    # When the person's own zone is the event's, it is theirs first.
    organiser.timezone = "Asia/Tokyo"
    db.session.flush()
    assert _footer_zone(client, f"/events/{event.slug}/manage/registration") == (
        "Times are shown in Asia/Tokyo, your time zone.")


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


def _tzdata(name: str) -> list[str]:
    import importlib.resources

    return importlib.resources.files("tzdata.zoneinfo").joinpath(name).read_text().splitlines()


def test_the_time_zone_picker_offers_current_names_only(app):
    """The tz database's old names (its links, e.g. America/Buenos_Aires, Africa/Asmera) are not
    offered; the zones of zone.tab are, Europe/Stockholm included though it links to Berlin."""
    from conference.web.common import timezone_choices

    zone_tab = {line.split("\t")[2] for line in _tzdata("zone.tab") if line and not line.startswith("#")}
    links = {line.split()[2] for line in _tzdata("tzdata.zi") if line.startswith("L ")}
    with app.test_request_context():
        offered = [choice.value for choice in timezone_choices()]

    assert set(offered) == zone_tab | {"UTC"} and len(offered) == len(set(offered)) < 450
    assert set(offered) & links == {"UTC"} | (zone_tab & links)
    assert {"America/Argentina/Buenos_Aires", "Africa/Nairobi", "Asia/Kolkata", "Europe/Stockholm"} <= set(offered)
    assert not {"America/Buenos_Aires", "Africa/Asmera", "Asia/Calcutta", "US/Eastern", "Etc/GMT+5"} & set(offered)


def test_an_old_zone_name_is_still_accepted_and_read_as_its_current_name():
    assert is_valid_timezone("America/Buenos_Aires") and is_valid_timezone("Africa/Asmera")
    assert canonical_timezone("America/Buenos_Aires") == "America/Argentina/Buenos_Aires"
    assert canonical_timezone("Africa/Asmera") == "Africa/Nairobi"
    assert canonical_timezone("Etc/UTC") == canonical_timezone("Zulu") == "UTC"
    assert canonical_timezone("Europe/Stockholm") == "Europe/Stockholm"  # offered itself
    assert canonical_timezone("Etc/GMT+5") == "Etc/GMT+5"  # valid, with no offered name: kept
    assert canonical_timezone("Europe/Geneva") is None


def test_the_browser_guess_finds_the_option_of_an_old_name(client):
    """Chrome names India's zone Asia/Calcutta: the picker tells app.js which option that is."""
    html = client.get("/auth/signup").get_data(as_text=True)

    guess = re.search(r'data-guess-timezone="([^"]*)" id="field-timezone"', html).group(1).split()
    assert "Asia/Calcutta=Asia/Kolkata" in guess and "America/Buenos_Aires=America/Argentina/Buenos_Aires" in guess
    assert '<option value="Asia/Kolkata">Asia/Kolkata</option>' in html and 'value="Asia/Calcutta"' not in html


def test_a_zone_typed_by_its_old_name_is_saved_by_its_current_name(client, db):
    user = factories.make_user()
    login(client, user)

    response = client.post("/auth/profile", data={"name": user.name, "timezone": "America/Buenos_Aires"})

    assert response.status_code == 302
    db.session.refresh(user)
    assert user.timezone == "America/Argentina/Buenos_Aires"


def test_a_profile_stored_with_an_old_zone_name_shows_it_chosen(app, client, db):
    login(client, factories.make_user(timezone="Asia/Calcutta"))
    assert '<option selected value="Asia/Kolkata">' in client.get(
        "/auth/profile").get_data(as_text=True)

    other = login(app.test_client(), factories.make_user(timezone="Etc/GMT+5"))
    html = other.get("/auth/profile").get_data(as_text=True)
    assert '<option selected value="Etc/GMT+5">Etc/GMT+5</option>' in html


def test_user_facing_strings_are_extractable_for_translation():
    """babel.cfg finds the wrapped strings in Python code, page templates and mail templates."""
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    root = Path(__file__).resolve().parents[2]
    with open(root / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None}
    found = {message for _f, _l, message, _c, _ctx in extract_from_dir(str(root), method_map, options_map, keywords=keywords)}
    assert "Skip to main content" in found  # base.html
    assert "The end date must be on or after the start date." in found  # domain/events.py
    assert "Enter your email address." in found  # a lazy form message
    assert "Confirm your email address" in found  # emails/verify_email.txt
