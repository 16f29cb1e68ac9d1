"""Custom questions: every kind's answers checked and normalised, the setup rules, and which
submissions a question limited to types or tracks is asked of."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from conference.cfp import submissions as ops
from conference.cfp.enums import QuestionTarget
from conference.cfp.models import Answer, Question
from conference.cfp.setup import save_question
from conference.core.enums import QuestionKind
from conference.core.questions import (
    ALL_KINDS,
    CLEANERS,
    LONG_TEXT_MAX,
    SHORT_TEXT_MAX,
    QuestionSetup,
    check_question_setup,
    clean_answer,
    clean_answers,
    is_empty,
)
from conference.errors import DomainError, ValidationFailed

from .. import factories
from .builders import DURING, complete_talk, make_call

SDGS = ["1 No poverty", "3 Good health", "5 Gender equality", "17 Partnerships"]


def ask(kind: QuestionKind, options=()) -> Question:
    return Question(kind=kind, options=list(options), label="Q")


def clean(kind: QuestionKind, raw, options=()):
    return clean_answer(ask(kind, options), raw, field="q_7")


def refused(kind: QuestionKind, raw, options=()) -> str:
    with pytest.raises(DomainError) as error:
        clean(kind, raw, options)
    assert error.value.field == "q_7"
    return error.value.message


# Every kind: valid values, their normal form, and what is refused -------------------------------

@pytest.mark.parametrize("kind", [k for k in QuestionKind if k != QuestionKind.FILE])
@pytest.mark.parametrize("raw", [None, "", "   ", []])
def test_an_empty_answer_is_stored_as_none_for_every_kind(kind, raw):
    assert clean(kind, raw, options=["a", "b"]) is None


@pytest.mark.parametrize("raw, expected", [
    ("  Statistics Norway  ", "Statistics Norway"),
    ("0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("x" * SHORT_TEXT_MAX, "x" * SHORT_TEXT_MAX),
])
def test_short_text_is_stripped(raw, expected):
    assert clean(QuestionKind.SHORT_TEXT, raw) == expected


@pytest.mark.parametrize("raw", ["two\nlines", "x" * (SHORT_TEXT_MAX + 1)])
def test_short_text_is_one_line_within_the_limit(raw):
    assert refused(QuestionKind.SHORT_TEXT, raw) == "Keep this to one line of at most 300 characters."


def test_long_text_keeps_lines_and_has_a_limit():
    assert clean(QuestionKind.LONG_TEXT, "\n First line.\nSecond line.\n\n") == "First line.\nSecond line."
    assert clean(QuestionKind.LONG_TEXT, "x" * LONG_TEXT_MAX) == "x" * LONG_TEXT_MAX
    assert refused(QuestionKind.LONG_TEXT, "x" * (LONG_TEXT_MAX + 1)) == "Keep this under 10000 characters."


@pytest.mark.parametrize("raw, expected", [
    ("12", "12"), (" 12 ", "12"), (12, "12"), ("3.50", "3.5"), ("3,5", "3.5"), ("-0.25", "-0.25"),
    ("1e3", "1000"), ("100", "100"), ("0.0", "0"),
])
def test_number_is_normalised_and_takes_a_decimal_comma(raw, expected):
    assert clean(QuestionKind.NUMBER, raw) == expected


@pytest.mark.parametrize("raw", ["twelve", "1,00.5", "1.000,5", "12 participants", "NaN", "Infinity", "--1"])
def test_number_refuses_what_is_not_a_finite_number(raw):
    assert refused(QuestionKind.NUMBER, raw) == "Enter a number, e.g. 12 or 3.5."


def test_single_choice_takes_one_listed_option_exactly():
    assert clean(QuestionKind.SINGLE_CHOICE, " 3 Good health ", SDGS) == "3 Good health"
    assert refused(QuestionKind.SINGLE_CHOICE, "3 good health", SDGS) == "Choose one of the options given."
    assert refused(QuestionKind.SINGLE_CHOICE, "18 Mars", SDGS) == "Choose one of the options given."


def test_multiple_choice_keeps_the_options_order_without_repeats():
    assert clean(QuestionKind.MULTIPLE_CHOICE, ["17 Partnerships", "1 No poverty", "", "17 Partnerships"], SDGS) == [
        "1 No poverty", "17 Partnerships"]
    assert clean(QuestionKind.MULTIPLE_CHOICE, ["", None], SDGS) is None
    assert refused(QuestionKind.MULTIPLE_CHOICE, ["1 No poverty", "18 Mars"], SDGS) == "Choose among the options given."


@pytest.mark.parametrize("raw, expected", [
    (True, True), ("yes", True), ("y", True), ("true", True), ("1", True),
    (False, False), ("no", False), ("n", False), ("false", False), ("0", False),
])
def test_yes_no_takes_the_usual_spellings(raw, expected):
    assert clean(QuestionKind.YES_NO, raw) is expected


@pytest.mark.parametrize("raw", ["maybe", "oui", "2"])
def test_yes_no_refuses_anything_else(raw):
    assert refused(QuestionKind.YES_NO, raw) == "Answer yes or no."


@pytest.mark.parametrize("raw", ["https://data.example.org/survey?year=2029", "http://example.org", " https://example.org/x "])
def test_url_takes_a_full_web_address(raw):
    assert clean(QuestionKind.URL, raw) == raw.strip()


@pytest.mark.parametrize("raw", ["example.org", "www.example.org/data", "ftp://example.org/data",
                                 "javascript:alert(1)", "https://", "https://exa mple.org"])
def test_url_refuses_anything_else(raw):
    assert refused(QuestionKind.URL, raw) == "Enter a full web address, starting with https://"


@pytest.mark.parametrize("raw, expected", [("2027-03-16", "2027-03-16"), (" 2028-02-29 ", "2028-02-29"),
                                           ("20270316", "2027-03-16")])
def test_date_is_stored_in_iso_form(raw, expected):
    assert clean(QuestionKind.DATE, raw) == expected


@pytest.mark.parametrize("raw", ["16/03/2027", "2027-02-30", "March 16", "2027-13-01"])
def test_date_refuses_anything_else(raw):
    assert refused(QuestionKind.DATE, raw) == "Enter a date as YYYY-MM-DD, e.g. 2027-03-16."


def test_file_answers_do_not_go_through_clean_answer():
    with pytest.raises(ValueError, match="attach_file"):
        clean(QuestionKind.FILE, "x.pdf")


@pytest.mark.parametrize("value, empty", [(None, True), ("", True), ("  ", True), ([], True),
                                          (False, False), ("0", False), (["a"], False)])
def test_is_empty_counts_no_as_an_answer(value, empty):
    assert is_empty(value) is empty


# Setting questions up --------------------------------------------------------------------------

def setup_options(kind: QuestionKind, options) -> tuple[str, ...]:
    return check_question_setup(ALL_KINDS, label="Q", kind=kind, options=options).options


def test_choice_questions_need_two_distinct_options_and_others_take_none():
    assert setup_options(QuestionKind.SINGLE_CHOICE, [" Yes ", "No", "Yes", ""]) == ("Yes", "No")
    with pytest.raises(ValidationFailed) as error:
        setup_options(QuestionKind.MULTIPLE_CHOICE, ["Only", " Only "])
    assert error.value.errors == {"options": "Give at least two options, one per line."}
    assert setup_options(QuestionKind.SHORT_TEXT, ["ignored"]) == ()


def test_every_kind_has_its_cleaner():
    assert set(CLEANERS) == set(QuestionKind)


def test_a_file_answer_is_what_the_upload_stored():
    stored = {"sha256": "ab" * 32, "filename": "letter.pdf", "size": 10}
    assert clean(QuestionKind.FILE, stored) == stored
    assert clean(QuestionKind.FILE, {}) is None and clean(QuestionKind.FILE, None) is None


def test_a_setup_is_checked_field_by_field_at_once():
    with pytest.raises(ValidationFailed) as error:
        check_question_setup((QuestionKind.SHORT_TEXT, QuestionKind.SINGLE_CHOICE), label=" ", kind="number",
                             help_text="x" * 2001, options=["Only"], errors={"target": "Asked of whom?"})
    assert error.value.errors == {"target": "Asked of whom?", "label": "Write the question.",
                                  "kind": "Choose one of the options listed.",
                                  "help_text": "Keep the help text under 2000 characters."}
    with pytest.raises(ValidationFailed) as error:
        check_question_setup(ALL_KINDS, label="x" * 301, kind=QuestionKind.YES_NO, answered_as=QuestionKind.SHORT_TEXT)
    assert error.value.errors == {"label": "Keep the question under 300 characters.",
                                  "kind": "This question already has answers; its kind cannot change."}
    setup = check_question_setup(ALL_KINDS, label="  Which   format? ", kind="single_choice", help_text=" Pick. ",
                                 required=1, options=["Talk", " Poster ", "Talk"], answered_as=QuestionKind.SINGLE_CHOICE)
    assert setup == QuestionSetup(label="Which format?", kind=QuestionKind.SINGLE_CHOICE, help_text="Pick.",
                                  required=True, options=("Talk", "Poster"))


def test_answers_are_cleaned_together_required_ones_only_when_complete():
    student = SimpleNamespace(id=1, kind=QuestionKind.YES_NO, options=[], required=True, label="Student?")
    pages = SimpleNamespace(id=2, kind=QuestionKind.NUMBER, options=[], required=False, label="Pages")
    errors: dict[str, str] = {}
    cleaned = clean_answers([student, pages], {"2": "12"}, field_of=lambda q: f"q_{q.id}", errors=errors,
                            complete=False)
    assert (cleaned, errors) == ({1: None, 2: "12"}, {})
    cleaned = clean_answers([student, pages], {2: "many"}, field_of=lambda q: f"q_{q.id}", errors=errors,
                            missing="Answer this question to submit the review.")
    assert cleaned == {}
    assert errors == {"q_1": "Answer this question to submit the review.", "q_2": "Enter a number, e.g. 12 or 3.5."}


def test_a_file_cannot_be_asked_of_each_author(app, db):
    call = make_call()
    with pytest.raises(ValidationFailed) as error:
        save_question(call.event, actor=call.organiser, label="CV", kind=QuestionKind.FILE, target=QuestionTarget.AUTHOR)
    assert error.value.errors == {"kind": "Files can be asked of the submission, not of each author."}


def test_an_answered_questions_kind_cannot_change(app, db):
    call = make_call()
    question = save_question(call.event, actor=call.organiser, label="Participants", kind=QuestionKind.NUMBER)
    author = factories.make_user()
    complete_talk(call, author, answers={question.id: "40"})
    with pytest.raises(ValidationFailed) as error:
        save_question(call.event, actor=call.organiser, question=question, label="Participants",
                      kind=QuestionKind.SHORT_TEXT)
    assert error.value.errors == {"kind": "This question already has answers; its kind cannot change."}
    save_question(call.event, actor=call.organiser, question=question, label="Number of participants",
                  kind=QuestionKind.NUMBER)
    assert question.label == "Number of participants"


def test_a_question_is_limited_to_its_own_events_types_and_tracks(app, db):
    call, other = make_call(), make_call()
    with pytest.raises(DomainError, match="Choose among the listed options"):
        save_question(call.event, actor=call.organiser, label="Q", kind=QuestionKind.YES_NO, type_ids=[other.talk.id])


def test_applies_to_follows_the_type_and_track_limits(app, db):
    call = make_call()
    anywhere = save_question(call.event, actor=call.organiser, label="Student?", kind=QuestionKind.YES_NO)
    papers = save_question(call.event, actor=call.organiser, label="Pages", kind=QuestionKind.NUMBER,
                           type_ids=[call.paper.id])
    both = save_question(call.event, actor=call.organiser, label="Ethics approval", kind=QuestionKind.URL,
                         type_ids=[call.paper.id], track_ids=[call.privacy.id])
    assert anywhere.applies_to(None, None)
    assert papers.applies_to(call.paper.id, None) and not papers.applies_to(call.talk.id, call.data.id)
    assert not papers.applies_to(None, None)
    assert both.applies_to(call.paper.id, call.privacy.id)
    assert not both.applies_to(call.paper.id, call.data.id) and not both.applies_to(call.talk.id, call.privacy.id)


# Answers through the submission ---------------------------------------------------------------

def test_answers_are_stored_normalised_and_a_blank_removes_them(app, db):
    call = make_call()
    student = save_question(call.event, actor=call.organiser, label="Student?", kind=QuestionKind.YES_NO)
    sdgs = save_question(call.event, actor=call.organiser, label="SDGs", kind=QuestionKind.MULTIPLE_CHOICE, options=SDGS)
    author = factories.make_user()
    submission = complete_talk(call, author, answers={str(student.id): "no", sdgs.id: ["17 Partnerships", "3 Good health"]})
    assert {a.question_id: a.value for a in submission.answers} == {student.id: False,
                                                                    sdgs.id: ["3 Good health", "17 Partnerships"]}
    ops.update_submission(submission, actor=author, title=submission.title, abstract=submission.abstract,
                          type_id=call.talk.id, track_id=call.data.id, answers={sdgs.id: []}, now=DURING)
    db.session.expire_all()
    stored = db.session.execute(sa.select(Answer.question_id, Answer.value)).all()
    assert stored == [(student.id, False)]


def test_a_wrong_answer_is_refused_under_its_field_and_nothing_is_stored(app, db):
    call = make_call()
    url = save_question(call.event, actor=call.organiser, label="Dataset URL", kind=QuestionKind.URL)
    orcid = save_question(call.event, actor=call.organiser, label="ORCID iD", kind=QuestionKind.SHORT_TEXT,
                          target=QuestionTarget.AUTHOR)
    author = factories.make_user()
    with pytest.raises(ValidationFailed) as error:
        complete_talk(call, author, answers={url.id: "data.example.org"})
    assert error.value.errors == {f"q_{url.id}": "Enter a full web address, starting with https://"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0
    submission = complete_talk(call, author)
    me = submission.authors[0]
    with pytest.raises(ValidationFailed) as error:
        ops.update_submission(submission, actor=author, title=submission.title, abstract=submission.abstract,
                              type_id=call.talk.id, author_answers={(me.id, orcid.id): "line\nbreak"}, now=DURING)
    assert list(error.value.errors) == [f"q_{orcid.id}_a{me.id}"]


def test_answers_to_questions_of_another_event_are_ignored(app, db):
    call, other = make_call(), make_call()
    foreign = save_question(other.event, actor=other.organiser, label="Elsewhere", kind=QuestionKind.SHORT_TEXT)
    submission = complete_talk(call, factories.make_user(), answers={foreign.id: "sneaky"})
    assert submission.answers == []


def test_number_with_thousands_separators_is_read_as_thousands():
    from types import SimpleNamespace

    from conference.core.enums import QuestionKind
    from conference.core.questions import clean_answer

    question = SimpleNamespace(kind=QuestionKind.NUMBER, options=[])
    assert clean_answer(question, "1,000", field="q") == "1000"
    assert clean_answer(question, "12,500.5", field="q") == "12500.5"
    assert clean_answer(question, "3,5", field="q") == "3.5"


def test_yes_no_ignores_letter_case_and_one_ticked_choice_is_a_list():
    from types import SimpleNamespace

    from conference.core.enums import QuestionKind
    from conference.core.questions import clean_answer

    assert clean_answer(SimpleNamespace(kind=QuestionKind.YES_NO, options=[]), " Yes ", field="q") is True
    assert clean_answer(SimpleNamespace(kind=QuestionKind.YES_NO, options=[]), "NO", field="q") is False
    multiple = SimpleNamespace(kind=QuestionKind.MULTIPLE_CHOICE, options=["SDG 4", "SDG 17"])
    assert clean_answer(multiple, "SDG 17", field="q") == ["SDG 17"]
