"""Choosing a language: the switcher on every page (a plain form, no script needed) keeps a
visitor's choice in a cookie and a signed-in person's in their profile too. A page's language is
the profile's, else the cookie's, else the browser's (Accept-Language), else the default of the
event the page belongs to, else the site's; <html lang dir> says which."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from conference import create_app
from conference.accounts.models import User
from conference.config import ConfigurationError, defaults, from_environment

from .. import factories
from ..conftest import login, make_test_config
from ..mail.builders import one_mail

HTML_TAG = re.compile(r'<html lang="([^"]+)" dir="(ltr|rtl)">')
# The home page's "Skip to main content" link, in each language.
SKIP = {"en": "Skip to main content", "fr": "Aller au contenu principal", "es": "Ir al contenido principal"}


def language_of(response) -> str:
    """The page's language, checked against its text."""
    page = response.get_data(as_text=True)
    language, direction = HTML_TAG.search(page).groups()
    assert direction == "ltr" and SKIP[language] in page, (language, page[:400])
    return language


@pytest.fixture
def event_in_spanish(db):
    return factories.make_event(slug="en-espanol", published=True, default_language="es")


def test_a_browser_asking_for_nothing_gets_english(app, db):
    assert language_of(app.test_client().get("/")) == "en"


@pytest.mark.parametrize(("profile", "cookie", "browser", "expected"), [
    ("fr", "es", "es", "fr"),     # the profile wins
    (None, "es", "fr", "es"),     # then the cookie
    (None, None, "fr", "fr"),     # then the browser
    (None, "de", "de", "es"),     # nothing the site has: the event's language
    (None, None, None, "es"),
])
def test_the_order_of_precedence_on_an_events_page(app, event_in_spanish, profile, cookie, browser, expected):
    client = login(app.test_client(), factories.make_user(language=profile))  # None: follows the browser
    if cookie:
        client.set_cookie("language", cookie)
    if browser:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = browser
    assert language_of(client.get("/events/en-espanol/")) == expected


def test_the_events_language_applies_to_its_pages_only(app, event_in_spanish):
    client = app.test_client()
    assert language_of(client.get("/events/en-espanol/")) == "es"
    assert language_of(client.get("/")) == "en"
    assert language_of(client.get("/auth/login")) == "en"


def test_the_switcher_offers_each_language_in_itself_without_script(app, db):
    page = app.test_client().get("/").get_data(as_text=True)
    switcher = re.search(r'<form method="post" action="/auth/language" class="language-switcher d-flex flex-wrap align-items-center gap-2 m-0">(.*?)</form>',
                         page, re.S).group(1)
    assert '<input type="hidden" name="next" value="/">' in switcher
    assert '<strong lang="en" aria-current="true">English</strong>' in switcher
    assert re.findall(r'<button type="submit" name="language" value="(\w+)" lang="\1" class="btn btn-link link-light p-0 align-baseline">(\w+)</button>',
                      switcher) == [("fr", "Français"), ("es", "Español")]


