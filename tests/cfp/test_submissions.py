"""Submissions through the domain functions, at explicit moments of the call's life: drafts,
what submitting requires, the call's window and type deadlines, late access codes (with two
submits racing for the last use on PostgreSQL), the state machine, editing until the deadline,
double submission, co-authors, the mail each step queues, and the database's own checks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from conference.accounts.models import User
from conference.cfp import authoring
from conference.cfp import setup as cfp_setup
from conference.cfp import submissions as ops
from conference.cfp.enums import (
    SUBMISSION_TRANSITIONS,
    FileKind,
    QuestionTarget,
    SubmissionState,
)
from conference.cfp.models import AccessCode, Submission, SubmissionAuthor
from conference.cfp.setup import create_access_code, save_question, save_submission_type
from conference.core.enums import QuestionKind
from conference.core.models import AuditEntry
from conference.errors import (
    AlreadyExists,
    DeadlinePassed,
    DomainError,
    InvalidState,
    InvalidToken,
    NotAllowed,
    ValidationFailed,
)
from conference.events.enums import TeamRole
from conference.events.models import Event
from conference.extensions import db as _db

from .. import factories
from ..core.builders import count
from ..mail.builders import outbox
from ..races import race
from .builders import (
    AFTER_DEADLINE,
    AFTER_EDIT_UNTIL,
    DEADLINE,
    DURING,
    EDIT_UNTIL,
    OPENS,
    PDF,
    complete_talk,
    make_call,
    submitted_talk,
)

SECOND = dt.timedelta(seconds=1)


def audit(action: str) -> list[AuditEntry]:
    return list(_db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def edit(submission: Submission, actor, *, now, **changes) -> None:
    """Save the submission as it is, with ``changes``."""
    content = {"title": submission.title, "abstract": submission.abstract, "type_id": submission.type_id,
               "track_id": submission.track_id, "keywords": submission.keywords}
    content.update(changes)
    ops.update_submission(submission, actor=actor, now=now, **content)


# Drafts -----------------------------------------------------------------------------------------

def test_a_draft_is_saved_incomplete_with_the_submitter_as_first_author(app, db):
    call = make_call()
    author = factories.make_user(name="Kwame Mensah", affiliation="University of Ghana")
    draft = ops.create_draft(call.event, actor=author, title="  Half   an idea ", now=DURING)
    assert (draft.state, draft.title, draft.abstract, draft.type, draft.track) == (SubmissionState.DRAFT, "Half an idea",
                                                                                  "", None, None)
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", draft.code)
    assert draft.submitted_at is None and draft.submitter_id == author.id
    [me] = draft.authors
    assert (me.user_id, me.name, me.email, me.affiliation, me.is_presenter, me.is_corresponding, me.position) == (
        author.id, "Kwame Mensah", author.email, "University of Ghana", True, True, 0)
    assert [(e.object_id, e.details) for e in audit("submission.created")] == [(draft.id, {"code": draft.code})]
    assert outbox() == []
    edit(draft, author, now=DURING, title="", abstract="Still thinking.")  # a draft may stay incomplete
    assert (draft.title, draft.abstract) == ("", "Still thinking.")


def test_a_draft_is_finished_later_and_submitted(app, db):
    call = make_call()
    author = factories.make_user()
    draft = ops.create_draft(call.event, actor=author, now=OPENS)
    edit(draft, author, now=DURING, title="Census microdata", abstract="Sharing census microdata safely.",
         type_id=str(call.talk.id), track_id=str(call.privacy.id), keywords="census; microdata;  Census ")
    ops.submit(draft, actor=author, now=DEADLINE - SECOND)
    assert (draft.state, draft.submitted_at, draft.type, draft.track) == (SubmissionState.SUBMITTED, DEADLINE - SECOND,
                                                                          call.talk, call.privacy)
    assert draft.keywords == ["census", "microdata"]


def test_only_a_verified_account_starts_a_submission(app, db):
    call = make_call()
    with pytest.raises(NotAllowed, match="Confirm your email address"):
        ops.create_draft(call.event, actor=factories.make_user(verified=False), title="T", now=DURING)
    assert count(Submission) == 0


def test_a_draft_with_invalid_content_is_not_stored_at_all(app, db):
    call, other = make_call(), make_call()
    author = factories.make_user()
    with pytest.raises(ValidationFailed) as error:
        ops.create_draft(call.event, actor=author, title="x" * 301, abstract="word " * 21, type_id=call.paper.id,
                         track_id=other.data.id, now=DURING)
    assert error.value.errors == {
        "track_id": "Choose one of the tracks listed.",
        "title": "Keep the title under 300 characters.",
        "abstract": "The abstract has 21 words; a Full paper allows at most 20. Shorten it.",
    }
    assert (count(Submission), count(SubmissionAuthor), audit("submission.created")) == (0, 0, [])


def test_a_submitter_deletes_only_their_own_drafts(app, db):
    call = make_call()
    author, other = factories.make_user(), factories.make_user()
    draft = ops.create_draft(call.event, actor=author, title="Scratch", now=DURING)
    with pytest.raises(NotAllowed):
        ops.delete_draft(draft, actor=other)
    ops.delete_draft(draft, actor=author)
    assert count(Submission) == 0 and audit("submission.draft_deleted")[0].details == {"code": draft.code}
    done = submitted_talk(call, author)
    with pytest.raises(NotAllowed):
        ops.delete_draft(done, actor=author)


# What submitting requires -----------------------------------------------------------------------

def test_submit_reports_every_missing_piece_under_its_field(app, db):
    call = make_call(track_required=True)
    student = save_question(call.event, actor=call.organiser, label="Is the presenter a student?",
                            kind=QuestionKind.YES_NO, required=True)
    save_question(call.event, actor=call.organiser, label="Anything else?", kind=QuestionKind.LONG_TEXT)  # optional
    orcid = save_question(call.event, actor=call.organiser, label="ORCID iD", kind=QuestionKind.SHORT_TEXT,
                          target=QuestionTarget.AUTHOR, required=True)
    author = factories.make_user()
    draft = ops.create_draft(call.event, actor=author, now=DURING)
    coauthor = ops.add_author(draft, actor=author, name="Ana Lima", email="ana@example.org", now=DURING)
    me = draft.authors[0]
    with pytest.raises(ValidationFailed) as error:
        ops.submit(draft, actor=author, now=DURING)
    assert error.value.errors == {
        "title": "Give the title.",
        "abstract": "Write the abstract.",
        "type_id": "Choose the submission type.",
        "track_id": "Choose a track.",
        f"q_{student.id}": "Answer this question.",
        f"q_{orcid.id}_a{me.id}": f"Answer this question for {me.name}.",
        f"q_{orcid.id}_a{coauthor.id}": "Answer this question for Ana Lima.",
    }
    assert draft.state == SubmissionState.DRAFT and draft.submitted_at is None
    assert outbox("submission_received") == [] and audit("submission.submitted") == []

    edit(draft, author, now=DURING, title="T", abstract="A.", type_id=call.talk.id, track_id=call.data.id,
         answers={student.id: "no"},  # "no" is an answer
         author_answers={(me.id, orcid.id): "0000-0002-1825-0097", (coauthor.id, orcid.id): "0000-0001-5109-3700"})
    assert ops.completeness_errors(draft) == {}
    ops.submit(draft, actor=author, now=DURING)
    assert draft.state == SubmissionState.SUBMITTED


def test_a_type_that_requires_a_file_is_not_complete_without_it(app, db):
    call = make_call()
    author = factories.make_user()
    draft = complete_talk(call, author, type_id=call.paper.id)
    with pytest.raises(ValidationFailed) as error:
        ops.submit(draft, actor=author, now=DURING)
    assert error.value.errors == {"paper": "Upload the file: a Full paper needs one."}
    ops.attach_file(draft, actor=author, kind=FileKind.SUPPLEMENT, filename="extra.pdf", data=PDF, now=DURING)
    with pytest.raises(ValidationFailed):
        ops.submit(draft, actor=author, now=DURING)  # a supplement is not the paper
    ops.attach_file(draft, actor=author, kind=FileKind.PAPER, filename="paper.pdf", data=PDF, now=DURING)
    ops.submit(draft, actor=author, now=DURING)
    assert draft.state == SubmissionState.SUBMITTED


def test_the_abstract_word_limit_is_the_types(app, db):
    call = make_call()
    author = factories.make_user()
    twenty = " ".join(["**word**"] * 19 + ["[link](https://example.org)"])
    draft = complete_talk(call, author, type_id=call.paper.id, abstract=twenty)
    assert ops.word_count(draft.abstract) == 20
    with pytest.raises(ValidationFailed) as error:
        edit(draft, author, now=DURING, abstract=twenty + " more")
    assert error.value.errors == {"abstract": "The abstract has 21 words; a Full paper allows at most 20. Shorten it."}
    edit(draft, author, now=DURING, abstract="word " * 500, type_id=call.talk.id)  # a talk has no limit
    with pytest.raises(ValidationFailed, match="500 words"):
        edit(draft, author, now=DURING, type_id=call.paper.id)  # changing the type re-checks the limit


def test_the_track_is_required_only_when_the_call_says_so_and_has_tracks(app, db):
    call = make_call(track_required=False)
    author = factories.make_user()
    assert ops.completeness_errors(complete_talk(call, author, track_id=None)) == {}
    cfp_setup.configure_call(call.event, actor=call.organiser, opens_at=OPENS, deadline=DEADLINE, edit_until=EDIT_UNTIL,
                             track_required=True)
    free = complete_talk(call, author, track_id=None)
    assert ops.completeness_errors(free) == {"track_id": "Choose a track."}
    for track in (call.data, call.privacy):
        cfp_setup.delete_track(track, actor=call.organiser, event=call.event)
    assert ops.completeness_errors(free) == {}  # nothing to choose from


def test_required_questions_apply_only_to_the_types_and_tracks_they_are_limited_to(app, db):
    call = make_call()
    pages = save_question(call.event, actor=call.organiser, label="Number of pages", kind=QuestionKind.NUMBER,
                          required=True, type_ids=[call.paper.id])
    ethics = save_question(call.event, actor=call.organiser, label="Ethics approval URL", kind=QuestionKind.URL,
                           required=True, track_ids=[call.privacy.id])
    author = factories.make_user()
    draft = complete_talk(call, author, track_id=call.data.id)
    assert ops.completeness_errors(draft) == {}
    edit(draft, author, now=DURING, track_id=call.privacy.id)
    assert set(ops.completeness_errors(draft)) == {f"q_{ethics.id}"}
    edit(draft, author, now=DURING, type_id=call.paper.id, abstract="Short.")
    ops.attach_file(draft, actor=author, kind=FileKind.PAPER, filename="p.pdf", data=PDF, now=DURING)
    assert set(ops.completeness_errors(draft)) == {f"q_{pages.id}", f"q_{ethics.id}"}
    edit(draft, author, now=DURING, answers={pages.id: "12", ethics.id: "https://irb.example.org/2030/17"})
    ops.submit(draft, actor=author, now=DURING)
    assert {a.question_id: a.value for a in draft.answers} == {pages.id: "12", ethics.id: "https://irb.example.org/2030/17"}


def test_a_submitted_submission_must_stay_complete_and_a_refused_edit_changes_nothing(app, db):
    call = make_call()
    author = factories.make_user()
    submission = submitted_talk(call, author, title="Kept")
    with pytest.raises(ValidationFailed) as error, _db.session.begin_nested():  # what the caller's rollback does
        edit(submission, author, now=DURING, title="", type_id=None)
    assert error.value.errors == {"title": "Give the title.", "type_id": "Choose the submission type."}
    _db.session.refresh(submission)
    assert (submission.title, submission.type_id, submission.state) == ("Kept", call.talk.id, SubmissionState.SUBMITTED)


# The call's window ----------------------------------------------------------------------------

def test_nothing_is_started_before_the_call_opens(app, db):
    call = make_call()
    with pytest.raises(DeadlinePassed, match="The call for papers opens on"):
        ops.create_draft(call.event, actor=factories.make_user(), title="Too early", now=OPENS - SECOND)
    assert count(Submission) == 0
    assert ops.create_draft(call.event, actor=factories.make_user(), now=OPENS).state == SubmissionState.DRAFT


def test_an_event_without_a_call_takes_no_submissions(app, db):
    event = factories.make_event(published=True)
    with pytest.raises(DomainError, match="This event has no call for papers"):
        ops.create_draft(event, actor=factories.make_user(), now=DURING)


def test_a_closed_call_refuses_new_drafts_and_submits(app, db):
    call = make_call()
    author = factories.make_user()
    draft = complete_talk(call, author)
    for closed in (DEADLINE, AFTER_DEADLINE):
        with pytest.raises(DeadlinePassed) as error:
            ops.submit(draft, actor=author, now=closed)
        assert error.value.field == "access_code"
        assert error.value.message.startswith("The call for papers closed on")
        with pytest.raises(DeadlinePassed):
            ops.create_draft(call.event, actor=author, title="Late", now=closed)
    assert draft.state == SubmissionState.DRAFT and count(Submission) == 1
    assert not call.event.call.is_open(DEADLINE) and call.event.call.is_open(DEADLINE - SECOND)


def test_a_type_deadline_replaces_the_calls_deadline_for_that_type(app, db):
    call = make_call()
    later = save_submission_type(call.event, actor=call.organiser, name="Poster", deadline=DEADLINE + dt.timedelta(days=5))
    earlier = save_submission_type(call.event, actor=call.organiser, name="Panel", deadline=DEADLINE - dt.timedelta(days=5))
    author = factories.make_user()
    poster = complete_talk(call, author, type_id=later.id, now=DURING)
    panel = complete_talk(call, author, type_id=earlier.id, now=DURING - dt.timedelta(days=6))
    talk = complete_talk(call, author)
    with pytest.raises(DeadlinePassed):
        ops.submit(panel, actor=author, now=DEADLINE - dt.timedelta(days=1))  # the call is open, the panel's date passed
    with pytest.raises(DeadlinePassed):
        ops.submit(talk, actor=author, now=AFTER_DEADLINE)
    ops.submit(poster, actor=author, now=AFTER_DEADLINE)
    assert poster.state == SubmissionState.SUBMITTED and poster.access_code is None
    # A poster can even be started after the call's deadline, but not without saying it is a poster.
    assert ops.create_draft(call.event, actor=author, type_id=later.id, now=AFTER_DEADLINE).type == later
    with pytest.raises(DeadlinePassed):
        ops.create_draft(call.event, actor=author, now=AFTER_DEADLINE)


# Late access codes -------------------------------------------------------------------------------

def test_a_valid_access_code_lets_a_late_author_submit_and_counts_one_use(app, db):
    call = make_call()
    code = create_access_code(call.event, actor=call.organiser, code="LATE-2030", max_uses=3,
                              valid_until=AFTER_DEADLINE + dt.timedelta(days=1))
    author = factories.make_user()
    draft = complete_talk(call, author)
    ops.submit(draft, actor=author, access_code=" LATE-2030 ", now=AFTER_DEADLINE)
    _db.session.refresh(code)
    assert (draft.state, draft.access_code, code.uses) == (SubmissionState.SUBMITTED, code, 1)
    assert audit("submission.submitted")[0].details == {"code": draft.code, "access_code": "LATE-2030"}


def test_an_access_code_used_while_the_call_is_open_is_not_spent(app, db):
    call = make_call()
    code = create_access_code(call.event, actor=call.organiser, code="LATE-2030", max_uses=1)
    author = factories.make_user()
    draft = complete_talk(call, author)
    ops.submit(draft, actor=author, access_code="LATE-2030", now=DURING)
    _db.session.refresh(code)
    assert code.uses == 0 and draft.access_code is None
    assert audit("submission.submitted")[0].details == {"code": draft.code}


def test_an_access_code_given_with_the_draft_is_used_when_submitting(app, db):
    call = make_call()
    code = create_access_code(call.event, actor=call.organiser, code="LATE-2030", max_uses=1)
    author = factories.make_user()
    draft = ops.create_draft(call.event, actor=author, title="Late but welcome", access_code="LATE-2030",
                             now=AFTER_DEADLINE)
    assert draft.access_code == code
    edit(draft, author, now=AFTER_DEADLINE, abstract="An abstract.", type_id=call.talk.id)
    ops.submit(draft, actor=author, now=AFTER_DEADLINE)
    _db.session.refresh(code)
    assert draft.state == SubmissionState.SUBMITTED and code.uses == 1


@pytest.mark.parametrize("text", ["NO-SUCH-CODE", "OTHER-EVENT", "late-2030"])
def test_an_unknown_access_code_is_refused(app, db, text):
    call, other = make_call(), make_call()
    create_access_code(call.event, actor=call.organiser, code="LATE-2030")
    create_access_code(other.event, actor=other.organiser, code="OTHER-EVENT")
    author = factories.make_user()
    draft = complete_talk(call, author)
    with pytest.raises(DomainError) as error:
        ops.submit(draft, actor=author, access_code=text, now=AFTER_DEADLINE)
    assert (error.value.field, error.value.message) == (
        "access_code", "This access code is not valid for this event. Check it with the organisers.")
    assert draft.state == SubmissionState.DRAFT


def test_an_expired_access_code_is_refused(app, db):
    call = make_call()
    create_access_code(call.event, actor=call.organiser, code="LATE-2030", valid_until=AFTER_DEADLINE)
    author = factories.make_user()
    draft = complete_talk(call, author)
    with pytest.raises(DomainError, match="This access code expired on") as error:
        ops.submit(draft, actor=author, access_code="LATE-2030", now=AFTER_DEADLINE)
    assert error.value.field == "access_code" and draft.state == SubmissionState.DRAFT
    ops.submit(draft, actor=author, access_code="LATE-2030", now=AFTER_DEADLINE - SECOND)
    assert draft.state == SubmissionState.SUBMITTED


def test_a_used_up_access_code_is_refused(app, db):
    call = make_call()
    code = create_access_code(call.event, actor=call.organiser, code="LATE-2030", max_uses=1)
    first, second = factories.make_user(), factories.make_user()
    ops.submit(complete_talk(call, first), actor=first, access_code="LATE-2030", now=AFTER_DEADLINE)
    late = complete_talk(call, second)
    with pytest.raises(DomainError) as error:
        ops.submit(late, actor=second, access_code="LATE-2030", now=AFTER_DEADLINE)
    assert (error.value.field, error.value.message) == ("access_code", "This access code has been used as often as it allows.")
    _db.session.refresh(code)
    assert code.uses == 1 and late.state == SubmissionState.DRAFT


def test_an_access_code_limited_to_types_and_tracks_opens_only_those(app, db):
    call = make_call()
    create_access_code(call.event, actor=call.organiser, code="TALKS-ONLY", type_ids=[call.talk.id])
    create_access_code(call.event, actor=call.organiser, code="PRIVACY-ONLY", track_ids=[call.privacy.id])
    author = factories.make_user()
    paper = complete_talk(call, author, type_id=call.paper.id)
    ops.attach_file(paper, actor=author, kind=FileKind.PAPER, filename="p.pdf", data=PDF, now=DURING)
    with pytest.raises(DomainError, match="This access code is for other submission types: Talk."):
        ops.submit(paper, actor=author, access_code="TALKS-ONLY", now=AFTER_DEADLINE)
    data_talk = complete_talk(call, author, track_id=call.data.id)
    with pytest.raises(DomainError, match="This access code is for other tracks: Privacy and ethics."):
        ops.submit(data_talk, actor=author, access_code="PRIVACY-ONLY", now=AFTER_DEADLINE)
    ops.submit(data_talk, actor=author, access_code="TALKS-ONLY", now=AFTER_DEADLINE)
    assert (paper.state, data_talk.state) == (SubmissionState.DRAFT, SubmissionState.SUBMITTED)


def test_the_database_refuses_more_uses_than_the_maximum(app, db):
    call = make_call()
    code = create_access_code(call.event, actor=call.organiser, code="LATE-2030", max_uses=1)
    code.uses = 2
    with pytest.raises(sa.exc.IntegrityError, match="uses_within_maximum"), _db.session.begin_nested():
        _db.session.flush()


# The state machine -------------------------------------------------------------------------------

def test_the_state_machine_moves_through_review_decisions_and_ends_at_withdrawn():
    S = SubmissionState
    assert {
        S.DRAFT: {S.SUBMITTED},
        S.SUBMITTED: {S.WITHDRAWN, S.ACCEPTED, S.REJECTED},
        S.ACCEPTED: {S.CONFIRMED, S.WITHDRAWN, S.REJECTED},
        S.REJECTED: {S.ACCEPTED},
        S.CONFIRMED: {S.WITHDRAWN, S.REJECTED},
        S.WITHDRAWN: set(),
    } == SUBMISSION_TRANSITIONS


def test_each_operation_moves_only_along_an_allowed_transition(app, db):
    call = make_call()
    author = factories.make_user()
    submission = complete_talk(call, author)
    with pytest.raises(InvalidState, match="A submission that is a draft cannot be withdrawn"):
        ops.withdraw(submission, actor=author, now=DURING)
    ops.submit(submission, actor=author, now=DURING)
    with pytest.raises(InvalidState, match="already been submitted"):
        ops.submit(submission, actor=author, now=DURING)
    ops.withdraw(submission, actor=author, reason=" Data not cleared for release. ", now=DURING + SECOND)
    assert (submission.state, submission.withdrawn_at) == (SubmissionState.WITHDRAWN, DURING + SECOND)
    assert audit("submission.withdrawn")[0].details == {"code": submission.code, "reason": "Data not cleared for release."}
    with pytest.raises(InvalidState):
        ops.withdraw(submission, actor=author, now=DURING)
    with pytest.raises(InvalidState):
        ops.submit(submission, actor=author, now=DURING)
    _db.session.refresh(submission)
    assert submission.state == SubmissionState.WITHDRAWN


def test_withdrawing_is_possible_after_the_deadline_by_the_submitter_or_an_organiser(app, db):
    call = make_call()
    author, coauthor, stranger = factories.make_user(), factories.make_user(), factories.make_user()
    mine = submitted_talk(call, author)
    ops.add_author(mine, actor=author, name="Co Author", email=coauthor.email, now=DURING)
    for someone in (coauthor, stranger):
        with pytest.raises(NotAllowed, match="Only the person who submitted this can withdraw it"):
            ops.withdraw(mine, actor=someone, now=DURING)
    ops.withdraw(mine, actor=author, now=AFTER_EDIT_UNTIL)  # no edit window needed: "before a decision"
    theirs = submitted_talk(call, factories.make_user())
    ops.withdraw(theirs, actor=call.organiser, now=AFTER_EDIT_UNTIL)
    assert (mine.state, theirs.state) == (SubmissionState.WITHDRAWN, SubmissionState.WITHDRAWN)


def test_a_withdrawn_submission_cannot_be_changed_by_anyone(app, db):
    call = make_call()
    author = factories.make_user()
    submission = submitted_talk(call, author)
    ops.withdraw(submission, actor=author, now=DURING)
    for actor in (author, call.organiser):
        with pytest.raises(InvalidState, match="was withdrawn and can no longer be changed"):
            edit(submission, actor, now=DURING, title="Changed")
        with pytest.raises(InvalidState):
            ops.add_author(submission, actor=actor, name="Late Friend", email="friend@example.org", now=DURING)
        assert not submission.can_edit(actor, DURING)
    assert submission.title == "Open data standards in practice"


# Editing ----------------------------------------------------------------------------------------

def test_the_submitter_edits_until_edit_until_when_it_is_set(app, db):
    call = make_call(edit_until=EDIT_UNTIL)
    author = factories.make_user()
    submission = submitted_talk(call, author)
    edit(submission, author, now=AFTER_DEADLINE, title="Better title")
    edit(submission, author, now=EDIT_UNTIL - SECOND, title="Best title")
    with pytest.raises(DeadlinePassed, match="Changes were possible until") as error:
        edit(submission, author, now=EDIT_UNTIL, title="Too late")
    assert submission.title == "Best title" and error.value.field is None
    assert submission.edit_deadline() == EDIT_UNTIL


def test_without_edit_until_the_submitter_edits_until_the_deadline(app, db):
    call = make_call(edit_until=None)
    author = factories.make_user()
    submission = submitted_talk(call, author)
    edit(submission, author, now=DEADLINE - SECOND, title="Last minute")
    with pytest.raises(DeadlinePassed):
        edit(submission, author, now=DEADLINE, title="Too late")
    assert submission.edit_deadline() == DEADLINE


def test_a_later_type_deadline_extends_editing_past_edit_until(app, db):
    call = make_call(edit_until=EDIT_UNTIL)
    poster = save_submission_type(call.event, actor=call.organiser, name="Poster", deadline=EDIT_UNTIL + dt.timedelta(days=3))
    author = factories.make_user()
    submission = submitted_talk(call, author, type_id=poster.id)
    assert submission.edit_deadline() == EDIT_UNTIL + dt.timedelta(days=3)
    edit(submission, author, now=AFTER_EDIT_UNTIL, title="Poster, revised")
    assert submission.title == "Poster, revised"


def test_organisers_edit_at_any_time_and_the_audit_log_says_so(app, db):
    call = make_call()
    author = factories.make_user()
    submission = submitted_talk(call, author)
    edit(submission, author, now=DURING, title="By the author")
    edit(submission, call.organiser, now=AFTER_EDIT_UNTIL, title="Typo fixed by the organisers")
    assert submission.title == "Typo fixed by the organisers"
    entries = audit("submission.updated")
    assert [(e.actor_id, e.details) for e in entries] == [
        (author.id, {"code": submission.code}),
        (call.organiser.id, {"code": submission.code, "by_organiser": True}),
    ]


def test_only_the_submitter_or_an_organiser_edits(app, db):
    call = make_call()
    author, coauthor, stranger = factories.make_user(), factories.make_user(), factories.make_user()
    reviewer = factories.make_user()
    factories.add_role(call.event, reviewer, TeamRole.REVIEWER)
    submission = submitted_talk(call, author)
    ops.add_author(submission, actor=author, name="Co Author", email=coauthor.email, now=DURING)
    with pytest.raises(NotAllowed, match="Only the person who submitted this can change it"):
        edit(submission, coauthor, now=DURING, title="Mine now")
    for outsider in (stranger, reviewer):
        with pytest.raises(NotAllowed, match="This is not your submission"):
            edit(submission, outsider, now=DURING, title="Mine now")
    with pytest.raises(NotAllowed):
        ops.submit(complete_talk(call, author), actor=coauthor, now=DURING)
    assert submission.title == "Open data standards in practice"


# Submitting twice -----------------------------------------------------------------------------

def test_the_same_form_sent_twice_gives_one_draft(app, db):
    call = make_call()
    author, other = factories.make_user(), factories.make_user()
    first = complete_talk(call, author, form_nonce="form-1")
    again = complete_talk(call, author, form_nonce="form-1", title="Sent twice")
    assert again is first and first.title == "Open data standards in practice"
    theirs = complete_talk(call, other, form_nonce="form-1")  # the nonce is per person
    assert theirs is not first
    assert count(Submission) == 2 and len(audit("submission.created")) == 2


def test_a_double_click_on_submit_creates_one_submission_and_one_acknowledgement(app, db):
    call = make_call()
    author = factories.make_user()
    content = {"title": "Double click", "abstract": "Clicked twice.", "type_id": call.talk.id, "track_id": call.data.id}
    first, created = authoring.start_submission(call.event, actor=author, form_nonce="form-1", content=content,
                                                submit_now=True, now=DURING)
    second, created_again = authoring.start_submission(call.event, actor=author, form_nonce="form-1", content=content,
                                                       submit_now=True, now=DURING + SECOND)
    assert (created, created_again, second) == (True, False, first)
    assert first.state == SubmissionState.SUBMITTED and first.submitted_at == DURING
    assert count(Submission) == 1 and len(outbox("submission_received")) == 1


# Co-authors ---------------------------------------------------------------------------------------

def test_adding_a_coauthor_with_an_account_links_it_at_once(app, db):
    call = make_call()
    author = factories.make_user(name="Kwame Mensah")
    ana = factories.make_user(email="ana.lima@example.org", name="Ana Lima")
    submission = complete_talk(call, author)
    added = ops.add_author(submission, actor=author, name=" Ana  Lima ", email="Ana.Lima@Example.org",
                           affiliation=" IBGE ", is_presenter=True, now=DURING)
    assert (added.user_id, added.name, added.email, added.affiliation, added.position, added.is_presenter,
            added.is_corresponding, added.invited_at) == (ana.id, "Ana Lima", "ana.lima@example.org", "IBGE", 1,
                                                           True, False, DURING)
    assert ops.submissions_of(ana) == [submission]
    assert submission.is_author(ana) and submission.can_view(ana) and not submission.can_edit(ana, DURING)
    [mail] = outbox("coauthor_invitation")
    assert (mail.to_address, mail.to_name, mail.user_id, mail.event_id) == ("ana.lima@example.org", "Ana Lima", ana.id,
                                                                           call.event.id)
    assert mail.subject == 'You are listed as an author of "Open data standards in practice"'
    assert "Kwame Mensah listed you as an author" in mail.body_text and "It is on your dashboard" in mail.body_text
    assert audit("submission.author_added")[0].details == {"code": submission.code, "email": "ana.lima@example.org"}


def test_a_coauthor_without_an_account_is_invited_and_linked_on_accepting(app, db):
    call = make_call()
    author = factories.make_user()
    submission = complete_talk(call, author)
    added = ops.add_author(submission, actor=author, name="Bo Chen", email="bo.chen@example.org", now=DURING)
    assert added.user_id is None
    [mail] = outbox("coauthor_invitation")
    assert mail.user_id is None and "create an account with this address" in mail.body_text
    link = re.search(r"http://conference\.test/coauthorship/(\S+)", mail.body_text)
    assert link, mail.body_text

    bo = factories.make_user(email="bo.chen@example.org", name="Bo Chen")
    assert ops.submissions_of(bo) == []  # an account alone does not link: accepting does
    found = ops.author_from_token(link.group(1))
    assert found is added
    ops.accept_coauthorship(found, user=bo)
    assert added.user_id == bo.id and ops.submissions_of(bo) == [submission]
    ops.accept_coauthorship(found, user=bo)  # accepting twice changes nothing
    assert len(audit("submission.coauthor_accepted")) == 1


def test_accepting_a_coauthorship_checks_who_accepts(app, db):
    call = make_call()
    author = factories.make_user()
    submission = complete_talk(call, author)
    place = ops.add_author(submission, actor=author, name="Bo Chen", email="bo.chen@example.org", now=DURING)
    with pytest.raises(NotAllowed, match="Confirm your email address"):
        ops.accept_coauthorship(place, user=factories.make_user(verified=False))
    with pytest.raises(AlreadyExists, match="already an author"):
        ops.accept_coauthorship(place, user=author)
    first = factories.make_user()
    ops.accept_coauthorship(place, user=first)
    with pytest.raises(InvalidState, match="Another account has already accepted"):
        ops.accept_coauthorship(place, user=factories.make_user())
    assert place.user_id == first.id


def test_a_token_for_a_removed_coauthor_or_a_tampered_token_is_refused(app, db):
    call = make_call()
    author = factories.make_user()
    submission = complete_talk(call, author)
    removed = ops.add_author(submission, actor=author, name="Bo Chen", email="bo.chen@example.org", now=DURING)
    token = ops.coauthor_token(removed)
    ops.remove_author(removed, actor=author, now=DURING)
    with pytest.raises(InvalidToken, match="You are no longer listed as an author"):
        ops.author_from_token(token)
    kept = ops.add_author(submission, actor=author, name="Ana Lima", email="ana@example.org", now=DURING)
    with pytest.raises(InvalidToken, match="not valid"):
        ops.author_from_token(ops.coauthor_token(kept)[:-2] + "xx")


def test_the_same_person_cannot_be_listed_twice(app, db):
    call = make_call()
    author = factories.make_user(email="kwame@example.org")
    submission = complete_talk(call, author)
    ops.add_author(submission, actor=author, name="Ana Lima", email="ana@example.org", now=DURING)
    for email in ("ANA@example.org", " ana@EXAMPLE.org", "Kwame@Example.org"):
        with pytest.raises(AlreadyExists, match="already an author") as error:
            ops.add_author(submission, actor=author, name="Again", email=email, now=DURING)
        assert error.value.field == "email"
    with pytest.raises(DomainError, match="Enter a valid email address"):
        ops.add_author(submission, actor=author, name="Nobody", email="not an address", now=DURING)
    with pytest.raises(DomainError, match="Give the co-author's name") as error:
        ops.add_author(submission, actor=author, name="  ", email="blank@example.org", now=DURING)
    assert error.value.field == "name"
    assert [a.email for a in submission.authors] == ["kwame@example.org", "ana@example.org"]
    assert len(outbox("coauthor_invitation")) == 1


def test_coauthors_are_removed_and_reordered_but_the_submitter_stays(app, db):
    call = make_call()
    author = factories.make_user(name="Kwame")
    submission = complete_talk(call, author)
    ana, bo, chen = (ops.add_author(submission, actor=author, name=n, email=f"{n.lower()}@example.org", now=DURING)
                     for n in ("Ana", "Bo", "Chen"))
    names = lambda: [a.name for a in sorted(submission.authors, key=lambda a: a.position)]  # noqa: E731
    ops.move_author(chen, actor=author, offset=-1, now=DURING)
    ops.move_author(chen, actor=author, offset=-1, now=DURING)
    ops.move_author(submission.authors[0], actor=author, offset=-1, now=DURING)  # already first: nothing happens
    assert names() == ["Kwame", "Chen", "Ana", "Bo"]
    ops.move_author(submission.authors[0], actor=author, offset=+1, now=DURING)  # the submitter may move down
    assert names() == ["Chen", "Kwame", "Ana", "Bo"]
    ops.remove_author(ana, actor=author, now=DURING)
    assert names() == ["Chen", "Kwame", "Bo"] and sorted(a.position for a in submission.authors) == [0, 1, 2]
    me = next(a for a in submission.authors if a.user_id == author.id)
    with pytest.raises(InvalidState, match="cannot be removed"):
        ops.remove_author(me, actor=author, now=DURING)
    _db.session.expire_all()
    assert [(a.name, a.position) for a in submission.authors] == [("Chen", 0), ("Kwame", 1), ("Bo", 2)]
    assert audit("submission.author_removed")[0].details == {"code": submission.code, "email": "ana@example.org"}
    ops.update_author(bo, actor=author, name="Bo Chen", affiliation="UNHCR", is_presenter=True, is_corresponding=False,
                      now=DURING)
    assert (bo.name, bo.affiliation, bo.is_presenter) == ("Bo Chen", "UNHCR", True)


def test_only_the_submitter_changes_the_authors_and_only_while_editing_is_allowed(app, db):
    call = make_call()
    author = factories.make_user()
    coauthor = factories.make_user()
    submission = submitted_talk(call, author)
    linked = ops.add_author(submission, actor=author, name="Co Author", email=coauthor.email, now=DURING)
    with pytest.raises(NotAllowed):
        ops.add_author(submission, actor=coauthor, name="Friend", email="friend@example.org", now=DURING)
    with pytest.raises(NotAllowed):
        ops.remove_author(submission.authors[0], actor=coauthor, now=DURING)
    with pytest.raises(DeadlinePassed):
        ops.add_author(submission, actor=author, name="Friend", email="friend@example.org", now=AFTER_EDIT_UNTIL)
    with pytest.raises(DeadlinePassed):
        ops.remove_author(linked, actor=author, now=AFTER_EDIT_UNTIL)
    with pytest.raises(DeadlinePassed):
        ops.move_author(linked, actor=author, offset=-1, now=AFTER_EDIT_UNTIL)
    assert [a.email for a in submission.authors] == [author.email, coauthor.email]


# Mail ---------------------------------------------------------------------------------------------

def test_submitting_acknowledges_to_every_author_with_the_code(app, db):
    call = make_call()
    author = factories.make_user(name="Kwame Mensah", email="kwame@example.org")
    ana = factories.make_user(name="Ana Lima", email="ana@example.org")
    submission = complete_talk(call, author, title="Flood early warnings")
    ops.add_author(submission, actor=author, name="Ana Lima", email=ana.email, now=DURING)
    ops.add_author(submission, actor=author, name="Bo Chen", email="bo@example.org", now=DURING)
    ops.submit(submission, actor=author, now=DURING)
    mails = outbox("submission_received")
    assert [(m.to_address, m.to_name, m.user_id) for m in mails] == [
        ("kwame@example.org", "Kwame Mensah", author.id), ("ana@example.org", "Ana Lima", ana.id),
        ("bo@example.org", "Bo Chen", None)]
    link = f"http://conference.test/events/{call.event.slug}/submissions/{submission.code}"
    for mail in mails:
        assert mail.subject == f"Submission {submission.code} received: Flood early warnings"
        assert f"Code: {submission.code}" in mail.body_text and link in mail.body_text
        assert "Authors: Kwame Mensah, Ana Lima, and Bo Chen" in mail.body_text
        assert f"{call.event.title}" in mail.body_text and mail.reply_to == call.event.contact_email


def test_withdrawing_tells_every_organiser_and_nobody_else(app, db):
    call = make_call()
    second = factories.make_user(name="Second Organiser")
    factories.add_role(call.event, second, TeamRole.ORGANISER)
    factories.add_role(call.event, factories.make_user(), TeamRole.REVIEWER)
    factories.add_role(call.event, factories.make_user(), TeamRole.TRACK_CHAIR)
    author = factories.make_user(name="Kwame Mensah")
    submission = submitted_talk(call, author, title="Withdrawn work")
    before = len(outbox())
    ops.withdraw(submission, actor=author, reason="Data not cleared.", now=DURING)
    mails = outbox("submission_withdrawn")
    assert len(outbox()) == before + 2
    assert sorted(m.to_address for m in mails) == sorted([call.organiser.email, second.email])
    for mail in mails:
        assert mail.subject == f"Withdrawn: {submission.code} Withdrawn work"
        assert "Kwame Mensah withdrew submission" in mail.body_text and "Data not cleared." in mail.body_text
        assert f"/events/{call.event.slug}/manage/submissions/{submission.code}" in mail.body_text


def test_a_refused_submit_queues_no_mail(app, db):
    call = make_call()
    author = factories.make_user()
    draft = complete_talk(call, author, title="")
    with pytest.raises(ValidationFailed):
        ops.submit(draft, actor=author, now=DURING)
    with pytest.raises(DeadlinePassed):
        ops.submit(complete_talk(call, author), actor=author, now=AFTER_DEADLINE)
    assert outbox() == []


# The database's own checks ------------------------------------------------------------------------

def _insert_row(**columns):
    with _db.session.begin_nested():
        _db.session.execute(sa.insert(Submission).values(**columns))


def test_the_database_refuses_a_submitted_row_without_type_or_time(app, db):
    call = make_call()
    author = factories.make_user()
    base = {"event_id": call.event.id, "submitter_id": author.id, "title": "Raw", "abstract": "", "keywords": [],
            "state": "submitted"}
    with pytest.raises(sa.exc.IntegrityError, match="submitted_is_complete"):
        _insert_row(code="RAW001", type_id=None, submitted_at=DURING, **base)
    with pytest.raises(sa.exc.IntegrityError, match="submitted_is_complete"):
        _insert_row(code="RAW002", type_id=call.talk.id, submitted_at=None, **base)
    _insert_row(code="RAW003", type_id=call.talk.id, submitted_at=DURING, **base)
    assert count(Submission) == 1


def test_the_database_refuses_a_withdrawn_row_without_its_time(app, db):
    call = make_call()
    author = factories.make_user()
    submission = submitted_talk(call, author)
    with pytest.raises(sa.exc.IntegrityError, match="withdrawn_has_time"), _db.session.begin_nested():
        _db.session.execute(sa.update(Submission).where(Submission.id == submission.id).values(state="withdrawn"))
    with pytest.raises(sa.exc.IntegrityError), _db.session.begin_nested():
        _db.session.execute(sa.text("UPDATE submission SET state = 'bogus' WHERE id = :id"), {"id": submission.id})
    with pytest.raises(sa.exc.IntegrityError, match="confirmed_has_time"), _db.session.begin_nested():
        _db.session.execute(sa.update(Submission).where(Submission.id == submission.id).values(state="confirmed"))
    _db.session.refresh(submission)
    assert submission.state == SubmissionState.SUBMITTED


# Races on PostgreSQL ----------------------------------------------------------------------------

@pytest.mark.postgres_only
def test_two_submits_racing_for_the_last_use_of_an_access_code_cannot_both_succeed(app, database_url, postgres_db):
    call = make_call()
    code = create_access_code(call.event, actor=call.organiser, code="LAST-ONE", max_uses=1)
    one, other = factories.make_user(), factories.make_user()
    drafts = [(complete_talk(call, one).id, one.id), (complete_talk(call, other).id, other.id)]
    postgres_db.session.commit()

    def submit_late(submission_id, user_id):
        def work():
            submission = _db.session.get(Submission, submission_id)
            ops.submit(submission, actor=_db.session.get(User, user_id), access_code="LAST-ONE", now=AFTER_DEADLINE)
            return submission.id
        return work

    first, second = race(app, database_url, submit_late(*drafts[0]), submit_late(*drafts[1]))
    assert first.result == drafts[0][0]
    assert isinstance(second.error, DomainError) and second.error.field == "access_code"
    assert second.error.message == "This access code has been used as often as it allows."
    postgres_db.session.expire_all()
    assert postgres_db.session.get(AccessCode, code.id).uses == 1
    states = dict(postgres_db.session.execute(sa.select(Submission.id, Submission.state)).all())
    assert states == {drafts[0][0]: SubmissionState.SUBMITTED, drafts[1][0]: SubmissionState.DRAFT}


@pytest.mark.postgres_only
def test_the_same_form_sent_twice_at_once_gives_one_draft(app, database_url, postgres_db):
    call = make_call()
    author = factories.make_user()
    event_id, author_id = call.event.id, author.id
    postgres_db.session.commit()

    def start(title):
        def work():
            return ops.create_draft(_db.session.get(Event, event_id), actor=_db.session.get(User, author_id),
                                    form_nonce="form-1", title=title, now=DURING).id
        return work

    first, second = race(app, database_url, start("First click"), start("Second click"))
    assert first.error is None and second.error is None
    assert second.result == first.result
    postgres_db.session.expire_all()
    assert postgres_db.session.execute(sa.select(Submission.id, Submission.title)).all() == [(first.result, "First click")]
