"""A new edition keeps the call: its settings, submission types and questions (with their
limits to the new types and tracks), every date a week later on the event's clock; no submission."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from conference.cfp.models import AccessCode, Question, Submission, SubmissionType
from conference.core.enums import QuestionKind
from conference.events.cloning import clone_event
from conference.events.models import Track
from conference.extensions import db as _db

from .. import factories
from .builders import make_call, submitted_talk

UTC = dt.UTC


def test_a_new_edition_keeps_the_call_types_and_questions_a_week_later(db):
    call = make_call()
    event = call.event
    event.call.intro_translations = {"fr": "Bienvenue"}
    call.paper.deadline = dt.datetime(2030, 3, 25, 12, 0, tzinfo=UTC)  # 13:00 in Zurich, winter time
    question = Question(event_id=event.id, kind=QuestionKind.SINGLE_CHOICE, label="Format", options=["Oral", "Poster"],
                        required=True, position=0, types=[call.paper], tracks=[call.data])
    _db.session.add_all([question, AccessCode(event_id=event.id, code="LATE", note="For Ana")])
    submitted_talk(call, factories.make_user(name="Ana Author"))
    target = clone_event(event, title="Conference on Data 2", slug="data-2",
                         starts_on=event.start_date + dt.timedelta(days=7), actor=call.organiser)

    new_call = target.call
    assert (new_call.opens_at, new_call.deadline, new_call.edit_until) == (
        dt.datetime(2030, 3, 8, 9, 0, tzinfo=UTC), dt.datetime(2030, 4, 8, 12, 0, tzinfo=UTC),
        dt.datetime(2030, 4, 15, 12, 0, tzinfo=UTC))
    assert new_call.intro_translations == {"fr": "Bienvenue"}
    types = db.session.scalars(sa.select(SubmissionType).where(SubmissionType.event_id == target.id)
                               .order_by(SubmissionType.position, SubmissionType.id)).all()
    assert [(t.name, t.abstract_word_limit, t.file_required, t.max_file_size_mb, t.default_duration)
            for t in types] == [("Full paper", 20, True, 1, 20), ("Talk", None, False, 10, 30)]
    # 13:00 on 25 March (winter time, 12:00 UTC) is 13:00 on 1 April (summer time, 11:00 UTC).
    assert types[0].deadline == dt.datetime(2030, 4, 1, 11, 0, tzinfo=UTC)
    new_question = db.session.scalars(sa.select(Question).where(Question.event_id == target.id)).one()
    assert (new_question.label, new_question.options, new_question.required) == ("Format", ["Oral", "Poster"], True)
    assert [t.id for t in new_question.types] == [types[0].id]
    new_data = db.session.scalars(sa.select(Track).where(Track.event_id == target.id, Track.name == "Data standards")).one()
    assert [t.id for t in new_question.tracks] == [new_data.id]
    for model in (Submission, AccessCode):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.event_id == target.id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)
                             .where(Submission.event_id == event.id)) == 1


def test_an_event_without_a_call_gets_none(db, organiser):
    event = factories.make_event(organiser=organiser)
    target = clone_event(event, title="Next", slug="next-one", starts_on=event.start_date, actor=organiser)
    assert target.call is None
