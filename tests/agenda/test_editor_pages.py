"""The programme editor through the HTTP path: who may use it, the time grid, moving and resizing
sessions with their forms, bad input kept on the form, a stale version refused with the
message, releasing, and a fixed number of queries per page."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from conference.agenda import programme
from conference.agenda.enums import SessionKind
from conference.agenda.models import AgendaItem, AgendaSession, Room, ScheduleRelease, Speaker
from conference.core.models import AuditEntry
from conference.events.enums import TeamRole
from conference.extensions import db

from .. import factories
from ..conftest import login
from ..query_counting import queries_for
from .builders import at, make_programme


def base(p) -> str:
    return f"/events/{p.event.slug}/manage/agenda"


@pytest.fixture
def p(db):
    return make_programme()


@pytest.fixture
def organiser(app, p):
    return login(app.test_client(), p.organiser)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


GETS = ["", "/rooms/new", "/speakers/new", "/sessions/new", "/items/new"]
POSTS = ["/release", "/items/add-submissions"]


@pytest.mark.parametrize("suffix", GETS)
@pytest.mark.parametrize("role", [None, TeamRole.REVIEWER, TeamRole.TRACK_CHAIR])
def test_editor_pages_are_for_organisers_only(app, p, suffix, role):
    user = factories.make_user()
    if role is not None:
        factories.add_role(p.event, user, role)
    assert login(app.test_client(), user).get(base(p) + suffix).status_code == 403
    assert app.test_client().get(base(p) + suffix).status_code == 302  # to the log-in page
    assert login(app.test_client(), p.organiser).get(base(p) + suffix).status_code == 200


@pytest.mark.parametrize("suffix", POSTS)
def test_editor_posts_are_refused_to_others(app, p, suffix):
    reviewer = factories.make_user()
    factories.add_role(p.event, reviewer, TeamRole.REVIEWER)
    response = login(app.test_client(), reviewer).post(base(p) + suffix, data={"name": "Sneaky"})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScheduleRelease)) == 0


def test_objects_of_another_event_answer_404(app, p):
    other = make_programme()
    client = login(app.test_client(), p.organiser)
    assert client.get(f"{base(p)}/sessions/{other.opening.id}").status_code == 404
    assert client.get(f"{base(p)}/rooms/{other.main.id}").status_code == 404


def test_editor_shows_grid_unscheduled_and_warnings(organiser, p):
    text = page(organiser, base(p))
    assert '<th scope="col"><a href' in text and "Main hall" in text and "Room B" in text
    assert '<th scope="row">09:00</th>' in text and '<th scope="row">11:00</th>' in text
    assert "Panel on privacy" in text and "No warnings." in text
    # The keyboard way to place an item names each session with its day and time (the grid shows one day).
    assert f'<option value="{p.standards.id}">Data standards (Mar 16, 2030, 11:00)</option>' in text
    assert "Nothing released yet" in text
    assert 'src="/static/agenda-editor.js"' in text


def test_room_is_added(organiser, p):
    response = organiser.post(base(p) + "/rooms/new", data={"name": "Room C", "capacity": "30", "position": "4"})
    assert response.status_code == 302
    room = db.session.scalar(sa.select(Room).where(Room.name == "Room C"))
    assert (room.capacity, room.position, room.is_virtual) == (30, 4, False)


def test_speaker_is_saved_with_availability_and_shown_again(organiser, p):
    data = {"name": "Grace Hopper", "timezone": "Europe/Zurich", "availability": "2030-03-16 09:00-12:00\n\n"
            "2030-03-17 14:00 – 15:30"}
    response = organiser.post(base(p) + "/speakers/new", data=data)
    assert response.status_code == 302
    speaker = db.session.scalar(sa.select(Speaker).where(Speaker.name == "Grace Hopper"))
    # Read in the event's zone (Zurich, UTC+1 in March), stored in UTC.
    assert speaker.availability == [["2030-03-16T08:00:00+00:00", "2030-03-16T11:00:00+00:00"],
                                    ["2030-03-17T13:00:00+00:00", "2030-03-17T14:30:00+00:00"]]
    text = page(organiser, f"{base(p)}/speakers/{speaker.id}")
    assert "2030-03-16 09:00-12:00\n2030-03-17 14:00-15:30" in text


def test_session_form_errors_keep_input(organiser, p):
    data = {"title": "Late session", "kind": "parallel", "room_id": str(p.main.id),
            "starts_at": "2030-03-20T09:00", "ends_at": "2030-03-20T10:00", "description": "Kept text"}
    response = organiser.post(base(p) + "/sessions/new", data=data)
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "The event runs from March 16, 2030 to March 18, 2030 (Europe/Zurich)" in text
    assert 'value="Late session"' in text and "Kept text" in text and 'value="2030-03-20T09:00"' in text
    assert db.session.scalar(sa.select(AgendaSession).where(AgendaSession.title == "Late session")) is None


def test_session_ending_before_start_is_refused(organiser, p):
    data = {"title": "Backwards", "kind": "parallel", "starts_at": "2030-03-16T10:00", "ends_at": "2030-03-16T09:00"}
    text = html.unescape(organiser.post(base(p) + "/sessions/new", data=data).get_data(as_text=True))
    assert "The session must end after it starts." in text


def test_stale_session_edit_is_refused_with_the_message(organiser, p):
    stale = p.standards.version
    p.standards.description = "Changed by a colleague"
    db.session.flush()
    data = {"title": "Data standards II", "kind": "parallel", "room_id": str(p.room_b.id),
            "starts_at": "2030-03-16T11:00", "ends_at": "2030-03-16T12:30", "version": str(stale)}
    response = organiser.post(f"{base(p)}/sessions/{p.standards.id}", data=data)
    text = html.unescape(response.get_data(as_text=True))
    assert "Data standards was changed by someone else meanwhile (reload to see it)." in text
    assert 'value="Data standards II"' in text
    db.session.expire_all()
    assert db.session.get(AgendaSession, p.standards.id).title == "Data standards"


def test_stale_place_is_refused_with_the_message(organiser, p):
    stale = p.panel.version
    p.panel.title = "Panel on privacy law"
    db.session.flush()
    prefix = f"place-{p.panel.id}-"
    response = organiser.post(f"{base(p)}/items/{p.panel.id}/place",
                              data={prefix + "session_id": str(p.standards.id), prefix + "starts_at": "2030-03-16T12:00",
                                    prefix + "version": str(stale)})
    assert response.status_code == 422
    text = html.unescape(response.get_data(as_text=True))
    assert "Panel on privacy law was changed by someone else meanwhile (reload to see it)." in text
    db.session.expire_all()
    assert db.session.get(AgendaItem, p.panel.id).starts_at is None


def test_item_is_placed_with_the_form(organiser, p):
    prefix = f"place-{p.panel.id}-"
    response = organiser.post(f"{base(p)}/items/{p.panel.id}/place",
                              data={prefix + "session_id": str(p.standards.id), prefix + "starts_at": "2030-03-16T12:00",
                                    prefix + "version": str(p.panel.version)})
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(AgendaItem, p.panel.id)
    assert (item.session_id, item.starts_at) == (p.standards.id, at(1, 12))
    text = page(organiser, base(p))
    assert "Ben Franklin is in two places at once" not in text  # Talk one ends at 11:30
    assert "Panel on privacy (Mar 16, 2030, 12:00\u202fPM (Europe/Zurich)) is outside its session Data standards." in text


def test_item_dropped_outside_event_days_gives_a_clear_message(organiser, p):
    prefix = f"place-{p.panel.id}-"
    response = organiser.post(f"{base(p)}/items/{p.panel.id}/place",
                              data={prefix + "session_id": str(p.standards.id), prefix + "starts_at": "2030-03-19T12:00"})
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "The event runs from March 16, 2030 to March 18, 2030 (Europe/Zurich): choose a time on those days." in text
    assert 'value="2030-03-19T12:00"' in text
    db.session.expire_all()
    assert db.session.get(AgendaItem, p.panel.id).starts_at is None


def test_session_is_moved_with_its_items(organiser, p):
    prefix = f"move-{p.standards.id}-"
    response = organiser.post(f"{base(p)}/sessions/{p.standards.id}/move",
                              data={prefix + "room_id": str(p.main.id), prefix + "starts_at": "2030-03-17T14:00",
                                    prefix + "ends_at": "2030-03-17T15:30", prefix + "version": str(p.standards.version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AgendaItem, p.talk_two.id).starts_at == at(2, 14, 30)
    assert db.session.get(AgendaSession, p.standards.id).room_id == p.main.id


class GridReader(HTMLParser):
    """The editor's grid tables: per table, its rows as (time, [cell attributes with their text])."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[tuple[str, list[dict]]]] = []
        self.cell: dict | None = None
        self.in_row_header = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "editor-grid" in (attrs.get("class") or ""):
            self.tables.append([])
        elif not self.tables:
            return
        elif tag == "tr" and "data-slot-start" in attrs:
            self.tables[-1].append(("", []))
        elif tag == "th" and attrs.get("scope") == "row":
            self.in_row_header = True
        elif tag == "td" and self.tables[-1]:
            self.cell = dict(attrs, text="")
            self.tables[-1][-1][1].append(self.cell)

    def handle_endtag(self, tag):
        if tag == "table":
            self.cell = None
        elif tag == "th":
            self.in_row_header = False

    def handle_data(self, data):
        if self.in_row_header:
            time, cells = self.tables[-1][-1]
            self.tables[-1][-1] = (time + data.strip(), cells)
        elif self.cell is not None:
            self.cell["text"] += data


