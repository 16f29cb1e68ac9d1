"""The programme's rules: placement, moving and resizing, event days, stale edits, the editor's
time grid, and each kind of warning."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from conference.agenda import programme, programme_grid, programme_warnings
from conference.agenda.enums import ItemKind, SessionKind
from conference.agenda.models import AgendaItem
from conference.cfp.enums import SubmissionState
from conference.cfp.models import SubmissionAuthor
from conference.errors import DomainError, InvalidState, NotAllowed
from conference.events.enums import EventFormat
from conference.extensions import db
from conference.registration.enums import AttendanceMode, RegistrationState

from .. import factories
from ..cfp.builders import make_call, submitted_talk
from ..query_counting import counting
from ..registration.builders import add_category, make_form, register
from .builders import at, make_programme, warning_kinds

DAYS = "The event runs from March 16, 2030 to March 18, 2030 (Europe/Zurich): choose a time on those days."


@pytest.fixture
def p(db):
    return make_programme()


def test_programme_without_problems_has_no_warnings(p):
    assert programme_warnings.warnings(p.event) == []


def test_session_outside_event_days_is_refused(p):
    with pytest.raises(DomainError) as refused:
        programme.save_session(p.event, actor=p.organiser, title="Late", starts_at=at(4, 9), ends_at=at(4, 10))
    assert (refused.value.message, refused.value.field) == (DAYS, "starts_at")


@pytest.mark.parametrize("speaker", ["99999999999999999999", "not a number"])
def test_a_speaker_beyond_what_the_column_holds_is_no_speaker_of_the_event(p, speaker):
    """A tampered form's number is refused on its field, on PostgreSQL too (not a database error)."""
    with pytest.raises(DomainError) as refused:
        programme.save_item(p.event, actor=p.organiser, title="Tampered", speaker_ids=[speaker])
    assert (refused.value.message, refused.value.field) == ("Choose one of this event's entries.", "speaker_ids")


def test_session_times_typed_in_event_zone_are_stored_in_utc(p):
    session = programme.save_session(p.event, actor=p.organiser, title="Local", starts_at=dt.datetime(2030, 3, 17, 9),
                                     ends_at=dt.datetime(2030, 3, 17, 10))
    assert session.starts_at == dt.datetime(2030, 3, 17, 8, tzinfo=dt.UTC)


def test_session_ending_before_it_starts_is_refused(p):
    with pytest.raises(DomainError, match="The session must end after it starts."):
        programme.save_session(p.event, actor=p.organiser, title="Back", starts_at=at(1, 10), ends_at=at(1, 9))


def test_only_organisers_edit_the_programme(p):
    with pytest.raises(NotAllowed):
        programme.save_room(p.event, actor=factories.make_user(), name="Attic")


def test_stale_session_edit_is_refused(p):
    stale = p.standards.version
    programme.save_session(p.event, actor=p.organiser, session=p.standards, title="Standards", room_id=p.room_b.id,
                           starts_at=at(1, 11), ends_at=at(1, 12, 30), expected_version=stale)
    with pytest.raises(DomainError) as refused:
        programme.save_session(p.event, actor=p.organiser, session=p.standards, title="Other", expected_version=stale)
    assert refused.value.message == "Standards was changed by someone else meanwhile (reload to see it)."
    assert p.standards.title == "Standards"


def test_concurrent_update_becomes_the_same_refusal(p):
    # Another organiser's save raised the row's version underneath this session's copy.
    db.session.execute(sa.update(AgendaItem).where(AgendaItem.id == p.panel.id)
                       .values(version=AgendaItem.version + 1).execution_options(synchronize_session=False))
    with pytest.raises(DomainError, match="Panel on privacy was changed by someone else meanwhile"):
        programme.place_item(p.panel, actor=p.organiser, session=p.standards, starts_at=at(1, 12))


def test_item_placed_outside_event_days_is_refused_and_stays_unscheduled(p):
    with pytest.raises(DomainError) as refused:
        programme.place_item(p.panel, actor=p.organiser, session=p.standards, starts_at=at(0, 23))
    assert refused.value.message == DAYS
    assert p.panel.starts_at is None and p.panel.session_id is None


def test_item_needs_a_scheduled_session(p):
    floating = programme.save_session(p.event, actor=p.organiser, title="Someday")
    with pytest.raises(DomainError, match="Someday has no time yet"):
        programme.place_item(p.panel, actor=p.organiser, session=floating)


