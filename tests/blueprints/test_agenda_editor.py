"""The programme editor through the HTTP path: who may use it, bad input kept on the form, a
stale version refused with the message, releasing, and a fixed number of queries per page."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from conference.enums import TeamRole
from conference.extensions import db
from conference.models import AgendaItem, AgendaSession, AuditEntry, Room, ScheduleRelease

from .. import factories
from ..conftest import login
from ..domain.agenda_helpers import at, make_programme
from ..test_query_counts import queries_for


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
    assert "Nothing released yet" in text
    assert 'src="/static/agenda-editor.js"' in text


def test_room_is_added(organiser, p):
    response = organiser.post(base(p) + "/rooms/new", data={"name": "Room C", "capacity": "30", "position": "4"})
    assert response.status_code == 302
    room = db.session.scalar(sa.select(Room).where(Room.name == "Room C"))
    assert (room.capacity, room.position, room.is_virtual) == (30, 4, False)


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
    assert "Panel on privacy (3/16/30, 12:00\u202fPM (Europe/Zurich)) is outside its session Data standards." in text


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
