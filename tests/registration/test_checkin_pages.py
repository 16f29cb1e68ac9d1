"""Tickets and the check-in desk through HTTP: who may open what, the ticket page and its QR
code, checking in by code and from a search, undo, the live counts, and a page whose number
of queries does not grow with the event."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
import segno
import sqlalchemy as sa

from conference.accounts.models import User
from conference.core.models import AuditEntry
from conference.events.enums import TeamRole
from conference.registration import checkin
from conference.registration.enums import AttendanceMode
from conference.registration.models import Registration

from .. import factories
from ..conftest import login
from ..query_counting import queries_for
from .builders import add_category, cancelled, confirmed, make_desk, pending

AT_DOOR = dt.datetime(2030, 4, 2, 7, 14, tzinfo=dt.UTC)  # 09:14 in Zurich
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def desk(db):
    return make_desk(slug="desk")


@pytest.fixture
def organiser(app, desk):
    return login(app.test_client(), desk.organiser)


def stored(db, registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def status_text(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'role="status">(.*?)</p>', html, re.DOTALL)]


def error_of(html: str, field: str) -> str:
    start = html.index(f'<p class="invalid-feedback d-block" id="error-{field}">')
    return re.sub(r"<[^>]+>", "", html[start:html.index("</p>", start)])


# Who may open the desk -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/events/desk/manage/check-in", "/events/desk/manage/check-in/counts.json"])
def test_only_organisers_open_the_desk(app, desk, organiser, path):
    assert organiser.get(path).status_code == 200
    reviewer, participant = factories.make_user(), factories.make_user()
    factories.add_role(desk.event, reviewer, TeamRole.REVIEWER)
    confirmed(desk, "Pat Participant", email=participant.email, user=participant)
    for person in (reviewer, participant):
        assert login(app.test_client(), person).get(path).status_code == 403
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/auth/login?next=")


def test_only_organisers_check_in_or_undo(app, desk, db):
    ada = confirmed(desk, "Ada Lovelace")
    checkin.check_in(ada, actor=desk.organiser, now=AT_DOOR)
    grace = confirmed(desk, "Grace Hopper")
    reviewer = factories.make_user()
    factories.add_role(desk.event, reviewer, TeamRole.REVIEWER)
    client = login(app.test_client(), reviewer)
    assert client.post("/events/desk/manage/check-in", data={"code": grace.ticket_token}).status_code == 403
    assert client.post(f"/events/desk/manage/check-in/{ada.id}/undo").status_code == 403
    assert app.test_client().post(f"/events/desk/manage/check-in/{ada.id}/undo").status_code == 302
    assert stored(db, grace).checked_in_at is None
    assert stored(db, ada).checked_in_at == AT_DOOR


@pytest.fixture
def staff(app, desk):
    """A client of the event's check-in desk staff."""
    person = factories.make_user(name="Dana Desk")
    factories.add_role(desk.event, person, TeamRole.DESK)
    return login(app.test_client(), person)


def test_desk_staff_open_the_desk_and_check_in_and_undo(staff, desk, db):
    ada = confirmed(desk, "Ada Lovelace")
    page = staff.get("/events/desk/manage/check-in")
    assert page.status_code == 200
    assert staff.get("/events/desk/manage/check-in/counts.json").status_code == 200
    # No registration sub-navigation: its other pages are the organisers'.
    assert '<nav class="subnav" aria-label="Registration">' not in page.text
    response = staff.post("/events/desk/manage/check-in", data={"code": ada.ticket_token}, follow_redirects=True)
    assert status_text(response.text) == ["Checked in: Ada Lovelace (Member agency)"]
    assert db.session.get(User, stored(db, ada).checked_in_by_id).name == "Dana Desk"
    staff.post(f"/events/desk/manage/check-in/{ada.id}/undo")
    assert stored(db, ada).checked_in_at is None


@pytest.mark.parametrize("path", ["/events/desk/edit", "/events/desk/team", "/events/desk/manage/registrations",
                                  "/events/desk/manage/registration", "/events/desk/mail/outbox",
                                  "/events/desk/manage/agenda", "/events/desk/audit", "/events/desk/review/"])
def test_desk_staff_open_no_other_management_page(staff, path):
    assert staff.get(path).status_code == 403


