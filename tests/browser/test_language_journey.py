"""A visitor chooses French with the switcher in the page header, signs up in French, and the
confirmation mail that reaches the SMTP server is in French too. Each page is checked with
axe-core (see conftest.py), the switcher included."""

from __future__ import annotations

import re

import sqlalchemy as sa

from conference.accounts.models import User

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