def grid_of(text: str) -> list[list[tuple[str, list[dict]]]]:
    reader = GridReader()
    reader.feed(text)
    return reader.tables


def move(client, p, session, **fields):
    prefix = f"move-{session.id}-"
    data = {prefix + name: value for name, value in fields.items()}
    return client.post(f"{base(p)}/sessions/{session.id}/move", data=data)


def test_editor_grid_has_a_row_per_step_sessions_spanning_rows_and_free_slots(organiser, p):
    days = grid_of(page(organiser, base(p)))
    assert len(days) == 1  # one day at a time: the first with sessions
    first = dict(days[0])
    assert (days[0][0][0], days[0][-1][0], len(days[0])) == ("09:00", "17:45", 36)
    [opening, free_b, free_online] = first["09:00"]
    assert (opening["class"], opening["rowspan"]) == ("grid-block", "6") and "Opening plenary" in opening["text"]
    assert (free_b["class"], free_b["data-room-id"], free_b["data-starts-at"]) == (
        "grid-slot", str(p.room_b.id), "2030-03-16T09:00")
    assert [c["data-room-id"] for c in first["09:15"]] == [str(p.room_b.id), str(p.online.id)]
    assert [c.get("data-starts-at") for c in first["10:30"]] == ["2030-03-16T10:30"] * 3
    standards = first["11:00"][1]
    assert standards["rowspan"] == "6" and "Data standards" in standards["text"] and "Talk two" in standards["text"]
    [second] = grid_of(page(organiser, base(p) + "?day=2030-03-17"))
    assert all(c["class"] == "grid-slot" for _time, cells in second for c in cells)


