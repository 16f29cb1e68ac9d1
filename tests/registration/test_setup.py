"""Setting up registration: settings, forms, categories, questions and invitations (one by
one and from a CSV file); capacities that grow pass places down the waiting list; capacities
that shrink are refused below the places that belong to someone and withdraw the open offers
beyond them, so nothing is ever overbooked (also when a change and an acceptance race, on
PostgreSQL); and only organisers may change anything."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from conference.accounts.models import User
from conference.core.enums import QuestionKind
from conference.errors import (
    AlreadyExists,
    DomainError,
    InvalidState,
    NotAllowed,
    ValidationFailed,
)
from conference.events.enums import EventFormat, TeamRole
from conference.extensions import db as _db
from conference.registration import places, setup
from conference.registration import registrations as ops
from conference.registration.enums import (
    AttendanceMode,
    ListVisibility,
    RegistrationState,
)
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
    RegistrationInvitation,
    RegistrationQuestion,
)

from .. import factories
from ..core.builders import audit_actions
from ..mail.builders import outbox
from ..races import race
from .builders import CLOSES, DURING, OPENS, add_category, organised_form, register

C, W, O, P = RegistrationState.CONFIRMED, RegistrationState.WAITLISTED, RegistrationState.OFFERED, RegistrationState.PENDING
HOUR = dt.timedelta(hours=1)


def _settings(event, organiser, **overrides):
    values = {"capacity_in_person": None, "capacity_online": None, "offer_hold_hours": 48,
              "participant_list": ListVisibility.HIDDEN, **overrides}
    return setup.update_settings(event, actor=organiser, now=DURING, **values)


# Settings ------------------------------------------------------------------------------------------------

def test_settings_are_saved_and_audited(app, db):
    organiser, form = organised_form(format=EventFormat.HYBRID)
    event = form.event
    settings = _settings(event, organiser, capacity_in_person=100, capacity_online=None, offer_hold_hours=24,
                         participant_list="participants")
    assert (settings.capacity_in_person, settings.capacity_online, settings.offer_hold_hours,
            settings.participant_list) == (100, None, 24, ListVisibility.PARTICIPANTS)
    assert audit_actions(event, "registration.") == ["registration.settings_updated"]


def test_settings_refuse_bad_values_field_by_field(app, db):
    organiser, form = organised_form(format=EventFormat.IN_PERSON)
    with pytest.raises(ValidationFailed) as failed:
        _settings(form.event, organiser, capacity_in_person=-1, capacity_online=50, offer_hold_hours=0,
                  participant_list="everyone")
    assert failed.value.errors == {
        "capacity_in_person": "Enter 0 or more places, or leave the field empty for no limit.",
        "capacity_online": "This event is not attended online.",
        "offer_hold_hours": "Hold an offered place for 1 to 720 hours (30 days).",
        "participant_list": "Choose one of the options listed.",
    }
    assert form.event.registration_settings.offer_hold_hours == 48
    assert audit_actions(form.event, "registration.") == []


def test_only_organisers_set_up_registration(app, db):
    _organiser, form = organised_form()
    event = form.event
    chair, stranger = factories.make_user(), factories.make_user()
    factories.add_role(event, chair, TeamRole.TRACK_CHAIR)
    category = add_category(form, "Public")
    for who in (chair, stranger, None):
        with pytest.raises(NotAllowed):
            _settings(event, who)
        with pytest.raises(NotAllowed):
            setup.save_form(event, actor=who, title="Other", opens_at=OPENS, closes_at=CLOSES)
        with pytest.raises(NotAllowed):
            setup.save_category(form, actor=who, name="Press")
        with pytest.raises(NotAllowed):
            setup.save_question(form, actor=who, label="Diet?", kind="short_text")
        with pytest.raises(NotAllowed):
            setup.invite(event, actor=who, category=category, email="ann@example.org")
        with pytest.raises(NotAllowed):
            setup.invite_from_csv(event, actor=who, text="name,email,category\nAnn,ann@example.org,Public\n",
                                  skip_approval=True)
        with pytest.raises(NotAllowed):
            setup.delete_category(category, actor=who)
        with pytest.raises(NotAllowed):
            setup.delete_form(form, actor=who)
    assert audit_actions(event, "registration.") == []


def test_raising_the_overall_capacity_offers_places_to_the_waiting_list(app, db):
    organiser, form = organised_form(capacity_in_person=1, hold_hours=24)
    event = form.event
    public = add_category(form, "Public")
    people = [register(form, public) for _ in range(4)]
    assert [p.state for p in people] == [C, W, W, W]
    _settings(event, organiser, capacity_in_person=3, offer_hold_hours=24)
    assert [p.state for p in people] == [C, O, O, W]
    assert people[1].offer_expires_at == DURING + dt.timedelta(hours=24)
    assert [m.to_address for m in outbox("registration_offer")] == [people[1].email, people[2].email]
    # No limit at all: the last one waiting gets an offer too.
    _settings(event, organiser, capacity_in_person=None, offer_hold_hours=24)
    assert people[3].state == O
    assert audit_actions(event, "registration.")[4:] == ["registration.settings_updated", "registration.offered",
                                        "registration.offered", "registration.settings_updated",
                                        "registration.offered"]


def test_the_overall_capacity_cannot_go_below_the_places_that_belong_to_someone(app, db):
    organiser, form = organised_form(capacity_in_person=5)
    public = add_category(form, "Public")
    observers = add_category(form, "Observers", approval=True)
    people = [register(form, public) for _ in range(2)] + [register(form, observers)]
    assert [p.state for p in people] == [C, C, P]
    with pytest.raises(ValidationFailed) as refused:
        _settings(form.event, organiser, capacity_in_person=2)
    assert refused.value.errors == {"capacity_in_person": (
        "3 people have a place in person at this event (confirmed or awaiting approval), so there cannot be fewer "
        "than 3 places. To go lower, cancel registrations first.")}
    assert form.event.registration_settings.capacity_in_person == 5
    _settings(form.event, organiser, capacity_in_person=3)
    assert register(form, public).state == W


def test_lowering_the_overall_capacity_withdraws_the_offers_beyond_it(app, db):
    organiser, form = organised_form(capacity_in_person=3)
    public = add_category(form, "Public")
    holders = [register(form, public) for _ in range(3)]
    first, second = register(form, public), register(form, public)
    ops.cancel(holders[0], actor=None, now=DURING)
    ops.cancel(holders[1], actor=None, now=DURING)
    assert (first.state, second.state) == (O, O)
    _settings(form.event, organiser, capacity_in_person=2)
    assert (first.state, second.state, places.position(second)) == (O, W, 1)
    ops.accept_offer(first, actor=None, now=DURING + HOUR)
    with pytest.raises(InvalidState):
        ops.accept_offer(second, actor=None, now=DURING + HOUR)
    assert confirmed(form.event) == 2


def confirmed(event, category=None) -> int:
    query = sa.select(sa.func.count()).select_from(Registration).where(Registration.event_id == event.id,
                                                                       Registration.state == C)
    if category is not None:
        query = query.where(Registration.category_id == category.id)
    return _db.session.scalar(query)


def _members(organiser, form, capacity):
    return setup.save_category(form, actor=organiser, category=form.categories[0], name="Members",
                               capacity_in_person=capacity, now=DURING + HOUR)


def test_a_category_cannot_go_below_the_places_that_belong_to_someone(app, db):
    organiser, form = organised_form()
    members = add_category(form, "Members", in_person=5)
    people = [register(form, members) for _ in range(3)]
    with pytest.raises(ValidationFailed) as refused:
        _members(organiser, form, 2)
    assert refused.value.errors == {"capacity_in_person": (
        "3 people have a place in person in this category (confirmed or awaiting approval), so there cannot be "
        "fewer than 3 places. To go lower, cancel registrations first.")}
    assert members.capacity_in_person == 5 and [p.state for p in people] == [C, C, C]
    _members(organiser, form, 3)
    assert register(form, members).state == W


def test_lowering_a_category_with_offers_open_withdraws_the_last_ones_and_never_overbooks(app, db):
    """10 places, 8 confirmed and 2 offered: lowered to 9, the offer of the one later in line is
    withdrawn (they are told, and are first in line again); then every offer is taken and new
    people come, and there are never more than 9 confirmed."""
    organiser, form = organised_form()
    members = add_category(form, "Members", in_person=10)
    holders = [register(form, members) for _ in range(10)]
    first, second, third = (register(form, members) for _ in range(3))
    for holder in holders[:2]:
        ops.cancel(holder, actor=None, now=DURING)
    assert (first.state, second.state, third.state) == (O, O, W)

    _members(organiser, form, 9)

    assert (first.state, second.state, third.state) == (O, W, W)
    assert (second.offer_expires_at, places.position(second), places.position(third)) == (None, 1, 2)
    [withdrawn] = outbox("registration_offer_withdrawn")
    assert withdrawn.to_address == second.email
    assert "You are back on the waiting list (in person), at number 1" in withdrawn.body_text
    assert audit_actions(form.event, "registration.")[-2:] == ["registration.category_updated",
                                                               "registration.offer_withdrawn"]

    ops.accept_offer(first, actor=None, now=DURING + 2 * HOUR)
    with pytest.raises(InvalidState):
        ops.accept_offer(second, actor=None, now=DURING + 2 * HOUR)
    assert confirmed(form.event) == 9
    late = [register(form, members, now=DURING + 3 * HOUR) for _ in range(2)]
    assert [p.state for p in late] == [W, W]
    ops.cancel(holders[5], actor=None, now=DURING + 4 * HOUR)
    assert (second.state, third.state) == (O, W)  # back at their place in line: the first
    ops.accept_offer(second, actor=None, now=DURING + 5 * HOUR)
    assert confirmed(form.event) == 9 == members.capacity_in_person


@pytest.mark.postgres_only
def test_a_capacity_lowered_while_an_offer_is_taken_never_overbooks(app, database_url, postgres_db):
    """The organiser lowers the capacity while the last person offered a place takes it: the
    change goes first and withdraws that offer, so the acceptance, which waited for the event's
    lock, finds no offer any more; the other way round, the change sees the place taken."""
    organiser, form = organised_form(slug="shrink-race")
    members = add_category(form, "Members", in_person=10)
    holders = [register(form, members) for _ in range(10)]
    first, second = register(form, members), register(form, members)
    for holder in holders[:2]:
        ops.cancel(holder, actor=None, now=DURING)
    ids = {"form": form.id, "organiser": organiser.id, "first": first.id, "second": second.id}
    postgres_db.session.commit()

    def lowering(capacity):
        def work():
            form = _db.session.get(RegistrationForm, ids["form"])
            return _members(_db.session.get(User, ids["organiser"]), form, capacity)
        return work

    def accepting(name):
        return lambda: ops.accept_offer(_db.session.get(Registration, ids[name]), actor=None, now=DURING + HOUR)

    change, taking = race(app, database_url, lowering(9), accepting("second"))
    assert change.error is None and isinstance(taking.error, InvalidState)
    assert taking.error.message == "There is no place on offer for this registration (it is on the waiting list)."

    taking, change = race(app, database_url, accepting("first"), lowering(8))
    assert taking.error is None and isinstance(change.error, ValidationFailed)
    assert "9 people have a place in person in this category" in change.error.errors["capacity_in_person"]

    postgres_db.session.expire_all()
    event = postgres_db.session.get(RegistrationForm, ids["form"]).event
    assert confirmed(event) == 9 == postgres_db.session.get(ParticipantCategory, members.id).capacity_in_person
    assert postgres_db.session.get(Registration, ids["second"]).state == W


# Forms ---------------------------------------------------------------------------------------------------

def test_a_form_is_created_changed_and_audited(app, db):
    organiser, form = organised_form()
    event = form.event
    public = setup.save_form(event, actor=organiser, title="  Public  ", intro="Open to all.", opens_at=OPENS,
                             closes_at=CLOSES, modification_deadline=None, requires_account=True)
    assert (public.title, public.intro, public.requires_account, public.position) == ("Public", "Open to all.", True, 1)
    setup.save_form(event, actor=organiser, form=public, title="General public", opens_at=OPENS, closes_at=CLOSES,
                    modification_deadline=OPENS + dt.timedelta(days=5))
    assert (public.title, public.modification_deadline, public.requires_account) == (
        "General public", OPENS + dt.timedelta(days=5), False)
    assert audit_actions(event, "registration.") == ["registration.form_created", "registration.form_updated"]


def test_a_form_refuses_bad_dates_and_a_title_taken(app, db):
    organiser, form = organised_form()
    with pytest.raises(ValidationFailed) as failed:
        setup.save_form(form.event, actor=organiser, title="members AND observers", opens_at=CLOSES, closes_at=OPENS,
                        modification_deadline=OPENS - dt.timedelta(days=1))
    assert failed.value.errors == {
        "title": "There is already a registration form with this title.",
        "closes_at": "Registration must close after it opens.",
        "modification_deadline": "Changes can only end on or after the opening.",
    }
    assert db.session.scalar(sa.select(sa.func.count(RegistrationForm.id))) == 1


def test_a_form_with_registrations_cannot_be_deleted_and_one_without_can(app, db):
    organiser, form = organised_form()
    event = form.event
    public = add_category(form, "Public")
    person = register(form, public)
    ops.cancel(person, actor=None, now=DURING)
    with pytest.raises(InvalidState, match="^1 registration was made with this form; it cannot be deleted.$"):
        setup.delete_form(form, actor=organiser)
    other = setup.save_form(event, actor=organiser, title="Public", opens_at=OPENS, closes_at=CLOSES)
    speakers = setup.save_category(other, actor=organiser, name="Speakers")
    setup.invite(event, actor=organiser, category=speakers, email="ann@example.org")
    setup.delete_form(other, actor=organiser)
    assert db.session.scalars(sa.select(RegistrationForm.title)).all() == ["Members and observers"]
    assert db.session.scalar(sa.select(sa.func.count(RegistrationInvitation.id))) == 0
    assert audit_actions(event, "registration.")[-1] == "registration.form_deleted"


# Categories ------------------------------------------------------------------------------------------------

def test_a_category_takes_capacities_only_for_the_events_modes(app, db):
    organiser, form = organised_form(format=EventFormat.VIRTUAL)
    with pytest.raises(ValidationFailed) as failed:
        setup.save_category(form, actor=organiser, name="Speakers", capacity_in_person=10, capacity_online=-2)
    assert failed.value.errors == {
        "capacity_in_person": "This event is not attended in person.",
        "capacity_online": "Enter 0 or more places, or leave the field empty for no limit.",
    }
    category = setup.save_category(form, actor=organiser, name=" Speakers ", description="Invited talks",
                                   capacity_online=40, requires_approval=True, invitation_only=True)
    assert (category.name, category.description, category.capacity_in_person, category.capacity_online,
            category.requires_approval, category.invitation_only, category.event_id) == (
        "Speakers", "Invited talks", None, 40, True, True, form.event.id)
    with pytest.raises(ValidationFailed) as failed:
        setup.save_category(form, actor=organiser, name="SPEAKERS")
    assert failed.value.errors == {"name": "This form already has a category with this name."}
    assert audit_actions(form.event, "registration.") == ["registration.category_created"]


def test_hybrid_categories_have_separate_capacities_and_raising_one_fills_only_that_mode(app, db):
    organiser, form = organised_form(format=EventFormat.HYBRID, hold_hours=12)
    members = add_category(form, "Members", in_person=1, online=1)
    people = [register(form, members, mode=mode) for mode in
              (AttendanceMode.IN_PERSON, AttendanceMode.IN_PERSON, AttendanceMode.ONLINE, AttendanceMode.ONLINE)]
    assert [p.state for p in people] == [C, W, C, W]
    setup.save_category(form, actor=organiser, category=members, name="Members", capacity_in_person=2,
                        capacity_online=1, now=DURING)
    assert [p.state for p in people] == [C, O, C, W]
    assert [m.to_address for m in outbox("registration_offer")] == [people[1].email]
    assert people[1].offer_expires_at == DURING + dt.timedelta(hours=12)


def test_a_category_in_use_cannot_be_deleted_and_an_unused_one_goes_with_its_invitations(app, db):
    organiser, form = organised_form()
    members = add_category(form, "Members")
    speakers = add_category(form, "Speakers", invitation_only=True)
    question = setup.save_question(form, actor=organiser, label="Talk title", kind="short_text",
                                   category_ids=[speakers.id])
    register(form, members)
    with pytest.raises(InvalidState, match="^1 registration is in this category; it cannot be deleted.$"):
        setup.delete_category(members, actor=organiser)
    setup.invite(form.event, actor=organiser, category=speakers, email="ann@example.org")
    setup.delete_category(speakers, actor=organiser)
    assert [c.name for c in form.categories] == ["Members"]
    assert db.session.scalar(sa.select(sa.func.count(RegistrationInvitation.id))) == 0
    assert question.categories == []
    assert audit_actions(form.event, "registration.")[-1] == "registration.category_deleted"


# Questions ---------------------------------------------------------------------------------------------------

def test_questions_of_every_kind_limited_to_categories(app, db):
    organiser, form = organised_form()
    members, public = add_category(form, "Members"), add_category(form, "Public")
    for kind in QuestionKind:
        options = ["Vegetarian", "Vegan", "vegan", ""] if kind.value.endswith("choice") else ["ignored"]
        question = setup.save_question(form, actor=organiser, label=f"A {kind.value} question", kind=kind,
                                       help_text=" Why we ask ", required=True, options=options,
                                       category_ids=[str(public.id)])
        assert (question.kind, question.options, question.categories, question.help_text) == (
            kind, ["Vegetarian", "Vegan", "vegan"] if kind.value.endswith("choice") else [], [public], "Why we ask")
    assert [q.label for q in ops.questions_for_category(form, members.id)] == []
    assert len(ops.questions_for_category(form, public.id)) == len(QuestionKind)


def test_a_question_refuses_bad_setups(app, db):
    organiser, form = organised_form()
    _other, other_form = organised_form()
    stranger = add_category(other_form, "Elsewhere")
    with pytest.raises(ValidationFailed) as failed:
        setup.save_question(form, actor=organiser, label=" ", kind="single_choice", options=["Only one"],
                            category_ids=[stranger.id])
    assert failed.value.errors == {"label": "Write the question.", "options": "Give at least two options, one per line.",
                                   "category_ids": "Choose among the categories of this form."}
    with pytest.raises(DomainError, match="Choose one of the options listed."):
        setup.save_question(form, actor=organiser, label="Q", kind="poem")
    assert db.session.scalar(sa.select(sa.func.count(RegistrationQuestion.id))) == 0


def test_an_answered_question_keeps_its_kind_and_deleting_it_deletes_the_answers(app, db):
    organiser, form = organised_form()
    public = add_category(form, "Public")
    question = setup.save_question(form, actor=organiser, label="Diet", kind="short_text")
    person = register(form, public, answers={question.id: "Vegan"})
    assert person.answers == {str(question.id): "Vegan"}
    with pytest.raises(ValidationFailed) as failed:
        setup.save_question(form, actor=organiser, question=question, label="Diet", kind="number")
    assert failed.value.errors == {"kind": "This question already has answers; its kind cannot change."}
    setup.save_question(form, actor=organiser, question=question, label="Dietary needs", kind="short_text",
                        required=True)
    assert (question.label, question.required) == ("Dietary needs", True)
    setup.delete_question(question, actor=organiser)
    assert person.answers == {}
    assert form.questions == []
    assert audit_actions(form.event, "registration.")[-3:] == ["registration.created", "registration.question_updated",
                                              "registration.question_deleted"]


# Invitations ------------------------------------------------------------------------------------------------

def test_an_invitation_is_mailed_with_its_link_and_nobody_is_invited_twice(app, db):
    organiser, form = organised_form()
    event = form.event
    speakers = add_category(form, "Speakers", approval=True, invitation_only=True)
    invitation = setup.invite(event, actor=organiser, category=speakers, email=" Ann@Example.org ",
                              name="Ann  Lee", message="We would love to hear you.", now=DURING)
    assert (invitation.email, invitation.name, invitation.skip_approval, invitation.invited_by_id,
            invitation.created_at) == ("ann@example.org", "Ann Lee", True, organiser.id, DURING)
    [mail] = outbox("registration_invitation")
    assert mail.to_address == "ann@example.org"
    assert mail.subject == f"Invitation to register for {event.title}"
    # The token is signed with the second it was made: read it from the mail, not made again here.
    [token] = re.findall(r"http://conference\.test/registration-invitations/(\S+)", mail.body_text)
    assert "We would love to hear you." in mail.body_text
    assert "Your registration will not need to be approved." in mail.body_text
    assert ops.invitation_from_token(token) is invitation
    with pytest.raises(AlreadyExists, match="^ann@example.org already has an open invitation to this event.$"):
        setup.invite(event, actor=organiser, category=speakers, email="ann@example.org")
    public = add_category(form, "Public")
    register(form, public, email="bob@example.org")
    with pytest.raises(AlreadyExists, match=r"^bob@example.org is already registered for this event \(confirmed\).$"):
        setup.invite(event, actor=organiser, category=speakers, email="bob@example.org")
    with pytest.raises(DomainError, match="^Enter a valid email address.$"):
        setup.invite(event, actor=organiser, category=speakers, email="not an address")
    assert audit_actions(event, "registration.") == ["registration.invited", "registration.created"]


def test_an_invitation_into_another_events_category_is_refused(app, db):
    organiser, form = organised_form()
    _other, other_form = organised_form()
    elsewhere = add_category(other_form, "Elsewhere")
    with pytest.raises(DomainError, match="^Choose a category of this event.$"):
        setup.invite(form.event, actor=organiser, category=elsewhere, email="ann@example.org")


def test_a_revoked_invitation_stops_working_and_the_person_can_be_invited_again(app, db):
    organiser, form = organised_form()
    speakers = add_category(form, "Speakers")
    invitation = setup.invite(form.event, actor=organiser, category=speakers, email="ann@example.org")
    setup.revoke_invitation(invitation, actor=organiser, now=DURING)
    assert invitation.revoked_at == DURING and not invitation.is_open
    with pytest.raises(DomainError, match="withdrawn"):
        ops.invitation_from_token(ops.invitation_token(invitation))
    with pytest.raises(InvalidState, match="^This invitation is already withdrawn.$"):
        setup.revoke_invitation(invitation, actor=organiser)
    again = setup.invite(form.event, actor=organiser, category=speakers, email="ann@example.org")
    assert again.is_open
    assert audit_actions(form.event, "registration.") == ["registration.invited", "registration.invitation_revoked",
                                         "registration.invited"]


# Invitations from a CSV file --------------------------------------------------------------------------------

def test_a_csv_with_a_bom_and_semicolons_invites_everyone(app, db):
    organiser, form = organised_form()
    add_category(form, "Speakers")
    add_category(form, "Resource person")
    text = "\ufeffName;Email;Category\n" + (
        "Ann Lee;ann@example.org;speakers\n"
        "\n"
        "\"Bob; the builder\";BOB@example.org; Resource  Person \n")
    created, errors = setup.invite_from_csv(form.event, actor=organiser, text=text, skip_approval=False)
    assert errors == []
    assert [(i.name, i.email, i.category.name, i.skip_approval) for i in created] == [
        ("Ann Lee", "ann@example.org", "Speakers", False),
        ("Bob; the builder", "bob@example.org", "Resource person", False)]
    assert [m.to_address for m in outbox("registration_invitation")] == ["ann@example.org", "bob@example.org"]
    assert audit_actions(form.event, "registration.") == ["registration.invited", "registration.invited",
                                         "registration.invitations_imported"]


def test_a_csv_with_wrong_lines_invites_nobody_and_names_every_wrong_line(app, db):
    organiser, form = organised_form()
    add_category(form, "Speakers")
    public = add_category(form, "Public")
    register(form, public, email="dora@example.org")
    text = ("name,email,category\n"
            "Ann,ann@example.org,Speakers\n"
            "Bob,bob-at-example.org,Speakers\n"
            "Cleo,cleo@example.org,Public\n"
            "Dora,dora@example.org,Press\n"
            "Ann again,ANN@example.org,Public\n")
    created, errors = setup.invite_from_csv(form.event, actor=organiser, text=text, skip_approval=True)
    assert created == []
    assert errors == [
        (3, "“bob-at-example.org” is not a valid email address."),
        (5, "there is no category “Press”; dora@example.org is already registered for this event (confirmed)."),
        (6, "ann@example.org is already on line 2."),
    ]
    assert db.session.scalar(sa.select(sa.func.count(RegistrationInvitation.id))) == 0
    assert outbox("registration_invitation") == []


@pytest.mark.parametrize("text, expected", [
    ("", [(1, "The file is empty. Its first line names the columns: name, email, category.")]),
    ("name,mail,category\nAnn,ann@example.org,Public\n",
     [(1, "The first line must name the columns name, email and category; email is missing.")]),
    ("name,email,category\n", [(2, "There is nobody to invite: the file has no lines after the column names.")]),
])
def test_a_csv_without_the_columns_or_lines_is_refused(app, db, text, expected):
    organiser, form = organised_form()
    add_category(form, "Public")
    assert setup.invite_from_csv(form.event, actor=organiser, text=text, skip_approval=True) == ([], expected)


def test_a_category_name_shared_by_two_forms_is_ambiguous_in_a_csv(app, db):
    organiser, form = organised_form()
    add_category(form, "Public")
    other = setup.save_form(form.event, actor=organiser, title="Second", opens_at=OPENS, closes_at=CLOSES)
    setup.save_category(other, actor=organiser, name="Public")
    created, errors = setup.invite_from_csv(form.event, actor=organiser, skip_approval=True,
                                            text="name,email,category\nAnn,ann@example.org,public\n")
    message = "several forms have a category “public”; rename one so they can be told apart."
    assert (created, errors) == ([], [(2, message)])
    assert db.session.scalar(sa.select(sa.func.count(ParticipantCategory.id))) == 2