def test_desk_staff_of_another_event_are_refused(app, desk):
    other = make_desk(slug="other-desk")
    person = factories.make_user()
    factories.add_role(other.event, person, TeamRole.DESK)
    assert login(app.test_client(), person).get("/events/desk/manage/check-in").status_code == 403


# The ticket ----------------------------------------------------------------------------------------------

def test_the_ticket_page_opens_with_its_token_alone(app, desk):
    ada = confirmed(desk, "Ada Lovelace", affiliation="Analytical Engines")
    response = app.test_client().get(f"/tickets/{ada.ticket_token}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = response.get_data(as_text=True)
    assert f"<h1>Ticket for {desk.event.title}</h1>" in html
    assert "<dt class=\"col-sm-3\">Participant</dt><dd class=\"col-sm-9\">Ada Lovelace</dd>" in html
    assert "<dt class=\"col-sm-3\">Category</dt><dd class=\"col-sm-9\">Member agency</dd>" in html
    assert "<dt class=\"col-sm-3\">Attending</dt><dd class=\"col-sm-9\">In person</dd>" in html
    assert "<dt class=\"col-sm-3\">Venue</dt><dd class=\"col-sm-9\">Vienna International Centre</dd>" in html
    assert f'src="/tickets/{ada.ticket_token}/qr.svg"' in html
    groups = " ".join(ada.ticket_token[i:i + 4] for i in range(0, len(ada.ticket_token), 4))
    assert f'<code class="text-body">{groups}</code>' in html
    assert "not valid" not in html


def test_an_online_participants_ticket_names_no_venue(app, desk):
    grace = confirmed(desk, "Grace Hopper", mode=AttendanceMode.ONLINE)
    html = app.test_client().get(f"/tickets/{grace.ticket_token}").get_data(as_text=True)
    assert "<dt class=\"col-sm-3\">Attending</dt><dd class=\"col-sm-9\">Online</dd>" in html
    assert "Venue" not in html


@pytest.mark.parametrize("make, state", [(cancelled, "cancelled"), (pending, "pending approval")])
def test_a_ticket_of_a_registration_not_confirmed_says_so_and_has_no_code(app, desk, make, state):
    person = make(desk, "Carl Nobody")
    client = app.test_client()
    response = client.get(f"/tickets/{person.ticket_token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"This registration is {state}, not confirmed: this ticket is not valid for entry." in html
    assert "qr.svg" not in html
    assert person.ticket_token[:4] + " " not in html
    assert client.get(f"/tickets/{person.ticket_token}/qr.svg").status_code == 404


def test_an_unknown_ticket_is_not_found(app, desk):
    ada = confirmed(desk, "Ada Lovelace")
    client = app.test_client()
    for path in (f"/tickets/{ada.ticket_token[:-1]}", f"/tickets/{ada.ticket_token[:-1]}/qr.svg",
                 "/tickets/" + "x" * 100):
        assert client.get(path).status_code == 404, path


def dark_modules(svg: ET.Element, border: int) -> set[tuple[int, int]]:
    """The dark modules drawn by segno's path: 'M x y' then runs of 'h n' and moves 'm dx dy'."""
    [path] = [p for p in svg.iter(f"{SVG}path") if p.get("stroke") == "#000"]
    x = y = 0.0
    dark = set()
    for op, args in re.findall(r"([MmHhVvZz])([^MmHhVvZz]*)", path.get("d")):
        numbers = [float(n) for n in args.replace(",", " ").split()]
        if op == "M":
            x, y = numbers
        elif op == "m":
            x, y = x + numbers[0], y + numbers[1]
        elif op == "h":
            dark |= {(int(y - .5) - border, int(x) + i - border) for i in range(int(numbers[0]))}
            x += numbers[0]
        else:
            raise AssertionError(f"unexpected path command {op}")
    return dark


def test_the_qr_code_is_an_svg_of_the_ticket_url(app, desk):
    ada = confirmed(desk, "Ada Lovelace")
    response = app.test_client().get(f"/tickets/{ada.ticket_token}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    svg = ET.fromstring(response.data)
    assert svg.tag == f"{SVG}svg"
    assert not [e for e in svg.iter() if "style" in e.attrib or e.tag == f"{SVG}style"]
    expected = segno.make(f"http://conference.test/tickets/{ada.ticket_token}", error="m")
    size = len(expected.matrix)
    assert svg.get("width") == svg.get("height") == str((size + 8) * 6)
    drawn = dark_modules(svg, border=4)
    assert drawn == {(row, col) for row in range(size) for col in range(size) if expected.matrix[row][col]}


# Checking in by code -------------------------------------------------------------------------------------

def test_checking_in_by_the_scanned_code(organiser, desk, db):
    ada = confirmed(desk, "Ada Lovelace")
    response = organiser.post("/events/desk/manage/check-in", data={"code": f" {ada.ticket_token}\n"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/events/desk/manage/check-in"
    html = organiser.get("/events/desk/manage/check-in").get_data(as_text=True)
    assert "Checked in: Ada Lovelace (Member agency)" in status_text(html)
    assert stored(db, ada).checked_in_by_id == desk.organiser.id
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.object_id == ada.id,
                                                                AuditEntry.action == "registration.checked_in"))


def test_checking_in_by_the_ticket_url_twice_says_when_and_by_whom(organiser, desk, db):
    ada = confirmed(desk, "Ada Lovelace")
    checkin.check_in(ada, actor=desk.organiser, now=AT_DOOR)
    response = organiser.post("/events/desk/manage/check-in",
                              data={"code": f"http://conference.test/tickets/{ada.ticket_token}"},
                              follow_redirects=True)
    assert "Already checked in at Apr 2, 2030, 9:14 AM by Olga Organiser: Ada Lovelace (Member agency)" in \
        status_text(response.get_data(as_text=True))
    assert stored(db, ada).checked_in_at == AT_DOOR


def test_a_second_scan_the_same_day_gives_the_time_only(organiser, desk, db):
    ada = confirmed(desk, "Ada Lovelace")
    organiser.post("/events/desk/manage/check-in", data={"code": ada.ticket_token})
    html = organiser.post("/events/desk/manage/check-in", data={"code": ada.ticket_token},
                          follow_redirects=True).get_data(as_text=True)
    [message] = [m for m in status_text(html) if m.startswith("Already")]
    assert re.fullmatch(r"Already checked in at \d{1,2}:\d\d [AP]M by Olga Organiser: "
                        r"Ada Lovelace \(Member agency\)", message)


@pytest.mark.parametrize("code, message", [
    ("nothing-like-a-ticket", "No confirmed registration with this code."),
    ("", "Type or scan the code on the ticket."),
])
def test_a_wrong_code_is_shown_next_to_the_field_and_kept(organiser, desk, code, message):
    response = organiser.post("/events/desk/manage/check-in", data={"code": code})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert error_of(html, "code") == f"Error: {message}"
    assert f'value="{code}"' in html if code else 'name="code" ' in html


def test_a_cancelled_ticket_is_refused_by_name(organiser, desk, db):
    carl = cancelled(desk, "Carl Cancelled")
    html = organiser.post("/events/desk/manage/check-in", data={"code": carl.ticket_token}).get_data(as_text=True)
    assert error_of(html, "code") == ("Error: Carl Cancelled cannot be checked in: their registration is cancelled, "
                                      "not confirmed.")
    assert stored(db, carl).checked_in_at is None


def test_a_ticket_of_another_event_is_not_found(organiser, desk, db):
    stranger = confirmed(make_desk(), "Grace Elsewhere")
    html = organiser.post("/events/desk/manage/check-in", data={"code": stranger.ticket_token}).get_data(as_text=True)
    assert error_of(html, "code") == "Error: No confirmed registration with this code."
    assert stored(db, stranger).checked_in_at is None


# Searching and undoing -----------------------------------------------------------------------------------

def test_search_by_name_lists_confirmed_people_with_a_check_in_button(organiser, desk, db):
    ada = confirmed(desk, "Ada Lovelace")
    adam = confirmed(desk, "Adam Smith")
    cancelled(desk, "Ada Cancelled")
    checkin.check_in(adam, actor=desk.organiser, now=AT_DOOR)
    # Babel puts a narrow no-break space before AM and PM.
    html = organiser.get("/events/desk/manage/check-in?q=ADA").get_data(as_text=True).replace("\u202f", " ")
    assert "Confirmed registrations matching “ADA”" in html
    rows = re.findall(r'<th scope="row">([^<]+)</th>', html.split("Confirmed registrations matching")[1]
                      .split("</table>")[0])
    assert rows == ["Ada Lovelace", "Adam Smith"]
    assert f'<input type="hidden" name="code" value="{ada.ticket_token}">' in html
    assert f'value="{adam.ticket_token}"' not in html
    assert "Checked in at Apr 2, 2030, 9:14 AM" in html
    assert organiser.get("/events/desk/manage/check-in?q=zzz").get_data(as_text=True).count(
        "No confirmed registration matches “zzz”.") == 1


def test_undo_takes_back_a_check_in(organiser, desk, db):
    ada = confirmed(desk, "Ada Lovelace")
    checkin.check_in(ada, actor=desk.organiser, now=AT_DOOR)
    html = organiser.get("/events/desk/manage/check-in").get_data(as_text=True)
    assert "Undo<span class=\"visually-hidden\"> the check-in of Ada Lovelace</span>" in html
    response = organiser.post(f"/events/desk/manage/check-in/{ada.id}/undo", follow_redirects=True)
    assert "The check-in of Ada Lovelace is undone." in status_text(response.get_data(as_text=True))
    assert stored(db, ada).checked_in_at is None
    again = organiser.post(f"/events/desk/manage/check-in/{ada.id}/undo", follow_redirects=True)
    assert "Ada Lovelace is not checked in." in again.get_data(as_text=True)


def test_undo_of_another_events_registration_is_not_found(organiser, desk, db):
    stranger = confirmed(make_desk(), "Grace Elsewhere")
    assert organiser.post(f"/events/desk/manage/check-in/{stranger.id}/undo").status_code == 404


# Counts ------------------------------------------------------------------------------------------------

def test_counts_json(organiser, desk, db):
    ada = confirmed(desk, "Ada Lovelace")
    confirmed(desk, "Grace Hopper", mode=AttendanceMode.ONLINE)
    checkin.check_in(ada, actor=desk.organiser)
    response = organiser.get("/events/desk/manage/check-in/counts.json")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.get_json() == {
        "categories": [
            {"id": desk.members.id, "name": "Member agency", "mode": "in_person", "confirmed": 1, "checked_in": 1},
            {"id": desk.members.id, "name": "Member agency", "mode": "online", "confirmed": 1, "checked_in": 0},
            {"id": desk.observers.id, "name": "Observer", "mode": "in_person", "confirmed": 0, "checked_in": 0},
            {"id": desk.observers.id, "name": "Observer", "mode": "online", "confirmed": 0, "checked_in": 0},
        ],
        "modes": [{"mode": "in_person", "confirmed": 1, "checked_in": 1},
                  {"mode": "online", "confirmed": 1, "checked_in": 0}],
        "total": {"confirmed": 2, "checked_in": 1},
    }


def test_the_desk_shows_the_counts_table(organiser, desk, db):
    ada = confirmed(desk, "Ada Lovelace")
    checkin.check_in(ada, actor=desk.organiser)
    html = organiser.get("/events/desk/manage/check-in").get_data(as_text=True)
    row = html[html.index(f'<tr data-row="{desk.members.id}-in_person">'):]
    row = row[:row.index("</tr>")]
    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() == "Member agency In person 1 1"
    total = html[html.index('<tr data-row="total">'):]
    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", total[:total.index("</tr>")])).strip() == "Total 1 1"
    assert '<script src="/static/checkin.js" defer></script>' in html


def test_the_desk_runs_the_same_queries_for_few_and_many_registrations(organiser, desk, db):
    path = "/events/desk/manage/check-in?q=person"

    def add(n):
        for i in range(n):
            # Each in a category of their own, so a lazy load per row would show.
            category = add_category(desk.form, f"Category {len(desk.form.categories)}")
            person = confirmed(desk, f"Person {i}", category=category,
                               mode=(AttendanceMode.IN_PERSON, AttendanceMode.ONLINE)[i % 2])
            if i % 3 == 0:
                checkin.check_in(person, actor=desk.organiser)
        db.session.flush()

    add(3)
    small = queries_for(db, organiser, path)
    add(17)
    assert queries_for(db, organiser, path) == small
