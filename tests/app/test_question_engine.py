"""The call for papers, registration and review ask their custom questions through one engine
(conference.core.questions, conference.web.questions, _macros/questions.html): the same bad
answer gets the same message next to its field on the three forms, the three editors are one
editor offering each use the kinds it allows, and refuse the same setups the same way."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import sqlalchemy as sa

from conference.cfp import setup as cfp_setup
from conference.cfp.models import Question, Submission
from conference.core.enums import QuestionKind
from conference.core.types import utcnow
from conference.events import setup as event_ops
from conference.events.models import Event
from conference.registration import setup as registration_setup
from conference.registration.models import Registration, RegistrationQuestion
from conference.review import setup as review_setup
from conference.review.models import ReviewQuestion

from .. import factories
from ..conftest import login
from ..registration.builders import add_category, open_form
from ..review.builders import make_reviewing

FORMATS = ["Talk", "Poster"]


def error_of(page: str, field: str) -> str:
    """The message next to ``field``, as a screen reader reads it ("Error: ...")."""
    start = page.index(f'<p class="invalid-feedback d-block" id="error-{field}">')
    return html.unescape(re.sub(r"<[^>]+>", "", page[start:page.index("</p>", start)]))


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def kind_options(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="kind".*?</select>', page, re.S).group(0)
    return re.findall(r'<option[^>]*value="([^"]*)"', select)


# The three answer forms ---------------------------------------------------------------------------------------

def answer_in_the_call(app, db, kind: QuestionKind, value: str) -> str:
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="call", published=True)
    now = utcnow()
    cfp_setup.configure_call(event, actor=organiser, opens_at=now - dt.timedelta(days=1),
                             deadline=now + dt.timedelta(days=10))
    talk = cfp_setup.save_submission_type(event, actor=organiser, name="Talk")
    question = cfp_setup.save_question(event, actor=organiser, label="Tell us", kind=kind, options=FORMATS)
    client = login(app.test_client(), factories.make_user(name="Ada Author"))
    response = client.post("/events/call/submissions/new", data={
        "title": "Floods", "abstract": "Warnings.", "type_id": str(talk.id), "form_nonce": "n", "action": "save",
        f"q_{question.id}": value})
    assert response.status_code == 200 and count(db, Submission) == 0
    return error_of(response.get_data(as_text=True), f"q_{question.id}")


def answer_in_registration(app, db, kind: QuestionKind, value: str) -> str:
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    form = open_form(slug="register", organiser=organiser)
    category = add_category(form)
    question = registration_setup.save_question(form, actor=organiser, label="Tell us", kind=kind, options=FORMATS)
    response = app.test_client().post("/events/register/register", data={
        "name": "Rita Registrant", "email": "rita@example.org", "category_id": str(category.id),
        "privacy_consent": "y", f"q_{question.id}": value})
    assert response.status_code == 200 and count(db, Registration) == 0
    return error_of(response.get_data(as_text=True), f"q_{question.id}")


def answer_in_review(app, db, kind: QuestionKind, value: str) -> str:
    r = make_reviewing(slug="review")
    question = review_setup.save_review_question(r.event, actor=r.organiser, label="Tell us", kind=kind,
                                                 options=FORMATS)
    client = login(app.test_client(), r.reviewer)
    response = client.post(f"/events/review/review/submissions/{r.submission.code}/review", data={
        "comments_to_authors": "Clear.", "save_draft": "1", f"question_{question.id}": value})
    assert response.status_code == 200 and r.submission.assignment_of(r.reviewer).review is None
    return error_of(response.get_data(as_text=True), f"question_{question.id}")


@pytest.mark.parametrize(("kind", "value", "message"), [
    (QuestionKind.SHORT_TEXT, "two\nlines", "Keep this to one line of at most 300 characters."),
    (QuestionKind.LONG_TEXT, "x" * 10001, "Keep this under 10,000 characters."),
    (QuestionKind.YES_NO, "maybe", "Answer yes or no."),
    (QuestionKind.SINGLE_CHOICE, "Keynote", "Choose one of the options given."),
])
def test_the_same_bad_answer_gets_the_same_message_on_the_three_forms(app, db, kind, value, message):
    shown = {"call": answer_in_the_call(app, db, kind, value),
             "registration": answer_in_registration(app, db, kind, value),
             "review": answer_in_review(app, db, kind, value)}
    assert shown == dict.fromkeys(shown, f"Error: {message}")


def yes_no_on_the_three_forms(app, db) -> dict[str, tuple[str, str]]:
    """Each form's page with a required yes-or-no question, and the question's field name."""
    pages = {}
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="call", published=True)
    now = utcnow()
    cfp_setup.configure_call(event, actor=organiser, opens_at=now - dt.timedelta(days=1),
                             deadline=now + dt.timedelta(days=10))
    asked = cfp_setup.save_question(event, actor=organiser, label="Best paper?", kind=QuestionKind.YES_NO,
                                    help_text="Only the very best.", required=True)
    author = login(app.test_client(), factories.make_user(name="Ada Author"))
    pages["call"] = (author.get("/events/call/submissions/new").get_data(as_text=True), f"q_{asked.id}")
    form = open_form(slug="register", organiser=organiser)
    add_category(form)
    asked = registration_setup.save_question(form, actor=organiser, label="Best paper?", kind=QuestionKind.YES_NO,
                                             help_text="Only the very best.", required=True)
    pages["registration"] = (app.test_client().get("/events/register/register").get_data(as_text=True),
                             f"q_{asked.id}")
    r = make_reviewing(slug="review")
    asked = review_setup.save_review_question(r.event, actor=r.organiser, label="Best paper?",
                                              kind=QuestionKind.YES_NO, help_text="Only the very best.", required=True)
    reviewer = login(app.test_client(), r.reviewer)
    pages["review"] = (reviewer.get(f"/events/review/review/submissions/{r.submission.code}/review")
                       .get_data(as_text=True), f"question_{asked.id}")
    return pages


def test_the_three_forms_render_a_question_the_same_way(app, db):
    """A radio group named by the question, marked required (in review: to submit), its help
    text as the group's hint, yes and no as its buttons."""
    notes = {"call": "required", "registration": "required", "review": "required to submit"}
    for use, (page, name) in yes_no_on_the_three_forms(app, db).items():
        assert re.search(rf'<fieldset id="field-{name}" aria-describedby="hint-{name}">\s*<legend class="form-label fs-6 fw-semibold">Best paper\? '
                         rf'<span class="fw-normal text-body-secondary small">\({notes[use]}\)</span></legend>\s*'
                         rf'<p class="form-text mt-0 mb-1" id="hint-{name}">Only the very best.</p>', page), use
        assert f'id="{name}-0" name="{name}" type="radio" value="yes"' in page, use
        assert f'id="{name}-1" name="{name}" type="radio" value="no"' in page, use