def test_item_without_a_start_goes_after_the_last_item(p):
    programme.place_item(p.panel, actor=p.organiser, session=p.standards)
    assert p.panel.starts_at == at(1, 12)


def test_unschedule_item(p):
    programme.unschedule_item(p.talk_two, actor=p.organiser)
    assert (p.talk_two.session_id, p.talk_two.starts_at) == (None, None)


def test_move_session_moves_its_items(p):
    programme.move_session(p.standards, actor=p.organiser, room_id=p.main.id, starts_at=at(2, 14), ends_at=at(2, 15, 30),
                           expected_version=p.standards.version)
    assert (p.talk_one.starts_at, p.talk_two.starts_at) == (at(2, 14), at(2, 14, 30))


def test_room_in_use_is_not_deleted(p):
    with pytest.raises(InvalidState, match="Main hall is used by 1 session"):
        programme.delete_room(p.main, actor=p.organiser, event=p.event)
    programme.delete_room(p.online, actor=p.organiser, event=p.event)
    assert [r.name for r in programme.rooms_of(p.event)] == ["Main hall", "Room B"]


def test_virtual_room_needs_its_link(p):
    with pytest.raises(DomainError, match="needs the link"):
        programme.save_room(p.event, actor=p.organiser, name="Stream", is_virtual=True)


def test_session_is_resized_by_moving_its_end_only(p):
    programme.move_session(p.standards, actor=p.organiser, room_id=p.room_b.id, starts_at=p.standards.starts_at,
                           ends_at=at(1, 12, 45), expected_version=p.standards.version)
    assert (p.standards.starts_at, p.standards.ends_at) == (at(1, 11), at(1, 12, 45))
    assert (p.talk_one.starts_at, p.talk_two.starts_at) == (at(1, 11), at(1, 11, 30))


def test_stale_move_is_refused_and_changes_nothing(p):
    stale = p.standards.version
    programme.move_session(p.standards, actor=p.organiser, room_id=p.room_b.id, starts_at=at(1, 11),
                           ends_at=at(1, 12, 45), expected_version=stale)
    with pytest.raises(DomainError) as refused:
        programme.move_session(p.standards, actor=p.organiser, room_id=p.main.id, starts_at=at(2, 9),
                               ends_at=at(2, 10), expected_version=stale)
    assert refused.value.message == "Data standards was changed by someone else meanwhile (reload to see it)."
    assert (p.standards.room_id, p.standards.ends_at) == (p.room_b.id, at(1, 12, 45))


def test_moving_or_resizing_past_the_event_days_is_refused(p):
    for starts_at, ends_at in ((at(3, 23, 30), at(4, 0, 15)), (at(0, 23, 45), at(1, 0, 30))):
        with pytest.raises(DomainError) as refused:
            programme.move_session(p.standards, actor=p.organiser, room_id=p.room_b.id, starts_at=starts_at,
                                   ends_at=ends_at, expected_version=p.standards.version)
        assert (refused.value.message, refused.value.field) == (DAYS, "starts_at")
    assert (p.standards.starts_at, p.standards.ends_at, p.talk_one.starts_at) == (at(1, 11), at(1, 12, 30),
                                                                                  at(1, 11))


# The editor's grid --------------------------------------------------------------------------------

def _grid(p, day: int | None = None):
    """The grid, showing 2030-03-``day`` (else its default day)."""
    return programme_grid.grid(p.event, programme.sessions_of(p.event), programme.rooms_of(p.event),
                               day=dt.date(2030, 3, day) if day else None)


def _layout(day) -> list[tuple[str, list[tuple[int, int, list[str]]]]]:
    """Each row as (start, [(room id, rowspan, session titles)...])."""
    return [(row.starts_at.strftime("%H:%M"), [(c.room_id, c.rowspan, [s.title for s in c.sessions])
                                               for c in row.cells]) for row in day.rows]


def test_grid_has_a_row_every_15_minutes_from_9_to_18_on_every_event_day(p):
    layout = _grid(p, 17)
    assert [d.day for d in layout.days] == [dt.date(2030, 3, 16), dt.date(2030, 3, 17), dt.date(2030, 3, 18)]
    empty = layout.shown
    assert empty is layout.days[1]
    assert [r.starts_at.strftime("%H:%M") for r in empty.rows[:3]] == ["09:00", "09:15", "09:30"]
    assert (len(empty.rows), empty.rows[-1].starts_at.hour, empty.rows[-1].ends_at.hour) == (36, 17, 18)
    assert {(c.room_id, c.rowspan, tuple(c.sessions)) for r in empty.rows for c in r.cells} == {
        (p.main.id, 1, ()), (p.room_b.id, 1, ()), (p.online.id, 1, ())}
    assert empty.rows[0].starts_at.utcoffset() == dt.timedelta(hours=1)  # wall-clock time in Zurich


