"""What a new edition keeps of the call for papers: its settings, submission types and questions
(limited to the same types and tracks), dates moved; no submission, answer or access code."""

import sqlalchemy as sa

from conference.cfp.models import Question, SubmissionType
from conference.events.cloning import Cloned
from conference.extensions import db


def clone_call(cloned: Cloned) -> None:
    source, target = cloned.source, cloned.target
    if source.call is not None:
        call = source.call
        cloned.copy(call, event_id=target.id, opens_at=cloned.shift(call.opens_at),
                    deadline=cloned.shift(call.deadline), edit_until=cloned.shift(call.edit_until))
    for kind in db.session.scalars(sa.select(SubmissionType).where(SubmissionType.event_id == source.id)
                                   .order_by(SubmissionType.position, SubmissionType.id)):
        cloned.copy(kind, event_id=target.id, deadline=cloned.shift(kind.deadline))
    db.session.flush()
    for question in db.session.scalars(sa.select(Question).where(Question.event_id == source.id)
                                       .order_by(Question.position, Question.id)):
        cloned.copy(question, event_id=target.id, types=cloned.mapped("submission_type", question.types),
                    tracks=cloned.mapped("track", question.tracks))