# The three editors ------------------------------------------------------------------------------------------

def editors(db, organiser):
    """Each use's editor page of a new question, and where its questions are stored."""
    factories.make_event(organiser=organiser, slug="call")
    form = open_form(slug="register", organiser=organiser)
    factories.make_event(organiser=organiser, slug="review")
    return {
        "call": ("/events/call/manage/call/questions/new", Question),
        "registration": (f"/events/register/manage/registration/forms/{form.id}/questions/new",
                         RegistrationQuestion),
        "review": ("/events/review/review/questions/new", ReviewQuestion),
    }


def test_each_editor_offers_the_kinds_its_use_allows(app, db, organiser):
    client = login(app.test_client(), organiser)
    pages = {use: kind_options(client.get(url).get_data(as_text=True))
             for use, (url, _model) in editors(db, organiser).items()}
    everything = [kind.value for kind in QuestionKind]
    assert pages == {"call": everything, "registration": everything,
                     "review": ["short_text", "long_text", "yes_no", "single_choice"]}


def test_a_kind_the_use_does_not_allow_is_refused_next_to_the_field(app, db, organiser):
    client = login(app.test_client(), organiser)
    url, _model = editors(db, organiser)["review"]
    page = client.post(url, data={"label": "Pages", "kind": "number"}).get_data(as_text=True)
    assert error_of(page, "kind") == "Error: Choose one of the options listed."
    assert count(db, ReviewQuestion) == 0