def test_grid_puts_sessions_in_their_start_row_spanning_their_rows(p):
    rows = _layout(_grid(p).shown)  # the first day with sessions
    assert rows[0] == ("09:00", [(p.main.id, 6, ["Opening plenary"]), (p.room_b.id, 1, []), (p.online.id, 1, [])])
    # Under the opening plenary (09:00-10:30) the main hall's cell is taken: no free slot there.
    assert rows[1] == ("09:15", [(p.room_b.id, 1, []), (p.online.id, 1, [])])
    assert rows[5][1] == [(p.room_b.id, 1, []), (p.online.id, 1, [])]
    assert rows[6] == ("10:30", [(p.main.id, 1, []), (p.room_b.id, 1, []), (p.online.id, 1, [])])
    assert rows[8] == ("11:00", [(p.main.id, 1, []), (p.room_b.id, 6, ["Data standards"]), (p.online.id, 1, [])])
    assert rows[14] == ("12:30", [(p.main.id, 1, []), (p.room_b.id, 1, []), (p.online.id, 1, [])])


def test_grid_stretches_to_early_late_and_unaligned_sessions_and_stops_at_midnight(p):
    o = p.organiser
    programme.save_session(p.event, actor=o, title="Breakfast", kind=SessionKind.SOCIAL, room_id=p.online.id,
                           starts_at=at(2, 7, 40), ends_at=at(2, 8, 10))
    programme.save_session(p.event, actor=o, title="Odd", room_id=p.main.id, starts_at=at(2, 10, 50),
                           ends_at=at(2, 11, 40))
    programme.save_session(p.event, actor=o, title="Night", kind=SessionKind.SOCIAL, room_id=p.main.id,
                           starts_at=at(2, 23), ends_at=at(3, 0, 30))
    rows = _layout(_grid(p, 17).shown)
    assert (rows[0][0], rows[-1][0], len(rows)) == ("07:30", "23:45", 66)
    assert rows[0][1] == [(p.main.id, 1, []), (p.room_b.id, 1, []), (p.online.id, 3, ["Breakfast"])]
    assert dict(rows)["10:45"][0] == (p.main.id, 4, ["Odd"])  # 10:50-11:40 fills 10:45 to 11:45
    assert dict(rows)["23:00"][0] == (p.main.id, 4, ["Night"])  # cut at midnight


def test_grid_shows_the_day_asked_for_else_the_first_with_sessions_else_the_first(p):
    assert _grid(p).shown.day == dt.date(2030, 3, 16)
    assert _grid(p, 18).shown.day == dt.date(2030, 3, 18)
    assert _grid(p, 30).shown.day == dt.date(2030, 3, 16)  # not a day of the grid
    layout = _grid(p, 17)
    assert [len(d.rows) for d in layout.days] == [0, 36, 0]  # only the day shown is laid out
    assert [[s.title for s in d.sessions] for d in layout.days] == [["Opening plenary", "Data standards"], [], []]
    for session in (p.opening, p.standards):
        session.room_id = None
    assert _grid(p).shown.day == dt.date(2030, 3, 16)  # no sessions in the grid: the first day
    p.event.start_date = dt.date(2030, 3, 17)
    assert _grid(p).shown.day == dt.date(2030, 3, 17)


def test_sessions_overlapping_in_one_room_share_a_cell(p):
    programme.save_session(p.event, actor=p.organiser, title="Workshop", kind=SessionKind.WORKSHOP,
                           room_id=p.main.id, starts_at=at(1, 10), ends_at=at(1, 11))
    rows = _layout(_grid(p).shown)  # the first day with sessions
    assert rows[0][1][0] == (p.main.id, 8, ["Opening plenary", "Workshop"])
    assert [cells[0][0] for _start, cells in rows[1:8]] == [p.room_b.id] * 7
    assert rows[8][1][0] == (p.main.id, 1, [])