def test_a_visitor_switches_and_stays_on_the_page_in_that_language(app, event_in_spanish):
    client = app.test_client()
    response = client.post("/auth/language", data={"language": "fr", "next": "/events/en-espanol/?tab=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/events/en-espanol/?tab=1"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("language=fr;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert int(re.search(r"Max-Age=(\d+)", cookie).group(1)) >= 365 * 24 * 3600
    assert language_of(client.get("/events/en-espanol/")) == "fr"
    assert language_of(client.get("/")) == "fr"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", ""])
def test_the_switcher_returns_only_to_a_page_of_this_site(app, db, target):
    response = app.test_client().post("/auth/language", data={"language": "es", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_language_the_site_does_not_have_changes_nothing(app, db):
    client = app.test_client()
    response = client.post("/auth/language", data={"language": "de", "next": "/auth/login"})
    assert response.status_code == 302 and "Set-Cookie" not in response.headers
    assert language_of(client.get("/auth/login")) == "en"


def test_a_signed_in_person_switching_keeps_it_in_their_profile(app, db):
    person = factories.make_user()
    client = login(app.test_client(), person)
    client.post("/auth/language", data={"language": "es", "next": "/auth/profile"})
    assert db.session.scalar(sa.select(User.language).where(User.id == person.id)) == "es"
    other_browser = login(app.test_client(), person)  # no cookie there: the profile says Spanish
    other_browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    assert language_of(other_browser.get("/")) == "es"


def test_the_profile_sets_or_clears_the_language(app, db):
    person = factories.make_user(language="fr")
    client = login(app.test_client(), person)
    page = client.get("/auth/profile").get_data(as_text=True)
    assert '<option selected value="fr">Français</option>' in page
    fields = {"name": person.name, "timezone": "UTC", "country": "", "affiliation": "", "bio": "", "expertise": ""}
    refused = client.post("/auth/profile", data={**fields, "language": "xx"})
    assert refused.status_code == 200 and 'id="error-language"' in refused.get_data(as_text=True)
    assert client.post("/auth/profile", data={**fields, "language": ""}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).language is None  # pages follow the browser again
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    assert language_of(client.get("/")) == "es"


def test_signing_up_keeps_the_language_of_the_page(app, db):
    client = app.test_client()
    client.set_cookie("language", "es")
    response = client.post("/auth/signup", data={"name": "Nueva Persona", "email": "nueva@example.org",
                                                 "password": "a long passphrase", "confirm": "a long passphrase",
                                                 "timezone": "UTC"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User.language).where(User.email == "nueva@example.org")) == "es"
    assert one_mail("verify_email", "nueva@example.org").subject == "Confirme su dirección de correo electrónico"


def test_organisers_choose_the_events_default_language(app, db):
    organiser = factories.make_user(may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="to-translate")
    assert event.default_language == "en"
    client = login(app.test_client(), organiser)
    page = client.get("/events/to-translate/edit").get_data(as_text=True)
    form = {name: value for name, value in re.findall(r'<input [^>]*name="(\w+)"[^>]* value="([^"]*)"', page)}
    form.update({"kind": event.kind.value, "format": event.format.value, "timezone": event.timezone,
                 "online_details": event.online_details, "description": event.description})
    refused = client.post("/events/to-translate/edit", data={**form, "default_language": "de"})
    assert 'id="error-default_language"' in refused.get_data(as_text=True)
    assert client.post("/events/to-translate/edit", data={**form, "default_language": "es"}).status_code == 302
    db.session.expire_all()
    assert event.default_language == "es"
    assert language_of(app.test_client().get("/events/to-translate/")) == "es"


def test_a_fourth_language_needs_only_its_catalogue_and_the_setting(tmp_path, fresh_translations):
    """Arabic, added with a catalogue in a translations folder of its own and LANGUAGES: offered by
    the switcher in its own name, its pages written right to left, its messages translated (and
    those it lacks in English)."""
    catalogue = Catalog(locale="ar", domain="messages")
    for english, arabic in (("Skip to main content", "انتقل إلى المحتوى الرئيسي"), ("Log in", "تسجيل الدخول"),
                            ("Email address", "عنوان البريد الإلكتروني")):
        catalogue.add(english, arabic)
    folder = tmp_path / "translations" / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalogue)
    app = create_app(make_test_config("sqlite://", tmp_path) | {
        "LANGUAGES": ["en", "fr", "es", "ar"],
        "BABEL_TRANSLATION_DIRECTORIES": f"translations;{tmp_path / 'translations'}"})
    client = app.test_client()

    english = client.get("/auth/login").get_data(as_text=True)
    assert '<button type="submit" name="language" value="ar" lang="ar" class="btn btn-link link-light p-0 align-baseline">العربية</button>' in english
    switched = client.post("/auth/language", data={"language": "ar", "next": "/auth/login"})
    assert switched.headers["Location"] == "/auth/login"
    page = client.get("/auth/login").get_data(as_text=True)

    assert '<html lang="ar" dir="rtl">' in page
    assert ">انتقل إلى المحتوى الرئيسي</a>" in page and "عنوان البريد الإلكتروني" in page
    assert "Keep me logged in on this device" in page  # not in the tiny catalogue: English
    assert '<strong lang="ar" aria-current="true">العربية</strong>' in page
    assert 'lang="fr" class="btn btn-link link-light p-0 align-baseline">Français</button>' in page


def test_a_language_babel_does_not_know_is_refused_at_start(tmp_path):
    with pytest.raises(ConfigurationError, match="LANGUAGES: 'klingon' is not a language code"):
        create_app(make_test_config("sqlite://", tmp_path) | {"LANGUAGES": ["en", "klingon"]})
    with pytest.raises(ConfigurationError, match="BABEL_DEFAULT_LOCALE 'de' must be one of LANGUAGES"):
        create_app(make_test_config("sqlite://", tmp_path) | {"BABEL_DEFAULT_LOCALE": "de"})


def test_the_languages_come_from_the_environment(monkeypatch, tmp_path):
    config = defaults(str(tmp_path))
    assert (config["LANGUAGES"], config["BABEL_DEFAULT_LOCALE"]) == (["en", "fr", "es"], "en")
    monkeypatch.setenv("LANGUAGES", " fr, en ,ar,")
    monkeypatch.setenv("BABEL_DEFAULT_LOCALE", "fr")
    from_environment(config)
    assert config["LANGUAGES"] == ["fr", "en", "ar"] and config["BABEL_DEFAULT_LOCALE"] == "fr"
