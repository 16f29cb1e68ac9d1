"""Tickets and check-in: finding a ticket however its code arrives, searching by name,
checking in once (twice is harmless), refusals, counts, undo, and two desks scanning the same
ticket at the same moment on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from conference.accounts.models import User
from conference.core.models import AuditEntry
from conference.errors import InvalidState, InvalidToken, NotAllowed
from conference.events.enums import TeamRole
from conference.extensions import db as _db
from conference.registration import checkin
from conference.registration.enums import AttendanceMode, RegistrationState
from conference.registration.models import Registration

from .. import factories
from ..races import race
from .builders import add_category, cancelled, confirmed, make_desk, make_form, pending, register

AT_DOOR = dt.datetime(2030, 4, 2, 7, 14, tzinfo=dt.UTC)


def audit_of(db, registration) -> list[tuple[str, int | None, dict]]:
    return [(a.action, a.actor_id, a.details) for a in db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "Registration", AuditEntry.object_id == registration.id,
                                    AuditEntry.action.like("registration.check%")).order_by(AuditEntry.id))]


# Finding a ticket --------------------------------------------------------------------------------------

def test_find_by_ticket_takes_the_code_as_scanned_typed_with_spaces_or_as_the_ticket_url(db):
    desk = make_desk()
    ada = confirmed(desk, "Ada Lovelace")
    token = ada.ticket_token
    spaced = " ".join(token[i:i + 4] for i in range(0, len(token), 4))
    for typed in (token, f"  {token}\n", spaced, f"http://conference.test/tickets/{token}",
                  f"http://conference.test/tickets/{token}/", f"https://elsewhere.example/tickets/{token}?x=1",
                  f"/tickets/{token}/qr.svg"):
        assert checkin.find_by_ticket(desk.event, typed) is ada, typed


def test_find_by_ticket_finds_nothing_for_unknown_empty_or_other_events_codes(db):
    desk, other = make_desk(), make_desk()
    ada = confirmed(desk, "Ada Lovelace")
    stranger = confirmed(other, "Grace Hopper")
    assert checkin.find_by_ticket(desk.event, stranger.ticket_token) is None
    assert checkin.find_by_ticket(desk.event, ada.ticket_token[:-1]) is None
    assert checkin.find_by_ticket(desk.event, ada.ticket_token.upper()) is None
    assert checkin.find_by_ticket(desk.event, "") is None
    assert checkin.find_by_ticket(desk.event, "   ") is None
    assert checkin.find_by_ticket(desk.event, "http://conference.test/") is None
    assert checkin.find_by_ticket(desk.event, "x" * 65) is None


def test_clean_code_keeps_only_the_token():
    assert checkin.clean_code(" ab cd\tef ") == "abcdef"
    assert checkin.clean_code("http://h/tickets/abc-_1") == "abc-_1"
    assert checkin.clean_code("http://h/tickets/abc/qr.svg") == "abc"
    assert checkin.clean_code("") == ""


# Searching ---------------------------------------------------------------------------------------------

def test_search_finds_confirmed_people_by_name_email_or_affiliation_in_any_case(db):
    desk = make_desk()
    ada = confirmed(desk, "Ada Lovelace", affiliation="Analytical Engines Ltd")
    grace = confirmed(desk, "Grace Hopper", email="grace@navy.example", mode=AttendanceMode.ONLINE)
    adam = confirmed(desk, "Adam Smith", category=desk.members)
    cancelled(desk, "Ada Cancelled")
    pending(desk, "Ada Pending")
    assert checkin.search(desk.event, "ada") == [ada, adam]
    assert checkin.search(desk.event, "  LOVELACE ") == [ada]
    assert checkin.search(desk.event, "NAVY.example") == [grace]
    assert checkin.search(desk.event, "engines") == [ada]
    assert checkin.search(desk.event, "ada", limit=1) == [ada]
    assert checkin.search(desk.event, "") == []
    assert checkin.search(desk.event, "nobody") == []


def test_search_treats_like_wildcards_as_plain_characters(db):
    desk = make_desk()
    confirmed(desk, "Ada Lovelace")
    percent = confirmed(desk, "100% Pure")
    assert checkin.search(desk.event, "%") == [percent]
    assert checkin.search(desk.event, "_") == []


def test_search_stays_within_the_event(db):
    desk, other = make_desk(), make_desk()
    confirmed(other, "Ada Elsewhere")
    assert checkin.search(desk.event, "ada") == []


# Checking in -------------------------------------------------------------------------------------------

def test_check_in_records_the_time_the_organiser_and_an_audit_entry(db):
    desk = make_desk()
    ada = confirmed(desk, "Ada Lovelace")
    result = checkin.check_in(ada, actor=desk.organiser, now=AT_DOOR)
    assert (result.registration, result.first_time, result.at, result.by) == (ada, True, AT_DOOR, desk.organiser)
    db.session.expire_all()
    stored = db.session.get(Registration, ada.id)
    assert (stored.checked_in_at, stored.checked_in_by_id) == (AT_DOOR, desk.organiser.id)
    assert audit_of(db, ada) == [("registration.checked_in", desk.organiser.id, {})]


def test_checking_in_twice_changes_nothing_and_tells_when_and_who_did_it_first(db):
    desk = make_desk()
    colleague = factories.make_user(name="Carl Colleague")
    factories.add_role(desk.event, colleague, TeamRole.ORGANISER)
    ada = confirmed(desk, "Ada Lovelace")
    checkin.check_in(ada, actor=desk.organiser, now=AT_DOOR)
    again = checkin.check_in(ada, actor=colleague, now=AT_DOOR + dt.timedelta(minutes=5))
    assert (again.first_time, again.at, again.by) == (False, AT_DOOR, desk.organiser)
    db.session.expire_all()
    assert db.session.get(Registration, ada.id).checked_in_by_id == desk.organiser.id
    assert [a[0] for a in audit_of(db, ada)] == ["registration.checked_in"]


def test_check_in_by_code_checks_in_the_ticket_holder(db):
    desk = make_desk()
    ada = confirmed(desk, "Ada Lovelace")
    result = checkin.check_in_by_code(desk.event, f"http://conference.test/tickets/{ada.ticket_token}",
                                      actor=desk.organiser, now=AT_DOOR)
    assert (result.registration, result.first_time) == (ada, True)


def test_check_in_by_code_refuses_an_unknown_code_on_the_code_field(db):
    desk = make_desk()
    with pytest.raises(InvalidToken) as refused:
        checkin.check_in_by_code(desk.event, "not-a-ticket", actor=desk.organiser)
    assert (refused.value.message, refused.value.field) == ("No confirmed registration with this code.", "code")


@pytest.mark.parametrize("make, state", [(cancelled, "cancelled"), (pending, "pending approval")])
def test_only_confirmed_registrations_are_checked_in(db, make, state):
    desk = make_desk()
    person = make(desk, "Ada Lovelace")
    with pytest.raises(InvalidState) as refused:
        checkin.check_in_by_code(desk.event, person.ticket_token, actor=desk.organiser)
    assert refused.value.message == f"Ada Lovelace cannot be checked in: their registration is {state}, not confirmed."
    assert refused.value.field == "code"
    assert person.checked_in_at is None
    assert audit_of(db, person) == []


def test_a_waiting_registration_is_refused(db):
    form = make_form()
    category = add_category(form, in_person=1)
    register(form, category)
    waiting = register(form, category, name="Wanda Waiting")
    assert waiting.state == RegistrationState.WAITLISTED
    with pytest.raises(InvalidState) as refused:
        checkin.check_in(waiting, actor=form.event.roles[0].user)
    assert refused.value.message == ("Wanda Waiting cannot be checked in: their registration is on the waiting list, "
                                     "not confirmed.")


@pytest.mark.parametrize("role", [None, TeamRole.REVIEWER, TeamRole.TRACK_CHAIR])
def test_only_organisers_and_desk_staff_check_people_in_or_undo_it(db, role):
    desk = make_desk()
    ada = confirmed(desk, "Ada Lovelace")
    someone = factories.make_user()
    if role:
        factories.add_role(desk.event, someone, role)
    for actor in (someone, None):
        with pytest.raises(NotAllowed, match="Only the event's organisers and check-in desk staff can check people in."):
            checkin.check_in(ada, actor=actor)
    checkin.check_in(ada, actor=desk.organiser, now=AT_DOOR)
    with pytest.raises(NotAllowed):
        checkin.undo_check_in(ada, actor=someone)
    assert ada.checked_in_at == AT_DOOR


def test_desk_staff_check_people_in_and_undo_it_in_their_event_only(db):
    desk, elsewhere = make_desk(), make_desk()
    ada, other = confirmed(desk, "Ada Lovelace"), confirmed(elsewhere, "Olga Other")
    staff = factories.make_user()
    factories.add_role(desk.event, staff, TeamRole.DESK)
    result = checkin.check_in(ada, actor=staff, now=AT_DOOR)
    assert (result.first_time, ada.checked_in_at, ada.checked_in_by_id) == (True, AT_DOOR, staff.id)
    checkin.undo_check_in(ada, actor=staff)
    assert ada.checked_in_at is None
    with pytest.raises(NotAllowed):
        checkin.check_in(other, actor=staff)
    assert other.checked_in_at is None


def test_undo_check_in_clears_it_with_an_audit_entry_and_allows_checking_in_again(db):
    desk = make_desk()
    ada = confirmed(desk, "Ada Lovelace")
    checkin.check_in(ada, actor=desk.organiser, now=AT_DOOR)
    checkin.undo_check_in(ada, actor=desk.organiser)
    db.session.expire_all()
    ada = db.session.get(Registration, ada.id)
    assert (ada.checked_in_at, ada.checked_in_by_id) == (None, None)
    assert audit_of(db, ada) == [("registration.checked_in", desk.organiser.id, {}),
                                 ("registration.check_in_undone", desk.organiser.id,
                                  {"checked_in_at": "2030-04-02T07:14:00+00:00"})]
    assert checkin.check_in(ada, actor=desk.organiser).first_time is True


def test_undo_of_someone_not_checked_in_is_refused(db):
    desk = make_desk()
    ada = confirmed(desk, "Ada Lovelace")
    with pytest.raises(InvalidState, match="Ada Lovelace is not checked in."):
        checkin.undo_check_in(ada, actor=desk.organiser)


def test_recent_check_ins_newest_first_with_who_checked_them_in(db):
    desk = make_desk()
    ada, grace, _alan = (confirmed(desk, n) for n in ("Ada Lovelace", "Grace Hopper", "Alan Turing"))
    checkin.check_in(ada, actor=desk.organiser, now=AT_DOOR)
    checkin.check_in(grace, actor=desk.organiser, now=AT_DOOR + dt.timedelta(minutes=1))
    assert checkin.recent_check_ins(desk.event) == [(grace, "Olga Organiser"), (ada, "Olga Organiser")]
    assert checkin.recent_check_ins(desk.event, limit=1) == [(grace, "Olga Organiser")]


# Counting ----------------------------------------------------------------------------------------------

def test_counts_per_category_and_mode_with_totals(db):
    desk = make_desk()
    ada = confirmed(desk, "Ada Lovelace")
    confirmed(desk, "Alan Turing")
    grace = confirmed(desk, "Grace Hopper", mode=AttendanceMode.ONLINE)
    cancelled(desk, "Carl Cancelled")
    pending(desk, "Paula Pending")
    checkin.check_in(ada, actor=desk.organiser)
    checkin.check_in(grace, actor=desk.organiser)
    counts = checkin.counts(desk.event)
    assert counts.as_json() == {
        "categories": [
            {"id": desk.members.id, "name": "Member agency", "mode": "in_person", "confirmed": 2, "checked_in": 1},
            {"id": desk.members.id, "name": "Member agency", "mode": "online", "confirmed": 1, "checked_in": 1},
            {"id": desk.observers.id, "name": "Observer", "mode": "in_person", "confirmed": 0, "checked_in": 0},
            {"id": desk.observers.id, "name": "Observer", "mode": "online", "confirmed": 0, "checked_in": 0},
        ],
        "modes": [{"mode": "in_person", "confirmed": 2, "checked_in": 1},
                  {"mode": "online", "confirmed": 1, "checked_in": 1}],
        "total": {"confirmed": 3, "checked_in": 2},
    }
    assert (counts.confirmed, counts.checked_in) == (3, 2)


def test_counts_of_an_in_person_event_have_one_mode_and_nothing_from_other_events(db):
    form = make_form()
    category = add_category(form, "Public")
    register(form, category)
    confirmed(make_desk(), "Elsewhere")
    assert checkin.counts(form.event).as_json() == {
        "categories": [{"id": category.id, "name": "Public", "mode": "in_person", "confirmed": 1, "checked_in": 0}],
        "modes": [{"mode": "in_person", "confirmed": 1, "checked_in": 0}],
        "total": {"confirmed": 1, "checked_in": 0},
    }


# The ticket's QR code ----------------------------------------------------------------------------------

def test_ticket_qr_svg_is_an_svg_without_style_attributes(app, db):
    svg = checkin.ticket_qr_svg("http://conference.test/tickets/abc")
    text = svg.decode()
    assert text.startswith('<svg xmlns="http://www.w3.org/2000/svg" width=')
    assert "style" not in text
    assert "<script" not in text


# Two desks, one ticket, the same moment ------------------------------------------------------------------

@pytest.mark.postgres_only
def test_two_desks_scanning_one_ticket_at_once_check_it_in_once(app, database_url, postgres_db):
    desk = make_desk()
    colleague = factories.make_user(name="Carl Colleague")
    factories.add_role(desk.event, colleague, TeamRole.ORGANISER)
    ada = confirmed(desk, "Ada Lovelace")
    ids = ada.id, desk.organiser.id, colleague.id
    postgres_db.session.commit()

    def scan_by(user_id):
        def work():
            result = checkin.check_in(_db.session.get(Registration, ids[0]), actor=_db.session.get(User, user_id))
            return result.first_time, result.at, result.by.id
        return work

    first, second = race(app, database_url, scan_by(ids[1]), scan_by(ids[2]))
    first_at = first.result[1]
    assert first.result == (True, first_at, ids[1])
    assert second.result == (False, first_at, ids[1])
    postgres_db.session.expire_all()
    stored = postgres_db.session.get(Registration, ids[0])
    assert (stored.checked_in_at, stored.checked_in_by_id) == (first_at, ids[1])
    assert postgres_db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.action == "registration.checked_in")).all() == ["registration.checked_in"]
