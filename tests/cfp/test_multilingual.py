"""The call for papers in the event's languages, through the HTTP path: organisers give the call's
introduction, the submission types and the tracks in each of the event's languages; readers see
their own, else the default; authors write in one of the event's languages, may give the title and
abstract in the others, and every page (the committee's too, blind review included) and mail shows
the reader's; bad input is refused next to its field with what was typed kept; lists cost the same
number of queries whatever the translations."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser

import jsonschema
import pytest
import sqlalchemy as sa

from conference.cfp import setup as cfp_setup
from conference.cfp import submissions as ops
from conference.cfp.enums import SubmissionState
from conference.cfp.models import Submission, SubmissionType
from conference.core.types import utcnow
from conference.errors import ValidationFailed
from conference.events import setup as event_ops
from conference.events.models import Track
from conference.privacy import erasure
from conference.privacy.export import export_for, schema
from conference.review.enums import BlindMode

from .. import factories
from ..conftest import login, reader
from ..mail.builders import one_mail
from ..query_counting import grow
from ..review.builders import make_reviewing
from .builders import DURING, OpenCall, make_open_call

# Helpers -----------------------------------------------------------------------------------------------


class _Form(HTMLParser):
    """What a browser sends back from a page's first form with a submit button: the inputs' values,
    the checked boxes and radios, each textarea's text, each select's chosen option."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file", "submit"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.values[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_of(page: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(page)
    return {name: value.removeprefix("\n") for name, value in parser.values.items()}


def get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def text_of(client, path: str) -> str:
    return html.unescape(get(client, path))


def error_of(page: str, field: str) -> str:
    found = re.search(rf'<p class="invalid-feedback d-block" id="error-{field}"><span class="visually-hidden">[^<]*</span>(.*?)</p>',
                      page, re.S)
    assert found, f"no error next to {field}"
    return html.unescape(found.group(1))


@pytest.fixture
def call(db) -> OpenCall:
    """An open call of an event in English (its default), French and Spanish."""
    call = make_open_call(slug="ews")
    event_ops.update_event(call.event, actor=call.organiser, languages=["fr", "es"])
    assert call.event.languages == ["en", "fr", "es"]
    return call


@pytest.fixture
def in_french(call) -> OpenCall:
    """The call's texts given in French, none in Spanish."""
    organiser = call.organiser
    cfp_setup.configure_call(call.event, actor=organiser, opens_at=call.event.call.opens_at,
                             deadline=call.event.call.deadline, intro="We welcome **papers** on early warnings.",
                             intro_translations={"fr": "Nous attendons vos **articles**."})
    cfp_setup.save_submission_type(call.event, actor=organiser, submission_type=call.talk, name="Talk",
                                   default_duration=30, description="Twenty minutes and questions.",
                                   name_translations={"fr": "Exposé"},
                                   description_translations={"fr": "Vingt minutes et des questions."})
    cfp_setup.save_track(call.event, actor=organiser, track=call.track, name="Forecasting",
                         description="Models and their skill.", name_translations={"fr": "Prévision"},
                         description_translations={"fr": "Les modèles et leur qualité."})
    return call


def new_submission(call: OpenCall, **changes) -> dict[str, str]:
    data = {"title": "Alertes aux crues", "abstract": "Comment les alertes **arrivent** à temps.",
            "type_id": str(call.talk.id), "track_id": str(call.track.id), "keywords": "crues",
            "form_nonce": "nonce-1", "action": "save"}
    data.update(changes)
    return data


def french_submission(call: OpenCall, author=None) -> Submission:
    """A talk written in French, with its title also in English."""
    author = author or factories.make_user(name="Aline Autrice", language="fr")
    return ops.create_draft(call.event, actor=author, language="fr", title="Alertes aux crues",
                            abstract="Comment les alertes arrivent.", type_id=call.talk.id, track_id=call.track.id,
                            title_translations={"en": "Flood warnings"},
                            abstract_translations={"en": "How warnings arrive."})


# Organisers translate the call ------------------------------------------------------------------------

def test_organisers_translate_the_intro_types_and_tracks_through_their_forms(app, db, call):
    client = login(app.test_client(), call.organiser)
    page = get(client, "/events/ews/manage/call")
    assert re.search(r'<textarea class="form-control" id="field-intro_translations-fr" name="intro_translations-fr" lang="fr"', page)
    assert 'name="intro_translations-en"' not in page  # the default language is the main field's
    sent = form_of(page) | {"intro_translations-fr": "Nous attendons vos **articles**."}
    assert client.post("/events/ews/manage/call", data=sent).status_code == 302

    url = f"/events/ews/manage/call/types/{call.talk.id}"
    sent = form_of(get(client, url)) | {"name_translations-fr": "  Exposé  oral ",
                                        "description_translations-fr": "Vingt minutes."}
    assert client.post(url, data=sent).status_code == 302

    url = f"/events/ews/manage/call/tracks/{call.track.id}"
    sent = form_of(get(client, url)) | {"name_translations-fr": "Prévision", "name_translations-es": "Pronóstico"}
    assert client.post(url, data=sent).status_code == 302

    db.session.expire_all()
    assert call.event.call.translations == {"intro": {"fr": "Nous attendons vos **articles**."}}
    # A name is one line, as the main one: spaces collapsed.
    assert call.talk.translations == {"name": {"fr": "Exposé oral"}, "description": {"fr": "Vingt minutes."}}
    assert call.track.translations == {"name": {"es": "Pronóstico", "fr": "Prévision"}}
    assert (call.talk.name, call.track.name) == ("Talk", "Forecasting")
    # The lists show them in the organiser's language.
    french = login(reader(app, "fr"), call.organiser)
    assert ">Exposé oral</a>" in text_of(french, "/events/ews/manage/call/types/")
    assert ">Pronóstico</a>" in text_of(login(reader(app, "es"), call.organiser), "/events/ews/manage/call/tracks/")


@pytest.mark.parametrize(("url", "field", "typed", "message"), [
    ("/events/ews/manage/call/types/new", "name_translations", "n" * 101,
     "Each translation can have at most 100 characters."),
    ("/events/ews/manage/call/tracks/new", "description_translations", "d" * 5001,
     "Each translation can have at most 5,000 characters."),
    ("/events/ews/manage/call", "intro_translations", "i" * 20001,
     "Each translation can have at most 20,000 characters."),
])
def test_a_setup_translation_too_long_is_refused_next_to_its_field_and_kept(app, db, call, url, field, typed,
                                                                            message):
    client = login(app.test_client(), call.organiser)
    sent = form_of(get(client, url)) | {"name": "Poster", f"{field}-es": typed}
    response = client.post(url, data=sent)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_of(page, field) == message
    assert typed in page
    db.session.expire_all()
    assert call.event.call.translations == {}
    assert db.session.scalar(sa.select(SubmissionType.id).where(SubmissionType.name == "Poster")) is None
    assert db.session.scalar(sa.select(Track.id).where(Track.name == "Poster")) is None


def test_setup_operations_refuse_a_translation_too_long_however_called(db, call):
    with pytest.raises(ValidationFailed) as refused:
        cfp_setup.save_track(call.event, actor=call.organiser, name="Sensors", name_translations={"fr": "s" * 101},
                             description_translations={"es": "ok"})
    assert refused.value.errors == {"name_translations": "Each translation can have at most 100 characters."}


# Readers see their language ------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "intro", "talk", "talk_description", "track", "track_description"), [
    ("fr", "Nous attendons vos <strong>articles</strong>.", "Exposé", "Vingt minutes et des questions.",
     "Prévision", "Les modèles et leur qualité."),
    # No Spanish text: the default language's.
    ("es", "We welcome <strong>papers</strong> on early warnings.", "Talk", "Twenty minutes and questions.",
     "Forecasting", "Models and their skill."),
    ("en", "We welcome <strong>papers</strong> on early warnings.", "Talk", "Twenty minutes and questions.",
     "Forecasting", "Models and their skill."),
])
def test_the_call_page_shows_the_readers_language_else_the_default(app, in_french, language, intro, talk,
                                                                    talk_description, track, track_description):
    page = text_of(reader(app, language), "/events/ews/call")
    assert f'<div class="prose"><p>{intro}</p>' in page
    assert f"<h3>{talk}</h3>" in page
    assert f"<p>{talk_description}</p>" in page
    assert f"<dt class=\"col-sm-3\">{track}</dt><dd class=\"col-sm-9\">{track_description}</dd>" in page
    assert "<h3>Full paper</h3>" in page  # not translated: the same for everyone


