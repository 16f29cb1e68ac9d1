"""The pages about one session, talk or speaker read only what they show: their queries do not
grow with the programme, a warm request does not read the release's snapshot (the process keeps
the release indexed, agenda.release_cache), and what they show is what the whole agenda shows."""

from __future__ import annotations

import pytest
from flask import current_app

from conference.agenda import public as agenda_public
from conference.agenda import release_cache
from conference.extensions import db as _db

from .. import factories
from ..conftest import login
from ..query_counting import counting
from .builders import (
    add_item,
    add_room,
    add_session,
    add_speaker,
    second_release,
    small_programme,
    store_release,
    two_day_programme,
    utc_on,
)

SLUG = "entry-scale"
SNAPSHOT_COLUMN = "schedule_release.snapshot"


@pytest.fixture
def published(db):
    event = factories.make_event(published=True, slug=SLUG)
    return event, small_programme(event)


def _add_talks(event, first: int, last: int) -> None:
    """Talks ``first`` to ``last - 1``, each by a speaker of its own, in sessions of their own, in
    a room of their own (one more each time this is called)."""
    room = add_room(event, f"Extra room {first}", position=5)
    for n in range(first, last):
        session = add_session(event, f"Session {n}", utc_on(event.start_date, 6), utc_on(event.start_date, 7),
                              room=room)
        add_item(session, f"Talk {n}", utc_on(event.start_date, 6), 20, speakers=[add_speaker(event, f"Speaker {n}")])


def _paths(programme) -> dict[str, str]:
    base = f"/events/{SLUG}/agenda"
    return {"talk": f"{base}/items/{programme['talk'].id}", "session": f"{base}/sessions/{programme['morning'].id}",
            "speaker": f"{base}/speakers/{programme['grace'].id}",
            "talk in Tokyo": f"{base}/items/{programme['late'].id}?tz=Asia/Tokyo"}


def _statements(client, path: str) -> list[str]:
    _db.session.expire_all()
    with counting(_db) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return list(statements)


def _measure(client, paths) -> dict[str, tuple[int, int]]:
    """Per page: the statements of a cold request (this process's index emptied) and of a warm one,
    and that only the cold one read the snapshot."""
    found = {}
    for label, path in paths.items():
        current_app.extensions.pop("agenda_release_cache", None)
        cold = _statements(client, path)
        warm = _statements(client, path)
        assert sum(SNAPSHOT_COLUMN in s for s in cold) == 1, (label, cold)
        assert not any(SNAPSHOT_COLUMN in s for s in warm), (label, warm)
        found[label] = (len(cold), len(warm))
    return found


def test_entry_pages_cost_the_same_at_10_and_200_talks(app, published):
    event, programme = published
    user = factories.make_user()
    client = login(app.test_client(), user)
    _add_talks(event, 0, 10)
    release = store_release(event)
    client.post(f"/events/{SLUG}/agenda/star", data={"uid": f"item-{programme['talk'].id}"})
    assert len(release.snapshot["items"]) == 13
    small = _measure(client, _paths(programme))
    _add_talks(event, 10, 200)
    release = store_release(event)
    assert len(release.snapshot["items"]) == 203
    large = _measure(client, _paths(programme))
    assert small == large
    # And a visitor's: no stars, no join links to check, the same few statements.
    anonymous = app.test_client()
    assert _measure(anonymous, _paths(programme)) == _measure(anonymous, _paths(programme))


def test_a_new_release_is_read_at_once_and_the_cache_stays_small(app, db):
    event = factories.make_event(published=True, slug=SLUG)
    p = two_day_programme(event)
    store_release(event)
    client = app.test_client()
    talk2, talk3 = f"/events/{SLUG}/agenda/items/{p['talk2'].id}", f"/events/{SLUG}/agenda/items/{p['talk3'].id}"
    assert client.get(talk3).status_code == 200
    assert "<h1>Stable solvers</h1>" in client.get(talk2).get_data(as_text=True)
    second_release(event, p)  # talk 2 renamed, talk 3 removed (cancelled in the snapshot)
    assert "<h1>Stable solvers, revised</h1>" in client.get(talk2).get_data(as_text=True)
    assert client.get(talk3).status_code == 404
    speaker = client.get(f"/events/{SLUG}/agenda/speakers/{p['ada'].id}").get_data(as_text=True)
    assert "Fast solvers" in speaker and "Kernels" not in speaker
    for _ in range(release_cache.CACHE_SIZE + 2):
        store_release(event)
        assert client.get(talk2).status_code == 200
    assert len(current_app.extensions["agenda_release_cache"]) <= release_cache.CACHE_SIZE


@pytest.mark.parametrize("zone", ["Europe/Zurich", "Pacific/Kiritimati", "America/Los_Angeles"])
@pytest.mark.parametrize("language", [None, "fr"])
def test_each_entry_is_the_one_the_whole_agenda_shows(db, zone, language):
    """Every session, item and speaker read from the index equals the whole view model's, a
    cancelled entry (talk 3, removed by the second release) included: neither shows it."""
    event = factories.make_event(published=True, slug=SLUG)
    p = two_day_programme(event)
    store_release(event)
    snapshot = second_release(event, p).snapshot
    indexed = release_cache.index(snapshot)
    agenda = agenda_public.view_model(snapshot, tz=zone, language=language)
    assert agenda.sessions and agenda.items
    for raw in snapshot["sessions"]:
        assert agenda_public.session_view(indexed, raw["id"], tz=zone, language=language) == \
            agenda.sessions.get(raw["uid"])
    for raw in snapshot["items"]:
        expected = agenda.items.get(raw["uid"])
        found = agenda_public.item_view(indexed, raw["id"], tz=zone, language=language)
        assert (found[0] if found else None) == expected
        if expected is not None:
            assert found[1] == agenda.sessions.get(expected.session_uid)
    assert agenda_public.item_view(indexed, p["talk3"].id, tz=zone, language=language) is None
    for raw in snapshot["speakers"]:
        entries = agenda_public.speaker_entries(agenda, raw["id"])
        found = agenda_public.speaker_view(indexed, raw["id"], tz=zone, language=language)
        assert found == ((agenda.speakers[raw["id"]], entries) if entries else None)
