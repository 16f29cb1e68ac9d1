"""Setting up review: the settings, the criteria and the questions of the review form."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from conference.core.enums import QuestionKind
from conference.core.models import AuditEntry
from conference.errors import InvalidState, NotAllowed, ValidationFailed
from conference.extensions import db
from conference.review import setup as review_setup
from conference.review.enums import (
    BlindMode,
    OtherReviewsVisibility,
    ReviewState,
)
from conference.review.models import ReviewCriterion, ReviewQuestion, ReviewScore

from .. import factories
from ..cfp.builders import make_call
from .builders import complete_review, make_reviewing

UTC = dt.UTC
SETTINGS = {"blind_mode": BlindMode.DOUBLE_BLIND, "other_reviews": OtherReviewsVisibility.NEVER,
            "reviews_per_submission": 2, "max_load": 5, "bidding_open": True,
            "review_deadline": dt.datetime(2030, 6, 1, 10, 0, tzinfo=UTC), "ask_confidence": False,
            "reviews_to_authors": True, "scores_to_authors": True}


def criterion_args(**overrides):
    return {"name": "Originality", "description": "", "scale_min": 1, "scale_max": 5, "labels": {},
            "weight": 1.0, "required": True, **overrides}


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_update_settings_changes_every_setting_and_is_audited(db):
    call = make_call()
    settings = review_setup.update_settings(call.event, actor=call.organiser, **SETTINGS)
    assert (settings.blind_mode, settings.other_reviews) == (BlindMode.DOUBLE_BLIND, OtherReviewsVisibility.NEVER)
    assert (settings.reviews_per_submission, settings.max_load, settings.bidding_open) == (2, 5, True)
    assert settings.review_deadline == SETTINGS["review_deadline"]
    assert (settings.ask_confidence, settings.reviews_to_authors, settings.scores_to_authors) == (False, True, True)
    assert actions()[-1] == "review.settings_updated"


def test_update_settings_refuses_bad_values_field_by_field(db):
    call = make_call()
    with pytest.raises(ValidationFailed) as caught:
        review_setup.update_settings(call.event, actor=call.organiser, **{
            **SETTINGS, "blind_mode": "triple", "reviews_per_submission": 0, "max_load": 0,
            "reviews_to_authors": False, "scores_to_authors": True})
    assert set(caught.value.errors) == {"blind_mode", "reviews_per_submission", "max_load", "scores_to_authors"}
    assert call.event.review_settings is None or call.event.review_settings.blind_mode == BlindMode.SINGLE_BLIND


def test_only_organisers_change_settings_and_the_form(db):
    r = make_reviewing()
    for person in (r.chair, r.reviewer, factories.make_user()):
        with pytest.raises(NotAllowed):
            review_setup.update_settings(r.event, actor=person, **SETTINGS)
        with pytest.raises(NotAllowed):
            review_setup.save_criterion(r.event, actor=person, **criterion_args(name="Clarity"))
        with pytest.raises(NotAllowed):
            review_setup.save_review_question(r.event, actor=person, label="Q?", kind=QuestionKind.SHORT_TEXT)
        with pytest.raises(NotAllowed):
            review_setup.delete_criterion(r.relevance, actor=person, event=r.event)


def test_save_criterion_stores_labels_in_scale_order(db):
    call = make_call()
    criterion = review_setup.save_criterion(call.event, actor=call.organiser, **criterion_args(
        scale_min=0, scale_max=10, labels={"10": " Outstanding ", "0": "Poor", "5": ""}, weight=1.5))
    assert (criterion.scale_min, criterion.scale_max, criterion.weight) == (0, 10, 1.5)
    assert list(criterion.labels.items()) == [("0", "Poor"), ("10", "Outstanding")]
    assert actions()[-1] == "review.criterion_created"


@pytest.mark.parametrize(("changes", "field"), [
    ({"scale_min": 5, "scale_max": 5}, "scale_max"),
    ({"scale_min": 0, "scale_max": 11}, "scale_max"),  # 12 points
    ({"weight": 0}, "weight"),
    ({"weight": -1}, "weight"),
    ({"labels": {"7": "Too high"}}, "labels"),
    ({"name": "  "}, "name"),
    ({"name": "originality"}, "name"),  # taken, whatever the case
])
def test_save_criterion_refuses_bad_input_on_its_field(db, changes, field):
    call = make_call()
    review_setup.save_criterion(call.event, actor=call.organiser, **criterion_args())
    with pytest.raises(ValidationFailed) as caught:
        review_setup.save_criterion(call.event, actor=call.organiser, **criterion_args(**{"name": "Clarity", **changes}))
    assert list(caught.value.errors) == [field]
    assert [c.name for c in review_setup.criteria_for(call.event)] == ["Originality"]


def test_a_criterion_keeps_its_name_when_edited(db):
    call = make_call()
    criterion = review_setup.save_criterion(call.event, actor=call.organiser, **criterion_args())
    review_setup.save_criterion(call.event, actor=call.organiser, criterion=criterion, **criterion_args(weight=3))
    assert criterion.weight == 3.0


def test_a_scale_cannot_shrink_past_given_scores(db):
    r = make_reviewing()
    complete_review(r, r.reviewer, originality=5, submit=False)
    with pytest.raises(ValidationFailed) as caught:
        review_setup.save_criterion(r.event, actor=r.organiser, criterion=r.originality,
                                    **criterion_args(scale_max=4))
    assert list(caught.value.errors) == ["scale_max"]
    assert r.originality.scale_max == 5


def test_delete_criterion_refused_once_a_submitted_review_scored_it(db):
    r = make_reviewing()
    complete_review(r, r.reviewer)
    with pytest.raises(InvalidState):
        review_setup.delete_criterion(r.originality, actor=r.organiser, event=r.event)
    assert db.session.get(ReviewCriterion, r.originality.id) is not None


def test_delete_criterion_removes_draft_scores(db):
    r = make_reviewing()
    draft = complete_review(r, r.reviewer, submit=False)
    assert draft.state == ReviewState.DRAFT
    relevance_id = r.relevance.id
    review_setup.delete_criterion(r.relevance, actor=r.organiser, event=r.event)
    assert db.session.get(ReviewCriterion, relevance_id) is None
    assert [s.criterion_id for s in draft.scores] == [r.originality.id]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewScore)
                             .where(ReviewScore.criterion_id == relevance_id)) == 0
    assert actions()[-1] == "review.criterion_deleted"


def test_review_questions_in_order_and_choices_need_options(db):
    call = make_call()
    first = review_setup.save_review_question(call.event, actor=call.organiser, label="Best paper?",
                                              kind=QuestionKind.YES_NO)
    second = review_setup.save_review_question(call.event, actor=call.organiser, label="Format",
                                               kind=QuestionKind.SINGLE_CHOICE, options=["Talk", "Poster", "Talk"])
    assert second.options == ["Talk", "Poster"]
    assert review_setup.review_questions_for(call.event) == [first, second]
    with pytest.raises(ValidationFailed) as caught:
        review_setup.save_review_question(call.event, actor=call.organiser, label="Room",
                                          kind=QuestionKind.SINGLE_CHOICE, options=["Big"])
    assert caught.value.errors == {"options": "Give at least two options, one per line."}
    review_setup.delete_review_question(first, actor=call.organiser, event=call.event)
    assert review_setup.review_questions_for(call.event) == [second]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewQuestion)) == 1


def test_review_questions_take_only_the_kinds_review_allows(db):
    call = make_call()
    for kind in QuestionKind:
        options = ["Talk", "Poster"] if kind == QuestionKind.SINGLE_CHOICE else []
        if kind in ReviewQuestion.allowed_kinds:
            question = review_setup.save_review_question(call.event, actor=call.organiser, label=f"A {kind}", kind=kind,
                                                         options=options)
            assert question.kind == kind
            continue
        with pytest.raises(ValidationFailed) as caught:
            review_setup.save_review_question(call.event, actor=call.organiser, label=f"A {kind}", kind=kind)
        assert caught.value.errors == {"kind": "Choose one of the options listed."}
    saved = [q.kind for q in review_setup.review_questions_for(call.event)]
    assert sorted(saved) == sorted(ReviewQuestion.allowed_kinds) == sorted(
        [QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE])


def test_an_answered_review_questions_kind_cannot_change(db):
    r = make_reviewing()
    complete_review(r, r.reviewer, submit=False)
    with pytest.raises(ValidationFailed) as caught:
        review_setup.save_review_question(r.event, actor=r.organiser, question=r.remarks, label="Anything else?",
                                          kind=QuestionKind.SHORT_TEXT)
    assert caught.value.errors == {"kind": "This question already has answers; its kind cannot change."}
    unanswered = review_setup.save_review_question(r.event, actor=r.organiser, label="Poster instead?",
                                                   kind=QuestionKind.YES_NO)
    review_setup.save_review_question(r.event, actor=r.organiser, question=unanswered, label="Which format?",
                                      kind=QuestionKind.SINGLE_CHOICE, options=["Talk", "Poster"], required=True)
    assert (unanswered.kind, unanswered.options, unanswered.required) == (
        QuestionKind.SINGLE_CHOICE, ["Talk", "Poster"], True)
