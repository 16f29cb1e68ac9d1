"""A new edition keeps the review settings (bidding closed again, the deadline moved) and the
review form's criteria and questions; no conflict, bid, assignment or review."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from conference.events.cloning import clone_event
from conference.extensions import db as _db
from conference.review.enums import BlindMode
from conference.review.models import (
    Bid,
    Conflict,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewQuestion,
    ReviewSettings,
)

from .builders import add_conflict, complete_review, make_reviewing

UTC = dt.UTC
PERSONAL = (ReviewAssignment, Review, Conflict, Bid)


def totals() -> list[int]:
    return [_db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in PERSONAL]


def criteria_of(event) -> list[tuple]:
    return [(c.name, c.description, c.scale_min, c.scale_max, c.weight, c.labels, c.required) for c in _db.session.scalars(
        sa.select(ReviewCriterion).where(ReviewCriterion.event_id == event.id).order_by(ReviewCriterion.position))]


def questions_of(event) -> list[tuple]:
    return [(q.label, q.kind, q.required, q.visible_to_authors) for q in _db.session.scalars(
        sa.select(ReviewQuestion).where(ReviewQuestion.event_id == event.id).order_by(ReviewQuestion.position))]


def test_a_new_edition_keeps_the_review_form_and_settings(db):
    r = make_reviewing(blind_mode=BlindMode.DOUBLE_BLIND)
    complete_review(r, r.reviewer)
    add_conflict(r, r.idle)
    settings = r.settings
    settings.bidding_open = True
    settings.review_deadline = dt.datetime(2030, 5, 1, 10, 0, tzinfo=UTC)
    _db.session.flush()
    before = totals()
    assert all(before[:3])
    target = clone_event(r.event, title="Next", slug="next-review", starts_on=r.event.start_date + dt.timedelta(days=14),
                         actor=r.organiser)
    new = _db.session.scalars(sa.select(ReviewSettings).where(ReviewSettings.event_id == target.id)).one()
    assert (new.blind_mode, new.bidding_open, new.reviews_per_submission, new.max_load, new.ask_confidence) == (
        BlindMode.DOUBLE_BLIND, False, settings.reviews_per_submission, settings.max_load, settings.ask_confidence)
    assert new.review_deadline == dt.datetime(2030, 5, 15, 10, 0, tzinfo=UTC)
    assert criteria_of(target) == criteria_of(r.event) and len(criteria_of(target)) == 2
    assert questions_of(target) == questions_of(r.event) and len(questions_of(target)) == 2
    assert totals() == before