def test_sessions_without_a_time_are_listed_with_their_planned_length(organiser, p):
    programme.save_session(p.event, actor=p.organiser, title="Someday", kind=SessionKind.WORKSHOP)
    db.session.flush()
    text = page(organiser, base(p))
    someday = db.session.scalar(sa.select(AgendaSession).where(AgendaSession.title == "Someday"))
    assert f'<li class="agenda-movable" data-session-id="{someday.id}" data-minutes="120">' in text
    assert "Workshop, 120 minutes once scheduled" in text
    assert '<legend class="form-label fs-6 fw-semibold">Move or resize Someday</legend>' in text


def test_session_without_a_time_is_scheduled_with_the_move_form(organiser, p):
    someday = programme.save_session(p.event, actor=p.organiser, title="Someday")
    db.session.flush()
    response = move(organiser, p, someday, room_id=str(p.online.id), starts_at="2030-03-17T10:00",
                    ends_at="2030-03-17T11:30", version=str(someday.version))
    assert response.status_code == 302
    db.session.expire_all()
    moved = db.session.get(AgendaSession, someday.id)
    assert (moved.room_id, moved.starts_at, moved.ends_at) == (p.online.id, at(2, 10), at(2, 11, 30))


@pytest.mark.parametrize(("resize", "ends", "minutes"), [("15", (12, 45), 105), ("-15", (12, 15), 75)])
def test_session_is_made_longer_or_shorter_with_the_buttons(organiser, p, resize, ends, minutes):
    text = page(organiser, base(p))
    assert 'Longer by 15 minutes<span class="visually-hidden"> (Data standards)</span>' in text
    assert 'Shorter by 15 minutes<span class="visually-hidden"> (Data standards)</span>' in text
    response = move(organiser, p, p.standards, room_id=str(p.room_b.id), starts_at="2030-03-16T11:00",
                    ends_at="2030-03-16T12:30", version=str(p.standards.version), resize=resize)
    assert response.status_code == 302
    assert f"Data standards now lasts {minutes} minutes." in page(organiser, base(p))
    db.session.expire_all()
    session = db.session.get(AgendaSession, p.standards.id)
    assert (session.room_id, session.starts_at, session.ends_at) == (p.room_b.id, at(1, 11), at(1, *ends))