def test_the_submission_form_offers_the_types_and_tracks_in_the_readers_language(app, in_french):
    author = login(app.test_client(), factories.make_user(language="fr"))
    page = text_of(author, "/events/ews/submissions/new")
    assert re.search(rf'value="{in_french.talk.id}"[^>]*>\s*<label[^>]*>Exposé</label>', page)
    assert "Vingt minutes et des questions." in page  # the type's description, as its hint
    assert f'<option value="{in_french.track.id}">Prévision</option>' in page
    # Written in the page's language by default; the title can be given in the two others.
    assert re.search(r'<option selected value="fr">Français</option>|<option value="fr" selected>Français</option>',
                     page)
    assert 'name="title_translations-en"' in page and 'name="abstract_translations-es"' in page
    assert 'name="title_translations-fr"' not in page


def test_a_single_language_event_asks_no_language(app, db):
    call = make_open_call(slug="mono")
    author = login(app.test_client(), factories.make_user(language="fr"))
    page = get(author, "/events/mono/submissions/new")
    assert 'id="field-language"' not in page and "_translations-" not in page
    response = author.post("/events/mono/submissions/new", data=new_submission(call, type_id=str(call.talk.id)))
    assert response.status_code == 302
    submission = db.session.scalars(sa.select(Submission)).one()
    assert (submission.language, submission.translations) == ("en", {})


