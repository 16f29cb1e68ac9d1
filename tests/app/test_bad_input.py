"""Bad input gets a clear answer, never a 500: the shared mechanisms one by one (the walk over
every route is tests/app/test_hostile_input.py). Integers beyond the INTEGER columns, text with NUL,
dates outside the accepted range (conference.core.bounds); in addresses, query strings, forms, and in
the domain for every other way in."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm

from conference import create_app
from conference.accounts.models import User
from conference.agenda import programme
from conference.agenda.models import Room
from conference.core.bounds import MAX_EVENT_DAYS
from conference.errors import DomainError, NotAllowed, ValidationFailed
from conference.events import setup as event_ops
from conference.events.models import Event
from conference.web.common import BaseForm

from .. import factories
from ..agenda.builders import make_programme
from ..conftest import make_test_config

HUGE_IDS = ["2147483648", "9223372036854775808", "99999999999999999999"]


def error_of(html: str, field: str) -> str:
    start = html.index(f'<p class="invalid-feedback d-block" id="error-{field}">')
    return html[start:html.index("</p>", start)]


def _event_form(event, **changes) -> dict:
    form = {"title": event.title, "slug": event.slug, "kind": event.kind.value, "start_date": "2030-03-10",
            "end_date": "2030-03-12", "timezone": "Europe/Zurich", "format": "virtual", "venue": "",
            "online_details": "Video", "contact_email": "events@example.org", "description": ""}
    return form | changes


# Integers ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("ident", HUGE_IDS)
def test_an_id_beyond_the_integer_columns_answers_404(organiser_client, event, ident):
    response = organiser_client.get(f"/events/{event.slug}/manage/call/types/{ident}")

    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_the_largest_id_a_column_holds_still_reaches_the_view(organiser_client, event):
    response = organiser_client.get(f"/events/{event.slug}/manage/call/types/2147483647")

    assert response.status_code == 404  # no such type: the view looked it up
    assert organiser_client.get(f"/events/{event.slug}/manage/call/types/").status_code == 200


@pytest.mark.parametrize("page", ["99999999999999999999", "2147483648", "-3", "two", ""])
def test_a_page_number_out_of_range_or_mangled_shows_the_first_page(admin_client, page):
    response = admin_client.get(f"/admin/users?page={page}")

    assert response.status_code == 200
    assert "Ada Admin" in response.get_data(as_text=True)


def test_a_number_beyond_the_column_is_refused_next_to_its_field(organiser_client, event):
    response = organiser_client.post(f"/events/{event.slug}/manage/agenda/rooms/new",
                                     data={"name": "Main hall", "capacity": "2147483648"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Enter a number no larger than 2,147,483,647." in error_of(html, "capacity")
    assert 'value="2147483648"' in html
    assert factories.db.session.scalar(sa.select(sa.func.count()).select_from(Room)) == 0


def test_a_chosen_id_beyond_the_columns_counts_as_nothing_chosen(organiser_client, event):
    response = organiser_client.get(f"/events/{event.slug}/manage/submissions/?type_id=99999999999999999999"
                                    "&track_id=2147483648")

    assert response.status_code == 200


# NUL and other characters the database cannot store ----------------------------------------------

@pytest.mark.parametrize("path", ["/tickets/AB%00CD", "/events/a%00b/", "/events/a%00b/register",
                                  "/events/x/agenda/feeds/a%00b.ics", "/invitations/%00", "/?q=%00",
                                  "/auth/login?next=/%00", "/auth/signup?invitation=a%00b"])
def test_nul_in_an_address_answers_400_with_a_page_that_says_why(client, path):
    response = client.get(path)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<h1>This address cannot be read</h1>" in html
    assert "an invisible control character" in html


def test_nul_in_the_sign_up_form_is_refused_next_to_the_field_keeping_what_was_typed(client, db):
    response = client.post("/auth/signup", data={"name": "Ada\x00Lovelace", "email": "ada@example.org",
                                                 "password": "a long enough password", "timezone": "UTC"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "invisible control character (NUL)" in error_of(html, "name")
    assert 'value="Ada\x00Lovelace"' in html and 'value="ada@example.org"' in html
    assert db.session.scalar(sa.select(User).where(User.email == "ada@example.org")) is None


def test_nul_in_an_organisers_form_is_refused_next_to_the_field(organiser_client, event, db):
    response = organiser_client.post(f"/events/{event.slug}/edit",
                                     data=_event_form(event, title="Data\x00 week", description="Fine text"))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "invisible control character (NUL)" in error_of(html, "title")
    assert 'value="Data\x00 week"' in html and "Fine text</textarea>" in html
    db.session.expire_all()
    assert db.session.get(Event, event.id).title != "Data\x00 week"


def test_the_domain_refuses_nul_from_any_other_way_in(db, event, organiser):
    with pytest.raises(DomainError) as refused:
        programme.save_room(event, actor=organiser, name="Main\x00hall")
    assert "invisible control character (NUL)" in refused.value.message

    with pytest.raises(DomainError) as refused:
        event.venue = "Hall\x00B"
    assert refused.value.field == "venue"
    with pytest.raises(DomainError) as refused:
        Room(event_id=event.id, name="Lone \udc80 surrogate")
    assert refused.value.field == "name"


def test_a_lookup_with_nul_is_refused_before_the_database(db):
    with pytest.raises(DomainError):
        db.session.scalar(sa.select(User).where(User.email == "a\x00b@example.org"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) >= 0  # the connection still works


def test_text_a_view_reads_itself_is_refused_with_a_message(organiser_client, event):
    """Starring a talk hands the request's text to the domain without a form."""
    response = organiser_client.post(f"/events/{event.slug}/agenda/star", data={"uid": "a\x00b", "action": "unstar"},
                                     follow_redirects=True)

    assert response.status_code == 200
    assert "invisible control character (NUL)" in response.get_data(as_text=True)


