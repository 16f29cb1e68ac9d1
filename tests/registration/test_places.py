"""Places and the waiting list: capacity per category and mode and per event, the order of
the list (a place in line nobody shares), offers that pass down it, mode switches on a hybrid
event; and on PostgreSQL, 100 people registering at the same moment for 20 places, and two
whose requests overlap told different places in line."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from conference.core.models import AuditEntry
from conference.errors import (
    AlreadyExists,
    DeadlinePassed,
    InvalidState,
    ValidationFailed,
)
from conference.events.enums import EventFormat
from conference.extensions import db as _db
from conference.mail.models import OutboxMessage
from conference.registration import places
from conference.registration import registrations as ops
from conference.registration.enums import (
    AttendanceMode,
    CancelReason,
    RegistrationState,
)
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
)

from ..races import race
from .builders import CLOSES, DURING, OPENS, add_category, make_form, register

C, W, P, O = (RegistrationState.CONFIRMED, RegistrationState.WAITLISTED, RegistrationState.PENDING,
              RegistrationState.OFFERED)
HOUR = dt.timedelta(hours=1)


def mails(template: str) -> list[str]:
    return list(_db.session.scalars(sa.select(OutboxMessage.to_address).where(OutboxMessage.template == template)
                                    .order_by(OutboxMessage.id)))


def test_places_are_confirmed_until_the_category_is_full_then_people_wait_in_order(app, db):
    form = make_form()
    members = add_category(form, in_person=2)
    people = [register(form, members) for _ in range(4)]
    assert [p.state for p in people] == [C, C, W, W]
    assert [places.position(p) for p in people] == [None, None, 1, 2]
    assert mails("registration_confirmed") == [people[0].email, people[1].email]
    assert mails("registration_waitlisted") == [people[2].email, people[3].email]
    message = _db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "registration_waitlisted"))
    assert "number 1 on the waiting list" in message.body_text
    confirmed = _db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "registration_confirmed"))
    [attachment] = confirmed.attachments
    assert attachment.filename.endswith(".ics") and b"BEGIN:VEVENT" in attachment.data


def test_the_event_capacity_applies_on_top_of_the_categories(app, db):
    form = make_form(capacity_in_person=3)
    members, observers = add_category(form, "Members", in_person=2), add_category(form, "Observers")
    states = [register(form, c).state for c in (members, observers, observers, members, observers)]
    assert states == [C, C, C, W, W]


def test_approval_holds_a_place_and_an_invitation_may_skip_it(app, db):
    form = make_form()
    speakers = add_category(form, "Speakers", in_person=1, approval=True)
    first = register(form, speakers)
    second = register(form, speakers)
    assert (first.state, second.state) == (P, W)
    assert mails("registration_received") == [first.email]
    ops.approve(first, actor=form.event.roles[0].user, now=DURING)
    assert first.state == C and first.confirmed_at == DURING


def test_a_cancellation_offers_the_place_which_expires_and_passes_to_the_next_who_accepts(app, db):
    form = make_form(hold_hours=48)
    members = add_category(form, in_person=1)
    holder, first, second = (register(form, members) for _ in range(3))
    ops.cancel(holder, actor=None, now=DURING + HOUR)
    assert (holder.state, holder.cancel_reason) == (RegistrationState.CANCELLED, CancelReason.BY_PARTICIPANT)
    assert (first.state, first.offer_expires_at) == (O, DURING + HOUR + dt.timedelta(hours=48))
    assert second.state == W and places.position(second) == 1
    assert mails("registration_offer") == [first.email]

    # The worker's round: nothing is due yet, then the offer has expired and passes on.
    assert ops.expire_offers(now=DURING + 10 * HOUR) == 0
    assert ops.expire_offers(now=DURING + 49 * HOUR) == 1
    assert (first.state, first.cancel_reason) == (RegistrationState.CANCELLED, CancelReason.OFFER_EXPIRED)
    assert second.state == O
    assert mails("registration_offer_expired") == [first.email]
    assert mails("registration_offer") == [first.email, second.email]

    with pytest.raises(DeadlinePassed):
        ops.accept_offer(second, actor=None, now=second.offer_expires_at)
    ops.accept_offer(second, actor=None, now=DURING + 50 * HOUR)
    assert (second.state, second.confirmed_at) == (C, DURING + 50 * HOUR)
    with pytest.raises(InvalidState):
        ops.accept_offer(second, actor=None, now=DURING + 50 * HOUR)
    actions = _db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("registration.%"))
                                  .order_by(AuditEntry.id)).all()
    assert actions[-5:] == ["registration.cancelled", "registration.offered", "registration.offer_expired",
                            "registration.offered", "registration.offer_accepted"]


def test_a_declined_offer_passes_on_and_raising_nothing_changes_nothing(app, db):
    form = make_form()
    members = add_category(form, in_person=1)
    holder, first, second = (register(form, members) for _ in range(3))
    ops.cancel(holder, actor=None, now=DURING)
    ops.decline_offer(first, actor=None, now=DURING)
    assert (first.state, first.cancel_reason, second.state) == (RegistrationState.CANCELLED,
                                                                CancelReason.OFFER_DECLINED, O)


def test_newcomers_never_overtake_the_waiting_list(app, db):
    form = make_form()
    members = add_category(form, in_person=1)
    holder, waiting = register(form, members), register(form, members)
    ops.cancel(holder, actor=None, now=DURING)
    assert waiting.state == O  # the freed place is held for the first in line
    assert register(form, members).state == W


def test_one_active_registration_per_person_and_event(app, db):
    form = make_form()
    members = add_category(form)
    first = register(form, members, email="ada@example.org")
    with pytest.raises(AlreadyExists) as refused:
        register(form, members, email="ADA@example.org")
    assert refused.value.field == "email" and "already registered" in refused.value.message
    ops.cancel(first, actor=None, now=DURING)
    assert register(form, members, email="ada@example.org").state == C  # after cancelling, again


def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(app, db):
    form = make_form(format=EventFormat.HYBRID)
    members = add_category(form)
    with pytest.raises(ValidationFailed) as refused:
        ops.register(form, category=members, name=" ", email="not-an-address", mode="somewhere",
                     privacy_consent=False, now=DURING)
    assert set(refused.value.errors) == {"name", "email", "mode", "privacy_consent"}
    for moment in (OPENS - HOUR, CLOSES):
        with pytest.raises(DeadlinePassed):
            register(form, members, mode="online", now=moment)
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def test_hybrid_modes_have_their_own_capacities_and_waiting_lists(app, db):
    form = make_form(format=EventFormat.HYBRID)
    members = add_category(form, in_person=1, online=1)
    room, screen = register(form, members, mode="in_person"), register(form, members, mode="online")
    late_room = register(form, members, mode="in_person")
    assert (room.state, screen.state, late_room.state) == (C, C, W)

    # Online is full too: the switch waits in the online list, the in-person place is kept.
    assert ops.request_mode_switch(room, actor=None, mode="online", now=DURING + HOUR) is False
    assert (room.mode, room.switch_to, places.position(room)) == (AttendanceMode.IN_PERSON, AttendanceMode.ONLINE, 1)
    # When the online place frees up the switch happens, and the in-person place passes on.
    ops.cancel(screen, actor=None, now=DURING + 2 * HOUR)
    assert (room.mode, room.switch_to) == (AttendanceMode.ONLINE, None)
    assert late_room.state == O
    assert mails("registration_switched") == [room.email]


def test_switching_mode_with_room_happens_at_once(app, db):
    form = make_form(format=EventFormat.HYBRID)
    members = add_category(form, in_person=5, online=5)
    person = register(form, members, mode="in_person")
    assert ops.request_mode_switch(person, actor=None, mode="online", now=DURING) is True
    assert person.mode == AttendanceMode.ONLINE and person.switch_to is None


def told_positions(*registrations) -> list[int]:
    """The place in line each one's mail told them (on the waiting list, or waiting to switch)."""
    numbers = {}
    for message in _db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template.in_(
            ["registration_waitlisted", "registration_switch_waiting"]))):
        numbers[message.to_address] = int(re.search(r"number (\d+)", message.body_text).group(1))
    return [numbers[r.email] for r in registrations]


