"""A visitor chooses French with the switcher in the page header, signs up in French, and the
confirmation mail that reaches the SMTP server is in French too; a language written right to
left turns the layout around. Each page is checked with axe-core (see conftest.py), the
switcher included."""

from __future__ import annotations

import re

import sqlalchemy as sa
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from conference.accounts.models import User

from .. import factories
from ..conftest import message_text

try:
    from playwright.sync_api import expect as playwright_expect
except ImportError:  # conftest.py skips (or, with REQUIRE_BROWSER=1, fails) every test here
    playwright_expect = None


def expect(actual):
    return playwright_expect(getattr(actual, "raw", actual))


def test_a_visitor_switches_to_french_signs_up_and_gets_the_mail_in_french(page, live_server, live_mail,
                                                                             committed_db):
    email = "francoise@example.org"
    password = "une phrase de passe assez longue"
    page.goto("/auth/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.submit(page.get_by_role("button", name="Français"))

    expect(page).to_have_url(f"{live_server.url}/auth/login")  # back on the same page
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("link", name="Aller au contenu principal")).to_be_attached()
    expect(page.get_by_role("button", name="English")).to_be_visible()  # the way back
    page.follow(page.get_by_role("navigation", name="Principal").get_by_role("link", name="Créer un compte"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    page.get_by_label("Nom complet").fill("Françoise Visiteuse")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label(re.compile("^Mot de passe")).fill(password)
    page.get_by_label("Confirmer le mot de passe").fill(password)
    page.submit(page.get_by_role("button", name="Créer le compte"))
    expect(page.get_by_role("status")).to_contain_text(f"nous avons envoyé un lien à {email}")

    report = live_server.deliver_mail()
    assert (report.sent, report.failed) == (1, 0)
    [delivered] = live_mail.messages
    assert delivered["to"] == [email]
    assert delivered["message"]["Subject"] == "Confirmez votre adresse électronique"
    assert "Bonjour Françoise Visiteuse" in message_text(delivered["message"])
    committed_db.session.rollback()
    assert committed_db.session.scalar(sa.select(User.language).where(User.email == email)) == "fr"


def test_a_language_written_right_to_left_turns_the_layout_around(page, live_server, committed_db, tmp_path,
                                                                  fresh_translations):
    """Arabic, added by configuration with a tiny catalogue: chosen with the switcher, the page is
    dir="rtl", the header starts on the right, nothing overflows sideways, and axe finds no
    problem (each page is audited)."""
    catalogue = Catalog(locale="ar", domain="messages")
    catalogue.add("Events", "الفعاليات")
    catalogue.add("Log in", "تسجيل الدخول")
    folder = tmp_path / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalogue)
    factories.make_event(slug="rtl-event", title="Symposium on Data", published=True)
    committed_db.session.commit()
    app = live_server.app
    saved = list(app.config["LANGUAGES"])
    app.config["LANGUAGES"] = [*saved, "ar"]
    app.extensions["babel"].translation_directories.append(str(tmp_path))
    try:
        page.goto("/events/rtl-event/")
        page.submit(page.get_by_role("button", name="العربية"))
        expect(page).to_have_url(f"{live_server.url}/events/rtl-event/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "ar")
        expect(page.get_by_role("navigation").first.get_by_role("link", name="الفعاليات")).to_be_visible()
        for path in ("/events/rtl-event/", "/auth/login", "/"):
            if path != "/events/rtl-event/":
                page.goto(path)
            width = page.evaluate("() => window.innerWidth")
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width, path
            brand = page.locator(".brand").bounding_box()
            assert brand["x"] > width / 2, f"{path}: the site's name should start on the right"
    finally:
        app.config["LANGUAGES"] = saved
        app.extensions["babel"].translation_directories.remove(str(tmp_path))
