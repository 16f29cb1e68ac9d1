"""The organisers' list of submissions as a long list: pages, page size and chosen columns read
safely from the address; the query count whatever the number of submissions; setting the track
of ticked submissions (confirmation that names the count, the change through the domain, an
undo), with CSRF, permissions and tampered selections refused with a message."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from conference.cfp import setup as cfp_setup
from conference.cfp.models import Submission
from conference.cfp.web import manage_list
from conference.core.models import AuditEntry
from conference.events.enums import TeamRole
from conference.extensions import db

from .. import factories
from ..conftest import login
from ..query_counting import queries_for
from .test_manage_pages import base, flashes, get_page, make_call, make_submission


@pytest.fixture
def call(db, event, organiser):
    return make_call(event, organiser)


@pytest.fixture
def talk(db, event, organiser):
    return cfp_setup.save_submission_type(event, actor=organiser, name="Talk")


@pytest.fixture
def tracks(db, event, organiser):
    return (cfp_setup.save_track(event, actor=organiser, name="Networks"),
            cfp_setup.save_track(event, actor=organiser, name="Storage"))


def many(event, talk, track, count: int) -> list[Submission]:
    return [make_submission(event, title=f"Paper {i:03d}", type_=talk, track=track) for i in range(count)]


def listed(page: str) -> list[str]:
    return re.findall(r'/manage/submissions/([A-Z0-9]+)"', page)


def url(event, query: str = "") -> str:
    return f"{base(event)}/submissions/{query}"


# Pages, sizes, columns --------------------------------------------------------------------------------

def test_list_pages_through_the_submissions(organiser_client, event, call, talk, tracks):
    made = many(event, talk, tracks[0], 30)
    codes = sorted(s.code for s in made)
    first = get_page(organiser_client, url(event, "?size=25"))
    assert listed(first) == codes[:25] and "1–25 of 30" in first
    second = get_page(organiser_client, url(event, "?size=25&page=2"))
    assert listed(second) == codes[25:] and "26–30 of 30" in second
    assert 'aria-current="page">2</a>' in second
    # Sorting and filter links keep the page size; a new filter starts at page 1.
    assert re.search(r'href="[^"]*sort=title[^"]*size=25', html.unescape(second))
    assert '<input type="hidden" name="size" value="25">' in second
    assert 'name="page"' not in second.split('role="search"')[1].split("</form>")[0]


@pytest.mark.parametrize("query, shown, problem", [
    ("?page=abc", 50, "The page number must be a whole number from 1: showing the first page."),
    ("?page=0", 50, "The page number must be a whole number from 1: showing the first page."),
    ("?page=-3", 50, "The page number must be a whole number from 1: showing the first page."),
    ("?page=99999999999999999999999", 50, "The page number must be a whole number from 1: showing the first page."),
    ("?page=9", 10, "There are only 2 pages: showing the last one."),
    ("?size=7", 50, "Show 25, 50, 100, 200 rows per page: showing 50."),
    ("?size=ten", 50, "Show 25, 50, 100, 200 rows per page: showing 50."),
])
def test_bad_paging_arguments_are_explained_not_an_error(organiser_client, event, call, talk, tracks,
                                                         query, shown, problem):
    many(event, talk, tracks[0], 60)
    page = get_page(organiser_client, url(event, query))
    assert len(listed(page)) == shown
    assert problem in html.unescape(page)


def test_chosen_columns_show_and_are_remembered(organiser_client, event, call, talk, tracks):
    make_submission(event, title="Engines", type_=talk, track=tracks[0], keywords="cogs, gears")
    page = get_page(organiser_client, url(event))
    assert ">Authors</th>" in page and ">Keywords</th>" not in page and "cogs, gears" not in page
    page = get_page(organiser_client, url(event, "?cols=keywords&cols=bogus&cols=-"))
    assert ">Keywords</th>" in page and "cogs, gears" in page and ">Authors</th>" not in page
    assert 'value="keywords" id="col-keywords" checked' in page
    # Without ?cols the last choice stays; "-" alone shows none of the optional columns.
    page = get_page(organiser_client, url(event))
    assert ">Keywords</th>" in page and ">Authors</th>" not in page
    page = get_page(organiser_client, url(event, "?cols=-"))
    assert ">Keywords</th>" not in page and ">Authors</th>" not in page and ">Track</a>" not in page
    assert "Engines" in page


def test_filter_bar_folds_the_less_used_filters(organiser_client, event, call, talk, tracks):
    make_submission(event, type_=talk, track=tracks[0], keywords="cogs")
    bar = get_page(organiser_client, url(event)).split('role="search"')[1].split("</form>")[0]
    line, folded = bar.split("<details")
    assert 'id="field-q"' in line and 'id="field-state"' in line and 'id="field-track_id"' in line
    assert 'id="field-type_id"' in folded and 'id="field-keyword"' in folded and 'id="field-sort"' in folded
    assert folded.startswith(' class="col-auto list-more">')  # closed while none of them is set
    bar = get_page(organiser_client, url(event, "?keyword=cogs")).split('role="search"')[1]
    assert bar.split("<details")[1].startswith(' class="col-auto list-more" open>')


def test_list_runs_a_fixed_number_of_queries_over_several_pages(db, organiser_client, event, call, talk, tracks):
    many(event, talk, tracks[0], 3)
    small = queries_for(db, organiser_client, url(event, "?size=25"))
    many(event, talk, tracks[1], 60)
    assert queries_for(db, organiser_client, url(event, "?size=25")) == small
    assert queries_for(db, organiser_client, url(event, "?size=25&page=3")) == small


# Setting the track of ticked submissions -----------------------------------------------------------------

def bulk(client, event, ids, track, **extra):
    return client.post(f"{base(event)}/submissions/bulk/track",
                       data={"ids": [str(i) for i in ids], "track_id": str(track), **extra})


def tracks_of(made) -> list:
    db.session.expire_all()
    return [db.session.get(Submission, s.id).track_id for s in made]


def test_setting_the_track_asks_first_then_changes_and_undoes(organiser_client, event, call, talk, tracks):
    networks, storage = tracks
    made = many(event, talk, networks, 3) + [make_submission(event, title="Loose", type_=talk)]
    ids = [s.id for s in made]
    asked = bulk(organiser_client, event, ids, storage.id, next=url(event, "?state=submitted"))
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "Set the track of 4 submissions to Storage?" in page
    assert all(s.code in page for s in made)
    assert tracks_of(made) == [networks.id] * 3 + [None]  # nothing changed yet

    done = bulk(organiser_client, event, ids, storage.id, confirmed="yes", next=url(event, "?state=submitted"))
    assert done.status_code == 302 and done.headers["Location"].endswith("/submissions/?state=submitted")
    assert tracks_of(made) == [storage.id] * 4
    page = get_page(organiser_client, url(event))
    assert "The track of 4 submissions is now Storage." in flashes(page)
    assert "You set the track of 4 submissions to Storage." in page
    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "submission.updated",
                                                           AuditEntry.object_id.in_(ids))).all()
    assert len(audit) == 4

    undone = organiser_client.post(f"{base(event)}/submissions/bulk/track/undo")
    assert undone.status_code == 302
    assert tracks_of(made) == [networks.id] * 3 + [None]
    page = get_page(organiser_client, url(event))
    assert "Undone: 4 submissions are back in their previous track." in flashes(page)
    assert "You set the track of" not in page
    again = organiser_client.post(f"{base(event)}/submissions/bulk/track/undo")
    assert again.status_code == 302 and tracks_of(made) == [networks.id] * 3 + [None]
    assert any("nothing to undo" in f for f in flashes(get_page(organiser_client, url(event))))


def test_undo_leaves_a_submission_changed_since(organiser_client, event, call, talk, tracks, organiser):
    networks, storage = tracks
    made = many(event, talk, networks, 2)
    bulk(organiser_client, event, [s.id for s in made], storage.id, confirmed="yes")
    moved = db.session.get(Submission, made[0].id)
    moved.track_id = None  # someone edited it since
    db.session.flush()
    organiser_client.post(f"{base(event)}/submissions/bulk/track/undo")
    assert tracks_of(made) == [None, networks.id]


def test_refused_submissions_are_named_and_left_alone(organiser_client, event, organiser, talk, tracks):
    make_call(event, organiser, track_required=True)
    networks, _storage = tracks
    made = many(event, talk, networks, 2)
    bulk(organiser_client, event, [s.id for s in made], "none", confirmed="yes")
    assert tracks_of(made) == [networks.id, networks.id]
    messages = flashes(get_page(organiser_client, url(event)))
    assert f"{made[0].code}: Choose a track." in messages and f"{made[1].code}: Choose a track." in messages


@pytest.mark.parametrize("ids, message", [
    ([], "Choose at least one submission: tick the box in its row."),
    (["abc"], "The selection was damaged (one of the rows is not a number): tick the rows again."),
    (["99999999999999999999"], "The selection was damaged (one of the rows is not a number): tick the rows again."),
    (["-1"], "The selection was damaged (one of the rows is not a number): tick the rows again."),
    ([str(2**31 - 1)], "Some of the selected submissions are not of this event or no longer exist"),
    (["elsewhere"], "Some of the selected submissions are not of this event or no longer exist"),
])
def test_tampered_selections_are_refused_with_a_message(organiser_client, event, organiser, call, talk, tracks,
                                                        ids, message):
    mine = many(event, talk, tracks[0], 1)
    if ids == ["elsewhere"]:
        other = factories.make_event(organiser=organiser, slug="elsewhere")
        make_call(other, organiser)
        ids = [str(mine[0].id), str(make_submission(other, title="Theirs", submit=False).id)]
    response = bulk(organiser_client, event, ids, tracks[1].id, confirmed="yes")
    assert response.status_code == 302
    assert any(f.startswith(message) for f in flashes(get_page(organiser_client, url(event))))
    assert tracks_of(mine) == [tracks[0].id]


@pytest.mark.parametrize("track", ["abc", "", str(2**40)])
def test_a_track_not_of_the_list_is_refused(organiser_client, event, call, talk, tracks, track):
    mine = many(event, talk, tracks[0], 1)
    bulk(organiser_client, event, [mine[0].id], track, confirmed="yes")
    assert "Choose one of the tracks listed." in flashes(get_page(organiser_client, url(event)))
    assert tracks_of(mine) == [tracks[0].id]


def test_another_events_track_is_refused(organiser_client, event, call, talk, tracks, organiser):
    other = factories.make_event(organiser=organiser, slug="other")
    foreign = cfp_setup.save_track(other, actor=organiser, name="Foreign")
    mine = many(event, talk, tracks[0], 1)
    bulk(organiser_client, event, [mine[0].id], foreign.id, confirmed="yes")
    assert "Choose one of the tracks listed." in flashes(get_page(organiser_client, url(event)))
    assert tracks_of(mine) == [tracks[0].id]


def test_bulk_and_undo_need_their_csrf_token(app, organiser_client, event, call, talk, tracks, monkeypatch):
    mine = many(event, talk, tracks[0], 1)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = bulk(organiser_client, event, [mine[0].id], tracks[1].id, confirmed="yes")
    assert response.status_code in (302, 400)
    assert tracks_of(mine) == [tracks[0].id]
    page = get_page(organiser_client, url(event))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert bulk(organiser_client, event, [mine[0].id], tracks[1].id, confirmed="yes",
                csrf_token=token).status_code == 302
    assert tracks_of(mine) == [tracks[1].id]
    refused = organiser_client.post(f"{base(event)}/submissions/bulk/track/undo")
    assert refused.status_code in (302, 400) and tracks_of(mine) == [tracks[1].id]
    organiser_client.post(f"{base(event)}/submissions/bulk/track/undo", data={"csrf_token": token})
    assert tracks_of(mine) == [tracks[0].id]


@pytest.mark.parametrize("role", [None, TeamRole.REVIEWER])
def test_only_organisers_set_tracks(app, event, call, talk, tracks, role):
    mine = many(event, talk, tracks[0], 1)
    outsider = factories.make_user()
    if role is not None:
        factories.add_role(event, outsider, role)
    client = login(app.test_client(), outsider)
    assert bulk(client, event, [mine[0].id], tracks[1].id, confirmed="yes").status_code in (403, 404)
    assert client.post(f"{base(event)}/submissions/bulk/track/undo").status_code in (403, 404)
    assert tracks_of(mine) == [tracks[0].id]


def test_more_changes_than_the_undo_keeps_are_said_to_be_final(organiser_client, event, call, talk, tracks,
                                                               monkeypatch):
    monkeypatch.setattr(manage_list, "UNDO_MAX", 2)
    made = many(event, talk, tracks[0], 3)
    asked = bulk(organiser_client, event, [s.id for s in made], tracks[1].id).get_data(as_text=True)
    assert "This many changes cannot be undone from the list" in asked
    bulk(organiser_client, event, [s.id for s in made], tracks[1].id, confirmed="yes")
    assert tracks_of(made) == [tracks[1].id] * 3
    page = get_page(organiser_client, url(event))
    assert "The track of 3 submissions is now Storage." in flashes(page) and "You set the track of" not in page


def test_an_old_change_is_no_longer_offered_for_undo(organiser_client, event, call, talk, tracks, monkeypatch):
    made = many(event, talk, tracks[0], 2)
    bulk(organiser_client, event, [s.id for s in made], tracks[1].id, confirmed="yes")
    assert "You set the track of 2 submissions" in get_page(organiser_client, url(event))
    monkeypatch.setattr(manage_list, "UNDO_SECONDS", -1)  # as if the 15 minutes had passed
    assert "You set the track of" not in get_page(organiser_client, url(event))
    organiser_client.post(f"{base(event)}/submissions/bulk/track/undo")
    assert tracks_of(made) == [tracks[1].id] * 2
    assert any("nothing to undo" in f for f in flashes(get_page(organiser_client, url(event))))
