"""The programme editor's time grid in Chromium, every page checked by axe-core and for CSP
violations: an organiser drags a session to another room and time, drags its resize handle,
drags a session without a time from the side panel into the grid; then does the same with the
keyboard (the "Longer"/"Shorter" buttons and the move form), and a move based on a page that
someone else's change made stale is refused with the message. Then the panel of unscheduled
items beside one day of the grid, at 1366×900: an item dragged onto a session, another placed
with the keyboard, another day chosen with its tab."""

from __future__ import annotations

import re

import sqlalchemy as sa

from conference.agenda import programme
from conference.agenda.enums import SessionKind
from conference.agenda.models import AgendaItem, AgendaSession

from .. import factories
from ..agenda.builders import at, make_programme
from .test_account_and_event_journey import expect, fresh, log_in


def placement(db, session_id) -> tuple:
    session = fresh(db).get(AgendaSession, session_id)
    return session.room_id, session.starts_at, session.ends_at


def test_organiser_moves_and_resizes_sessions_by_dragging_and_with_the_keyboard(page, live_server, committed_db):
    built = make_programme(slug="editor-grid")
    someday = programme.save_session(built.event, actor=built.organiser, title="Someday", kind=SessionKind.WORKSHOP)
    committed_db.session.commit()
    standards, talk_one = built.standards.id, built.talk_one.id
    someday_id, main, room_b, online = someday.id, built.main.id, built.room_b.id, built.online.id
    status = page.get_by_role("status")

    log_in(page, built.organiser.email, factories.DEFAULT_PASSWORD)
    page.goto("/events/editor-grid/manage/agenda")

    # Data standards (Room B, 16 March 11:00-12:30) dragged onto the online room's 14:00 slot.
    box = page.locator(f'.editor-grid .agenda-session[data-session-id="{standards}"]')
    expect(box).to_have_attribute("draggable", "true")
    with page.expect_navigation():
        box.drag_to(page.locator(f'td.grid-slot[data-room-id="{online}"][data-starts-at="2030-03-16T14:00"]'))
    page.audit()
    expect(status).to_have_text("Data standards is moved.")
    assert placement(committed_db, standards) == (online, at(1, 14), at(1, 15, 30))
    assert fresh(committed_db).get(AgendaItem, talk_one).starts_at == at(1, 14)  # its talks go with it
    expect(page.locator(f'td.grid-slot[data-room-id="{room_b}"][data-starts-at="2030-03-16T11:00"]')).to_have_count(1)

    # Its bottom edge dragged down to the 16:00 row: it now ends at 16:15.
    handle = page.locator(f'.resize-handle[data-session-id="{standards}"]')
    handle.scroll_into_view_if_needed()
    grip, row = handle.bounding_box(), page.locator('tr[data-slot-start="2030-03-16T16:00"]').bounding_box()
    page.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
    page.mouse.down()
    page.mouse.move(grip["x"] + grip["width"] / 2, row["y"] + row["height"] / 2, steps=8)
    expect(handle).to_have_text("16:15")  # the end it would get, shown while dragging
    with page.expect_navigation():
        page.mouse.up()
    page.audit()
    expect(status).to_have_text("Data standards now lasts 135 minutes.")
    assert placement(committed_db, standards) == (online, at(1, 14), at(1, 16, 15))

    # A session without a time, from the panel beside the grid onto the main hall at 12:00: as a
    # workshop, it gets two hours. An ordinary window: the panel stays beside the slot.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.locator(f'td.grid-slot[data-room-id="{main}"][data-starts-at="2030-03-16T12:00"]').scroll_into_view_if_needed()
    with page.expect_navigation():
        page.locator(f'.agenda-elsewhere [data-session-id="{someday_id}"]').drag_to(
            page.locator(f'td.grid-slot[data-room-id="{main}"][data-starts-at="2030-03-16T12:00"]'))
    page.audit()
    expect(status).to_have_text("Someday is moved.")
    assert placement(committed_db, someday_id) == (main, at(1, 12), at(1, 14))

    # The keyboard way: each session's form, its buttons named with the session's title.
    longer = page.get_by_role("button", name="Longer by 15 minutes (Data standards)")
    longer.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.audit()
    expect(status).to_have_text("Data standards now lasts 150 minutes.")
    assert placement(committed_db, standards) == (online, at(1, 14), at(1, 16, 30))
    page.get_by_role("button", name="Shorter by 15 minutes (Data standards)").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.audit()
    assert placement(committed_db, standards) == (online, at(1, 14), at(1, 16, 15))

    form = page.get_by_role("group", name="Move or resize Data standards")
    form.get_by_label("Room").select_option(label="Room B")
    form.get_by_label("Starts").fill("2030-03-17T14:00")
    form.get_by_label("Ends").fill("2030-03-17T15:30")
    form.get_by_role("button", name="Move it").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.audit()
    expect(status).to_have_text("Data standards is moved.")
    assert placement(committed_db, standards) == (room_b, at(2, 14), at(2, 15, 30))

    # Another organiser changes the session meanwhile: this page's form is refused, nothing lost.
    session = fresh(committed_db).get(AgendaSession, standards)
    session.description = "Changed by a colleague"
    committed_db.session.commit()
    with page.expect_navigation():
        page.get_by_role("button", name="Longer by 15 minutes (Data standards)").click()
    page.audit()
    expect(page.get_by_role("alert")).to_contain_text(
        "Data standards was changed by someone else meanwhile (reload to see it).")
    expect(page.get_by_role("group", name="Move or resize Data standards")).to_contain_text(
        "Data standards was changed by someone else meanwhile (reload to see it).")
    assert placement(committed_db, standards) == (room_b, at(2, 14), at(2, 15, 30))


