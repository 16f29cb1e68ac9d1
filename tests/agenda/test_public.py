"""The public agenda over a release's snapshot: time zones and the midnight split, filters,
search, clashes, stars across releases, and who sees the join links."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.accounts.models import AnonymousUser, User
from conference.agenda import public as agenda_public
from conference.agenda import releases
from conference.errors import InvalidState
from conference.events.enums import TeamRole
from conference.extensions import db
from conference.registration import registrations as registration_ops
from conference.registration.enums import RegistrationState

from .. import factories
from ..registration.builders import add_category, open_form, register_now
from .builders import add_room, add_session, small_programme, store_release, utc_on


@pytest.fixture
def programme(db, event):
    return small_programme(event)


def titles(agenda):
    return [(d.date, [(e.title, [i.title for i in e.items]) for e in d.entries]) for d in agenda.days]


def test_view_model_in_the_event_zone_groups_by_local_day(event, programme):
    snapshot = store_release(event).snapshot
    agenda = agenda_public.view_model(snapshot, tz="Europe/Zurich")
    day = event.start_date
    assert titles(agenda) == [(day, [("Morning models", ["Ensemble forecasts", "Data assimilation"]),
                                     ("Evening online", ["Late talk"])])]
    morning = agenda.days[0].entries[0]
    offset = morning.start.utcoffset()
    assert offset in (dt.timedelta(hours=1), dt.timedelta(hours=2))
    assert morning.start.hour == 8 + offset.seconds // 3600
    assert [s["name"] for s in morning.items[0].speakers] == ["Ada Lovelace", "Grace Hopper"]
    assert [s["name"] for s in morning.speakers] == ["Alan Turing"]
    assert morning.room["name"] == "Main hall" and morning.track["name"] == "Numerics"
    assert (morning.continued, morning.continues) == (False, False)


def test_a_session_crossing_midnight_in_the_viewer_zone_appears_on_both_days(event, programme):
    snapshot = store_release(event).snapshot
    agenda = agenda_public.view_model(snapshot, tz="Europe/Moscow")  # UTC+3: 20-22 UTC is 23:00-01:00
    day, next_day = event.start_date, event.start_date + dt.timedelta(days=1)
    assert titles(agenda) == [(day, [("Morning models", ["Ensemble forecasts", "Data assimilation"]),
                                     ("Evening online", [])]),
                              (next_day, [("Evening online", ["Late talk"])])]
    first, second = agenda.days[0].entries[1], agenda.days[1].entries[0]
    assert (first.continued, first.continues) == (False, True)
    assert (second.continued, second.continues) == (True, False)
    assert (first.start.hour, first.end.hour) == (23, 1)
    assert agenda.all_days == [day, next_day]
    only_second = agenda_public.view_model(snapshot, tz="Europe/Moscow", day=next_day)
    assert titles(only_second) == [(next_day, [("Evening online", ["Late talk"])])]


def test_a_session_ending_at_midnight_stays_on_its_day(event, programme):
    add_session(event, "Until midnight", utc_on(event.start_date, 22),
                utc_on(event.start_date + dt.timedelta(days=1), 0))
    agenda = agenda_public.view_model(store_release(event).snapshot, tz="UTC")
    assert [[e.title for e in d.entries] for d in agenda.days] == [
        ["Morning models", "Evening online", "Until midnight"]]


def test_filters_by_track_and_room(event, programme):
    snapshot = store_release(event).snapshot
    by_track = agenda_public.view_model(snapshot, tz="UTC", track_id=programme["track"].id)
    assert [e.title for d in by_track.days for e in d.entries] == ["Morning models"]
    by_room = agenda_public.view_model(snapshot, tz="UTC", room_id=programme["online"].id)
    assert [e.title for d in by_room.days for e in d.entries] == ["Evening online"]
    assert by_room.all_days == [event.start_date]  # the day choice does not shrink with the filter


@pytest.mark.parametrize(("q", "expected"), [
    ("kalman", [("Morning models", ["Data assimilation"])]),  # an abstract
    ("ADA LOVELACE", [("Morning models", ["Ensemble forecasts"])]),  # a speaker, any case
    ("atmosphere", [("Morning models", ["Ensemble forecasts", "Data assimilation"])]),  # the session itself
    ("late", [("Evening online", ["Late talk"])]),  # a title
    ("nothing like this", []),
])
def test_search_over_titles_abstracts_and_speakers(event, programme, q, expected):
    agenda = agenda_public.view_model(store_release(event).snapshot, tz="UTC", q=q)
    assert [(e.title, [i.title for i in e.items]) for d in agenda.days for e in d.entries] == expected


def test_cancelled_entries_leave_the_agenda_and_enter_the_changelog(event, programme):
    store_release(event)
    db.session.delete(programme["other"])
    programme["talk"].starts_at = utc_on(event.start_date, 9)
    store_release(event)
    agenda = agenda_public.view_model(releases.latest_release(event).snapshot, tz="UTC")
    assert f"item-{programme['other'].id}" not in agenda.items
    assert [i.title for i in agenda.days[0].entries[0].items] == ["Ensemble forecasts"]
    second, first = agenda_public.changelog_entries(event, tz="UTC")
    assert [(c.kind, c.entry.title) for c in second.changes] == [
        ("moved", "Ensemble forecasts"), ("cancelled", "Data assimilation")]
    moved = second.changes[0]
    assert (moved.previous.start.hour, moved.entry.start.hour) == (8, 9)
    assert first.release.number == 1 and {c.kind for c in first.changes} == {"new"}
    assert len(first.changes) == 5


def layout(grid_day):
    """A grid day as (row time, [(title, rowspan) or None for an empty slot, left to right])."""
    return [(row.start.strftime("%H:%M"), [(c.entry.title, c.rowspan) if c.entry else None for c in row.cells])
            for row in grid_day.rows]


def test_grid_has_a_column_per_room_and_a_row_per_step(event, programme):
    days = agenda_public.grid(agenda_public.view_model(store_release(event).snapshot, tz="UTC"))
    assert [d.date for d in days] == [event.start_date]
    day = days[0]
    assert (day.step, [(c.room["name"], c.lanes) for c in day.columns]) == (30, [("Main hall", 1), ("Online room", 1)])
    rows = layout(day)
    assert len(rows) == 28  # 08:00 to 22:00
    assert rows[:5] == [("08:00", [("Morning models", 4), None]), ("08:30", [None]), ("09:00", [None]),
                        ("09:30", [None]), ("10:00", [None, None])]
    assert rows[24:] == [("20:00", [None, ("Evening online", 4)]), ("20:30", [None]), ("21:00", [None]),
                         ("21:30", [None])]
    morning = day.rows[0].cells[0].entry
    assert [i.title for i in morning.items] == ["Ensemble forecasts", "Data assimilation"]
    assert all(row.start.tzinfo is not None and row.start.utcoffset() == dt.timedelta(0) for row in day.rows)


def test_grid_splits_a_session_crossing_midnight_in_the_viewer_zone(event, programme):
    days = agenda_public.grid(agenda_public.view_model(store_release(event).snapshot, tz="Europe/Moscow"))
    first, second = days
    assert (first.date, second.date) == (event.start_date, event.start_date + dt.timedelta(days=1))
    rows = layout(first)
    assert (rows[0], rows[-2:]) == (("11:00", [("Morning models", 4), None]),
                                    [("23:00", [None, ("Evening online", 2)]), ("23:30", [None])])
    assert len(rows) == 26  # 11:00 to midnight: the evening's second hour belongs to the next day
    assert first.rows[-2].cells[1].entry.continues and not first.rows[-2].cells[1].entry.continued
    assert [c.room["name"] for c in second.columns] == ["Online room"]
    assert layout(second) == [("00:00", [("Evening online", 2)]), ("00:30", [])]
    evening = second.rows[0].cells[0].entry
    assert evening.continued and not evening.continues
    assert [i.title for i in evening.items] == ["Late talk"]


def test_grid_follows_the_filters(event, programme):
    snapshot = store_release(event).snapshot
    by_room = agenda_public.grid(agenda_public.view_model(snapshot, tz="UTC", room_id=programme["online"].id))
    assert [[c.room["name"] for c in d.columns] for d in by_room] == [["Online room"]]
    assert layout(by_room[0]) == [("20:00", [("Evening online", 4)]), ("20:30", []), ("21:00", []), ("21:30", [])]
    searched = agenda_public.grid(agenda_public.view_model(snapshot, tz="UTC", q="kalman"))
    assert [i.title for i in searched[0].rows[0].cells[0].entry.items] == ["Data assimilation"]
    assert agenda_public.grid(agenda_public.view_model(snapshot, tz="UTC", q="nothing like this")) == []
    next_day = agenda_public.grid(agenda_public.view_model(snapshot, tz="Europe/Moscow",
                                                           day=event.start_date + dt.timedelta(days=1)))
    assert [(d.date, layout(d)) for d in next_day] == [
        (event.start_date + dt.timedelta(days=1), [("00:00", [("Evening online", 2)]), ("00:30", [])])]


def test_grid_rounds_off_step_times_and_puts_overlaps_in_lanes(event):
    day = event.start_date
    hall = add_room(event, "Hall", position=0)
    add_room(event, "Unused", position=1)
    add_session(event, "Posters A", utc_on(day, 9), utc_on(day, 10), room=hall)
    add_session(event, "Posters B", utc_on(day, 9, 30), utc_on(day, 10, 10), room=hall)
    add_session(event, "Late start", utc_on(day, 10, 15), utc_on(day, 10, 30), room=hall)
    add_session(event, "Roomless", utc_on(day, 9), utc_on(day, 9, 15))
    days = agenda_public.grid(agenda_public.view_model(store_release(event).snapshot, tz="UTC"))
    grid_day = days[0]
    assert grid_day.step == 15  # 10:10 and 10:15 are off the half hours
    assert [(c.room and c.room["name"], c.lanes) for c in grid_day.columns] == [("Hall", 2), (None, 1)]
    assert layout(grid_day) == [
        ("09:00", [("Posters A", 4), None, ("Roomless", 1)]),
        ("09:15", [None, None]),
        ("09:30", [("Posters B", 3), None]),  # 09:30 to 10:10, rounded out to 10:15
        ("09:45", [None]),
        ("10:00", [None, None]),
        ("10:15", [("Late start", 1), None, None]),
    ]


def test_grid_rows_are_real_time_on_a_daylight_saving_day(db):
    event = factories.make_event(timezone="Europe/Zurich")
    spring = dt.date(2030, 3, 31)  # clocks go from 02:00 to 03:00 in Zurich
    add_session(event, "Through the night", utc_on(spring - dt.timedelta(days=1), 23), utc_on(spring, 2))
    grid_day, = agenda_public.grid(agenda_public.view_model(store_release(event).snapshot, tz="Europe/Zurich"))
    assert layout(grid_day) == [("00:00", [("Through the night", 6)]), ("00:30", []), ("01:00", []), ("01:30", []),
                                ("03:00", []), ("03:30", [])]  # 00:00 to 04:00 local is three hours


def test_clashes_between_starred_entries(event, programme):
    clash = add_session(event, "Parallel", utc_on(event.start_date, 8, 15), utc_on(event.start_date, 8, 45))
    agenda = agenda_public.view_model(store_release(event).snapshot, tz="UTC")
    uids = {f"session-{programme['morning'].id}", f"item-{programme['talk'].id}", f"item-{programme['other'].id}",
            f"session-{clash.id}", f"item-{programme['late'].id}"}
    entries = agenda_public.personal_entries(agenda, uids)
    found = agenda_public.clashes(entries)
    names = {agenda_public.personal_entries(agenda, {uid})[0].title: sorted(e.title for e in others)
             for uid, others in found.items()}
    assert names == {
        "Morning models": ["Parallel"],  # not its own talks
        "Ensemble forecasts": ["Parallel"],
        "Data assimilation": ["Parallel"],
        "Parallel": ["Data assimilation", "Ensemble forecasts", "Morning models"],
        "Late talk": [],
    }


def test_stars_survive_a_new_release_and_refuse_unknown_uids(event, programme):
    user = factories.make_user()
    store_release(event)
    uid = f"item-{programme['talk'].id}"
    agenda_public.star(event, user=user, uid=uid)
    agenda_public.star(event, user=user, uid=uid)
    with pytest.raises(InvalidState):
        agenda_public.star(event, user=user, uid="item-999999")
    programme["talk"].title = "Ensemble forecasts, revised"
    store_release(event)
    assert agenda_public.starred_uids(event, user) == {uid}
    agenda = agenda_public.view_model(releases.latest_release(event).snapshot, tz="UTC")
    assert [e.title for e in agenda_public.personal_entries(agenda, {uid})] == ["Ensemble forecasts, revised"]
    agenda_public.unstar(event, user=user, uid=uid)
    assert agenda_public.starred_uids(event, user) == set()


def test_join_links_only_for_confirmed_participants_and_organisers(db):
    form = open_form()
    event = form.event
    category = add_category(form, "Member agency")
    confirmed = factories.make_user(email="conf@example.org")
    by_address = factories.make_user(email="addr@example.org")
    unverified = factories.make_user(email="unverified@example.org", verified=False)
    waiting = factories.make_user(email="pending@example.org")
    stranger = factories.make_user()
    register_now(form, category, email="conf@example.org", user=confirmed)
    register_now(form, category, email="addr@example.org")
    register_now(form, category, email="unverified@example.org")
    pending = register_now(form, category, email="pending@example.org", user=waiting)
    pending.state = RegistrationState.PENDING
    db.session.flush()
    reviewer = factories.make_user()
    factories.add_role(event, reviewer, TeamRole.REVIEWER)
    organiser = next(r.user_id for r in event.roles if r.role == TeamRole.ORGANISER)
    seen = {name: agenda_public.may_see_join_links(event, user) for name, user in [
        ("confirmed", confirmed), ("by_address", by_address), ("unverified", unverified), ("pending", waiting),
        ("stranger", stranger), ("reviewer", reviewer), ("organiser", db.session.get(User, organiser)),
        ("anonymous", AnonymousUser())]}
    assert seen == {"confirmed": True, "by_address": True, "unverified": False, "pending": False,
                    "stranger": False, "reviewer": False, "organiser": True, "anonymous": False}
    registration_ops.cancel(registration_ops.active_registration(event, user=confirmed), actor=confirmed)
    assert agenda_public.may_see_join_links(event, confirmed) is False