def test_stale_resize_is_refused_with_the_message(organiser, p):
    stale = p.standards.version
    p.standards.description = "Changed by a colleague"
    db.session.flush()
    response = move(organiser, p, p.standards, room_id=str(p.room_b.id), starts_at="2030-03-16T11:00",
                    ends_at="2030-03-16T12:30", version=str(stale), resize="15")
    assert response.status_code == 422
    text = html.unescape(response.get_data(as_text=True))
    assert '<p class="invalid-feedback d-block">Data standards was changed by someone else meanwhile (reload to see it).</p>' in text
    db.session.expire_all()
    assert db.session.get(AgendaSession, p.standards.id).ends_at == at(1, 12, 30)


def test_resize_past_the_last_day_is_refused_next_to_the_field(organiser, p):
    late = programme.save_session(p.event, actor=p.organiser, title="Late", room_id=p.main.id, starts_at=at(3, 23),
                                  ends_at=at(3, 23, 50))
    db.session.flush()
    response = move(organiser, p, late, room_id=str(p.main.id), starts_at="2030-03-18T23:00",
                    ends_at="2030-03-18T23:50", version=str(late.version), resize="15")
    assert response.status_code == 422
    text = html.unescape(response.get_data(as_text=True))
    assert (f'<p class="invalid-feedback d-block" id="error-move-{late.id}-starts_at"><span class="visually-hidden">Error: </span>'
            "The event runs from March 16, 2030 to March 18, 2030 (Europe/Zurich): choose a time on those days."
            ) in text
    assert 'value="2030-03-18T23:50"' in text  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(AgendaSession, late.id).ends_at == at(3, 23, 50)


def test_shorter_than_nothing_is_refused(organiser, p):
    short = programme.save_session(p.event, actor=p.organiser, title="Short", room_id=p.main.id, starts_at=at(2, 9),
                                   ends_at=at(2, 9, 15))
    db.session.flush()
    response = move(organiser, p, short, room_id=str(p.main.id), starts_at="2030-03-17T09:00",
                    ends_at="2030-03-17T09:15", version=str(short.version), resize="-15")
    assert response.status_code == 422
    assert "The session must end after it starts." in html.unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(AgendaSession, short.id).ends_at == at(2, 9, 15)


def test_release_is_made_and_listed(organiser, p):
    response = organiser.post(base(p) + "/release", data={"name": "First programme", "comment": "Hello"})
    assert response.status_code == 302
    release = db.session.scalar(sa.select(ScheduleRelease))
    assert (release.number, release.name, release.comment) == (1, "First programme", "Hello")
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "agenda.released"))
    text = page(organiser, base(p))
    assert "<td>1</td>" in text and "First programme" in text


def test_release_with_a_taken_name_keeps_the_input(organiser, p):
    organiser.post(base(p) + "/release", data={"name": "First programme"})
    response = organiser.post(base(p) + "/release", data={"name": "First programme", "comment": "Second try"})
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "A version called First programme was already released: choose another name." in text
    assert "Second try" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScheduleRelease)) == 1


def test_editor_page_runs_a_fixed_number_of_queries(app, db):
    small = make_programme(extra_sessions=1)
    large = make_programme(extra_sessions=12)
    client = login(app.test_client(), small.organiser)
    factories.add_role(large.event, small.organiser, TeamRole.ORGANISER)
    assert queries_for(db, client, base(small)) == queries_for(db, client, base(large))