def test_a_refusal_no_view_catches_is_a_400_or_403_page_with_its_message(tmp_path):
    app = create_app(make_test_config(f"sqlite:///{tmp_path}/r.sqlite", tmp_path))

    @app.get("/_refused")
    def refused():
        raise DomainError("This cannot be done now.")

    @app.get("/_not_allowed")
    def not_allowed():
        raise NotAllowed("Only organisers may.")

    client = app.test_client()
    response = client.get("/_refused")
    assert response.status_code == 400 and "This cannot be done now." in response.get_data(as_text=True)
    response = client.get("/_not_allowed")
    assert response.status_code == 403 and "Only organisers may." in response.get_data(as_text=True)


def test_every_form_of_the_site_is_a_base_form(app):
    """BaseForm carries the checks above; a form on FlaskForm alone would miss them."""
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith("conference.")]
    assert len(ours) > 50
    assert [cls.__qualname__ for cls in ours if not issubclass(cls, BaseForm)] == []


# Dates ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value"), [("start_date", "0001-01-01"), ("end_date", "9999-12-31"),
                                              ("start_date", "1899-12-31"), ("end_date", "2200-01-01")])
def test_event_dates_outside_the_range_are_refused_next_to_the_field(organiser_client, event, db, field, value):
    response = organiser_client.post(f"/events/{event.slug}/edit", data=_event_form(event, **{field: value}))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Enter a date from January 1, 1900 to December 31, 2199." in error_of(html, field)
    assert f'value="{value}"' in html
    db.session.expire_all()
    assert db.session.get(Event, event.id).end_date.year < 2100


def test_a_session_at_year_one_is_refused_next_to_its_field(organiser_client, event):
    response = organiser_client.post(f"/events/{event.slug}/manage/agenda/sessions/new",
                                     data={"title": "Opening", "kind": "plenary", "starts_at": "0001-01-01T09:00",
                                           "ends_at": "0001-01-01T10:00"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Enter a date from January 1, 1900 to December 31, 2199." in error_of(html, "starts_at")
    assert 'value="0001-01-01T09:00"' in html


@pytest.mark.parametrize(("start", "end", "field"), [
    (dt.date(1, 1, 1), dt.date(1, 1, 2), "start_date"),
    (dt.date(2030, 3, 1), dt.date(9999, 12, 31), "end_date"),
    (dt.date(2030, 1, 1), dt.date(2031, 1, 2), "end_date"),  # 367 days
])
def test_the_domain_refuses_event_dates_outside_the_range_whoever_calls(db, organiser, start, end, field):
    with pytest.raises(DomainError) as refused:
        event_ops.create_event(actor=organiser, **factories.event_fields(start_date=start, end_date=end))

    # Every problem at once, by field (ValidationFailed): the wrong date's field is among them.
    assert isinstance(refused.value, ValidationFailed) and field in refused.value.errors


def test_the_longest_event_is_accepted(db, organiser):
    event = event_ops.create_event(actor=organiser, **factories.event_fields(start_date=dt.date(2030, 1, 1),
                                                                             end_date=dt.date(2031, 1, 1)))
    assert (event.end_date - event.start_date).days + 1 == MAX_EVENT_DAYS == 366


def test_the_domain_refuses_session_times_outside_the_range(db):
    p = make_programme()
    for starts_at in (dt.datetime(1, 1, 1, 9), dt.datetime(9999, 12, 31, 9, tzinfo=dt.UTC)):
        with pytest.raises(DomainError) as refused:
            programme.save_session(p.event, actor=p.organiser, title="Late", starts_at=starts_at,
                                   ends_at=starts_at + dt.timedelta(hours=1) if starts_at.year == 1 else starts_at)
        assert refused.value.field == "starts_at"
        assert "Choose a time between January 1, 1900 and December 31, 2199." in refused.value.message


def test_the_programme_of_an_event_stored_with_year_9999_dates_is_still_computed(db):
    """Stored before the range was enforced: the editor's grid and warnings work on what the
    accepted range and MAX_EVENT_DAYS keep of it."""
    from conference.agenda import programme_grid, programme_warnings

    p = make_programme()
    p.event.end_date = dt.date(9999, 12, 31)
    p.event.timezone = "America/Los_Angeles"
    db.session.flush()

    grid = programme_grid.grid(p.event, programme.sessions_of(p.event), programme.rooms_of(p.event))
    first, last = programme.event_bounds(p.event)

    assert len(grid.days) == 366 and grid.days[0].day == p.event.start_date
    assert last.date() == dt.date(2200, 1, 1)
    assert [w.kind for w in programme_warnings.warnings(p.event)].count("outside_event") == 0