# Authors write in one of the event's languages -------------------------------------------------------------

def test_an_author_submits_in_french_with_an_english_title(app, db, in_french):
    author = factories.make_user(name="Aline Autrice", language="fr")
    client = login(app.test_client(), author)
    response = client.post("/events/ews/submissions/new", data=new_submission(
        in_french, language="fr", **{"title_translations-en": "  Flood   warnings ", "title_translations-es": "",
                                     "title_translations-fr": "ignored: the submission's own language"}))
    assert response.status_code == 302
    submission = db.session.scalars(sa.select(Submission)).one()
    assert (submission.language, submission.title) == ("fr", "Alertes aux crues")
    assert submission.translations == {"title": {"en": "Flood warnings"}}
    path = f"/events/ews/submissions/{submission.code}"

    # The author reads it as written; the page states its language.
    page = text_of(client, path)
    assert "<h1>Alertes aux crues <span" in page
    assert "<dt class=\"col-sm-3\">Langue</dt><dd class=\"col-sm-9\">Français</dd>" in page
    assert "<dd class=\"col-sm-9\">Exposé</dd>" in page and "<dd class=\"col-sm-9\">Prévision</dd>" in page

    # An English organiser reads the English title; a Spanish one, the French (no Spanish given).
    organiser = login(reader(app, "en"), in_french.organiser)
    assert "<h1>Flood warnings <span" in text_of(organiser, f"/events/ews/manage/submissions/{submission.code}")
    listed = text_of(organiser, "/events/ews/manage/submissions/")
    assert '<td class="cell-clip">Flood warnings</td>' in listed and '<td class="cell-clip cell-short">Talk</td>' in listed
    organiser.set_cookie("language", "es")
    page = text_of(organiser, f"/events/ews/manage/submissions/{submission.code}")
    assert "<h1>Alertes aux crues <span" in page
    assert "<dt class=\"col-sm-3\">Idioma</dt><dd class=\"col-sm-9\">Français</dd>" in page


