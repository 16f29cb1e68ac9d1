"""The public agenda pages: only released versions, every release reachable, the time-zone
switch, join links for confirmed participants only, stars, the Atom feed, query counts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from conference.extensions import db as _db
from conference.registration.enums import RegistrationState

from .. import factories
from ..conftest import login
from ..query_counting import queries_for
from ..registration.builders import add_category, open_form, register_now
from .builders import add_item, add_room, add_session, add_speaker, small_programme, store_release, utc_on

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def published(db):
    event = factories.make_event(published=True, slug="agenda-event")
    return event, small_programme(event)


def text(response) -> str:
    return response.get_data(as_text=True)


def test_unreleased_agenda_is_hidden(client, published):
    event, _programme = published
    page = text(client.get("/events/agenda-event/agenda"))
    assert "No agenda released yet" in page
    assert "Morning models" not in page
    assert client.get(f"/events/agenda-event/agenda/sessions/{_programme['morning'].id}").status_code == 404


def test_draft_event_agenda_is_404(client, db):
    event = factories.make_event(slug="draft-agenda")
    small_programme(event)
    store_release(event)
    assert client.get("/events/draft-agenda/agenda").status_code == 404


def test_draft_changes_after_release_are_not_shown_and_older_release_is_reachable(client, published):
    event, programme = published
    store_release(event)
    programme["talk"].title = "Renamed talk"
    store_release(event)
    programme["other"].title = "Draft title nobody may see"
    add_session(event, "Draft session", utc_on(event.start_date, 12), utc_on(event.start_date, 13))
    _db.session.flush()
    page = text(client.get("/events/agenda-event/agenda"))
    assert "Renamed talk" in page and "Data assimilation" in page
    assert "Draft title nobody may see" not in page and "Draft session" not in page
    first = text(client.get("/events/agenda-event/agenda/releases/1"))
    assert "Ensemble forecasts" in first and "Renamed talk" not in first
    assert "an earlier release" in first
    listing = text(client.get("/events/agenda-event/agenda/releases"))
    assert "/events/agenda-event/agenda/releases/1" in listing and "/events/agenda-event/agenda/releases/2" in listing
    assert client.get("/events/agenda-event/agenda/releases/3").status_code == 404


def test_time_zone_switch_and_unknown_zone(client, published):
    event, _programme = published
    store_release(event)
    moscow = text(client.get("/events/agenda-event/agenda?tz=Europe/Moscow"))
    assert "Times are shown in Europe/Moscow." in moscow
    assert "Times are shown in Europe/Moscow, the time zone chosen for this page." in moscow  # the footer
    assert "Continues on the next day." in moscow and "Continued from the previous day." in moscow
    assert ">23:00</time>" in moscow
    bad = client.get("/events/agenda-event/agenda?tz=Mars/Olympus")
    assert bad.status_code == 200
    page = text(bad)
    assert "“Mars/Olympus” is not a time zone we know. Times are shown in the event’s time zone, Europe/Zurich." in page
    assert "Times are shown in Europe/Zurich." in page and "Morning models" in page
    assert "Times are shown in Europe/Zurich, the event&#39;s time zone." in page  # the footer


def test_filters_and_search(client, published):
    event, programme = published
    store_release(event)
    page = text(client.get(f"/events/agenda-event/agenda?room={programme['online'].id}"))
    assert "Evening online" in page and "Morning models" not in page
    page = text(client.get("/events/agenda-event/agenda?q=kalman"))
    assert "Data assimilation" in page and "Ensemble forecasts" not in page
    page = text(client.get("/events/agenda-event/agenda?q=zzzz"))
    assert "Nothing in the agenda matches these filters." in page


class _Grids(HTMLParser):
    """The grid tables of a page: caption, then rows of cells as (tag, scope, rowspan, colspan,
    text of the cell's first link, or else of the cell)."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self._cell: dict | None = None
        self._in_caption = self._in_link = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "agenda-grid" in (attrs.get("class") or ""):
            self.tables.append({"caption": "", "rows": []})
        elif not self.tables:
            return
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td"):
            self._cell = {"tag": tag, "scope": attrs.get("scope"), "rowspan": int(attrs.get("rowspan", 1)),
                          "colspan": int(attrs.get("colspan", 1)), "text": "", "link": None}
        elif tag == "a" and self._cell is not None and self._cell["link"] is None:
            self._cell["link"], self._in_link = "", True

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag == "a":
            self._in_link = False
        elif tag in ("th", "td") and self._cell is not None:
            cell, self._cell = self._cell, None
            self.tables[-1]["rows"][-1].append((cell["tag"], cell["scope"], cell["rowspan"], cell["colspan"],
                                                (cell["text"] if cell["link"] is None else cell["link"]).strip()))

    def handle_data(self, data):
        if self._in_caption:
            self.tables[-1]["caption"] += data
        elif self._cell is not None:
            self._cell["text"] += data
            if self._in_link:
                self._cell["link"] += data


def grids(response) -> list[dict]:
    parser = _Grids()
    parser.feed(text(response))
    return parser.tables


def test_grid_view_is_an_accessible_table_per_day(client, published):
    event, _programme = published
    store_release(event)
    listing = client.get("/events/agenda-event/agenda")
    assert grids(listing) == [] and 'class="agenda-list"' in text(listing)
    response = client.get("/events/agenda-event/agenda?view=grid&tz=Europe/Moscow")
    page = text(response)
    assert 'class="agenda-list"' not in page
    first, second = grids(response)
    assert first["caption"].startswith("Sessions on ") and "(Europe/Moscow), a row every 30 minutes" in first["caption"]
    head, *rows = first["rows"]
    assert head == [("th", "col", 1, 1, "Time"), ("th", "col", 1, 1, "Main hall"),
                    ("th", "col", 1, 1, "Online room (online)")]
    assert rows[0] == [("th", "row", 1, 1, "11:00"), ("td", None, 4, 1, "Morning models"), ("td", None, 1, 1, "")]
    assert rows[1] == [("th", "row", 1, 1, "11:30"), ("td", None, 1, 1, "")]
    assert rows[-2:] == [[("th", "row", 1, 1, "23:00"), ("td", None, 1, 1, ""), ("td", None, 2, 1, "Evening online")],
                         [("th", "row", 1, 1, "23:30"), ("td", None, 1, 1, "")]]
    assert second["rows"] == [[("th", "col", 1, 1, "Time"), ("th", "col", 1, 1, "Online room (online)")],
                              [("th", "row", 1, 1, "00:00"), ("td", None, 2, 1, "Evening online")],
                              [("th", "row", 1, 1, "00:30")]]
    assert "Continues on the next day." in page and "Continued from the previous day." in page
    assert 'Late talk</a>' in page
    assert "https://meet.example.org/secret-room" not in page


def test_grid_view_keeps_the_filters_and_the_switch_keeps_them_too(client, published):
    event, programme = published
    store_release(event)
    online = programme["online"].id
    response = client.get(f"/events/agenda-event/agenda?view=grid&tz=Europe/Moscow&room={online}&q=late")
    assert [table["rows"][0] for table in grids(response)] == [
        [("th", "col", 1, 1, "Time"), ("th", "col", 1, 1, "Online room (online)")]] * 2  # 23:00 to 01:00
    page = text(response)
    assert f'href="/events/agenda-event/agenda?tz=Europe/Moscow&amp;room={online}&amp;q=late">List</a>' in page
    assert (f'href="/events/agenda-event/agenda?tz=Europe/Moscow&amp;room={online}&amp;q=late&amp;view=grid" '
            'aria-current="page">Grid</a>') in page
    assert '<input type="hidden" name="view" value="grid">' in page
    assert "Morning models" not in page
    listing = text(client.get(f"/events/agenda-event/agenda?tz=Europe/Moscow&room={online}&view=nonsense"))
    assert 'class="agenda-list"' in listing and 'name="view"' not in listing
    assert f'href="/events/agenda-event/agenda?tz=Europe/Moscow&amp;room={online}" aria-current="page">List</a>' in listing
    nothing = text(client.get("/events/agenda-event/agenda?view=grid&q=zzzz"))
    assert "Nothing in the agenda matches these filters." in nothing and "<table" not in nothing
    older = client.get("/events/agenda-event/agenda/releases/1?view=grid&day=" + event.start_date.isoformat())
    assert [row[1][4] for row in grids(older)[0]["rows"][1:] if len(row) > 1 and row[1][4]] == ["Morning models"]
    assert 'href="/events/agenda-event/agenda/releases/1?day=' in text(older)


def test_older_release_pages_offer_stars_for_entries_still_in_the_agenda(app, published):
    event, programme = published
    store_release(event)
    gone = programme["other"]
    _db.session.delete(gone)
    store_release(event)
    user = factories.make_user()
    client = login(app.test_client(), user)
    older = "/events/agenda-event/agenda/releases/1?tz=Europe/Moscow"
    page = text(client.get(older))
    talk_uid, gone_uid = f"item-{programme['talk'].id}", f"item-{gone.id}"
    assert f'name="uid" value="{talk_uid}"' in page and f'name="uid" value="{gone_uid}"' not in page
    assert "Data assimilation" in page and "(no longer in the current agenda)" in page
    assert f'name="next" value="{older}"' in page
    response = client.post("/events/agenda-event/agenda/star", data={"uid": talk_uid, "next": older})
    assert response.status_code == 302 and response.headers["Location"] == older
    page = text(client.get(older))
    assert "Added to your agenda." in page
    assert 'value="unstar"' in page and 'aria-pressed="true"' in page
    assert "Ensemble forecasts" in text(client.get("/events/agenda-event/agenda/mine"))
    refused = client.post("/events/agenda-event/agenda/star", data={"uid": gone_uid, "next": older},
                          follow_redirects=True)
    assert "This session or talk is not in the released agenda." in text(refused)
    response = client.post("/events/agenda-event/agenda/star",
                           data={"uid": talk_uid, "action": "unstar", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/events/agenda-event/agenda"
    anonymous = text(app.test_client().get(older))
    assert 'name="uid"' not in anonymous and "(no longer in the current agenda)" in anonymous


def test_session_item_and_speaker_pages(client, published):
    event, programme = published
    store_release(event)
    item = text(client.get(f"/events/agenda-event/agenda/items/{programme['talk'].id}"))
    assert "Perturbed initial conditions." in item and "Ada Lovelace" in item and "Grace Hopper" in item
    speaker = text(client.get(f"/events/agenda-event/agenda/speakers/{programme['grace'].id}"))
    assert "Ensemble forecasts" in speaker and "Data assimilation" in speaker and "Ada Lovelace" in speaker
    assert client.get("/events/agenda-event/agenda/items/999999").status_code == 404
    assert client.get("/events/agenda-event/agenda/speakers/999999").status_code == 404
    assert client.get("/events/agenda-event/agenda/sessions/999999").status_code == 404


def test_join_link_only_for_confirmed_participants(app, db):
    form = open_form(slug="joinable")
    event = form.event
    programme = small_programme(event)
    store_release(event)
    category = add_category(form)
    participant = factories.make_user(email="part@example.org")
    registration = register_now(form, category, email="part@example.org", user=participant)
    assert registration.state == RegistrationState.CONFIRMED
    other = factories.make_user()
    path = f"/events/joinable/agenda/sessions/{programme['evening'].id}"
    secret = "https://meet.example.org/secret-room"
    assert secret not in text(app.test_client().get(path))
    assert secret not in text(login(app.test_client(), other).get(path))
    assert secret in text(login(app.test_client(), participant).get(path))
    assert secret not in text(login(app.test_client(), participant).get("/events/joinable/agenda"))


def test_star_and_unstar_and_my_agenda(app, published):
    event, programme = published
    store_release(event)
    user = factories.make_user()
    client = login(app.test_client(), user)
    for uid in (f"item-{programme['talk'].id}", f"session-{programme['morning'].id}"):
        response = client.post("/events/agenda-event/agenda/star",
                               data={"uid": uid, "next": "/events/agenda-event/agenda"})
        assert response.status_code == 302 and response.headers["Location"] == "/events/agenda-event/agenda"
    clash = add_session(event, "Clashing", utc_on(event.start_date, 8), utc_on(event.start_date, 9))
    store_release(event)
    client.post("/events/agenda-event/agenda/star", data={"uid": f"session-{clash.id}"})
    mine = text(client.get("/events/agenda-event/agenda/mine"))
    assert "Ensemble forecasts" in mine and "Morning models" in mine and "Clashing" in mine
    assert "overlaps with Clashing" in mine
    assert "Data assimilation" not in mine
    client.post("/events/agenda-event/agenda/star", data={"uid": f"session-{clash.id}", "action": "unstar"})
    mine = text(client.get("/events/agenda-event/agenda/mine"))
    assert "Clashing" not in mine and "Clash:" not in mine
    bad = client.post("/events/agenda-event/agenda/star", data={"uid": "item-0"}, follow_redirects=True)
    assert "This session or talk is not in the released agenda." in text(bad)
    anonymous = app.test_client().post("/events/agenda-event/agenda/star", data={"uid": f"item-{programme['talk'].id}"})
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]


def test_changelog_page_and_atom_feed(client, published):
    event, programme = published
    store_release(event, "First")
    programme["talk"].starts_at = utc_on(event.start_date, 9)
    _db.session.delete(programme["other"])
    store_release(event, "Second")
    page = text(client.get("/events/agenda-event/agenda/changes"))
    assert "Moved:</strong> Ensemble forecasts" in page and "Cancelled:</strong> Data assimilation" in page
    response = client.get("/events/agenda-event/agenda/changes.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Version 2: Second", "Version 1: First"]
    content = entries[0].find(f"{ATOM}content").text
    assert content.splitlines()[0].startswith("Moved: Ensemble forecasts (")
    assert content.splitlines()[1].startswith("Cancelled: Data assimilation (")


def _grow(event, n: int):
    """Add ``n`` sessions, each with a talk, in a new room with one speaker."""
    room = add_room(event, "Extra room", position=5)
    speaker = add_speaker(event, "Someone Else")
    for i in range(n):
        session = add_session(event, f"Session {i}", utc_on(event.start_date, 6), utc_on(event.start_date, 7),
                              room=room, chairs=[speaker])
        add_item(session, f"Talk {i}", utc_on(event.start_date, 6), 20, speakers=[speaker])


@pytest.mark.parametrize("path", ["/events/agenda-event/agenda", "/events/agenda-event/agenda/mine",
                                  "/events/agenda-event/agenda?view=grid&tz=Europe/Moscow", "session", "older"])
def test_query_count_does_not_grow_with_the_programme(app, published, path):
    event, programme = published
    user = factories.make_user()
    client = login(app.test_client(), user)
    if path == "session":
        path = f"/events/agenda-event/agenda/sessions/{programme['morning'].id}"
    store_release(event)
    client.post("/events/agenda-event/agenda/star", data={"uid": f"item-{programme['talk'].id}"})
    if path == "older":  # an earlier release's page, with its stars, small then large
        store_release(event)
        small = queries_for(_db, client, "/events/agenda-event/agenda/releases/1")
        _grow(event, 30)
        store_release(event)
        store_release(event)
        assert "Session 29" in text(client.get("/events/agenda-event/agenda/releases/3"))
        large = queries_for(_db, client, "/events/agenda-event/agenda/releases/3")
    else:
        small = queries_for(_db, client, path)
        _grow(event, 30)
        store_release(event)
        large = queries_for(_db, client, path)
    assert small == large
