"""The export views: iCal feeds (public and personal), frab XML and JSON."""

from __future__ import annotations

import datetime as dt
import json

import icalendar
import pytest
import sqlalchemy as sa

from conference.agenda.enums import SessionKind
from conference.agenda.models import AgendaStar, PersonalFeed
from conference.core.models import AuditEntry

from .. import factories
from ..conftest import login
from ..query_counting import counting
from .builders import JOIN_LINK, add_session, add_talks, on_day, second_release, store_release, two_day_programme
from .frab_readers import (
    read_json_with_down_frab_videos,
    read_xml_with_schedule_convert,
)

EXPORTS = {"/agenda.ics": "text/calendar; charset=utf-8", "/schedule.xml": "application/xml; charset=utf-8",
           "/schedule.json": "application/json"}


@pytest.fixture
def event(db):
    return factories.make_event(published=True, slug="sym", timezone="Europe/Zurich", start_date=dt.date(2030, 3, 14))


def summaries(data: bytes) -> list[str]:
    return sorted(str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT"))


@pytest.mark.parametrize("path", [*EXPORTS, "/agenda.ics?track=1"])
def test_exports_404_without_a_release(client, event, path):
    two_day_programme(event)
    assert client.get(f"/events/sym{path}").status_code == 404


def test_exports_of_a_draft_event_are_hidden(client, db):
    draft = factories.make_event(slug="draft")
    two_day_programme(draft)
    store_release(draft)
    assert client.get("/events/draft/agenda.ics").status_code == 404


@pytest.mark.parametrize("path", list(EXPORTS))
def test_exports_content_types_and_cache_headers(client, event, path):
    two_day_programme(event)
    rel = store_release(event)
    response = client.get(f"/events/sym{path}")
    assert response.status_code == 200
    assert response.content_type == EXPORTS[path]
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.get_etag()[0].startswith(f"{rel.id}-")
    assert JOIN_LINK not in response.get_data(as_text=True)
    again = client.get(f"/events/sym{path}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_ical_filters_and_unknown_ids(client, event):
    p = two_day_programme(event)
    store_release(event)
    response = client.get(f"/events/sym/agenda.ics?track={p['systems'].id}")
    assert summaries(response.data) == ["Kernels"]
    assert response.headers["Content-Disposition"] == f'inline; filename="sym-track-{p["systems"].id}.ics"'
    assert summaries(client.get(f"/events/sym/agenda.ics?speaker={p['ada'].id}").data) == ["Fast solvers", "Kernels"]
    assert summaries(client.get(f"/events/sym/agenda.ics?room={p['online'].id}").data) == ["Kernels"]
    assert summaries(client.get(f"/events/sym/agenda.ics?session={p['morning'].id}").data) == [
        "Fast solvers", "Stable solvers"]
    for query in ("track=999999", "room=abc", "speaker=999999", f"track={p['systems'].id}&room={p['hall'].id}"):
        assert client.get(f"/events/sym/agenda.ics?{query}").status_code == 404, query


def test_personal_feed_shows_only_starred_entries_and_resets(app, db, event):
    p = two_day_programme(event)
    store_release(event)
    owner = factories.make_user()
    db.session.add_all([AgendaStar(user_id=owner.id, event_id=event.id, uid=f"item-{p['talk3'].id}"),
                        AgendaStar(user_id=owner.id, event_id=event.id, uid=f"session-{p['break'].id}")])
    other = factories.make_user()
    db.session.add(AgendaStar(user_id=other.id, event_id=event.id, uid=f"item-{p['talk1'].id}"))
    client = login(app.test_client(), owner)

    page = client.get("/events/sym/agenda/feeds")
    assert page.status_code == 200
    token = db.session.scalars(sa.select(PersonalFeed.token).where(PersonalFeed.user_id == owner.id)).one()
    url = f"/events/sym/agenda/feeds/{token}.ics"
    assert f'value="http://conference.test{url}"' in page.get_data(as_text=True)
    anonymous = app.test_client()
    feed = anonymous.get(url)
    assert (feed.status_code, feed.content_type) == (200, "text/calendar; charset=utf-8")
    assert feed.headers["Cache-Control"] == "private, no-store"
    assert summaries(feed.data) == ["Coffee", "Kernels"]
    assert anonymous.get(f"/events/other-slug/agenda/feeds/{token}.ics").status_code == 404

    response = client.post("/events/sym/agenda/feeds/reset")
    assert response.status_code == 302 and response.location == "/events/sym/agenda/feeds"
    new_token = db.session.scalars(sa.select(PersonalFeed.token).where(PersonalFeed.user_id == owner.id)).one()
    assert new_token != token
    assert anonymous.get(url).status_code == 404
    assert summaries(anonymous.get(f"/events/sym/agenda/feeds/{new_token}.ics").data) == ["Coffee", "Kernels"]
    assert db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.actor_id == owner.id,
                                                                  AuditEntry.action == "agenda.feed_reset")).all() == [
        "agenda.feed_reset"]