@pytest.mark.parametrize("use", ["call", "registration", "review"])
def test_the_three_editors_refuse_a_choice_of_one_option_the_same_way(app, db, organiser, use):
    client = login(app.test_client(), organiser)
    url, model = editors(db, organiser)[use]
    response = client.post(url, data={"label": "Format", "kind": "single_choice", "options": "Talk\n Talk \nTalk"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_of(page, "options") == "Error: Give at least two options, one per line."
    assert "Talk\n Talk \nTalk" in html.unescape(page)  # what was typed is kept
    assert count(db, model) == 0


# Questions in the event's other languages -------------------------------------------------------------------

def _in_french_too(db, organiser) -> None:
    for event in db.session.scalars(sa.select(Event)):
        event_ops.update_event(event, actor=organiser, languages=["fr"])


@pytest.mark.parametrize("use", ["call", "registration", "review"])
def test_the_three_editors_take_a_questions_translations(app, db, organiser, use):
    client = login(app.test_client(), organiser)
    url, model = editors(db, organiser)[use]
    _in_french_too(db, organiser)
    page = html.unescape(client.get(url).get_data(as_text=True))
    assert 'name="label_translations-fr" lang="fr"' in page and 'name="options_translations-fr"' in page
    assert 'name="label_translations-es"' not in page  # Spanish is not one of the event's languages
    response = client.post(url, data={"label": "Format", "kind": "single_choice", "options": "Talk\nPoster",
                                      "label_translations-fr": " Format  souhaité ",
                                      "options_translations-fr": "Exposé\n", "label_translations-es": "Formato"})
    assert response.status_code == 302
    question = db.session.scalars(sa.select(model)).one()
    assert question.translations == {"label": {"fr": "Format souhaité"}, "options": {"fr": "Exposé"}}
    assert question.tr("label", "fr") == "Format souhaité" and question.tr("label", "es") == "Format"
    # The poster option is not translated: it shows in the default language.
    assert question.tr_options("fr") == [("Talk", "Exposé"), ("Poster", "Poster")]


@pytest.mark.parametrize("use", ["call", "registration", "review"])
def test_a_translation_too_long_is_refused_next_to_its_field(app, db, organiser, use):
    client = login(app.test_client(), organiser)
    url, model = editors(db, organiser)[use]
    _in_french_too(db, organiser)
    response = client.post(url, data={"label": "Pages", "kind": "short_text", "label_translations-fr": "p" * 301})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_of(page, "label_translations") == "Error: Each translation can have at most 300 characters."
    assert "p" * 301 in page
    assert count(db, model) == 0


def test_the_answer_form_asks_in_the_readers_language_and_stores_the_default_option(app, db):
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="call", published=True)
    event_ops.update_event(event, actor=organiser, languages=["fr"])
    now = utcnow()
    cfp_setup.configure_call(event, actor=organiser, opens_at=now - dt.timedelta(days=1),
                             deadline=now + dt.timedelta(days=10))
    talk = cfp_setup.save_submission_type(event, actor=organiser, name="Talk")
    question = cfp_setup.save_question(event, actor=organiser, label="Format?", kind=QuestionKind.SINGLE_CHOICE,
                                       options=FORMATS, help_text="Pick one.",
                                       translations={"label": {"fr": "Format ?"}, "help_text": {"fr": "Choisissez."},
                                                     "options": {"fr": "Exposé\nAffiche"}})
    author = login(app.test_client(), factories.make_user(name="Aline Autrice", language="fr"))
    page = html.unescape(author.get("/events/call/submissions/new").get_data(as_text=True))
    assert "<legend class=\"form-label fs-6 fw-semibold\">Format ?" in page and "Choisissez." in page
    assert re.search(r'value="Talk"[^>]*>\s*<label[^>]*>Exposé</label>', page)
    assert re.search(r'value="Poster"[^>]*>\s*<label[^>]*>Affiche</label>', page)
    response = author.post("/events/call/submissions/new", data={
        "title": "Crues", "abstract": "Alertes.", "type_id": str(talk.id), "form_nonce": "n", "action": "save",
        f"q_{question.id}": "Poster"})
    assert response.status_code == 302
    [answer] = db.session.scalars(sa.select(Submission)).one().answers
    assert (answer.question_id, answer.value) == (question.id, "Poster")


def test_a_limit_that_is_no_id_is_refused_not_dropped(app, db, organiser):
    """Dropping it would ask the question of everyone, where the organiser meant some."""
    client = login(app.test_client(), organiser)
    url, model = editors(db, organiser)["call"]
    response = client.post(url, data={"label": "Pages", "kind": "short_text", "type_ids": ["99999999999999999999"]})
    assert response.status_code == 200
    assert error_of(response.get_data(as_text=True), "type_ids") == "Error: Choose among the options listed."
    assert count(db, model) == 0
