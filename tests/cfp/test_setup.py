"""Setting up the call for papers: every rule of conference.cfp.setup, called as the CLI
and the views call it (keyword arguments, an explicit actor, no commit)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from conference.accounts.models import AnonymousUser
from conference.cfp import setup as cfp_setup
from conference.cfp import submissions
from conference.cfp.enums import FileKind, QuestionTarget
from conference.cfp.models import AccessCode, Answer, Question, SubmissionType
from conference.core.enums import QuestionKind
from conference.core.models import AuditEntry
from conference.errors import (
    AlreadyExists,
    DomainError,
    InvalidState,
    NotAllowed,
    ValidationFailed,
)
from conference.events.enums import TeamRole
from conference.events.models import Track

from .. import factories
from ..pdfs import make_pdf

UTC = dt.UTC
OPENS = dt.datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
DEADLINE = dt.datetime(2027, 3, 1, 17, 0, tzinfo=UTC)
DURING = dt.datetime(2027, 2, 1, 12, 0, tzinfo=UTC)
PDF = make_pdf("A tiny test document")


@pytest.fixture
def organiser(db):
    return factories.make_user(name="Olga Organiser", may_create_events=True)


@pytest.fixture
def event(db, organiser):
    return factories.make_event(organiser=organiser, published=True)


def actions(db, event) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.event_id == event.id,
                                                                      AuditEntry.action.like("cfp.%"))
                                   .order_by(AuditEntry.id)))


def last_entry(db, event) -> AuditEntry:
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.event_id == event.id)
                              .order_by(AuditEntry.id.desc())).first()


def open_call(event, organiser):
    return cfp_setup.configure_call(event, actor=organiser, opens_at=OPENS, deadline=DEADLINE)


def a_draft(event, *, type_=None, answers=None):
    """A draft by a new author, made while the call is open."""
    return submissions.create_draft(event, actor=factories.make_user(), title="A paper", abstract="Words.",
                                    type_id=type_.id if type_ else None, answers=answers, now=DURING)


# The call's dates -------------------------------------------------------------------------------

def test_configure_call_creates_then_updates_the_call(db, event, organiser):
    call = cfp_setup.configure_call(event, actor=organiser, opens_at=OPENS, deadline=DEADLINE, intro="Send *papers*.",
                                    track_required=True)
    assert (call.opens_at, call.deadline, call.edit_until, call.intro, call.track_required) == (
        OPENS, DEADLINE, None, "Send *papers*.", True)
    edit_until = DEADLINE + dt.timedelta(days=7)
    again = cfp_setup.configure_call(event, actor=organiser, opens_at=OPENS, deadline=DEADLINE, edit_until=edit_until)
    assert again is call and call.edit_until == edit_until and call.track_required is False
    assert actions(db, event) == ["cfp.created", "cfp.updated"]
    entry = last_entry(db, event)
    assert entry.actor_id == organiser.id
    assert entry.details == {"opens_at": OPENS.isoformat(), "deadline": DEADLINE.isoformat(),
                             "edit_until": edit_until.isoformat()}


@pytest.mark.parametrize("deadline", [OPENS, OPENS - dt.timedelta(minutes=1)])
def test_configure_call_deadline_must_follow_the_opening(db, event, organiser, deadline):
    with pytest.raises(ValidationFailed) as caught:
        cfp_setup.configure_call(event, actor=organiser, opens_at=OPENS, deadline=deadline)
    assert caught.value.errors == {"deadline": "The deadline must be after the opening."}
    assert event.call is None and actions(db, event) == []


def test_configure_call_edit_until_not_before_the_deadline(db, event, organiser):
    with pytest.raises(ValidationFailed) as caught:
        cfp_setup.configure_call(event, actor=organiser, opens_at=OPENS, deadline=DEADLINE,
                                 edit_until=DEADLINE - dt.timedelta(seconds=1))
    assert caught.value.errors == {"edit_until": "Editing can only end on or after the deadline."}
    call = cfp_setup.configure_call(event, actor=organiser, opens_at=OPENS, deadline=DEADLINE, edit_until=DEADLINE)
    assert call.edit_until == DEADLINE


def test_configure_call_reports_both_date_problems_at_once(db, event, organiser):
    with pytest.raises(ValidationFailed) as caught:
        cfp_setup.configure_call(event, actor=organiser, opens_at=DEADLINE, deadline=OPENS,
                                 edit_until=OPENS - dt.timedelta(days=1))
    assert set(caught.value.errors) == {"deadline", "edit_until"}


# Submission types ------------------------------------------------------------------------------------

def test_save_submission_type_creates_and_updates(db, event, organiser):
    deadline = DEADLINE + dt.timedelta(days=14)
    poster = cfp_setup.save_submission_type(
        event, actor=organiser, name="  Poster   session ", description="A1 portrait.", default_duration=90,
        abstract_word_limit=200, file_required=True, accepted_file_types=["pdf", "png", "exe"], max_file_size_mb=25,
        deadline=deadline)
    assert (poster.name, poster.default_duration, poster.abstract_word_limit, poster.file_required,
            poster.accepted_file_types, poster.max_file_size_mb, poster.deadline) == (
        "Poster session", 90, 200, True, ["pdf", "png"], 25, deadline)
    talk = cfp_setup.save_submission_type(event, actor=organiser, name="Talk")
    assert talk.position > poster.position
    cfp_setup.save_submission_type(event, actor=organiser, submission_type=poster, name="Poster", max_file_size_mb=5)
    assert (poster.name, poster.max_file_size_mb, poster.deadline, poster.accepted_file_types) == ("Poster", 5, None, ["pdf"])
    assert actions(db, event) == ["cfp.type_created", "cfp.type_created", "cfp.type_updated"]


def test_submission_type_names_are_unique_per_event_whatever_the_case(db, event, organiser):
    talk = cfp_setup.save_submission_type(event, actor=organiser, name="Talk")
    with pytest.raises(AlreadyExists) as caught:
        cfp_setup.save_submission_type(event, actor=organiser, name=" tALK ")
    assert caught.value.field == "name"
    # Keeping its own name, and the same name in another event, are fine.
    cfp_setup.save_submission_type(event, actor=organiser, submission_type=talk, name="TALK")
    other = factories.make_event(organiser=organiser)
    cfp_setup.save_submission_type(other, actor=organiser, name="Talk")


@pytest.mark.parametrize("changes, field", [
    ({"name": "   "}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"file_required": True, "accepted_file_types": []}, "accepted_file_types"),
    ({"file_required": True, "accepted_file_types": ["exe"]}, "accepted_file_types"),
    ({"max_file_size_mb": 0}, "max_file_size_mb"),
    ({"max_file_size_mb": 101}, "max_file_size_mb"),
    ({"default_duration": 4}, "default_duration"),
    ({"default_duration": 24 * 60 + 1}, "default_duration"),
    ({"abstract_word_limit": 9}, "abstract_word_limit"),
])
def test_save_submission_type_refuses_bad_values(db, event, organiser, changes, field):
    values = {"name": "Talk", **changes}
    with pytest.raises(DomainError) as caught:
        cfp_setup.save_submission_type(event, actor=organiser, **values)
    error = caught.value
    fields = set(error.errors) if isinstance(error, ValidationFailed) else {error.field}
    assert fields == {field}
    assert db.session.scalar(sa.select(sa.func.count(SubmissionType.id))) == 0


def test_delete_submission_type_refused_while_a_submission_uses_it(db, event, organiser):
    open_call(event, organiser)
    talk = cfp_setup.save_submission_type(event, actor=organiser, name="Talk")
    spare = cfp_setup.save_submission_type(event, actor=organiser, name="Spare")
    a_draft(event, type_=talk)
    with pytest.raises(InvalidState) as caught:
        cfp_setup.delete_submission_type(talk, actor=organiser, event=event)
    assert caught.value.message == "1 submission uses this type; it cannot be deleted."
    cfp_setup.delete_submission_type(spare, actor=organiser, event=event)
    assert db.session.scalars(sa.select(SubmissionType.name)).all() == ["Talk"]
    assert actions(db, event)[-1] == "cfp.type_deleted" and last_entry(db, event).details == {"name": "Spare"}


def test_deleting_a_type_or_track_drops_it_from_question_and_code_limits(db, event, organiser):
    talk = cfp_setup.save_submission_type(event, actor=organiser, name="Talk")
    poster = cfp_setup.save_submission_type(event, actor=organiser, name="Poster")
    networks = cfp_setup.save_track(event, actor=organiser, name="Networks")
    question = cfp_setup.save_question(event, actor=organiser, label="Why?", kind=QuestionKind.LONG_TEXT,
                                       type_ids=[talk.id, poster.id], track_ids=[networks.id])
    code = cfp_setup.create_access_code(event, actor=organiser, type_ids=[talk.id], track_ids=[networks.id])
    cfp_setup.delete_submission_type(talk, actor=organiser, event=event)
    cfp_setup.delete_track(networks, actor=organiser, event=event)
    db.session.expire_all()
    assert [t.name for t in question.types] == ["Poster"] and question.tracks == []
    assert code.types == [] and code.tracks == []


# Tracks ------------------------------------------------------------------------------------------------

def test_save_track_normalises_and_checks_the_colour(db, event, organiser):
    track = cfp_setup.save_track(event, actor=organiser, name="Networks", description="Wires.", colour="#AABBCC")
    assert (track.name, track.description, track.colour) == ("Networks", "Wires.", "#aabbcc")
    for bad in ("aabbcc", "#abc", "#gggggg", "", "#aabbccdd"):
        with pytest.raises(DomainError) as caught:
            cfp_setup.save_track(event, actor=organiser, track=track, name="Networks", colour=bad)
        assert caught.value.field == "colour"
    with pytest.raises(AlreadyExists):
        cfp_setup.save_track(event, actor=organiser, name="networks")
    assert actions(db, event) == ["cfp.track_created"]


def test_delete_track_refused_while_a_submission_is_in_it(db, event, organiser):
    open_call(event, organiser)
    networks = cfp_setup.save_track(event, actor=organiser, name="Networks")
    empty = cfp_setup.save_track(event, actor=organiser, name="Empty")
    draft = a_draft(event)
    draft.track = networks
    db.session.flush()
    with pytest.raises(InvalidState) as caught:
        cfp_setup.delete_track(networks, actor=organiser, event=event)
    assert "1 submission is in this track" in caught.value.message
    cfp_setup.delete_track(empty, actor=organiser, event=event)
    assert db.session.scalars(sa.select(Track.name)).all() == ["Networks"]
    assert actions(db, event)[-1] == "cfp.track_deleted"


# Custom questions -------------------------------------------------------------------------------------------

def test_choice_questions_need_two_distinct_options(db, event, organiser):
    for options in ([], ["Only"], ["Same", " Same ", "", "  "]):
        with pytest.raises(ValidationFailed) as caught:
            cfp_setup.save_question(event, actor=organiser, label="Pick", kind=QuestionKind.SINGLE_CHOICE, options=options)
        assert caught.value.errors == {"options": "Give at least two options, one per line."}
    question = cfp_setup.save_question(event, actor=organiser, label="Pick", kind=QuestionKind.MULTIPLE_CHOICE,
                                       options=[" A ", "B", "A", ""])
    assert question.options == ["A", "B"]
    text = cfp_setup.save_question(event, actor=organiser, label="Say", kind=QuestionKind.SHORT_TEXT, options=["A", "B"])
    assert text.options == []


def test_file_questions_are_asked_of_the_submission_only(db, event, organiser):
    with pytest.raises(ValidationFailed) as caught:
        cfp_setup.save_question(event, actor=organiser, label="Your CV", kind=QuestionKind.FILE,
                                target=QuestionTarget.AUTHOR)
    assert caught.value.errors == {"kind": "Files can be asked of the submission, not of each author."}
    assert db.session.scalar(sa.select(sa.func.count(Question.id))) == 0


def test_save_question_with_limits_and_audit(db, event, organiser):
    talk = cfp_setup.save_submission_type(event, actor=organiser, name="Talk")
    networks = cfp_setup.save_track(event, actor=organiser, name="Networks")
    question = cfp_setup.save_question(
        event, actor=organiser, label="  Travel   grant? ", kind=QuestionKind.YES_NO, target=QuestionTarget.AUTHOR,
        help_text="For students.", required=True, type_ids=[str(talk.id)], track_ids=[networks.id],
        visible_to_reviewers=False)
    assert (question.label, question.kind, question.target, question.help_text, question.required,
            question.visible_to_reviewers, question.types, question.tracks) == (
        "Travel grant?", QuestionKind.YES_NO, QuestionTarget.AUTHOR, "For students.", True, False, [talk], [networks])
    cfp_setup.save_question(event, actor=organiser, question=question, label="Travel grant?", kind=QuestionKind.YES_NO,
                            target=QuestionTarget.AUTHOR)
    assert question.types == [] and question.tracks == []
    cfp_setup.delete_question(question, actor=organiser, event=event)
    assert actions(db, event)[-3:] == ["cfp.question_created", "cfp.question_updated", "cfp.question_deleted"]
    assert last_entry(db, event).details == {"label": "Travel grant?"}


def test_question_limits_must_belong_to_the_event(db, event, organiser):
    other = factories.make_event(organiser=organiser)
    foreign_type = cfp_setup.save_submission_type(other, actor=organiser, name="Talk")
    foreign_track = cfp_setup.save_track(other, actor=organiser, name="Networks")
    for limits, field in (({"type_ids": [foreign_type.id]}, "type_ids"), ({"track_ids": [foreign_track.id]}, "track_ids")):
        with pytest.raises(ValidationFailed) as caught:
            cfp_setup.save_question(event, actor=organiser, label="Why?", kind=QuestionKind.LONG_TEXT, **limits)
        assert caught.value.errors == {field: "Choose among the listed options."}
    assert db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.event_id == event.id)) == 0


def test_question_kind_and_target_fixed_once_answered(db, event, organiser):
    open_call(event, organiser)
    question = cfp_setup.save_question(event, actor=organiser, label="Affiliation type", kind=QuestionKind.SHORT_TEXT)
    # Unanswered, anything can change.
    cfp_setup.save_question(event, actor=organiser, question=question, label="Affiliation type",
                            kind=QuestionKind.LONG_TEXT, target=QuestionTarget.AUTHOR)
    cfp_setup.save_question(event, actor=organiser, question=question, label="Affiliation type",
                            kind=QuestionKind.SHORT_TEXT)
    a_draft(event, answers={question.id: "University"})
    with pytest.raises(ValidationFailed) as caught:
        cfp_setup.save_question(event, actor=organiser, question=question, label="Affiliation type",
                                kind=QuestionKind.NUMBER)
    assert caught.value.errors == {"kind": "This question already has answers; its kind cannot change."}
    with pytest.raises(ValidationFailed) as caught:
        cfp_setup.save_question(event, actor=organiser, question=question, label="Affiliation type",
                                kind=QuestionKind.SHORT_TEXT, target=QuestionTarget.AUTHOR)
    assert caught.value.errors == {"target": "This question already has answers; whom it is asked of cannot change."}
    # The wording and the rest may still change.
    cfp_setup.save_question(event, actor=organiser, question=question, label="Kind of affiliation",
                            kind=QuestionKind.SHORT_TEXT, required=True)
    assert (question.label, question.kind, question.target, question.required) == (
        "Kind of affiliation", QuestionKind.SHORT_TEXT, QuestionTarget.SUBMISSION, True)


def test_file_question_kind_fixed_once_a_file_answers_it(db, event, organiser):
    open_call(event, organiser)
    question = cfp_setup.save_question(event, actor=organiser, label="Poster draft", kind=QuestionKind.FILE)
    draft = a_draft(event)
    submissions.attach_file(draft, actor=draft.submitter, kind=FileKind.ANSWER, filename="draft.pdf", data=PDF,
                            question=question, now=DURING)
    with pytest.raises(ValidationFailed) as caught:
        cfp_setup.save_question(event, actor=organiser, question=question, label="Poster draft",
                                kind=QuestionKind.URL)
    assert caught.value.errors == {"kind": "This question already has answers; its kind cannot change."}


def test_delete_question_deletes_its_answers(db, event, organiser):
    open_call(event, organiser)
    question = cfp_setup.save_question(event, actor=organiser, label="Anything else?", kind=QuestionKind.LONG_TEXT)
    draft = a_draft(event, answers={question.id: "No."})
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == 1
    cfp_setup.delete_question(question, actor=organiser, event=event)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == 0
    assert draft.answers == []


# Late access codes ---------------------------------------------------------------------------------------------

def test_create_access_code_with_limits(db, event, organiser):
    talk = cfp_setup.save_submission_type(event, actor=organiser, name="Talk")
    networks = cfp_setup.save_track(event, actor=organiser, name="Networks")
    until = DEADLINE + dt.timedelta(days=3)
    code = cfp_setup.create_access_code(event, actor=organiser, code=" late-SPEAKER_1 ", note=" For Ada ",
                                        valid_until=until, max_uses=2, type_ids=[talk.id], track_ids=[networks.id])
    assert (code.code, code.note, code.valid_until, code.max_uses, code.uses, code.types, code.tracks) == (
        "late-SPEAKER_1", "For Ada", until, 2, 0, [talk], [networks])
    assert actions(db, event)[-1] == "cfp.access_code_created"
    assert last_entry(db, event).details == {"code": "late-SPEAKER_1"}


def test_access_code_is_generated_when_left_empty(db, event, organiser):
    first = cfp_setup.create_access_code(event, actor=organiser)
    second = cfp_setup.create_access_code(event, actor=organiser, code="   ")
    for code in (first, second):
        assert re.fullmatch(r"[A-Za-z0-9_-]{12}", code.code)
        assert code.max_uses is None and code.valid_until is None
    assert first.code != second.code


@pytest.mark.parametrize("text", ["abc", "x" * 41, "has space", "semi;colon", "ünïcode"])
def test_access_code_format(db, event, organiser, text):
    with pytest.raises(DomainError) as caught:
        cfp_setup.create_access_code(event, actor=organiser, code=text)
    assert caught.value.field == "code"
    assert db.session.scalar(sa.select(sa.func.count(AccessCode.id))) == 0


def test_access_codes_are_unique_per_event(db, event, organiser):
    cfp_setup.create_access_code(event, actor=organiser, code="LATE-2027")
    with pytest.raises(AlreadyExists) as caught:
        cfp_setup.create_access_code(event, actor=organiser, code="LATE-2027")
    assert caught.value.field == "code"
    other = factories.make_event(organiser=organiser)
    cfp_setup.create_access_code(other, actor=organiser, code="LATE-2027")


@pytest.mark.parametrize("max_uses", [0, -1])
def test_access_code_allows_at_least_one_use(db, event, organiser, max_uses):
    with pytest.raises(DomainError) as caught:
        cfp_setup.create_access_code(event, actor=organiser, max_uses=max_uses)
    assert caught.value.field == "max_uses"


def test_access_code_note_and_limits_are_checked(db, event, organiser):
    with pytest.raises(DomainError) as caught:
        cfp_setup.create_access_code(event, actor=organiser, note="n" * 201)
    assert caught.value.field == "note"
    foreign = cfp_setup.save_track(factories.make_event(organiser=organiser), actor=organiser, name="Elsewhere")
    with pytest.raises(DomainError) as caught:
        cfp_setup.create_access_code(event, actor=organiser, track_ids=[foreign.id])
    assert caught.value.field == "track_ids"
    assert db.session.scalar(sa.select(sa.func.count(AccessCode.id)).where(AccessCode.event_id == event.id)) == 0


def test_delete_access_code(db, event, organiser):
    code = cfp_setup.create_access_code(event, actor=organiser, code="GONE-SOON")
    cfp_setup.delete_access_code(code, actor=organiser, event=event)
    assert db.session.scalar(sa.select(sa.func.count(AccessCode.id))) == 0
    assert actions(db, event)[-1] == "cfp.access_code_deleted"


# Who may set up the call ---------------------------------------------------------------------------------------

def _operations(event, organiser):
    talk = cfp_setup.save_submission_type(event, actor=organiser, name="Talk")
    track = cfp_setup.save_track(event, actor=organiser, name="Networks")
    question = cfp_setup.save_question(event, actor=organiser, label="Why?", kind=QuestionKind.LONG_TEXT)
    code = cfp_setup.create_access_code(event, actor=organiser, code="LATE-CODE")
    return {
        "configure_call": lambda actor: cfp_setup.configure_call(event, actor=actor, opens_at=OPENS, deadline=DEADLINE),
        "save_submission_type": lambda actor: cfp_setup.save_submission_type(event, actor=actor, name="Poster"),
        "update_submission_type": lambda actor: cfp_setup.save_submission_type(event, actor=actor, submission_type=talk,
                                                                                name="Keynote"),
        "delete_submission_type": lambda actor: cfp_setup.delete_submission_type(talk, actor=actor, event=event),
        "save_track": lambda actor: cfp_setup.save_track(event, actor=actor, name="Storage"),
        "delete_track": lambda actor: cfp_setup.delete_track(track, actor=actor, event=event),
        "save_question": lambda actor: cfp_setup.save_question(event, actor=actor, label="Who?",
                                                               kind=QuestionKind.SHORT_TEXT),
        "delete_question": lambda actor: cfp_setup.delete_question(question, actor=actor, event=event),
        "create_access_code": lambda actor: cfp_setup.create_access_code(event, actor=actor),
        "delete_access_code": lambda actor: cfp_setup.delete_access_code(code, actor=actor, event=event),
    }


OPERATIONS = ["configure_call", "save_submission_type", "update_submission_type", "delete_submission_type",
              "save_track", "delete_track", "save_question", "delete_question", "create_access_code",
              "delete_access_code"]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_only_organisers_set_up_the_call(db, event, organiser, operation):
    run = _operations(event, organiser)[operation]
    before = actions(db, event)
    reviewer, chair, outsider = factories.make_user(), factories.make_user(), factories.make_user()
    factories.add_role(event, reviewer, TeamRole.REVIEWER)
    factories.add_role(event, chair, TeamRole.TRACK_CHAIR)
    organiser_elsewhere = factories.make_user(may_create_events=True)
    factories.make_event(organiser=organiser_elsewhere)
    for actor in (reviewer, chair, outsider, organiser_elsewhere, AnonymousUser()):
        with pytest.raises(NotAllowed):
            run(actor)
    assert actions(db, event) == before
    # A co-organiser and a site admin may.
    co_organiser = factories.make_user()
    factories.add_role(event, co_organiser, TeamRole.ORGANISER)
    run(co_organiser)
    assert last_entry(db, event).actor_id == co_organiser.id


def test_site_admin_sets_up_any_call(db, event):
    admin = factories.make_user(is_admin=True)
    cfp_setup.configure_call(event, actor=admin, opens_at=OPENS, deadline=DEADLINE)
    cfp_setup.save_track(event, actor=admin, name="Invited")
    assert actions(db, event) == ["cfp.created", "cfp.track_created"]
    assert last_entry(db, event).actor_id == admin.id
