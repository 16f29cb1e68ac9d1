"""Registration in the event's languages, through the HTTP path: organisers give a form's title
and introduction, a category's name and description, and the questions in the event's other
languages on their set-up pages; visitors, registrants, organisers and focal points read them in
their own language, else the default one; mail names the category in its recipient's language;
a translation too long or unstorable is refused next to its field with what was typed kept; the
pages run the same queries with translations as without."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from conference.core.enums import QuestionKind
from conference.delegations import delegations
from conference.errors import ValidationFailed
from conference.events import setup as event_ops
from conference.registration import setup
from conference.registration.enums import AttendanceMode
from conference.registration.models import Registration, RegistrationForm, RegistrationQuestion

from .. import factories
from ..conftest import first_link, login
from ..mail.builders import one_mail
from ..query_counting import queries_for
from .builders import add_category, add_question, error_of, open_form, register_now, text

SLUG = "trilingue"
SETUP = f"/events/{SLUG}/manage/registration"
REGISTER = f"/events/{SLUG}/register"


def form_of(page: str) -> dict[str, str]:
    """What a browser sends back from ``page``'s form: its text inputs and textareas as shown,
    the checkboxes and radio buttons ticked."""
    data: dict[str, str] = {}
    for tag in re.findall(r"<input [^>]*>", page):
        attributes = dict(re.findall(r'([\w-]+)(?:="([^"]*)")?', tag[len("<input "):]))
        if "name" not in attributes or (attributes.get("type") in ("checkbox", "radio") and "checked" not in attributes):
            continue
        data[attributes["name"]] = attributes.get("value", "")
    data.update(re.findall(r'<textarea [^>]*name="([\w-]+)"[^>]*>\n?(.*?)</textarea>', page, re.S))
    return data


def category_labels(page: str) -> dict[str, str]:
    """Each category offered on the registration form, with the hint under it ("" for none)."""
    found = re.findall(r'<label class="form-check-label" for="(category_id-\d+)">([^<]+)</label>\s*</div>\s*'
                       r'(?:<p class="form-text mt-0 ms-4 option-hint" id="(category_id-\d+)-hint">([^<]*)</p>)?', page)
    return {label.strip(): hint.strip() for _id, label, _hint_id, hint in found}


def page_in(client, path: str, language: str | None = None) -> str:
    if language:
        client.set_cookie("language", language)
    response = client.get(path)
    assert response.status_code == 200, path
    return text(response)


@pytest.fixture
def trilingual(db):
    """An open form of an event in English (its default), French and Spanish, with one category
    and a question of two options, nothing translated yet: (form, category, question, organiser)."""
    form = open_form(slug=SLUG, title="Members and observers", intro="For **members**.")
    organiser = form.event.roles[0].user
    event_ops.update_event(form.event, actor=organiser, languages=["fr", "es"])
    members = add_category(form, "Member agency")
    members.description = "Agencies of member states."
    diet = add_question(form, "Meal", QuestionKind.SINGLE_CHOICE, options=["Fish", "Vegetarian"])
    db.session.flush()
    return form, members, diet, organiser


@pytest.fixture
def translated(db, trilingual):
    """The same, its texts given in French (and the category's description in Spanish too)."""
    form, members, diet, organiser = trilingual
    event_ops.update_event(form.event, actor=organiser, title_translations={"fr": "Symposium en français"})
    setup.save_form(form.event, actor=organiser, form=form, title=form.title, intro=form.intro,
                    opens_at=form.opens_at, closes_at=form.closes_at,
                    title_translations={"fr": "Membres et observateurs"},
                    intro_translations={"fr": "Pour les **membres**."})
    setup.save_category(form, actor=organiser, category=members, name=members.name, description=members.description,
                        name_translations={"fr": "Agence membre"},
                        description_translations={"fr": "Les agences des États membres.",
                                                  "es": "Agencias de los Estados miembros."})
    setup.save_question(form, actor=organiser, question=diet, label="Meal", kind="single_choice",
                        options=["Fish", "Vegetarian"],
                        translations={"label": {"fr": "Repas"}, "options": {"fr": "Poisson\nVégétarien"}})
    db.session.flush()
    return form, members, diet, organiser


# Organisers translate ------------------------------------------------------------------------------------------

def test_the_form_and_category_pages_offer_a_field_per_other_language(app, trilingual):
    form, members, _diet, organiser = trilingual
    client = login(app.test_client(), organiser)
    page = page_in(client, f"{SETUP}/forms/{form.id}")
    assert "<legend class=\"form-label fs-6 fw-semibold\">Title in the event's other languages</legend>" in page
    assert '<input type="text" class="form-control" id="field-title_translations-fr" name="title_translations-fr" lang="fr" dir="ltr" ' \
           'value="">' in page
    assert '<textarea class="form-control" id="field-intro_translations-es" name="intro_translations-es" lang="es" dir="ltr" rows="6">' \
           '</textarea>' in page
    page = page_in(client, f"{SETUP}/categories/{members.id}")
    assert "<legend class=\"form-label fs-6 fw-semibold\">Name in the event's other languages</legend>" in page
    assert 'name="name_translations-es"' in page and 'name="description_translations-fr"' in page
    assert 'name="name_translations-fr"' in page_in(client, f"{SETUP}/forms/{form.id}/categories/new")


def test_without_other_languages_the_pages_offer_no_translation(app, db, trilingual):
    form, members, diet, organiser = trilingual
    event_ops.update_event(form.event, actor=organiser, languages=[])
    client = login(app.test_client(), organiser)
    for path in (f"/forms/{form.id}", f"/categories/{members.id}", f"/questions/{diet.id}"):
        assert "_translations" not in page_in(client, SETUP + path), path


def test_organisers_translate_a_form_and_a_category_on_their_pages(app, db, trilingual):
    form, members, _diet, organiser = trilingual
    client = login(app.test_client(), organiser)
    data = form_of(page_in(client, f"{SETUP}/forms/{form.id}"))
    data.update({"title_translations-fr": "  Membres   et observateurs ", "intro_translations-fr": "Pour les **membres**."})
    assert client.post(f"{SETUP}/forms/{form.id}", data=data).status_code == 302
    data = form_of(page_in(client, f"{SETUP}/categories/{members.id}"))
    data.update({"name_translations-fr": "Agence membre", "description_translations-es": "Agencias miembros."})
    assert client.post(f"{SETUP}/categories/{members.id}", data=data).status_code == 302
    db.session.expire_all()
    # Spaces collapsed as in the main title; a language left empty has no text.
    assert (form.title, form.translations) == ("Members and observers", {
        "title": {"fr": "Membres et observateurs"}, "intro": {"fr": "Pour les **membres**."}})
    assert (members.name, members.translations) == ("Member agency", {
        "name": {"fr": "Agence membre"}, "description": {"es": "Agencias miembros."}})
    page = page_in(client, f"{SETUP}/categories/{members.id}")
    assert 'name="name_translations-fr" lang="fr" dir="ltr" value="Agence membre">' in page
    # Emptying a translation removes it: the main text shows again.
    data = form_of(page) | {"name_translations-fr": ""}
    assert client.post(f"{SETUP}/categories/{members.id}", data=data).status_code == 302
    db.session.expire_all()
    assert members.translations == {"description": {"es": "Agencias miembros."}}


def test_a_translation_too_long_is_refused_next_to_its_field_and_kept(app, db, translated):
    form, members, _diet, organiser = translated
    client = login(app.test_client(), organiser)
    data = form_of(page_in(client, f"{SETUP}/categories/{members.id}")) | {"name_translations-es": "x" * 101}
    response = client.post(f"{SETUP}/categories/{members.id}", data=data)
    page = text(response)
    assert response.status_code == 200
    assert error_of(page, "name_translations").endswith("Each translation can have at most 100 characters.")
    assert f'name="name_translations-es" lang="es" dir="ltr" value="{"x" * 101}" aria-invalid="true">' in page
    assert 'value="Agence membre"' in page
    db.session.expire_all()
    assert members.name_translations == {"fr": "Agence membre"}


def test_an_unstorable_translation_is_refused_by_the_operation_next_to_its_field(app, db, translated):
    form, _members, _diet, organiser = translated
    client = login(app.test_client(), organiser)
    data = form_of(page_in(client, f"{SETUP}/forms/{form.id}")) | {"intro_translations-es": "Para\x00todos"}
    response = client.post(f"{SETUP}/forms/{form.id}", data=data)
    page = text(response)
    assert response.status_code == 200
    assert "invisible control character (NUL)" in error_of(page, "intro_translations")
    assert 'value="Membres et observateurs"' in page
    db.session.expire_all()
    assert form.intro_translations == {"fr": "Pour les **membres**."}


def test_the_operations_refuse_translations_over_the_columns_length_with_the_other_problems(db, translated):
    form, members, _diet, organiser = translated
    with pytest.raises(ValidationFailed) as refused:
        setup.save_category(form, actor=organiser, category=members, name="", name_translations={"fr": "x" * 101})
    assert refused.value.errors == {"name": "Give the category a name.",
                                    "name_translations": "Each translation can have at most 100 characters."}
    with pytest.raises(ValidationFailed) as refused:
        setup.save_form(form.event, actor=organiser, form=form, title=form.title, opens_at=form.opens_at,
                        closes_at=form.closes_at, title_translations={"es": "y" * 201})
    assert refused.value.errors == {"title_translations": "Each translation can have at most 200 characters."}
    # Saving without translations leaves them as they are (other callers than the pages).
    setup.save_form(form.event, actor=organiser, form=form, title="Members", opens_at=form.opens_at,
                    closes_at=form.closes_at)
    assert form.title_translations == {"fr": "Membres et observateurs"}


def test_the_question_editor_takes_the_question_in_the_other_languages(app, db, trilingual):
    form, _members, _diet, organiser = trilingual
    client = login(app.test_client(), organiser)
    page = page_in(client, f"{SETUP}/forms/{form.id}/questions/new")
    assert "<legend class=\"form-label fs-6 fw-semibold\">Question in the event's other languages</legend>" in page
    assert 'name="label_translations-fr"' in page and 'name="options_translations-es"' in page
    data = {"label": "Badge", "kind": "single_choice", "options": "Blue\nRed", "label_translations-fr": "Badge (couleur)",
            "options_translations-fr": "Bleu\nRouge", "help_text_translations-es": "x" * 2001}
    response = client.post(f"{SETUP}/forms/{form.id}/questions/new", data=data)
    assert response.status_code == 200
    assert error_of(text(response), "help_text_translations").endswith(
        "Each translation can have at most 2,000 characters.")
    data["help_text_translations-es"] = "Elija un color."
    assert client.post(f"{SETUP}/forms/{form.id}/questions/new", data=data).status_code == 302
    badge = db.session.scalars(sa.select(RegistrationQuestion).where(RegistrationQuestion.label == "Badge")).one()
    assert badge.translations == {"label": {"fr": "Badge (couleur)"}, "help_text": {"es": "Elija un color."},
                                  "options": {"fr": "Bleu\nRouge"}}
    assert f'<label class="form-check-label" for="q_{badge.id}-0">Bleu</label>' in page_in(app.test_client(), REGISTER, "fr")


# Readers read their language ---------------------------------------------------------------------------------

def test_a_french_visitor_registers_in_french_and_is_mailed_the_french_category(app, db, translated):
    form, members, diet, _organiser = translated
    client = app.test_client()
    page = page_in(client, REGISTER, "fr")
    assert '<p class="lead">Membres et observateurs</p>' in page
    assert "<p>Pour les <strong>membres</strong>.</p>" in page
    assert category_labels(page) == {"Agence membre": "Les agences des États membres."}
    assert re.search(r"<legend class=\"form-label fs-6 fw-semibold\">\s*Repas", page)
    assert f'<label class="form-check-label" for="q_{diet.id}-1">Végétarien</label>' in page
    response = client.post(REGISTER, data={"name": "Roxane Registrante", "email": "roxane@example.org",
                                           "category_id": str(members.id), "privacy_consent": "y",
                                           f"q_{diet.id}": "Vegetarian"})
    assert response.status_code == 302
    registration = db.session.scalars(sa.select(Registration)).one()
    assert (registration.language, registration.answers) == ("fr", {str(diet.id): "Vegetarian"})
    mail = one_mail("registration_confirmed", "roxane@example.org")
    assert re.search(r"\(Agence membre, [^)]+\)", mail.body_text), mail.body_text
    assert "Member agency" not in mail.body_text
    # The calendar file attached is titled in French too.
    [attachment] = mail.attachments
    assert b"SUMMARY:Symposium en fran" in attachment.data
    # Their page, from the mail's link, in French: the category, the question and the option chosen.
    own_path = first_link(mail.body_text).replace("http://conference.test", "")
    own = page_in(client, own_path)
    assert "<dd class=\"col-sm-9\">Agence membre</dd>" in own
    assert re.search(rf'<input checked class="form-check-input" id="q_{diet.id}-1" [^>]*value="Vegetarian">\s*<label class="form-check-label" for="q_{diet.id}-1">'
                     r"Végétarien</label>", own)
    # Once changes are over, the answer as text: the option in French too.
    form.modification_deadline = form.opens_at
    db.session.flush()
    assert "<dt class=\"col-sm-3\">Repas</dt><dd class=\"col-sm-9\">Végétarien</dd>" in page_in(client, own_path)


def test_a_spanish_reader_without_spanish_texts_reads_the_default_ones(app, translated):
    page = page_in(app.test_client(), REGISTER, "es")
    assert '<p class="lead">Members and observers</p>' in page
    assert "<p>For <strong>members</strong>.</p>" in page
    # The name is not in Spanish, its description is.
    assert category_labels(page) == {"Member agency": "Agencias de los Estados miembros."}
    assert re.search(r"<legend class=\"form-label fs-6 fw-semibold\">\s*Meal", page)


def test_the_choice_of_forms_and_a_form_not_open_show_the_readers_titles(app, db, translated):
    form, _members, _diet, _organiser = translated
    public = RegistrationForm(event_id=form.event_id, title="Public", opens_at=form.opens_at, closes_at=form.closes_at,
                              position=2, translations={"title": {"fr": "Grand public"}})
    db.session.add(public)
    db.session.flush()
    choice = page_in(app.test_client(), REGISTER, "fr")
    assert f'<a href="{REGISTER}?form={form.id}">Membres et observateurs</a>' in choice
    assert f'<a href="{REGISTER}?form={public.id}">Grand public</a>' in choice
    public.opens_at = form.closes_at - dt.timedelta(days=1)
    db.session.flush()
    not_yet = page_in(app.test_client(), f"{REGISTER}?form={public.id}", "fr")
    assert re.search(r"<p>[^<]*Grand public[^<]*</p>", not_yet), not_yet


def test_organisers_and_focal_points_read_names_in_their_language_and_the_csv_keeps_the_main_ones(app, db,
                                                                                                 translated):
    form, members, diet, organiser = translated
    event = form.event
    organiser.language = "fr"
    unep = delegations.save_organisation(event, actor=organiser, name="UN Environment Programme", acronym="UNEP",
                                         kind="member", country="KE", email_domains="unep.org", quota_in_person=3,
                                         quota_online=None, category=members)
    focal = factories.make_user(name="Fatima Focal", email="fatima@unep.org", language="fr")
    delegations.add_focal_point(unep, actor=organiser, email=focal.email)
    registration = register_now(form, members, name="Dana Delegate", email="dana@unep.org", organisation=unep,
                                mode=AttendanceMode.IN_PERSON.value, answers={diet.id: "Fish"})
    db.session.flush()
    client = login(app.test_client(), organiser)
    listing = page_in(client, f"/events/{SLUG}/manage/registrations")
    assert "<td>Agence membre</td>" in listing and "Member agency" not in listing
    assert f'<option value="{members.id}">Agence membre</option>' in listing
    shown = page_in(client, f"/events/{SLUG}/manage/registrations/{registration.id}")
    assert "<dd class=\"col-sm-9\">Membres et observateurs</dd>" in shown and "<dd class=\"col-sm-9\">Agence membre</dd>" in shown
    assert "<dt class=\"col-sm-3\">Repas</dt>" in shown
    overview = page_in(client, SETUP)
    assert "Membres et observateurs</h3>" in overview and ">Agence membre</a>" in overview
    assert '<th scope="row">Agence membre</th>' in page_in(client, f"/events/{SLUG}/manage/check-in")
    csv = client.get(f"/events/{SLUG}/manage/registrations.csv").get_data(as_text=True)
    assert ",Members and observers,Member agency," in csv and "Agence membre" not in csv
    focal_page = page_in(login(app.test_client(), focal), f"/events/{SLUG}/delegations/{unep.id}")
    assert "<dd>Agence membre</dd>" in focal_page  # the delegate's category
    assert "Agence membre), sans" in focal_page  # the category nominees register in


# Queries ------------------------------------------------------------------------------------------------------

def test_the_register_page_and_the_organisers_list_run_the_same_queries_with_translations(app, db, trilingual):
    form, members, diet, organiser = trilingual
    observers = add_category(form, "Observer")
    register_now(form, members, name="Ana")
    register_now(form, observers, name="Oto")
    db.session.flush()
    visitor, team = app.test_client(), login(app.test_client(), organiser)
    visitor.set_cookie("language", "fr")
    paths = [(visitor, REGISTER), (team, f"/events/{SLUG}/manage/registrations"), (team, SETUP)]
    before = [queries_for(db, client, path) for client, path in paths]
    form.title_translations = {"fr": "Membres et observateurs", "es": "Miembros y observadores"}
    for category in (members, observers):
        category.name_translations = {"fr": f"{category.name} (fr)", "es": f"{category.name} (es)"}
        category.description_translations = {"fr": "Description", "es": "Descripción"}
    diet.label_translations = {"fr": "Repas", "es": "Comida"}
    db.session.flush()
    assert [queries_for(db, client, path) for client, path in paths] == before
    assert "Observer (fr)" in page_in(visitor, REGISTER)
