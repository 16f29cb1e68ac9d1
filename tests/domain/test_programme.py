"""The programme's rules: placement, event days, stale edits, and each kind of warning."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from conference.domain import programme
from conference.enums import AttendanceMode, EventFormat, ItemKind, RegistrationState, SessionKind, SubmissionState
from conference.errors import DomainError, InvalidState, NotAllowed
from conference.extensions import db
from conference.models import AgendaItem, SubmissionAuthor

from .. import factories
from .agenda_helpers import at, make_programme, warning_kinds
from .cfp_helpers import make_call, submitted_talk
from .registration_helpers import add_category, make_form, register

DAYS = "The event runs from March 16, 2030 to March 18, 2030 (Europe/Zurich): choose a time on those days."


@pytest.fixture
def p(db):
    return make_programme()


def test_programme_without_problems_has_no_warnings(p):
    assert programme.warnings(p.event) == []


def test_session_outside_event_days_is_refused(p):
    with pytest.raises(DomainError) as refused:
        programme.save_session(p.event, actor=p.organiser, title="Late", starts_at=at(4, 9), ends_at=at(4, 10))
    assert (refused.value.message, refused.value.field) == (DAYS, "starts_at")


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


# Warnings -----------------------------------------------------------------------------------------

def test_speaker_in_two_places_is_warned(p):
    programme.place_item(p.panel, actor=p.organiser, session=p.opening, starts_at=at(1, 10))
    programme.move_session(p.standards, actor=p.organiser, room_id=p.room_b.id, starts_at=at(1, 10),
                           ends_at=at(1, 11, 30))
    found = [w for w in programme.warnings(p.event) if w.kind == "speaker_clash"]
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
    assert programme.warnings(p.event) == []
    programme.save_session(p.event, actor=p.organiser, title="Workshop", kind=SessionKind.WORKSHOP, room_id=p.main.id,
                           starts_at=at(1, 10), ends_at=at(1, 11))
    [clash] = programme.warnings(p.event)
    assert (clash.kind, clash.message) == ("room_clash", "Main hall holds two sessions at once: Opening plenary and "
                                                         "Workshop.")


def test_item_outside_its_session_is_warned(p):
    programme.place_item(p.panel, actor=p.organiser, session=p.standards, starts_at=at(1, 12))  # ends 12:45
    [warning] = programme.warnings(p.event)
    assert warning.kind == "outside_session"
    assert warning.uids == (f"item-{p.panel.id}", f"session-{p.standards.id}")


def test_item_outside_the_event_days_is_warned_when_the_event_moves(p):
    p.event.start_date, p.event.end_date = dt.date(2030, 3, 17), dt.date(2030, 3, 18)
    assert sorted(warning_kinds(p.event)) == ["outside_event"] * 5  # two sessions and three items on 16 March


def test_speaker_outside_their_availability_is_warned(p):
    programme.save_speaker(p.event, actor=p.organiser, speaker=p.ben, name="Ben Franklin", email="ben@example.org",
                           timezone="America/New_York", availability=[(at(1, 11, 30), at(1, 18))])
    [warning] = programme.warnings(p.event)
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
    [warning] = programme.warnings(p.event)
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