def test_places_in_line_are_one_each_in_the_order_people_are_put_on_the_list(app, db):
    """People registering in the same instant, a request whose clock is earlier but that is
    decided later (it waited for the event's lock while another went first), and a request to
    switch: each is told a number nobody else is told, 1 to 6, and keeps it."""
    form = make_form(format=EventFormat.HYBRID)
    members = add_category(form, in_person=1, online=1)
    register(form, members, mode="in_person")
    switcher = register(form, members, mode="online")
    same_instant = [register(form, members, mode="in_person", now=DURING + HOUR) for _ in range(4)]
    decided_later = register(form, members, mode="in_person", now=DURING)
    assert ops.request_mode_switch(switcher, actor=None, mode="in_person", now=DURING) is False
    queue = [*same_instant, decided_later, switcher]

    assert [places.position(r) for r in queue] == [1, 2, 3, 4, 5, 6]
    assert told_positions(*queue) == [1, 2, 3, 4, 5, 6]
    assert [r.id for r in places.waiting_list(form.event, AttendanceMode.IN_PERSON)] == [r.id for r in queue]


# Concurrency on PostgreSQL ---------------------------------------------------------------------------

@pytest.mark.postgres_only
def test_two_people_registering_at_once_are_told_different_places_in_line(app, database_url, postgres_db):
    """Ana's request began first (its clock says so) but waited for the event's lock while Ben's
    was decided: Ben is first in line, Ana second, and that is what each is told."""
    form = make_form(slug="line-race")
    members = add_category(form, in_person=1)
    register(form, members)
    ids = (form.id, members.id)
    postgres_db.session.commit()

    def registering(name, now):
        def work():
            return ops.register(_db.session.get(RegistrationForm, ids[0]),
                                category=_db.session.get(ParticipantCategory, ids[1]), name=name,
                                email=f"{name.lower()}@example.org", privacy_consent=True, now=now).id
        return work

    ben, ana = race(app, database_url, registering("Ben", DURING + 2 * HOUR), registering("Ana", DURING + HOUR))
    postgres_db.session.expire_all()
    queue = [postgres_db.session.get(Registration, i) for i in (ben.result, ana.result)]
    assert [r.state for r in queue] == [W, W]
    assert [places.position(r) for r in queue] == [1, 2]
    assert told_positions(*queue) == [1, 2]