def test_feed_pages_need_a_sign_in(client, event):
    assert client.get("/events/sym/agenda/feeds").status_code == 302
    assert client.post("/events/sym/agenda/feeds/reset").status_code == 302
    assert client.get("/events/sym/agenda/feeds/not-a-token.ics").status_code == 404


def queries(db, client, path: str, *, warm: bool) -> int:
    if warm:
        assert client.get(path).status_code == 200
    db.session.expire_all()
    with counting(db) as statements:
        assert client.get(path).status_code == 200, path
    return len(statements)


def personal_path(db, event, p) -> str:
    user = factories.make_user()
    db.session.add(AgendaStar(user_id=user.id, event_id=event.id, uid=f"session-{p['morning'].id}"))
    feed = PersonalFeed(user_id=user.id, event_id=event.id, token=f"token-{user.id}")
    db.session.add(feed)
    db.session.flush()
    return f"/events/sym/agenda/feeds/{feed.token}.ics"


def test_each_export_runs_a_fixed_number_of_queries_and_uses_the_cache(client, db, event):
    p = two_day_programme(event)
    paths = [f"/events/sym{path}" for path in EXPORTS] + [
        f"/events/sym/agenda.ics?speaker={p['ada'].id}", personal_path(db, event, p)]
    store_release(event)
    cold_small = {path: queries(db, client, path, warm=False) for path in paths}
    warm_small = {path: queries(db, client, path, warm=False) for path in paths}

    add_talks(event, 25)
    store_release(event)
    cold_large = {path: queries(db, client, path, warm=False) for path in paths}
    warm_large = {path: queries(db, client, path, warm=True) for path in paths}

    assert cold_small == cold_large
    assert warm_small == warm_large
    assert all(warm_small[path] == cold_small[path] - 1 for path in paths)  # the snapshot is not even loaded


def test_a_new_release_is_served_at_once(client, event):
    p = two_day_programme(event)
    store_release(event)
    first = client.get("/events/sym/schedule.json")
    assert "Stable solvers" in json.dumps(first.json)
    second_release(event, p)
    second = client.get("/events/sym/schedule.json")
    assert second.json["schedule"]["version"] == "Version 2"
    titles = {e["title"] for day in second.json["schedule"]["conference"]["days"]
              for events in day["rooms"].values() for e in events}
    assert titles == {"Coffee", "Fast solvers", "Stable solvers, revised", "Systems"}
    assert second.headers["ETag"] != first.headers["ETag"]
    assert "CANCELLED" in client.get("/events/sym/agenda.ics").get_data(as_text=True)


def test_frab_readers_read_the_served_schedules(client, event, tmp_path):
    """What the site serves, read by two frab readers from PyPI: talks without a description, a
    break and a poster session without persons, a speaker without a bio."""
    p = two_day_programme(event)
    add_session(event, "Posters", on_day(event, 1, 8), on_day(event, 1, 9), room=p["hall"], kind=SessionKind.POSTER)
    store_release(event)
    titles = ["Coffee", "Fast solvers", "Kernels", "Posters", "Stable solvers"]

    conference = read_xml_with_schedule_convert(client.get("/events/sym/schedule.xml").data)
    assert sorted(e.title for e in conference.events) == titles
    assert {e.title: [s.name for s in e.speakers] for e in conference.events} == {
        "Coffee": [], "Fast solvers": ["Ada Lovelace"], "Kernels": ["Ada Lovelace", "Grace Hopper"], "Posters": [],
        "Stable solvers": ["Grace Hopper"]}

    pages = read_json_with_down_frab_videos(client.get("/events/sym/schedule.json").get_data(as_text=True), tmp_path)
    assert sorted(page.split("\n", 1)[0] for page in pages.values()) == titles


