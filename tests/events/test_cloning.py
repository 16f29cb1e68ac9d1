"""A new event from an earlier one: the event's own settings, tracks and team, dates moved on the
event's clock, who may, and the page's bad input. Each area's copy is tested in its folder."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.errors import NotAllowed
from conference.events import cloning
from conference.events.enums import EventStatus, TeamRole
from conference.events.models import EventRole, TeamInvitation, Track
from conference.events.series import create_series
from conference.extensions import db as _db

from .. import factories
from ..conftest import login
from .test_event_pages import error_of, event_by_slug

UTC = dt.UTC
LAST_YEAR = dt.date(2026, 3, 18)  # winter time in Zurich (UTC+1)
THIS_YEAR = dt.date(2027, 4, 7)  # summer time (UTC+2): 385 days later


def last_years_symposium(organiser):
    series = create_series(actor=organiser, name="Technical symposium", slug="technical-symposium",
                           frequency="yearly", description="")
    event = factories.make_event(organiser=organiser, published=True, title="Technical symposium 2026",
                                 slug="symposium-2026", start_date=LAST_YEAR, end_date=LAST_YEAR + dt.timedelta(days=2),
                                 timezone="Europe/Zurich", languages=["en", "fr"], venue="Geneva",
                                 description="Three days.", title_translations={"fr": "Symposium technique 2026"},
                                 description_translations={"fr": "Trois jours."}, series_id=series.id)
    return event


def add_tracks_and_team(event):
    water = Track(event_id=event.id, name="Water", colour="#112233", position=0, name_translations={"fr": "Eau"})
    energy = Track(event_id=event.id, name="Energy", position=1)
    _db.session.add_all([water, energy])
    _db.session.flush()
    reviewer = factories.make_user(name="Rita Reviewer")
    desk = factories.make_user(name="Dan Desk")
    event.roles.append(EventRole(user_id=reviewer.id, role=TeamRole.REVIEWER, max_load=4, tracks=[water]))
    event.roles.append(EventRole(user_id=desk.id, role=TeamRole.DESK))
    _db.session.add(TeamInvitation(event_id=event.id, email="pending@example.org", role=TeamRole.REVIEWER))
    _db.session.flush()
    return reviewer, desk


def clone(source, actor, **overrides):
    fields = {"title": "Technical symposium 2027", "slug": "symposium-2027", "starts_on": THIS_YEAR, **overrides}
    return cloning.clone_event(source, actor=actor, **fields)


def test_a_clone_keeps_the_settings_under_a_new_title_and_dates(db, organiser):
    source = last_years_symposium(organiser)
    target = clone(source, organiser)
    assert (target.title, target.slug, target.status) == ("Technical symposium 2027", "symposium-2027",
                                                          EventStatus.DRAFT)
    assert (target.start_date, target.end_date) == (THIS_YEAR, THIS_YEAR + dt.timedelta(days=2))
    for name in ("kind", "format", "timezone", "venue", "online_details", "contact_email", "description",
                 "default_language", "languages", "description_translations", "series_id"):
        assert getattr(target, name) == getattr(source, name), name
    assert target.title_translations == {}  # they were last year's title
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.event_id == target.id)
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["event.created", "event.cloned"]


def test_a_clone_keeps_the_tracks_and_the_team_but_not_open_invitations(db, organiser):
    source = last_years_symposium(organiser)
    reviewer, desk = add_tracks_and_team(source)
    target = clone(source, organiser)
    tracks = db.session.scalars(sa.select(Track).where(Track.event_id == target.id).order_by(Track.position)).all()
    assert [(t.name, t.colour, t.name_translations) for t in tracks] == [("Water", "#112233", {"fr": "Eau"}),
                                                                        ("Energy", "#0b5cab", {})]
    roles = {(r.user_id, r.role, r.max_load, tuple(t.name for t in r.tracks)) for r in target.roles}
    assert roles == {(organiser.id, TeamRole.ORGANISER, None, ()), (reviewer.id, TeamRole.REVIEWER, 4, ("Water",)),
                     (desk.id, TeamRole.DESK, None, ())}
    assert next(r for r in target.roles if r.user_id == reviewer.id).tracks[0].id == tracks[0].id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TeamInvitation)
                             .where(TeamInvitation.event_id == target.id)) == 0


def test_a_co_organiser_who_clones_keeps_one_organiser_role(db, organiser):
    source = last_years_symposium(organiser)
    colleague = factories.make_user(may_create_events=True)
    factories.add_role(source, colleague, TeamRole.ORGANISER)
    target = clone(source, colleague)
    assert sorted((r.user_id, r.role) for r in target.roles) == sorted(
        [(organiser.id, TeamRole.ORGANISER), (colleague.id, TeamRole.ORGANISER)])


@pytest.mark.parametrize(("moment", "expected"), [
    # Noon in Zurich in winter (11:00 UTC) is noon in Zurich in summer (10:00 UTC), 385 days later.
    (dt.datetime(2026, 3, 10, 11, 0, tzinfo=UTC), dt.datetime(2027, 3, 30, 10, 0, tzinfo=UTC)),
    # 23:59 on a summer day (21:59 UTC) becomes 23:59 on a winter day (22:59 UTC).
    (dt.datetime(2026, 10, 20, 21, 59, tzinfo=UTC), dt.datetime(2027, 11, 9, 22, 59, tzinfo=UTC)),
    (None, None),
])
def test_a_moment_moves_by_whole_days_on_the_events_clock(db, organiser, moment, expected):
    source = last_years_symposium(organiser)
    cloned = cloning.Cloned(source=source, target=source, days=(THIS_YEAR - LAST_YEAR).days, actor=organiser)
    assert cloned.shift(moment) == expected


def test_only_an_organiser_of_the_earlier_event_may_clone_it(db, organiser):
    source = last_years_symposium(organiser)
    reviewer = factories.make_user(may_create_events=True)
    factories.add_role(source, reviewer, TeamRole.REVIEWER)
    with pytest.raises(NotAllowed):
        clone(source, reviewer)
    cannot_create = factories.make_user()
    factories.add_role(source, cannot_create, TeamRole.ORGANISER)
    with pytest.raises(NotAllowed):
        clone(source, cannot_create)
    assert event_by_slug(db, "symposium-2027") is None


def test_the_page_clones_an_event_the_organiser_manages(client, db, organiser):
    source = last_years_symposium(organiser)
    factories.make_event(title="Someone else's event")
    login(client, organiser)
    page = client.get(f"/events/new/from-earlier?source={source.slug}").get_data(as_text=True)
    assert f'<option selected value="{source.slug}">' in page or f'<option value="{source.slug}" selected' in page
    assert "Someone else" not in page
    response = client.post("/events/new/from-earlier", data={"source": source.slug, "title": "Symposium 2027",
                                                             "slug": "symposium-2027", "start_date": "2027-04-07"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/events/symposium-2027/"
    target = event_by_slug(db, "symposium-2027")
    assert (target.title, target.start_date) == ("Symposium 2027", THIS_YEAR)
    settings = client.get(f"/events/{source.slug}/edit").get_data(as_text=True)
    assert f'href="/events/new/from-earlier?source={source.slug}"' in settings


def test_an_event_the_user_does_not_manage_is_not_offered(client, db, organiser):
    last_years_symposium(organiser)
    other = factories.make_event(title="Someone else's event", slug="theirs")
    login(client, organiser)
    response = client.post("/events/new/from-earlier", data={"source": other.slug, "title": "Mine",
                                                             "slug": "mine-2027", "start_date": "2027-04-07"})
    assert response.status_code == 200
    assert "Not a valid choice" in error_of(response.get_data(as_text=True), "source")
    assert event_by_slug(db, "mine-2027") is None


def test_a_user_who_may_not_create_events_gets_no_page(client, db):
    login(client, factories.make_user())
    assert client.get("/events/new/from-earlier").status_code == 403


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", "  ", "Give the event a title."),
    ("slug", "symposium-2026", "Another event already uses this address."),
    ("slug", "Bad Slug", "Use lower-case letters, digits and hyphens"),
    ("start_date", "2199-12-31", "Choose a date from"),
    ("start_date", "not a date", "Give the first day as a date."),
])
def test_bad_clone_input_is_refused_next_to_its_field(client, db, organiser, field, value, message):
    source = last_years_symposium(organiser)
    login(client, organiser)
    data = {"source": source.slug, "title": "Symposium 2027", "slug": "symposium-2027", "start_date": "2027-04-07",
            field: value}
    response = client.post("/events/new/from-earlier", data=data)
    assert response.status_code == 200
    assert message in error_of(response.get_data(as_text=True), field)
    assert event_by_slug(db, "symposium-2027") is None
