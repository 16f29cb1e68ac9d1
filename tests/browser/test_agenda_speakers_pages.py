"""The speakers list, a speaker's page and a talk's calendar in Chromium, every page checked with
axe-core and for CSP violations: a visitor finds the speakers from the agenda's navigation,
searches them without script, picks their browser's time zone, goes to a speaker and to a talk,
and adds the talk to their calendar; then the same list in French."""

from __future__ import annotations

import datetime as dt
import re

import icalendar

from .. import factories
from ..agenda.builders import add_item, add_session, add_speaker, small_programme, store_release, utc_on
from .test_account_and_event_journey import expect


def test_a_visitor_searches_the_speakers_and_adds_a_talk_to_their_calendar(page, new_page, committed_db):
    # In January: New York is UTC-5, Zurich (the browser's zone) UTC+1.
    event = factories.make_event(published=True, slug="speakers-agenda", timezone="America/New_York",
                                 start_date=dt.date(2040, 1, 16))
    programme = small_programme(event)
    elodie = add_speaker(event, "Élodie Núñez", affiliation="Université de Genève")
    session = add_session(event, "Glaciology", utc_on(event.start_date, 14), utc_on(event.start_date, 15))
    glaciers = add_item(session, "Glaciers in a warmer world", utc_on(event.start_date, 14), 30, speakers=[elodie])
    store_release(event, "First")
    committed_db.session.commit()

    page.goto("/events/speakers-agenda/agenda")
    page.follow(page.get_by_role("navigation", name="Agenda").get_by_role("link", name="Speakers"))
    assert page.url.endswith("/events/speakers-agenda/agenda/speakers")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Speakers of {event.title}")
    expect(page.get_by_role("heading", level=3)).to_have_text(
        ["Ada Lovelace", "Alan Turing", "Élodie Núñez", "Grace Hopper"])
    expect(page.get_by_role("link", name="Speakers")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("4 speakers.")).to_be_visible()
    index = page.get_by_role("navigation", name="Speakers by initial")
    expect(index.get_by_role("link")).to_have_text(["A", "E", "G"])
    index.get_by_role("link", name="G").click()
    assert page.url.endswith("/agenda/speakers#initial-3")
    expect(page.get_by_role("heading", level=2, name="G")).to_be_in_viewport()

    # Search, accents aside, and the browser's own zone offered by the script.
    page.get_by_label("Search", exact=True).fill("nunez")
    expect(page.get_by_label("Time zone").locator("option")).to_have_text(
        ["America/New_York (the event’s)", "Europe/Zurich (your browser’s zone)"])
    page.get_by_label("Time zone").select_option("Europe/Zurich")
    page.follow(page.get_by_role("button", name="Search", exact=True))
    assert page.url.endswith("/events/speakers-agenda/agenda/speakers?q=nunez&tz=Europe%2FZurich")
    expect(page.get_by_role("heading", level=3)).to_have_text(["Élodie Núñez"])
    expect(page.get_by_role("status")).to_have_text(re.compile(r"1 speaker of 4 matches “nunez”\."))
    expect(page.locator(".zone-note")).to_have_text(
        "Times are shown in Europe/Zurich. The event’s own time zone is America/New_York.")
    expect(page.locator("time").first).to_have_text("15:00")  # 14:00 UTC

    # Nothing found: said so, with the way back.
    page.get_by_label("Search", exact=True).fill("nobody at all")
    page.follow(page.get_by_role("button", name="Search", exact=True))
    expect(page.get_by_text("No speaker matches “nobody at all”.")).to_be_visible()
    page.follow(page.get_by_role("link", name="Show all speakers").first)
    expect(page.get_by_role("heading", level=3)).to_have_count(4)
    assert page.url.endswith("/events/speakers-agenda/agenda/speakers?tz=Europe/Zurich")

    # A speaker's page, then the talk's, still in the zone chosen.
    page.follow(page.get_by_role("link", name="Élodie Núñez"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Élodie Núñez")
    feed_link = page.get_by_role("link", name="Add these sessions and talks to your calendar (iCal file)")
    expect(feed_link).to_have_attribute("href", f"/events/speakers-agenda/agenda.ics?speaker={elodie.id}")
    page.follow(page.get_by_role("link", name="Glaciers in a warmer world"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Glaciers in a warmer world")
    add = page.get_by_role("link", name="Add to calendar (iCal file)")
    expect(add).to_have_attribute("href", f"/events/speakers-agenda/agenda/items/{glaciers.id}.ics")
    response = page.request.get(add.get_attribute("href"))
    assert (response.status, response.headers["content-type"]) == (200, "text/calendar; charset=utf-8")
    [entry] = icalendar.Calendar.from_ical(response.body()).walk("VEVENT")
    assert (str(entry["SUMMARY"]), str(entry["STATUS"])) == ("Glaciers in a warmer world", "CONFIRMED")
    assert entry["DTSTART"].dt == utc_on(event.start_date, 14)

    # In French: the navigation and the list's labels.
    french = new_page()
    french.context.add_cookies([{"name": "language", "value": "fr", "url": french.base_url}])
    french.goto("/events/speakers-agenda/agenda/speakers?q=engines")
    nav = french.get_by_role("navigation", name="Ordre du jour")
    expect(nav.get_by_role("link", name="Intervenants")).to_have_attribute("aria-current", "page")
    expect(french.get_by_role("heading", level=3)).to_have_text(["Ada Lovelace"])
    assert programme["ada"].affiliation == "Analytical Engines"
