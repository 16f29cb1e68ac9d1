"""A visitor chooses French, or Spanish, with the switcher in the page header, registers for an
event whose texts are given in that language too, and the confirmation mail that reaches the
SMTP server is in it, with the event's and the category's names as the organisers translated
them; then signs up, mailed in that language again, and the event's agenda reads in it: its days
as the language writes dates, its speakers joined as it joins a list. A language written right to left turns the layout around. Each page is checked with
axe-core (see conftest.py), the switcher included."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from conference.accounts.models import User
from conference.agenda import programme
from conference.agenda.enums import SessionKind
from conference.core.types import utcnow
from conference.events import setup as event_ops
from conference.registration import setup as registration_setup

from .. import factories
from ..agenda.builders import at, make_programme, release
from ..conftest import message_text

try:
    from playwright.sync_api import expect as playwright_expect
except ImportError:  # conftest.py skips (or, with REQUIRE_BROWSER=1, fails) every test here
    playwright_expect = None


def expect(actual):
    return playwright_expect(getattr(actual, "raw", actual))


# What the visitor reads in each language, as its catalogue and Babel write it.
JOURNEYS = {
    "fr": {
        "button": "Français", "skip": "Aller au contenu principal", "main": "Principal", "sign_up": "Créer un compte",
        "name": "Nom complet", "email": "Adresse électronique", "password": "^Mot de passe",
        "repeat": "Confirmer le mot de passe", "create": "Créer le compte", "sent": "nous avons envoyé un lien à {email}",
        "subject": "Confirmez votre adresse électronique", "hello": "Bonjour {name}", "agenda": "Ordre du jour",
        "day": "samedi 16 mars 2030", "speakers": "Ben Franklin et Chloe Tanaka",
        "visitor": ("Françoise Visiteuse", "francoise@example.org", "une phrase de passe assez longue"),
        "name_field": "^Nom", "category": "Institution membre", "consent": "^J'accepte", "register": "S'inscrire",
        "registered": "Nous avons envoyé un courriel à {email}",
        "confirmed": "Confirmation : votre inscription à Conférence sur les données",
    },
    "es": {
        "button": "Español", "skip": "Ir al contenido principal", "main": "Principal", "sign_up": "Crear una cuenta",
        "name": "Nombre completo", "email": "Dirección de correo electrónico", "password": "^Contraseña",
        "repeat": "Repita la contraseña", "create": "Crear la cuenta", "sent": "hemos enviado un enlace a {email}",
        "subject": "Confirme su dirección de correo electrónico", "hello": "Hola, {name}:", "agenda": "Agenda",
        "day": "sábado, 16 de marzo de 2030", "speakers": "Ben Franklin y Chloe Tanaka",
        "visitor": ("Sofía Visitante", "sofia@example.org", "una frase de contraseña bastante larga"),
        "name_field": "^Nombre", "category": "Organismo miembro", "consent": "^Acepto", "register": "Inscribirse",
        "registered": "Hemos enviado un correo a {email}",
        "confirmed": "Confirmada: su inscripción en Conferencia sobre datos",
    },
}


def _released_agenda(db) -> str:
    """An event whose released agenda has a panel of two speakers; its slug."""
    built = make_programme(slug="journey-agenda")
    debate = programme.save_session(built.event, actor=built.organiser, title="Privacy debate",
                                    kind=SessionKind.PARALLEL, room_id=built.main.id, starts_at=at(1, 14),
                                    ends_at=at(1, 15))
    programme.place_item(built.panel, actor=built.organiser, session=debate, starts_at=at(1, 14))
    release(built)
    # Its title and registration in the three languages.
    event, organiser = built.event, built.organiser
    event_ops.update_event(event, actor=organiser, languages=["fr", "es"],
                           title_translations={"fr": "Conférence sur les données", "es": "Conferencia sobre datos"})
    now = utcnow()
    form = registration_setup.save_form(event, actor=organiser, title="Registration", opens_at=now - dt.timedelta(days=1),
                                        closes_at=now + dt.timedelta(days=30),
                                        title_translations={"fr": "Inscription", "es": "Inscripción"})
    registration_setup.save_category(form, actor=organiser, name="Member agency", capacity_in_person=50,
                                     name_translations={"fr": "Institution membre", "es": "Organismo miembro"})
    db.session.commit()
    return event.slug


@pytest.mark.parametrize("language", JOURNEYS)
def test_a_visitor_switches_language_registers_signs_up_gets_the_mail_and_reads_the_agenda(page, live_server, live_mail,
                                                                                  committed_db, language):
    words = JOURNEYS[language]
    name, email, password = words["visitor"]
    slug = _released_agenda(committed_db)
    page.goto("/auth/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.submit(page.get_by_role("button", name=words["button"]))

    expect(page).to_have_url(f"{live_server.url}/auth/login")  # back on the same page
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("link", name=words["skip"])).to_be_attached()
    expect(page.get_by_role("button", name="English")).to_be_visible()  # the way back

    # Registering for the event, its category as the organisers translated it.
    page.goto(f"/events/{slug}/register")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_label(re.compile(words["name_field"])).first.fill(name)
    page.get_by_label(words["email"]).fill(email)
    page.get_by_role("radio", name=words["category"]).check()
    page.get_by_role("checkbox", name=re.compile(words["consent"])).check()
    page.submit(page.get_by_role("button", name=words["register"]))
    expect(page.get_by_role("status").first).to_contain_text(words["registered"].format(email=email))
    assert live_server.deliver_mail().failed == 0
    [confirmed] = [sent for sent in live_mail.messages if sent["to"] == [email]]
    assert confirmed["message"]["Subject"] == words["confirmed"]
    assert words["category"] in message_text(confirmed["message"])
    live_mail.messages.clear()

    page.goto("/auth/login")
    page.follow(page.get_by_role("navigation", name=words["main"]).get_by_role("link", name=words["sign_up"]))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["sign_up"])
    page.get_by_label(words["name"]).fill(name)
    page.get_by_label(words["email"]).fill(email)
    page.get_by_label(re.compile(words["password"])).fill(password)
    page.get_by_label(words["repeat"]).fill(password)
    page.submit(page.get_by_role("button", name=words["create"]))
    expect(page.get_by_role("status")).to_contain_text(words["sent"].format(email=email))

    # The speakers' mail about the agenda's release goes out too; the visitor gets one.
    assert live_server.deliver_mail().failed == 0
    [delivered] = [sent for sent in live_mail.messages if sent["to"] == [email]]
    assert delivered["message"]["Subject"] == words["subject"]
    assert words["hello"].format(name=name) in message_text(delivered["message"])
    committed_db.session.rollback()
    assert committed_db.session.scalar(sa.select(User.language).where(User.email == email)) == language

    # The agenda, in the language chosen: the day as it writes dates, the panel's speakers as it
    # joins a list.
    page.goto(f"/events/{slug}/")
    page.follow(page.get_by_role("link", name=words["agenda"], exact=True))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=2, name=words["day"])).to_be_visible()
    expect(page.locator(".agenda-items li", has_text="Panel on privacy")).to_contain_text(words["speakers"])


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