def test_the_edit_form_keeps_the_translations_and_the_language(app, db, in_french):
    submission = french_submission(in_french)
    client = login(app.test_client(), submission.submitter)
    url = f"/events/ews/submissions/{submission.code}/edit"
    page = get(client, url)
    assert 'value="Flood warnings"' in page and 'name="title_translations-fr"' not in page
    sent = form_of(page) | {"title_translations-es": "Alertas de crecidas", "action": "save"}
    assert sent["language"] == "fr"
    assert client.post(url, data=sent).status_code == 302
    db.session.expire_all()
    assert submission.translations == {"title": {"en": "Flood warnings", "es": "Alertas de crecidas"},
                                       "abstract": {"en": "How warnings arrive."}}


def test_translations_of_a_language_not_shown_are_kept(app, db, in_french):
    submission = french_submission(in_french)
    # Spanish is dropped after the author gave a Spanish title: the form no longer shows it.
    ops.update_submission(submission, actor=submission.submitter, title=submission.title,
                          abstract=submission.abstract, type_id=in_french.talk.id, track_id=in_french.track.id,
                          title_translations={"es": "Alertas"})
    event_ops.update_event(in_french.event, actor=in_french.organiser, languages=["fr"])
    client = login(app.test_client(), submission.submitter)
    url = f"/events/ews/submissions/{submission.code}/edit"
    page = get(client, url)
    assert 'name="title_translations-es"' not in page
    sent = form_of(page) | {"title_translations-en": "Warnings of floods", "action": "save"}
    assert client.post(url, data=sent).status_code == 302
    db.session.expire_all()
    assert submission.title_translations == {"en": "Warnings of floods", "es": "Alertas"}


def test_changing_the_language_shows_the_text_as_written_to_its_readers(app, db, in_french):
    submission = french_submission(in_french)
    client = login(app.test_client(), submission.submitter)
    url = f"/events/ews/submissions/{submission.code}/edit"
    sent = form_of(get(client, url)) | {"language": "en", "title": "Flood warnings, revised", "action": "save"}
    assert client.post(url, data=sent).status_code == 302
    db.session.expire_all()
    assert submission.language == "en"
    # The English translation is kept but no longer shown: English readers read the text as written.
    assert submission.tr("title", "en") == "Flood warnings, revised"
    assert submission.tr("title", "fr") == "Flood warnings, revised"
    page = get(client, url)
    assert 'name="title_translations-fr"' in page and 'name="title_translations-en"' not in page