@pytest.mark.postgres_only
def test_a_hundred_registrations_at_once_for_twenty_places_never_overbook(app, postgres_db):
    """50 connections (PostgreSQL allows 100 in all) start together, each registering two
    people one after the other: 100 registrations competing for 20 places."""
    form = make_form(slug="rush")
    members = add_category(form, in_person=20)
    form_id, category_id = form.id, members.id
    postgres_db.session.commit()

    clients, each = 50, 2
    start = threading.Barrier(clients)
    done, crashes = [], []
    engines = _db._app_engines[app]
    shared = engines[None]
    engines[None] = sa.create_engine(shared.url, poolclass=NullPool)  # a connection of its own per session
    try:
        def attempt(n: int):
            try:
                with app.app_context():
                    _db.session.scalar(sa.text("SELECT 1"))  # connected before the start
                    start.wait(30)
                    for k in range(each):
                        form = _db.session.get(RegistrationForm, form_id)
                        ops.register(form, category=_db.session.get(ParticipantCategory, category_id),
                                     name=f"Person {n}-{k}", email=f"rush{n}-{k}@example.org",
                                     privacy_consent=True, now=DURING)
                        _db.session.commit()
                        done.append((n, k))
                    _db.session.remove()
            except Exception as error:  # reported below, not lost in the thread
                crashes.append(repr(error))

        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        engines[None].dispose()
        engines[None] = shared
    assert crashes == [] and len(done) == clients * each

    postgres_db.session.expire_all()
    rows = postgres_db.session.execute(
        sa.select(Registration.id, Registration.state).order_by(Registration.id)).all()
    states = [state for _id, state in rows]
    assert len(rows) == 100 and states.count(C) == 20 and states.count(W) == 80
    # Decided one after the other: the first 20 rows in got the places, the rest wait in that order.
    assert [state for _id, state in rows[:20]] == [C] * 20
    waiting = [row_id for row_id, state in rows if state == W]
    event = postgres_db.session.get(Registration, waiting[0]).event
    assert [r.id for r in places.waiting_list(event, AttendanceMode.IN_PERSON)] == waiting
    assert [places.position(postgres_db.session.get(Registration, i)) for i in waiting[:3]] == [1, 2, 3]


def test_people_waiting_for_a_full_category_do_not_hold_up_another_category(app, db):
    form = make_form()
    members, speakers = add_category(form, "Members", in_person=1), add_category(form, "Speakers", in_person=5)
    register(form, members)
    waiting = register(form, members)
    assert waiting.state == W
    assert register(form, speakers).state == C


def test_a_switch_is_not_held_up_by_people_waiting_for_another_full_category(app, db):
    """The rule a newcomer meets (places.availability) decides a switch too."""
    form = make_form(format=EventFormat.HYBRID)
    members, speakers = add_category(form, "Members", in_person=1), add_category(form, "Speakers", in_person=5)
    register(form, members, mode="in_person")
    assert register(form, members, mode="in_person").state == W
    speaker = register(form, speakers, mode="online")
    assert ops.request_mode_switch(speaker, actor=None, mode="in_person", now=DURING + HOUR) is True
    assert (speaker.mode, speaker.switch_to) == (AttendanceMode.IN_PERSON, None)


def test_when_the_event_is_full_everyone_waits_in_one_line_across_categories(app, db):
    form = make_form(capacity_in_person=2)
    members, speakers = add_category(form, "Members"), add_category(form, "Speakers")
    first, second = register(form, members), register(form, members)
    waiting_member = register(form, members, now=DURING + HOUR)
    waiting_speaker = register(form, speakers, now=DURING + 2 * HOUR)
    assert (waiting_member.state, waiting_speaker.state) == (W, W)
    ops.cancel(first, actor=None, now=DURING + 3 * HOUR)
    assert (waiting_member.state, waiting_speaker.state) == (O, W)  # the first in line, whatever the category
    assert second.state == C