def _without(data: bytes, name: str) -> list[dict]:
    """Each entry's properties but ``name``: what must not change with the language."""
    return sorted(({k: v.to_ical() for k, v in e.items() if k != name} for e in
                   icalendar.Calendar.from_ical(data).walk("VEVENT")), key=lambda e: e["UID"])


def test_ical_text_the_app_writes_follows_the_language_and_the_rest_does_not(app, db, event):
    """The "Speakers:" line (the one text the app writes in a feed, a list in the language's
    form) comes in the viewer's language, each language cached and tagged apart; UIDs, times,
    status and titles do not change. frab's exports hold no text of the app's: the same bytes."""
    two_day_programme(event)
    store_release(event)
    english, french, spanish = app.test_client(), app.test_client(), app.test_client()
    french.set_cookie("language", "fr")
    spanish.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-MX,es;q=0.9"
    feeds = {}
    for language, client in (("fr", french), ("en", english), ("es", spanish), ("fr again", french)):
        feeds[language] = client.get("/events/sym/agenda.ics")
    texts = {language: response.get_data(as_text=True).replace("\r\n ", "") for language, response in feeds.items()}
    assert "Speakers: Ada Lovelace and Grace Hopper" in texts["en"] and "Intervenants" not in texts["en"]
    assert "Intervenants : Ada Lovelace et Grace Hopper" in texts["fr"] and "Speakers:" not in texts["fr"]
    assert "Ponentes: Ada Lovelace y Grace Hopper" in texts["es"]
    assert texts["fr again"] == texts["fr"]
    assert _without(feeds["fr"].data, "DESCRIPTION") == _without(feeds["en"].data, "DESCRIPTION") \
        == _without(feeds["es"].data, "DESCRIPTION")
    etags = {language: response.get_etag()[0] for language, response in feeds.items()}
    assert len({etags["en"], etags["fr"], etags["es"]}) == 3 and etags["fr again"] == etags["fr"]
    assert {"Accept-Language", "Cookie"} <= set(feeds["en"].vary)
    assert french.get("/events/sym/agenda.ics", headers={"If-None-Match": etags["en"]}).status_code == 200
    assert french.get("/events/sym/agenda.ics", headers={"If-None-Match": etags["fr"]}).status_code == 304
    for path in ("/events/sym/schedule.xml", "/events/sym/schedule.json"):
        assert french.get(path).data == english.get(path).data == spanish.get(path).data


def test_a_personal_feed_is_in_its_owners_language(app, db, event):
    p = two_day_programme(event)
    store_release(event)
    owner = factories.make_user()
    owner.language = "es"
    db.session.add(AgendaStar(user_id=owner.id, event_id=event.id, uid=f"item-{p['talk3'].id}"))
    db.session.commit()
    client = login(app.test_client(), owner)
    client.get("/events/sym/agenda/feeds")
    token = db.session.scalars(sa.select(PersonalFeed.token).where(PersonalFeed.user_id == owner.id)).one()
    french_app = app.test_client()  # a calendar app in French: the owner's language still decides
    french_app.set_cookie("language", "fr")
    feed = icalendar.Calendar.from_ical(french_app.get(f"/events/sym/agenda/feeds/{token}.ics").data)
    assert str(feed["X-WR-CALNAME"]) == f"{event.title}: mi agenda"
    assert [str(e["DESCRIPTION"]).split("\n\n")[-2] for e in feed.walk("VEVENT")] == [
        "Ponentes: Ada Lovelace y Grace Hopper"]
