"""The personal calendar feed, the grid view and an earlier release's stars in Chromium, every
page checked with axe-core and for CSP violations: a participant stars a talk on an earlier
release's page, looks at the grid, reads their feed's secret address, downloads the feed,
gives it a new address and finds the old one gone."""

from __future__ import annotations

import datetime as dt
import re

import icalendar

from .. import factories
from ..agenda.builders import small_programme, store_release
from .test_account_and_event_journey import expect, log_in


def summaries(body: bytes) -> list[str]:
    return sorted(str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT"))


def test_a_participant_stars_on_an_older_release_uses_the_grid_and_resets_the_feed(page, live_server, committed_db):
    # In winter, so Zurich is UTC+1 whenever the test runs.
    event = factories.make_event(published=True, slug="feed-agenda", timezone="America/New_York",
                                 start_date=dt.date(2040, 1, 16))
    programme = small_programme(event)
    store_release(event, "First")
    programme["talk"].title = "Ensemble forecasts, revised"
    committed_db.session.delete(programme["other"])
    store_release(event, "Second")
    factories.make_user(email="pat@example.org", name="Pat Participant")
    committed_db.session.commit()
    log_in(page, "pat@example.org", factories.DEFAULT_PASSWORD)

    # An earlier release: stars for what is still in the agenda, and back to the same page.
    page.goto("/events/feed-agenda/agenda/releases/1?tz=Europe/Zurich")
    expect(page.get_by_role("button", name=re.compile("Data assimilation"))).to_have_count(0)
    expect(page.get_by_text("(no longer in the current agenda)")).to_have_count(1)
    page.submit(page.get_by_role("button", name=re.compile("^Star\\W+Ensemble forecasts$")))
    expect(page.get_by_role("status")).to_have_text("Added to your agenda.")
    assert page.url.endswith("/events/feed-agenda/agenda/releases/1?tz=Europe/Zurich")
    expect(page.get_by_role("button", name=re.compile("^Starred\\W+Ensemble forecasts$"))).to_have_attribute(
        "aria-pressed", "true")

    # The grid: a table per day, rooms across, times down, in the zone asked for.
    page.goto("/events/feed-agenda/agenda?tz=Europe/Zurich")
    page.follow(page.get_by_role("navigation", name="View:").get_by_role("link", name="Grid"))
    assert page.url.endswith("/events/feed-agenda/agenda?tz=Europe/Zurich&view=grid")
    # (Playwright sends the pattern as a JS regex literal: "/" must be escaped.)
    table = page.get_by_role("table", name=re.compile(r"^Sessions on .* \(Europe\/Zurich\), a row every 30 minutes$"))
    expect(table).to_have_count(1)
    expect(table.get_by_role("columnheader")).to_have_text(["Time", "Main hall", "Online room (online)"])
    expect(table.get_by_role("rowheader").first).to_have_text("09:00")
    expect(table.get_by_role("cell").filter(has_text="Morning models")).to_have_attribute("rowspan", "4")
    expect(table.get_by_role("link", name="Ensemble forecasts, revised")).to_be_visible()
    expect(page.get_by_role("link", name="Grid")).to_have_attribute("aria-current", "page")
    page.follow(page.get_by_role("link", name="List"))
    expect(page.get_by_role("table")).to_have_count(0)
    expect(page.get_by_role("heading", level=3)).to_have_text(["Morning models", "Evening online"])

    # The personal feed: read the secret address, download the feed, then reset it.
    page.follow(page.get_by_role("link", name="My calendar feed of starred entries"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"My calendar feed for {event.title}")
    old_url = page.get_by_label("Address of your feed").input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/events/feed-agenda/agenda/feeds/[^/]+\.ics", old_url)
    expect(page.get_by_role("link", name=re.compile("^Download the feed"))).to_have_attribute("href", old_url)
    feed = page.request.get(old_url)
    assert (feed.status, feed.headers["content-type"]) == (200, "text/calendar; charset=utf-8")
    assert summaries(feed.body()) == ["Ensemble forecasts, revised"]

    page.submit(page.get_by_role("button", name="Give my feed a new address"))
    expect(page.get_by_role("status")).to_have_text(
        "Your feed has a new address. The old one no longer works: subscribe to the new one.")
    new_url = page.get_by_label("Address of your feed").input_value()
    assert new_url != old_url and new_url.startswith(f"{live_server.url}/events/feed-agenda/agenda/feeds/")
    assert page.request.get(old_url).status == 404
    assert summaries(page.request.get(new_url).body()) == ["Ensemble forecasts, revised"]
