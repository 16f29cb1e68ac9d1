"""Reconfirmation of places: the request mails those asked, the reminder goes once before the
date, and at the date the places of those who did not reconfirm are released and offered to the
waiting list in order; reconfirmed participants keep theirs, and so do those the request does
not concern: those attending in a mode not asked (online by default on a hybrid event), and
those in a category exempt from it (resource persons, VIPs). A virtual event asks online."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.errors import DeadlinePassed, DomainError, InvalidState, NotAllowed
from conference.events.enums import EventFormat
from conference.registration import reconfirmation
from conference.registration import registrations as ops
from conference.registration.enums import (
    AttendanceMode,
    CancelReason,
    RegistrationState,
)

from .. import factories
from ..mail.builders import mail_to, one_mail
from .builders import DURING, actions_on, add_category, event_actions, make_form, register

HOUR = dt.timedelta(hours=1)
ASKED = DURING + HOUR
BY = ASKED + dt.timedelta(days=7)
C, W, O, X = (RegistrationState.CONFIRMED, RegistrationState.WAITLISTED, RegistrationState.OFFERED,
              RegistrationState.CANCELLED)


@pytest.fixture
def hybrid(db):
    """A hybrid event with 3 in-person places (all taken) and two people waiting for one."""
    form = make_form(format=EventFormat.HYBRID)
    members = add_category(form, in_person=3)
    organiser = form.event.roles[0].user
    people = {name: register(form, members, name=name, email=f"{name.lower()}@example.org",
                             mode=AttendanceMode.IN_PERSON)
              for name in ("Ana", "Ben", "Cleo", "Dev", "Eva")}
    online = register(form, members, name="Olaf", email="olaf@example.org", mode=AttendanceMode.ONLINE)
    return form, organiser, people, online


def test_release_at_the_date_cancels_the_silent_mails_them_and_offers_their_places_in_order(hybrid):
    form, organiser, people, online = hybrid
    assert [p.state for p in people.values()] == [C, C, C, W, W]

    asked = reconfirmation.request_reconfirmation(form.event, actor=organiser, by=BY, reminder_hours=48, now=ASKED)

    assert asked == 3
    assert mail_to("reconfirmation_request") == ["ana@example.org", "ben@example.org", "cleo@example.org"]
    request = one_mail("reconfirmation_request", "ana@example.org")
    assert request.subject.startswith("Action required:")
    assert "/registrations/" in request.body_text
    reconfirmation.reconfirm(people["Ben"], actor=None, now=ASKED + HOUR)

    # Before the reminder's time nothing happens; at it, the reminder goes once to the silent.
    assert reconfirmation.run_reconfirmation(now=BY - dt.timedelta(hours=49)) == {"reminded": 0, "released": 0,
                                                                                  "offered": 0}
    assert reconfirmation.run_reconfirmation(now=BY - dt.timedelta(hours=48)) == {"reminded": 2, "released": 0,
                                                                                  "offered": 0}
    assert reconfirmation.run_reconfirmation(now=BY - HOUR) == {"reminded": 0, "released": 0, "offered": 0}
    assert mail_to("reconfirmation_reminder") == ["ana@example.org", "cleo@example.org"]

    assert reconfirmation.run_reconfirmation(now=BY) == {"reminded": 0, "released": 2, "offered": 2}

    assert [(p.name, p.state) for p in people.values()] == [("Ana", X), ("Ben", C), ("Cleo", X), ("Dev", O),
                                                             ("Eva", O)]
    assert people["Ana"].cancel_reason == CancelReason.NOT_RECONFIRMED
    assert people["Dev"].offer_expires_at == BY + dt.timedelta(hours=48)
    assert online.state == C and online.cancelled_at is None
    assert mail_to("reconfirmation_released") == ["ana@example.org", "cleo@example.org"]
    assert mail_to("registration_offer") == ["dev@example.org", "eva@example.org"]
    assert actions_on(people["Ana"])[-1] == "registration.released"
    assert actions_on(people["Ben"])[-1] == "registration.reconfirmed"
    assert event_actions(form.event) == ["registration.reconfirmation_requested",
                                         "registration.reconfirmation_reminded",
                                         "registration.reconfirmation_closed"]
    assert form.event.registration_settings.reconfirm_closed_at == BY
    # Once closed, later rounds do nothing.
    assert reconfirmation.run_reconfirmation(now=BY + HOUR) == {"reminded": 0, "released": 0, "offered": 0}
    assert reconfirmation.progress(form.event) == {"reconfirmed": 1, "waiting": 0, "released": 2}


def test_only_the_first_in_line_gets_a_single_freed_place(hybrid):
    form, organiser, people, _online = hybrid
    reconfirmation.request_reconfirmation(form.event, actor=organiser, by=BY, now=ASKED)
    for name in ("Ana", "Ben"):
        reconfirmation.reconfirm(people[name], actor=None, now=ASKED)

    assert reconfirmation.run_reconfirmation(now=BY + HOUR) == {"reminded": 0, "released": 1, "offered": 1}

    assert [people[n].state for n in ("Ana", "Ben", "Cleo", "Dev", "Eva")] == [C, C, X, O, W]


def test_someone_confirmed_after_the_request_is_not_released(hybrid):
    form, organiser, people, _online = hybrid
    reconfirmation.request_reconfirmation(form.event, actor=organiser, by=BY, now=ASKED)
    for name in ("Ana", "Ben"):
        reconfirmation.reconfirm(people[name], actor=None, now=ASKED)
    ops.cancel(people["Cleo"], actor=None, now=ASKED + HOUR)
    ops.accept_offer(people["Dev"], actor=None, now=ASKED + 2 * HOUR)

    assert reconfirmation.run_reconfirmation(now=BY) == {"reminded": 0, "released": 0, "offered": 0}
    assert people["Dev"].state == C


def test_a_request_made_within_the_reminder_window_sends_no_separate_reminder(hybrid):
    form, organiser, _people, _online = hybrid
    reconfirmation.request_reconfirmation(form.event, actor=organiser, by=ASKED + 24 * HOUR, reminder_hours=48,
                                          now=ASKED)
    assert reconfirmation.run_reconfirmation(now=ASKED + HOUR) == {"reminded": 0, "released": 0, "offered": 0}
    assert mail_to("reconfirmation_reminder") == []
    assert len(mail_to("reconfirmation_request")) == 3


def test_moving_the_date_keeps_those_reconfirmed_and_a_new_round_asks_everyone_again(hybrid):
    form, organiser, people, _online = hybrid
    reconfirmation.request_reconfirmation(form.event, actor=organiser, by=BY, now=ASKED)
    reconfirmation.reconfirm(people["Ana"], actor=None, now=ASKED)

    assert reconfirmation.request_reconfirmation(form.event, actor=organiser, by=BY + HOUR, now=ASKED + HOUR) == 2
    assert people["Ana"].reconfirmed_at == ASKED
    reconfirmation.reconfirm(people["Ben"], actor=None, now=ASKED + HOUR)
    reconfirmation.reconfirm(people["Cleo"], actor=None, now=ASKED + HOUR)
    assert reconfirmation.run_reconfirmation(now=BY + HOUR) == {"reminded": 0, "released": 0, "offered": 0}

    later = BY + dt.timedelta(days=2)
    assert reconfirmation.request_reconfirmation(form.event, actor=organiser, by=later + (BY - ASKED), now=later) == 3
    assert people["Ana"].reconfirmed_at is None


def test_reconfirming_needs_an_open_request_a_confirmed_in_person_place_and_time_left(hybrid):
    form, organiser, people, online = hybrid
    with pytest.raises(InvalidState):
        reconfirmation.reconfirm(people["Ana"], actor=None, now=ASKED)
    reconfirmation.request_reconfirmation(form.event, actor=organiser, by=BY, now=ASKED)
    with pytest.raises(InvalidState):
        reconfirmation.reconfirm(online, actor=None, now=ASKED)
    with pytest.raises(InvalidState):
        reconfirmation.reconfirm(people["Dev"], actor=None, now=ASKED)
    with pytest.raises(DeadlinePassed):
        reconfirmation.reconfirm(people["Ana"], actor=None, now=BY)
    assert people["Ana"].reconfirmed_at is None


def test_only_organisers_ask_and_only_for_a_future_date_and_the_event_s_modes(db):
    form = make_form(format=EventFormat.HYBRID)
    add_category(form)
    organiser = form.event.roles[0].user
    with pytest.raises(NotAllowed):
        reconfirmation.request_reconfirmation(form.event, actor=factories.make_user(), by=BY, now=ASKED)
    with pytest.raises(DomainError) as past:
        reconfirmation.request_reconfirmation(form.event, actor=organiser, by=ASKED, now=ASKED)
    assert set(past.value.errors) == {"by"}
    with pytest.raises(DomainError) as hours:
        reconfirmation.request_reconfirmation(form.event, actor=organiser, by=BY, reminder_hours=-1, now=ASKED)
    assert set(hours.value.errors) == {"reminder_hours"}
    assert form.event.registration_settings.reconfirm_by is None

    for modes in ([], ["in_person", "elsewhere"]):
        with pytest.raises(DomainError) as wrong:
            reconfirmation.request_reconfirmation(form.event, actor=organiser, by=BY, modes=modes, now=ASKED)
        assert set(wrong.value.errors) == {"modes"}
    virtual = make_form(format=EventFormat.VIRTUAL)
    with pytest.raises(DomainError) as in_person:
        reconfirmation.request_reconfirmation(virtual.event, actor=virtual.event.roles[0].user, by=BY,
                                              modes=[AttendanceMode.IN_PERSON], now=ASKED)
    assert in_person.value.errors == {"modes": "Choose whom to ask among the ways this event is attended."}


def test_a_virtual_events_online_participants_are_asked_reminded_and_released(db):
    form = make_form(format=EventFormat.VIRTUAL)
    members = add_category(form, online=2)
    organiser = form.event.roles[0].user
    ana, ben, waiting = (register(form, members, name=n, email=f"{n.lower()}@example.org") for n in ("Ana", "Ben",
                                                                                                     "Wil"))
    assert (ana.state, ben.state, waiting.state) == (C, C, W)

    assert reconfirmation.request_reconfirmation(form.event, actor=organiser, by=BY, reminder_hours=48,
                                                 now=ASKED) == 2
    assert mail_to("reconfirmation_request") == ["ana@example.org", "ben@example.org"]
    assert "You have a confirmed place at" in one_mail("reconfirmation_request", "ana@example.org").body_text
    assert reconfirmation.is_asked(ana, ASKED + HOUR)
    reconfirmation.reconfirm(ben, actor=None, now=ASKED + HOUR)
    assert reconfirmation.run_reconfirmation(now=BY - 48 * HOUR) == {"reminded": 1, "released": 0, "offered": 0}
    assert mail_to("reconfirmation_reminder") == ["ana@example.org"]
    assert reconfirmation.run_reconfirmation(now=BY) == {"reminded": 0, "released": 1, "offered": 1}
    assert (ana.state, ana.cancel_reason, ben.state, waiting.state) == (X, CancelReason.NOT_RECONFIRMED, C, O)
    assert mail_to("reconfirmation_released") == ["ana@example.org"]


def test_exempt_categories_are_never_asked_reminded_nor_released(db):
    """A hybrid event asks both ways; its resource persons are exempt."""
    form = make_form(format=EventFormat.HYBRID)
    members = add_category(form, "Members", in_person=1, online=1)
    resource = add_category(form, "Resource persons")
    resource.reconfirmation_exempt = True
    organiser = form.event.roles[0].user
    room = register(form, members, name="Ana", email="ana@example.org", mode=AttendanceMode.IN_PERSON)
    screen = register(form, members, name="Olaf", email="olaf@example.org", mode=AttendanceMode.ONLINE)
    vips = [register(form, resource, name=n, email=f"{n.lower()}@example.org", mode=mode)
            for n, mode in (("Vera", AttendanceMode.IN_PERSON), ("Viktor", AttendanceMode.ONLINE))]
    waiting = register(form, members, name="Wil", email="wil@example.org", mode=AttendanceMode.ONLINE)

    assert reconfirmation.request_reconfirmation(form.event, actor=organiser, by=BY, reminder_hours=48,
                                                 modes=["in_person", "online"], now=ASKED) == 2
    assert mail_to("reconfirmation_request") == ["ana@example.org", "olaf@example.org"]
    assert [reconfirmation.is_asked(r, ASKED) for r in (room, screen, *vips)] == [True, True, False, False]
    with pytest.raises(InvalidState):
        reconfirmation.reconfirm(vips[0], actor=None, now=ASKED)
    assert reconfirmation.run_reconfirmation(now=BY - 48 * HOUR)["reminded"] == 2
    assert mail_to("reconfirmation_reminder") == ["ana@example.org", "olaf@example.org"]
    assert reconfirmation.progress(form.event) == {"reconfirmed": 0, "waiting": 2, "released": 0}

    assert reconfirmation.run_reconfirmation(now=BY) == {"reminded": 0, "released": 2, "offered": 1}
    assert [r.state for r in (room, screen, *vips, waiting)] == [X, X, C, C, O]
    assert mail_to("reconfirmation_released") == ["ana@example.org", "olaf@example.org"]


def test_a_hybrid_event_asks_only_the_modes_chosen(hybrid):
    form, organiser, people, online = hybrid
    assert reconfirmation.request_reconfirmation(form.event, actor=organiser, by=BY, modes=["online"],
                                                 now=ASKED) == 1
    assert mail_to("reconfirmation_request") == ["olaf@example.org"]
    assert reconfirmation.run_reconfirmation(now=BY) == {"reminded": 0, "released": 1, "offered": 0}
    assert online.state == X and [p.state for p in people.values()] == [C, C, C, W, W]
