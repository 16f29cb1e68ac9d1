"""The agenda journey end to end in Chromium, every page checked by axe-core and for CSP
violations: an organiser drags a panel into a session (the page's drag-and-drop script,
driven by the drag events; the keyboard way, a form per item, is tested elsewhere), sees the speaker clash
this makes, releases the agenda; a participant reads it in their profile's time zone, switches the
zone, stars the panel and downloads their personal calendar feed, which an independent reader
(vobject) parses."""

from __future__ import annotations

import re

import sqlalchemy as sa
import vobject

from conference.agenda import programme
from conference.agenda.enums import SessionKind
from conference.agenda.models import AgendaItem, ScheduleRelease

from .. import factories
from ..agenda.builders import at, make_programme
from .test_account_and_event_journey import expect, fresh, log_in


def test_drag_a_panel_see_the_clash_release_then_star_it_and_download_the_feed(page, new_page, live_server,
                                                                              committed_db):
    built = make_programme(slug="agenda-journey")
    event = built.event
    main = built.main
    programme.save_session(event, actor=built.organiser, title="Privacy debate", kind=SessionKind.PARALLEL,
                           room_id=main.id, starts_at=at(1, 11), ends_at=at(1, 12, 30))
    panel_id = committed_db.session.scalar(sa.select(AgendaItem.id).where(AgendaItem.title == "Panel on privacy"))
    factories.make_user(email="pat@example.org", name="Pat Participant", timezone="Asia/Tokyo")
    committed_db.session.commit()

    # The organiser drags the unscheduled panel onto the new session, with the mouse.
    log_in(page, built.organiser.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/events/{event.slug}/")
    page.follow(page.get_by_role("navigation", name="Event management").get_by_role("link", name="Agenda"))
    panel = page.locator(f'.agenda-unscheduled .agenda-item[data-item-id="{panel_id}"]')
    target = page.locator(".agenda-session", has_text="Privacy debate")
    # The HTML5 drag events, with the DataTransfer they share, as the browser sends them.
    transfer = page.evaluate_handle("() => new DataTransfer()")
    expect(panel).to_have_attribute("draggable", "true")
    panel.dispatch_event("dragstart", {"dataTransfer": transfer})
    target.dispatch_event("dragover", {"dataTransfer": transfer})
    with page.expect_navigation():
        target.dispatch_event("drop", {"dataTransfer": transfer})
    page.audit()
    assert fresh(committed_db).scalar(sa.select(AgendaItem.starts_at).where(AgendaItem.id == panel_id)) == at(1, 11)
    # Ben and Chloe give talks in the standards session at the same time: the clash is listed.
    warnings = page.locator("#warnings li[data-kind]")
    expect(warnings.filter(has_text="Ben Franklin")).not_to_have_count(0)
    expect(warnings.filter(has_text="Chloe Tanaka")).not_to_have_count(0)

    # Every form of the editor passes the checks too, empty and with an error.
    base = f"/events/{event.slug}/manage/agenda"
    for path in ("/rooms/new", "/speakers/new", "/sessions/new", "/items/new", f"/rooms/{main.id}",
                 f"/speakers/{built.ada.id}", f"/items/{panel_id}"):
        page.goto(base + path)
    page.goto(base + "/sessions/new")
    page.submit(page.locator("main form button[type=submit]").last)
    expect(page.get_by_role("alert")).to_be_focused()
    page.goto(base)

    page.get_by_label(re.compile("^Version name")).fill("First programme")
    page.submit(page.get_by_role("button", name="Release this version"))
    assert fresh(committed_db).scalar(sa.select(ScheduleRelease.name)) == "First programme"

    # A participant reads the agenda in their own zone, stars the panel and takes the feed.
    visitor = new_page()
    log_in(visitor, "pat@example.org", factories.DEFAULT_PASSWORD)
    visitor.goto(f"/events/{event.slug}/")
    visitor.follow(visitor.get_by_role("link", name="Agenda", exact=True))
    # Their profile's zone by default; a zone they choose wins, even the event's own.
    expect(visitor.locator("main .zone-note")).to_contain_text("Times are shown in Asia/Tokyo.")
    visitor.get_by_label("Time zone").select_option("Europe/Zurich")
    visitor.submit(visitor.get_by_role("button", name="Show", exact=True))
    expect(visitor.locator("main .zone-note")).to_contain_text("Times are shown in Europe/Zurich.")
    visitor.get_by_label("Time zone").select_option("Asia/Tokyo")
    visitor.submit(visitor.get_by_role("button", name="Show", exact=True))
    expect(visitor.locator("main .zone-note")).to_contain_text("Times are shown in Asia/Tokyo.")
    visitor.submit(visitor.get_by_role("button", name=re.compile(r"^Star\W+Panel on privacy$")))
    expect(visitor.get_by_role("status")).to_have_text("Added to your agenda.")
    visitor.follow(visitor.get_by_role("link", name="My calendar feed of starred entries"))
    feed_url = visitor.get_by_role("textbox").first.input_value()
    response = visitor.request.get(feed_url.replace("http://conference.test", live_server.url))
    assert response.status == 200 and response.headers["content-type"].startswith("text/calendar")
    calendar = vobject.readOne(response.text())
    [entry] = calendar.vevent_list
    assert entry.summary.value == "Panel on privacy"
    assert entry.dtstart.value == at(1, 11)
    assert "Main hall" in entry.location.value
