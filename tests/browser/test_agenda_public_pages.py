"""The public agenda in Chromium, every page checked with axe-core and for CSP violations: a
participant switches to their browser's time zone, stars a talk and opens My agenda; then
every other agenda page is visited."""

from __future__ import annotations

import re

from .. import factories
from ..agenda.builders import small_programme, store_release
from .test_account_and_event_journey import expect, log_in


def test_a_participant_switches_zone_stars_a_talk_and_opens_my_agenda(page, live_server, committed_db):
    event = factories.make_event(published=True, slug="public-agenda", timezone="America/New_York")
    programme = small_programme(event)
    # What frab carries, shown on the talk's page (checked with the others below).
    programme["talk"].subtitle, programme["talk"].description = "Many runs", "A **longer** description."
    programme["talk"].links = [{"kind": "slides", "title": "Slides", "url": "https://slides.example.org/1.pdf"},
                               {"kind": "recording", "title": "", "url": "https://video.example.org/1"}]
    store_release(event, "First")
    programme["talk"].title = "Ensemble forecasts, revised"
    store_release(event, "Second")
    factories.make_user(email="pat@example.org", name="Pat Participant")
    committed_db.session.commit()

    page.goto("/events/public-agenda/agenda")
    expect(page.locator("main .zone-note")).to_have_text("Times are shown in America/New_York.")
    expect(page.get_by_role("heading", level=3)).to_have_text(["Morning models", "Evening online"])

    # The browser's zone (the test browser runs in Europe/Zurich) is offered by app.js.
    page.get_by_label("Time zone").select_option("Europe/Zurich")
    page.submit(page.get_by_role("button", name="Show", exact=True))
    expect(page.locator("main .zone-note")).to_have_text(
        "Times are shown in Europe/Zurich. The event’s own time zone is America/New_York.")

    log_in(page, "pat@example.org", factories.DEFAULT_PASSWORD)
    page.goto("/events/public-agenda/agenda?tz=Europe/Zurich")
    page.submit(page.get_by_role("button", name=re.compile("^Star\\W+Ensemble forecasts, revised$")))
    expect(page.get_by_role("status")).to_have_text("Added to your agenda.")
    expect(page.get_by_role("button", name=re.compile("^Starred\\W+Ensemble forecasts, revised$"))).to_have_attribute(
        "aria-pressed", "true")

    page.follow(page.get_by_role("link", name="My agenda"))
    expect(page.get_by_role("heading", level=2)).to_have_text(["Ensemble forecasts, revised"])

    for path in (f"/events/public-agenda/agenda/sessions/{programme['morning'].id}",
                 f"/events/public-agenda/agenda/items/{programme['talk'].id}",
                 f"/events/public-agenda/agenda/speakers/{programme['ada'].id}",
                 "/events/public-agenda/agenda/releases",
                 "/events/public-agenda/agenda/releases/1",
                 "/events/public-agenda/agenda/changes",
                 "/events/public-agenda/agenda?tz=Nowhere/Atlantis"):
        page.goto(path)
    expect(page.get_by_role("alert")).to_have_text(re.compile("“Nowhere/Atlantis” is not a time zone we know"))
