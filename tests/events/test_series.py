"""Series of events: who starts and edits one, its form's bad input, choosing it in an event's
settings, its public page (past and coming editions in the viewer's zone, a fixed query count)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.errors import NotAllowed
from conference.events import series as series_ops
from conference.events.enums import SeriesFrequency
from conference.events.models import Series

from .. import factories
from ..conftest import login, reader
from ..query_counting import grow
from .test_event_pages import FORM, error_of, event_by_slug

SERIES_FORM = {"name": "Technical symposium of the task force", "slug": "technical-symposium",
               "frequency": "yearly", "description": "Held **every year**."}


def make_series(actor=None, **overrides) -> Series:
    actor = actor or factories.make_user(may_create_events=True)
    fields = {**SERIES_FORM, **overrides}
    return series_ops.create_series(actor=actor, **fields)


def test_an_event_creator_starts_a_series_with_its_translations(client, db, organiser):
    login(client, organiser)
    assert client.get("/series/new").status_code == 200
    response = client.post("/series/new", data={**SERIES_FORM, "name_translations-fr": "Symposium technique"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/series/technical-symposium/"
    series = db.session.scalar(sa.select(Series).where(Series.slug == "technical-symposium"))
    assert (series.name, series.frequency, series.created_by_id) == (SERIES_FORM["name"], SeriesFrequency.YEARLY,
                                                                     organiser.id)
    assert series.name_translations == {"fr": "Symposium technique"}
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.object_type == "Series")) == "series.created"


def test_a_user_without_the_right_may_not_start_or_edit_a_series(client, db):
    series = make_series()
    login(client, factories.make_user())
    assert client.get("/series/new").status_code == 403
    assert client.post("/series/new", data=SERIES_FORM).status_code == 403
    assert client.post(f"/series/{series.slug}/edit", data={**SERIES_FORM, "name": "Taken over"}).status_code == 403
    with pytest.raises(NotAllowed):
        series_ops.update_series(series, actor=factories.make_user(), name="Taken over")


def test_a_site_admin_edits_a_series(admin_client, db):
    series = make_series()
    response = admin_client.post(f"/series/{series.slug}/edit",
                                 data={**SERIES_FORM, "name": "Symposium", "frequency": "every_two_years"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (series.name, series.frequency) == ("Symposium", SeriesFrequency.EVERY_TWO_YEARS)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "   ", "Give the series a name."),
    ("slug", "Not A Slug", "Use lower-case letters, digits and hyphens"),
    ("slug", "taken", "Another series already uses this address."),
    ("frequency", "weekly", "Not a valid choice"),
])
def test_bad_series_input_is_refused_next_to_its_field(client, db, organiser, field, value, message):
    make_series(slug="taken")
    login(client, organiser)
    response = client.post("/series/new", data={**SERIES_FORM, field: value})
    assert response.status_code == 200
    assert message in error_of(response.get_data(as_text=True), field)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Series)) == 1


def test_an_organiser_chooses_the_series_in_the_event_settings(organiser_client, db, event):
    series = make_series()
    page = organiser_client.get(f"/events/{event.slug}/edit").get_data(as_text=True)
    assert f'<option value="{series.id}">{series.name}</option>' in page
    response = organiser_client.post(f"/events/{event.slug}/edit",
                                     data={**FORM, "slug": event.slug, "series_id": str(series.id)})
    assert response.status_code == 302
    assert event_by_slug(db, event.slug).series_id == series.id
    shown = organiser_client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert f'<a href="/series/{series.slug}/">{series.name}</a>' in shown
    organiser_client.post(f"/events/{event.slug}/edit", data={**FORM, "slug": event.slug, "series_id": ""})
    assert event_by_slug(db, event.slug).series_id is None


def test_a_series_that_does_not_exist_is_refused_in_the_settings(organiser_client, db, event):
    response = organiser_client.post(f"/events/{event.slug}/edit",
                                     data={**FORM, "slug": event.slug, "series_id": "2147483647"})
    assert response.status_code == 200
    assert "Not a valid choice" in error_of(response.get_data(as_text=True), "series_id")
    assert event_by_slug(db, event.slug).series_id is None


def test_the_series_page_lists_published_editions_past_and_coming(client, db):
    series = make_series()
    today = dt.date.today()
    past = factories.make_event(published=True, series_id=series.id, title="Symposium 2025",
                                start_date=today - dt.timedelta(days=400))
    coming = factories.make_event(published=True, series_id=series.id, title="Symposium 2027",
                                  start_date=today + dt.timedelta(days=300))
    factories.make_event(series_id=series.id, title="Draft edition", start_date=today + dt.timedelta(days=30))
    factories.make_event(published=True, title="Unrelated", start_date=today + dt.timedelta(days=30))
    page = client.get("/series/technical-symposium/").get_data(as_text=True)
    coming_part, past_part = page.split('id="past-title"')
    assert coming.title in coming_part and past.title not in coming_part
    assert past.title in past_part
    assert "Draft edition" not in page and "Unrelated" not in page
    assert "Every year" in page
    assert client.get("/series/nothing-here/").status_code == 404
    index = client.get("/").get_data(as_text=True)
    assert f'<a href="/series/technical-symposium/">{series.name}</a>' in index


def test_an_edition_ending_today_in_the_viewers_zone_is_still_coming(client, db):
    series = make_series()
    viewer = factories.make_user(timezone="Pacific/Kiritimati")  # UTC+14: its day starts first
    login(client, viewer)
    local_today = dt.datetime.now(dt.UTC).astimezone(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()
    edition = factories.make_event(published=True, series_id=series.id, title="Edition ending today",
                                   start_date=local_today, end_date=local_today)
    page = client.get(f"/series/{series.slug}/").get_data(as_text=True)
    assert edition.title in page.split('id="coming-title"')[1]
    assert 'id="past-title"' not in page


def test_the_series_page_runs_a_fixed_number_of_queries(client, db):
    series = make_series()
    organiser = factories.make_user(may_create_events=True)

    def add_edition(i):
        factories.make_event(organiser=organiser, published=True, series_id=series.id,
                             start_date=dt.date(2020 + i, 3, 1))

    small, large = grow(db, client, f"/series/{series.slug}/", add_edition, start=2, end=12)
    assert large == small


def test_the_series_page_reads_in_the_visitors_language(app, db):
    series = make_series(name_translations={"fr": "Symposium technique de l'Équipe spéciale"})
    page = reader(app, "fr").get(f"/series/{series.slug}/").get_data(as_text=True)
    assert "<h1>Symposium technique de l&#39;Équipe spéciale</h1>" in page
    assert f"<h1>{series.name}</h1>" in reader(app, "en").get(f"/series/{series.slug}/").get_data(as_text=True)