def test_unscheduled_items_wait_in_a_panel_beside_one_day_of_the_grid(page, live_server, committed_db):
    """At 1366×900 the editor shows one day's grid with the panel of unscheduled items beside it,
    sticky: an item is dragged with the mouse onto a session in the same screen; another is
    placed with the keyboard, from its form in the panel."""
    built = make_programme(slug="editor-panel", extra_sessions=12)
    for n in range(8):  # a panel longer than the window: it scrolls on its own
        programme.save_item(built.event, actor=built.organiser, title=f"Waiting talk {n + 1}", duration=20)
    committed_db.session.commit()
    panel_id, standards = built.panel.id, built.standards.id
    status = page.get_by_role("status")
    page.set_viewport_size({"width": 1366, "height": 900})

    log_in(page, built.organiser.email, factories.DEFAULT_PASSWORD)
    page.goto("/events/editor-panel/manage/agenda")
    # One day of ten sessions, its forms and the panel: well under the 8,900 pixels of every day at once.
    assert page.evaluate("document.documentElement.scrollHeight") < 5000
    expect(page.get_by_role("navigation", name="Days of the programme").get_by_role("link", name=re.compile(
        "^Mar 16, 2030"))).to_have_attribute("aria-current", "page")

    # The panel is beside the grid, and stays in the window as the grid scrolls (sticky): the
    # session and the item are on the screen at once.
    grid, panel = page.locator(".editor-grid").bounding_box(), page.locator(".editor-panel").bounding_box()
    assert panel["x"] >= grid["x"] + grid["width"] and panel["height"] <= 900
    page.evaluate("window.scrollTo(0, document.querySelector('tr[data-slot-start=\"2030-03-16T13:00\"]')"
                  ".getBoundingClientRect().top + window.scrollY - 100)")
    assert page.evaluate("window.scrollY") > panel["y"]  # the panel's first place has scrolled away...
    assert page.locator(".editor-panel").bounding_box()["y"] == 0  # ...but the panel has stayed at the top
    target = page.locator(f'.editor-grid .agenda-session[data-session-id="{standards}"]')
    target.scroll_into_view_if_needed()
    item = page.locator(f'.agenda-unscheduled .agenda-item[data-item-id="{panel_id}"]')
    for box in (target.bounding_box(), item.bounding_box()):
        assert box["y"] >= 0 and box["y"] + min(box["height"], 40) <= 900, box
    with page.expect_navigation():
        item.drag_to(target)
    page.audit()
    expect(status).to_have_text("Panel on privacy is placed.")
    assert fresh(committed_db).get(AgendaItem, panel_id).session_id == standards
    expect(page.locator(".editor-grid .agenda-session", has_text="Panel on privacy")).to_have_count(1)

    # The keyboard way, from the panel: open the item's form, choose the session, place it.
    waiting = fresh(committed_db).scalar(sa.select(AgendaItem.id).where(AgendaItem.title == "Waiting talk 1"))
    summary = page.locator(f'.agenda-item[data-item-id="{waiting}"] summary')
    summary.focus()
    page.keyboard.press("Enter")
    form = page.get_by_role("group", name="Place Waiting talk 1", exact=True)
    form.get_by_role("combobox", name=re.compile("^Session")).select_option(label="Extra session 2 (Mar 16, 2030, 10:00)")
    form.get_by_role("button", name="Place it").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.audit()
    expect(status).to_have_text("Waiting talk 1 is placed.")
    placed = fresh(committed_db).get(AgendaItem, waiting)
    assert (placed.session_id, placed.starts_at) == (built.extra[1].id, at(1, 10, 40))  # after its two talks

    # Another day: its tab shows its grid and the forms of its sessions.
    page.follow(page.get_by_role("navigation", name="Days of the programme").get_by_role(
        "link", name=re.compile("^Mar 17, 2030")))
    expect(page.locator("#shown-day")).to_have_text("Sunday, March 17, 2030")
    expect(page.get_by_role("group", name="Move or resize Extra session 9")).to_have_count(1)
    expect(page.get_by_role("group", name="Move or resize Data standards")).to_have_count(0)