def test_editor_day_view_runs_a_fixed_number_of_queries(app, db):
    small = make_programme(extra_sessions=1)
    large = make_programme(extra_sessions=20)  # sessions on every day
    client = login(app.test_client(), small.organiser)
    factories.add_role(large.event, small.organiser, TeamRole.ORGANISER)
    for day in ("2030-03-16", "2030-03-17"):
        assert queries_for(db, client, f"{base(small)}?day={day}") == queries_for(db, client, f"{base(large)}?day={day}")


def test_editor_shows_one_day_with_tabs_and_forms_for_that_day(organiser, p):
    late = programme.save_session(p.event, actor=p.organiser, title="Day two talk", room_id=p.main.id,
                                  starts_at=at(2, 14), ends_at=at(2, 15))
    db.session.flush()
    first = page(organiser, base(p))
    assert (f'<a class="nav-link active" href="{base(p)}?day=2030-03-16" aria-current="page">Mar 16, 2030 '
            '<span class="badge text-bg-secondary" aria-hidden="true">2</span>'
            '<span class="visually-hidden">, 2 sessions</span></a>') in first
    assert f'<a class="nav-link" href="{base(p)}?day=2030-03-17">Mar 17, 2030' in first
    assert "Move or resize Data standards" in first and "Move or resize Day two talk" not in first
    assert f'action="{base(p)}/sessions/{p.standards.id}/move?day=2030-03-16"' in first
    second = page(organiser, base(p) + "?day=2030-03-17")
    assert "Move or resize Day two talk" in second and "Move or resize Data standards" not in second
    assert f'data-session-id="{late.id}"' in second and f'data-session-id="{p.standards.id}"' not in second
    assert "Panel on privacy" in second  # the unscheduled items are beside every day's grid
    for asked in ("2031-01-01", "nonsense"):  # no such day: the default one
        assert grid_of(page(organiser, f"{base(p)}?day={asked}")) == grid_of(first)


def test_editor_without_sessions_shows_the_first_day(organiser, p):
    for item in (p.keynote, p.talk_one, p.talk_two):
        programme.unschedule_item(item, actor=p.organiser)
    for session in (p.opening, p.standards):
        session.starts_at = session.ends_at = None
    db.session.flush()
    text = page(organiser, base(p))
    assert f'<a class="nav-link active" href="{base(p)}?day=2030-03-16" aria-current="page">' in text


def test_a_move_goes_back_to_the_day_the_session_is_on_now(organiser, p):
    response = move(organiser, p, p.standards, room_id=str(p.main.id), starts_at="2030-03-18T14:00",
                    ends_at="2030-03-18T15:30", version=str(p.standards.version))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{base(p)}?day=2030-03-18")
    text = page(organiser, response.headers["Location"])
    assert "Move or resize Data standards" in text


def test_a_placed_item_goes_back_to_the_day_of_its_session(organiser, p):
    prefix = f"place-{p.panel.id}-"
    response = organiser.post(f"{base(p)}/items/{p.panel.id}/place?day=2030-03-17",
                              data={prefix + "session_id": str(p.standards.id), prefix + "starts_at": "",
                                    prefix + "version": str(p.panel.version)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{base(p)}?day=2030-03-16")


def test_editor_shows_tracks_with_swatch_and_name_and_a_legend(organiser, p):
    someday = programme.save_session(p.event, actor=p.organiser, title="Someday", track_id=p.privacy.id)
    db.session.flush()
    text = page(organiser, base(p))
    swatch = ('<svg class="swatch" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">'
              '<rect width="16" height="16" fill="{}" stroke="#333"/></svg>')
    legend = text[text.index('<section class="track-legend"'):]
    legend = legend[:legend.index("</section>")]
    assert f'<li><span class="track-label">{swatch.format("#0b5cab")} Data standards</span></li>' in legend
    assert f'<li><span class="track-label">{swatch.format("#7a3e00")} Privacy</span></li>' in legend
    cell = text[text.index(f'<div class="agenda-session" data-session-id="{p.standards.id}"'):]
    assert f'<span class="track-label">{swatch.format("#0b5cab")} Track: Data standards</span>' in cell[:1500]
    listed = text[text.index(f'<li class="agenda-movable" data-session-id="{someday.id}"'):]
    assert f'<span class="track-label">{swatch.format("#7a3e00")} Track: Privacy</span>' in listed[:1500]
    assert text.count('class="swatch"') == 4  # the legend's two and the two sessions': none without a name