@pytest.mark.parametrize("language", ["de", "xx", "<b>"])
def test_a_language_not_among_the_events_is_refused_next_to_the_field(app, db, in_french, language):
    client = login(app.test_client(), factories.make_user(language="fr"))
    response = client.post("/events/ews/submissions/new", data=new_submission(
        in_french, language=language, title="Crues et alertes"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_of(page, "language") == "Choisissez l'une des langues de l'événement."  # the page is in French
    assert 'value="Crues et alertes"' in page
    assert db.session.scalar(sa.select(sa.func.count(Submission.id))) == 0


def test_a_title_translation_too_long_is_refused_next_to_its_field_and_kept(app, db, in_french):
    client = login(app.test_client(), factories.make_user(language="en"))
    typed = "t" * 301
    response = client.post("/events/ews/submissions/new", data=new_submission(
        in_french, language="en", **{"title_translations-fr": typed}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_of(page, "title_translations") == "Each translation can have at most 300 characters."
    assert f'value="{typed}"' in page
    assert db.session.scalar(sa.select(sa.func.count(Submission.id))) == 0


def test_a_translation_too_long_and_what_submitting_still_needs_show_after_one_submit(app, db, in_french):
    ada = factories.make_user(language="en")
    draft = ops.create_draft(in_french.event, actor=ada, language="en", title="Flood warnings",
                             type_id=in_french.talk.id, track_id=in_french.track.id)
    client = login(app.test_client(), ada)
    response = client.post(f"/events/ews/submissions/{draft.code}/edit", data=new_submission(
        in_french, language="en", title="Flood warnings", abstract="", action="submit",
        **{"title_translations-fr": "t" * 301}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_of(page, "title_translations") == "Each translation can have at most 300 characters."
    assert error_of(page, "abstract") == "Write the abstract."
    db.session.expire_all()
    assert db.session.get(Submission, draft.id).state == SubmissionState.DRAFT


def test_an_abstract_translation_is_held_to_the_types_word_limit(app, db, in_french):
    client = login(app.test_client(), factories.make_user(language="en"))
    too_long = " ".join(["mot"] * 21)
    response = client.post("/events/ews/submissions/new", data=new_submission(
        in_french, language="en", type_id=str(in_french.paper.id), abstract="Twenty words at most.",
        **{"abstract_translations-fr": too_long}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_of(page, "abstract_translations") == (
        "The abstract's translation (Français) has 21 words; a Full paper allows at most 20. Shorten it.")
    assert too_long in page


def test_a_language_the_event_dropped_stays_on_offer_to_its_submissions(app, db, in_french):
    submission = french_submission(in_french)
    event_ops.update_event(in_french.event, actor=in_french.organiser, languages=["es"])
    client = login(app.test_client(), submission.submitter)
    url = f"/events/ews/submissions/{submission.code}/edit"
    sent = form_of(get(client, url)) | {"action": "save"}
    assert sent["language"] == "fr"
    assert client.post(url, data=sent).status_code == 302
    db.session.expire_all()
    assert submission.language == "fr"


def test_after_the_edit_deadline_the_translations_cannot_change(app, db):
    call = make_open_call(slug="late", opens=dt.timedelta(days=-20), deadline=dt.timedelta(days=-1))
    event_ops.update_event(call.event, actor=call.organiser, languages=["fr"])
    author = factories.make_user(language="en")
    earlier = utcnow() - dt.timedelta(days=5)
    submission = ops.create_draft(call.event, actor=author, now=earlier, title="Floods", abstract="Warnings.",
                                  type_id=call.talk.id, title_translations={"fr": "Crues"})
    ops.submit(submission, actor=author, now=earlier)
    client = login(app.test_client(), author)
    url = f"/events/late/submissions/{submission.code}/edit"
    response = client.post(url, data={"title": "Floods", "abstract": "Warnings.", "type_id": str(call.talk.id),
                                      "language": "fr", "title_translations-fr": "Inondations", "action": "save"})
    assert response.status_code == 200
    assert "The submission can no longer be edited." in html.unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert (submission.language, submission.title_translations) == ("en", {"fr": "Crues"})


def test_the_organisers_list_sorts_titles_as_it_shows_them(app, db, in_french):
    made = {}
    for title, french in (("Zebra crossings", "Aaa: passages piétons"), ("Apple harvests", None)):
        made[title] = ops.create_draft(in_french.event, actor=factories.make_user(), title=title, language="en",
                                       title_translations={"fr": french} if french else None)
    client = login(reader(app, "fr"), in_french.organiser)

    def codes(language: str) -> list[str]:
        client.set_cookie("language", language)
        page = get(client, "/events/ews/manage/submissions/?sort=title")
        return re.findall(r"/manage/submissions/([A-Z0-9]{6})\"", page)

    assert codes("fr") == [made["Zebra crossings"].code, made["Apple harvests"].code]
    assert codes("en") == [made["Apple harvests"].code, made["Zebra crossings"].code]


# Mail in the recipient's language -------------------------------------------------------------------------

def test_mail_gives_the_title_and_type_in_the_recipients_language(db, in_french):
    author = factories.make_user(name="Aline Autrice", language="fr")
    submission = french_submission(in_french, author)
    english = factories.make_user(name="Eli English", language="en")
    ops.add_author(submission, actor=author, name=english.name, email=english.email)
    ops.submit(submission, actor=author)
    assert one_mail("coauthor_invitation", english.email).subject == 'You are listed as an author of "Flood warnings"'
    to_author = one_mail("submission_received", author.email)
    assert "Alertes aux crues" in to_author.subject
    assert "Exposé" in to_author.body_text
    to_coauthor = one_mail("submission_received", english.email)
    assert "Flood warnings" in to_coauthor.subject and "- Type: Talk" in to_coauthor.body_text


# The committee -------------------------------------------------------------------------------------------------

def test_blind_reviewers_read_the_translations_and_still_not_the_authors(app, db):
    r = make_reviewing(blind_mode=BlindMode.DOUBLE_BLIND, slug="blind")
    event_ops.update_event(r.event, actor=r.organiser, languages=["fr"])
    ops.update_submission(r.submission, actor=r.author, now=DURING, title=r.submission.title,
                          abstract=r.submission.abstract, type_id=r.submission.type_id,
                          track_id=r.submission.track_id, title_translations={"fr": "Statistiques des marées"},
                          abstract_translations={"fr": "Comment les **organismes** partagent leurs données."})
    r.reviewer.language = "fr"
    db.session.flush()
    client = login(app.test_client(), r.reviewer)
    page = text_of(client, f"/events/blind/review/submissions/{r.submission.code}")
    assert f"<h1>{r.submission.code}: Statistiques des marées</h1>" in page
    assert "Comment les <strong>organismes</strong> partagent leurs données." in page
    assert "<dt class=\"col-sm-3\">Langue</dt><dd class=\"col-sm-9\">English</dd>" in page
    assert "Ada Author" not in page and "Analytical Institute" not in page
    assert "Statistiques des marées" in text_of(client, "/events/blind/review/mine")


# People's data ------------------------------------------------------------------------------------------------

def test_the_translations_are_the_authors_data_exported_and_erased(app, db, in_french):
    author = factories.make_user(name="Aline Autrice", language="fr")
    submission = french_submission(in_french, author)
    ops.update_submission(submission, actor=author, title=submission.title, abstract=submission.abstract,
                          type_id=in_french.talk.id,
                          abstract_translations={"en": "How warnings arrive.", "es": "Por Aline Autrice."})
    ops.submit(submission, actor=author)
    with app.test_request_context():
        document = export_for(author)
    jsonschema.Draft202012Validator(schema()).validate(document)
    [exported] = document["areas"]["cfp"]["submissions"]
    assert (exported["language"], exported["translations"]) == ("fr", {
        "title": {"en": "Flood warnings"}, "abstract": {"en": "How warnings arrive.", "es": "Por Aline Autrice."}})
    erasure.erase_account(author, actor=factories.make_user(is_admin=True))
    assert "Aline Autrice" not in submission.abstract_translations["es"]


# Queries ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/events/ews/manage/submissions/", "/events/ews/manage/call/types/",
                                  "/events/ews/manage/call/tracks/", "/events/ews/call"])
def test_a_list_costs_the_same_queries_whatever_its_translations(app, db, in_french, path):
    client = login(reader(app, "fr"), in_french.organiser)

    def add_one(i):
        author = factories.make_user()
        cfp_setup.save_track(in_french.event, actor=in_french.organiser, name=f"Track {i}",
                             name_translations={"fr": f"Thème {i}", "es": f"Línea {i}"})
        cfp_setup.save_submission_type(in_french.event, actor=in_french.organiser, name=f"Type {i}",
                                       name_translations={"fr": f"Genre {i}"})
        ops.create_draft(in_french.event, actor=author, title=f"Title {i}", language="en", type_id=in_french.talk.id,
                         track_id=in_french.track.id, title_translations={"fr": f"Titre {i}", "es": f"Título {i}"})

    small, large = grow(db, client, path, add_one)
    assert small == large