def test_grid_lists_sessions_without_time_or_room_apart_with_a_planned_length(p):
    o = p.organiser
    floating = programme.save_session(p.event, actor=o, title="Someday")
    workshop = programme.save_session(p.event, actor=o, title="Hands on", kind=SessionKind.WORKSHOP)
    roomless = programme.save_session(p.event, actor=o, title="Roomless", starts_at=at(2, 9), ends_at=at(2, 9, 40))
    long_items = programme.save_session(p.event, actor=o, title="Many talks")
    for n in range(5):
        item = programme.save_item(p.event, actor=o, title=f"Talk {n}", duration=20)
        item.session = long_items
    layout = _grid(p)
    assert [s.title for s in layout.placed] == ["Opening plenary", "Data standards"]
    assert {s.title for s in layout.elsewhere} == {"Someday", "Hands on", "Roomless", "Many talks"}
    assert [layout.minutes[s.id] for s in (floating, workshop, roomless, long_items, p.standards)] == [
        90, 120, 40, 105, 90]  # five 20-minute talks need 100 minutes: 105 in whole steps


def test_grid_shows_days_outside_the_event_where_sessions_are(p):
    p.event.start_date = dt.date(2030, 3, 17)
    assert [d.day.day for d in _grid(p).days] == [16, 17, 18]


def test_grid_rows_are_whole_steps_when_the_clocks_go_forward(db):
    organiser = factories.make_user(may_create_events=True)
    event = factories.make_event(organiser=organiser, timezone="Europe/Zurich", start_date=dt.date(2030, 3, 31),
                                 end_date=dt.date(2030, 3, 31))
    room = programme.save_room(event, actor=organiser, name="Hall")
    programme.save_session(event, actor=organiser, title="Night owls", room_id=room.id,
                           starts_at=dt.datetime(2030, 3, 31, 1, 30), ends_at=dt.datetime(2030, 3, 31, 4))
    [day] = programme_grid.grid(event, programme.sessions_of(event), [room]).days
    assert [r.starts_at.strftime("%H:%M") for r in day.rows[:4]] == ["01:30", "01:45", "03:00", "03:15"]
    assert (day.rows[0].cells[0].rowspan, day.rows[6].starts_at.strftime("%H:%M")) == (6, "04:00")


def test_grid_runs_no_query(db, p):
    sessions, rooms = programme.sessions_of(p.event), programme.rooms_of(p.event)
    with counting(db) as statements:
        programme_grid.grid(p.event, sessions, rooms)
    assert statements == []


# Warnings -----------------------------------------------------------------------------------------

def test_speaker_in_two_places_is_warned(p):
    programme.place_item(p.panel, actor=p.organiser, session=p.opening, starts_at=at(1, 10))
    programme.move_session(p.standards, actor=p.organiser, room_id=p.room_b.id, starts_at=at(1, 10),
                           ends_at=at(1, 11, 30))
    found = [w for w in programme_warnings.warnings(p.event) if w.kind == "speaker_clash"]
    assert {(w.uids[2], frozenset(w.uids[:2])) for w in found} == {
        (f"speaker-{p.ben.id}", frozenset({f"item-{p.talk_one.id}", f"item-{p.panel.id}"})),
        (f"speaker-{p.chloe.id}", frozenset({f"item-{p.talk_two.id}", f"item-{p.panel.id}"}))}
    assert found[0].message.startswith("Ben Franklin is in two places at once: ")


def test_chairing_while_speaking_in_the_same_session_is_fine_but_elsewhere_clashes(p):
    assert "speaker_clash" not in warning_kinds(p.event)  # Ada chairs the opening and gives its keynote
    programme.save_session(p.event, actor=p.organiser, title="Side event", room_id=p.online.id,
                           starts_at=at(1, 9, 30), ends_at=at(1, 10), chair_ids=[p.ada.id])
    assert warning_kinds(p.event) == ["speaker_clash", "speaker_clash"]


def test_two_sessions_in_one_room_are_warned_but_poster_sessions_may_share(p):
    programme.save_session(p.event, actor=p.organiser, title="Posters A", kind=SessionKind.POSTER, room_id=p.online.id,
                           starts_at=at(2, 9), ends_at=at(2, 11))
    programme.save_session(p.event, actor=p.organiser, title="Posters B", kind=SessionKind.POSTER, room_id=p.online.id,
                           starts_at=at(2, 10), ends_at=at(2, 12))
    assert programme_warnings.warnings(p.event) == []
    programme.save_session(p.event, actor=p.organiser, title="Workshop", kind=SessionKind.WORKSHOP, room_id=p.main.id,
                           starts_at=at(1, 10), ends_at=at(1, 11))
    [clash] = programme_warnings.warnings(p.event)
    assert (clash.kind, clash.message) == ("room_clash", "Main hall holds two sessions at once: Opening plenary and "
                                                         "Workshop.")


