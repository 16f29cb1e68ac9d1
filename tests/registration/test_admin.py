"""The organisers' reading of registrations (filters, counts against capacity, the CSV export),
decisions on many at once, and who sees the participant list."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from conference.core.enums import QuestionKind
from conference.errors import DomainError, NotAllowed
from conference.events.enums import EventFormat, TeamRole
from conference.extensions import db
from conference.registration import admin
from conference.registration.enums import (
    AttendanceMode,
    ListVisibility,
    RegistrationState,
)
from conference.registration.models import RegistrationQuestion
from conference.registration.places import ensure_registration_settings

from .. import factories
from ..mail.builders import mail_to
from .builders import DURING, actions_on, add_category, make_form, register

C, P, W, R, X = (RegistrationState.CONFIRMED, RegistrationState.PENDING, RegistrationState.WAITLISTED,
                 RegistrationState.REJECTED, RegistrationState.CANCELLED)


@pytest.fixture
def setup(db):
    form = make_form(format=EventFormat.HYBRID, capacity_in_person=10)
    members = add_category(form, "Members", in_person=2, online=5)
    speakers = add_category(form, "Speakers", in_person=3, approval=True)
    organiser = form.event.roles[0].user
    return form, members, speakers, organiser


def test_list_filters_by_category_state_checked_in_and_text(setup):
    form, members, speakers, _organiser = setup
    ana = register(form, members, name="Ana Álvarez", email="ana@example.org", affiliation="CERN",
                   mode=AttendanceMode.IN_PERSON)
    ben = register(form, members, name="Ben", email="ben@example.org", mode=AttendanceMode.ONLINE)
    cleo = register(form, speakers, name="Cleo", email="cleo@sample.net", mode=AttendanceMode.IN_PERSON)
    ben.checked_in_at = DURING
    event = form.event

    assert admin.list_registrations(event) == [ana, ben, cleo]
    assert admin.list_registrations(event, category_id=speakers.id) == [cleo]
    assert admin.list_registrations(event, state="pending") == [cleo]
    assert admin.list_registrations(event, state=C, form_id=form.id) == [ana, ben]
    assert admin.list_registrations(event, checked_in=True) == [ben]
    assert admin.list_registrations(event, checked_in=False) == [ana, cleo]
    assert admin.list_registrations(event, search="  cern ") == [ana]
    assert admin.list_registrations(event, search="SAMPLE.net") == [cleo]
    assert admin.list_registrations(event, search="%") == []
    other = make_form()
    register(other, add_category(other))
    assert admin.list_registrations(event, form_id=other.id) == []


def test_counts_per_category_and_mode_against_capacity(setup):
    form, members, speakers, _organiser = setup
    people = [register(form, members, mode=AttendanceMode.IN_PERSON) for _ in range(3)]
    register(form, members, mode=AttendanceMode.ONLINE)
    register(form, speakers, mode=AttendanceMode.IN_PERSON)
    people[0].checked_in_at = DURING

    counts = admin.category_counts(form.event)

    summary = [(line.category.name, line.mode.value, line.capacity, line.taken, line.confirmed, line.pending,
                line.waiting, line.checked_in, line.free) for line in counts.by_category]
    assert summary == [
        ("Members", "in_person", 2, 2, 2, 0, 1, 1, 0),
        ("Members", "online", 5, 1, 1, 0, 0, 0, 4),
        ("Speakers", "in_person", 3, 1, 0, 1, 0, 0, 2),
        ("Speakers", "online", None, 0, 0, 0, 0, 0, None),
    ]
    totals = [(line.mode.value, line.capacity, line.taken, line.waiting, line.checked_in) for line in counts.totals]
    assert totals == [("in_person", 10, 3, 1, 1), ("online", None, 1, 0, 0)]


def test_csv_has_one_column_per_question_a_bom_and_no_formulas(setup):
    form, members, _speakers, _organiser = setup
    diet = RegistrationQuestion(form=form, kind=QuestionKind.SHORT_TEXT, label="Diet", position=0)
    topics = RegistrationQuestion(form=form, kind=QuestionKind.MULTIPLE_CHOICE, label="Topics",
                                  options=["Seismic", "Radionuclide"], position=1)
    db.session.add_all([diet, topics])
    db.session.flush()
    register(form, members, name="=HYPERLINK(\"x\")", email="eve@example.org", affiliation="Zürich Lab",
             mode=AttendanceMode.IN_PERSON, answers={diet.id: "-vegan", topics.id: ["Seismic", "Radionuclide"]},
             listed=True)
    register(form, members, name="Bo", email="bo@example.org", mode=AttendanceMode.ONLINE)

    text = admin.registrations_csv(form.event)

    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][-2:] == ["Diet", "Topics"]
    assert rows[0][:8] == ["ID", "Name", "Email", "Affiliation", "Form", "Category", "Mode", "State"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Name"] == "'=HYPERLINK(\"x\")"
    assert first["Diet"] == "'-vegan"
    assert first["Topics"] == "Seismic; Radionuclide"
    assert (first["Affiliation"], first["Mode"], first["State"], first["Category"]) == ("Zürich Lab", "in_person",
                                                                                        "confirmed", "Members")
    assert first["Listed in the participant list"] == "Yes"
    assert first["Confirmed at (UTC)"] == DURING.isoformat(timespec="seconds")
    second = dict(zip(rows[0], rows[2], strict=True))
    assert (second["Name"], second["Diet"], second["Topics"], second["Checked in at (UTC)"]) == ("Bo", "", "", "")
    assert len(rows) == 3


def test_bulk_approve_goes_one_by_one_and_lists_refusals(setup):
    form, members, speakers, organiser = setup
    first = register(form, speakers, name="First", mode=AttendanceMode.IN_PERSON)
    second = register(form, speakers, name="Second", mode=AttendanceMode.IN_PERSON)
    confirmed = register(form, members, name="Already", mode=AttendanceMode.IN_PERSON)

    done, refused = admin.bulk(form.event, actor=organiser, action="approve",
                               registration_ids=[str(first.id), second.id, confirmed.id, "junk", 999999])

    assert done == 2
    assert refused == [("Already", "Only a registration pending approval can be approved; this one is confirmed.")]
    assert (first.state, second.state, confirmed.state) == (C, C, C)
    assert mail_to("registration_confirmed") == [confirmed.email]
    assert mail_to("registration_approved") == [first.email, second.email]
    assert actions_on(first) == ["registration.created", "registration.approved"]


def test_bulk_reject_sends_the_message_and_bulk_cancel_frees_places(setup):
    form, members, speakers, organiser = setup
    pending = register(form, speakers, mode=AttendanceMode.IN_PERSON)
    holders = [register(form, members, mode=AttendanceMode.IN_PERSON) for _ in range(2)]
    waiting = register(form, members, mode=AttendanceMode.IN_PERSON)

    assert admin.bulk(form.event, actor=organiser, action="reject", registration_ids=[pending.id],
                      message="Sorry, the programme is full.") == (1, [])
    assert pending.state == R
    assert mail_to("registration_rejected") == [pending.email]
    assert admin.bulk(form.event, actor=organiser, action="cancel", registration_ids=[holders[0].id]) == (1, [])
    assert holders[0].state == X
    assert waiting.state == RegistrationState.OFFERED
    assert mail_to("registration_offer") == [waiting.email]


def test_bulk_refuses_other_people_unknown_actions_and_an_empty_choice(setup):
    form, members, _speakers, organiser = setup
    someone = register(form, members, mode=AttendanceMode.IN_PERSON)
    chair = factories.make_user()
    factories.add_role(form.event, chair, TeamRole.TRACK_CHAIR)
    with pytest.raises(NotAllowed):
        admin.bulk(form.event, actor=chair, action="cancel", registration_ids=[someone.id])
    with pytest.raises(DomainError) as unknown:
        admin.bulk(form.event, actor=organiser, action="delete", registration_ids=[someone.id])
    assert unknown.value.field == "action"
    other = make_form()
    stranger = register(other, add_category(other))
    with pytest.raises(DomainError) as empty:
        admin.bulk(form.event, actor=organiser, action="cancel", registration_ids=[stranger.id])
    assert empty.value.field == "registration_ids"
    assert (someone.state, stranger.state) == (C, C)


@pytest.mark.parametrize("visibility, seen_by", [
    (ListVisibility.HIDDEN, {"organiser"}),
    (ListVisibility.PARTICIPANTS, {"organiser", "chair", "participant"}),
    (ListVisibility.PUBLIC, {"organiser", "chair", "participant", "waiting", "stranger", "anonymous"}),
])
def test_participant_list_visibility_and_consent(setup, visibility, seen_by):
    form, members, _speakers, organiser = setup
    ensure_registration_settings(form.event).participant_list = visibility
    chair, participant, waiting, stranger = (factories.make_user() for _ in range(4))
    factories.add_role(form.event, chair, TeamRole.TRACK_CHAIR)
    register(form, members, name="zoë Listed", affiliation="IAEA", mode=AttendanceMode.IN_PERSON, listed=True,
             user=participant)
    register(form, members, name="Hidden Person", mode=AttendanceMode.IN_PERSON, listed=False)
    register(form, members, name="Waiting Listed", mode=AttendanceMode.IN_PERSON, listed=True, user=waiting)
    register(form, members, name="Alan Online", mode=AttendanceMode.ONLINE, listed=True)
    viewers = {"organiser": organiser, "chair": chair, "participant": participant, "waiting": waiting,
               "stranger": stranger, "anonymous": None}

    seen = {who for who, viewer in viewers.items() if admin.participant_list(form.event, viewer) is not None}

    assert seen == seen_by
    assert admin.participant_list(form.event, organiser) == [admin.ListedParticipant("Alan Online", ""),
                                                             admin.ListedParticipant("zoë Listed", "IAEA")]


def test_history_lists_what_happened_in_order(setup):
    form, _members, speakers, organiser = setup
    pending = register(form, speakers, mode=AttendanceMode.IN_PERSON)
    admin.bulk(form.event, actor=organiser, action="approve", registration_ids=[pending.id],
               now=DURING + dt.timedelta(hours=1))
    history = admin.history_of(pending)
    assert [(e.action, e.actor_id) for e in history] == [("registration.created", None),
                                                         ("registration.approved", organiser.id)]