def test_item_outside_its_session_is_warned(p):
    programme.place_item(p.panel, actor=p.organiser, session=p.standards, starts_at=at(1, 12))  # ends 12:45
    [warning] = programme_warnings.warnings(p.event)
    assert warning.kind == "outside_session"
    assert warning.uids == (f"item-{p.panel.id}", f"session-{p.standards.id}")


def test_item_outside_the_event_days_is_warned_when_the_event_moves(p):
    p.event.start_date, p.event.end_date = dt.date(2030, 3, 17), dt.date(2030, 3, 18)
    assert sorted(warning_kinds(p.event)) == ["outside_event"] * 5  # two sessions and three items on 16 March


def test_speaker_outside_their_availability_is_warned(p):
    programme.save_speaker(p.event, actor=p.organiser, speaker=p.ben, name="Ben Franklin", email="ben@example.org",
                           timezone="America/New_York", availability=[(at(1, 11, 30), at(1, 18))])
    [warning] = programme_warnings.warnings(p.event)
    assert warning.kind == "speaker_unavailable"
    assert warning.uids == (f"item-{p.talk_one.id}", f"speaker-{p.ben.id}")
    assert warning.message.startswith("Ben Franklin is not available for Talk one (")


def test_room_smaller_than_the_in_person_registrations_is_warned(db):
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    form = make_form(organiser=organiser, format=EventFormat.HYBRID)
    p = make_programme(organiser=organiser, event=form.event)
    category = add_category(form)
    p.room_b.capacity = 1
    for mode in (AttendanceMode.IN_PERSON, AttendanceMode.IN_PERSON, AttendanceMode.ONLINE):
        assert register(form, category, mode=mode).state == RegistrationState.CONFIRMED
    db.session.flush()
    [warning] = programme_warnings.warnings(p.event)
    assert (warning.kind, warning.message) == ("room_capacity", "Room B seats 1 but 2 people are registered to attend "
                                                                "in person.")
    p.online.capacity = 0  # virtual rooms are never too small
    programme.save_session(p.event, actor=p.organiser, title="Stream", room_id=p.online.id, starts_at=at(2, 9),
                           ends_at=at(2, 10))
    assert warning_kinds(p.event) == ["room_capacity"]


# Accepted submissions ------------------------------------------------------------------------------

def test_accepted_submissions_become_unscheduled_items_once(db):
    call = make_call()
    author = factories.make_user(name="Ann Author", email="ann@example.org")
    accepted = submitted_talk(call, author, title="Accepted talk")
    confirmed = submitted_talk(call, author, title="Confirmed talk")
    rejected = submitted_talk(call, author, title="Rejected talk")
    accepted.state, confirmed.state, rejected.state = (SubmissionState.ACCEPTED, SubmissionState.CONFIRMED,
                                                       SubmissionState.REJECTED)
    confirmed.confirmed_at = dt.datetime(2030, 5, 1, tzinfo=dt.UTC)
    confirmed.authors.append(SubmissionAuthor(name="Bo Presenter", email="BO@example.org", is_presenter=True,
                                              position=1))
    db.session.flush()
    items = programme.add_submissions(call.event, actor=call.organiser)
    assert [(i.title, i.duration_minutes, i.kind, [s.name for s in i.speakers]) for i in items] == [
        ("Accepted talk", 30, ItemKind.TALK, ["Ann Author"]),
        ("Confirmed talk", 30, ItemKind.TALK, ["Ann Author", "Bo Presenter"])]
    assert items[0].speakers[0] is items[1].speakers[0]
    assert items[1].speakers[1].email == "bo@example.org"
    assert programme.add_submissions(call.event, actor=call.organiser) == []
    assert len(programme.speakers_of(call.event)) == 2


def test_speakers_from_submission_reuse_the_speaker_with_the_same_email(db):
    call = make_call()
    author = factories.make_user(name="Ann Author", email="ann@example.org")
    first = submitted_talk(call, author, title="One")
    second = submitted_talk(call, author, title="Two")
    [ann] = programme.speakers_from_submission(first)
    db.session.flush()
    assert programme.speakers_from_submission(second) == [ann]
