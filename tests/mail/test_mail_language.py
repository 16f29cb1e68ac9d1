"""Every mail is written in its recipient's language, whoever's request (or no request: the worker's
periodic jobs) queued it: the person's own language, else their registration's (a registration
without an account keeps the language of the page it was made on), else the event's default.
Dates and times come in that language too, in the recipient's zone. An organiser's edited
template is kept per language: it goes to the people of that language only; the others get the
shipped default in theirs."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import babel.dates
import pytest
import sqlalchemy as sa
from flask_babel import get_locale

from conference.accounts.models import User
from conference.cli import run_periodic_jobs
from conference.core.types import utcnow
from conference.events.models import Event
from conference.extensions import db
from conference.group_mail import outbox_review, template_admin
from conference.mail.mailer import mail_language, queue_mail
from conference.mail.outbox import OutboxWorker
from conference.registration import registrations as registration_ops
from conference.registration.enums import RegistrationState
from conference.registration.models import Registration

from .. import factories
from ..conftest import login, message_text
from ..registration.builders import add_category, make_form, open_form, register
from ..review.builders import make_committee, make_submission
from .builders import one_mail

DAY = dt.timedelta(days=1)
GROUP_FORM = {"audience": "authors", "author_states": ["submitted"], "subject": "{event_title}",
              "body": "Hello {recipient_name}: {event_dates}.", "announcement": "y"}


def delivered(smtp_server) -> dict[str, tuple[str, str]]:
    """What the SMTP server received, by recipient: (subject, plain text)."""
    db.session.commit()
    assert OutboxWorker().run_once().sent >= 1
    return {m["to"][0]: (str(m["message"]["Subject"]), message_text(m["message"])) for m in smtp_server.messages}


def test_mail_language_prefers_the_person_then_the_registration_then_the_event(app, db):
    event = factories.make_event(default_language="es")
    french, following = factories.make_user(language="fr"), factories.make_user()
    assert mail_language(user=french, language="en", event=event) == "fr"
    assert mail_language(user=following, language="en", event=event) == "en"
    assert mail_language(user=following, language=None, event=event) == "es"
    assert mail_language(user=None, language="de", event=event) == "es"  # not one of LANGUAGES
    assert mail_language() == "en"


def test_an_organiser_with_a_french_browser_writes_to_english_and_spanish_authors_in_their_languages(
        app, db, smtp_server):
    committee = make_committee(slug="languages", reviewers=1)
    committee.event.start_date, committee.event.end_date = dt.date(2027, 3, 16), dt.date(2027, 3, 18)
    for name, language in (("Ada", "en"), ("Ben", "es"), ("Carl", None)):
        author = factories.make_user(name=f"{name} Author", email=f"{name.lower()}@example.org", language=language)
        make_submission(committee, title=f"{name}'s talk", author=author)
    delivered(smtp_server)  # the "submission received" mails
    smtp_server.messages.clear()
    client = login(app.test_client(), committee.organiser)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-CH, fr;q=0.9"
    base = "/events/languages/mail/group?audience=authors"
    page = client.post(base, data={**GROUP_FORM, "preview": "1"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page  # the organiser reads French
    assert "Ada Author &lt;ada@example.org&gt;" in page  # the mail previewed is Ada's, in English as she gets it
    assert "You receive this announcement from the organisers of" in page and "Vous recevez cette" not in page
    confirmation = re.search(r'name="confirmation" value="([^"]+)"', page).group(1)
    sent = client.post(base, data={**GROUP_FORM, "send": "1", "confirmation": confirmation})
    assert sent.status_code == 302

    mails = delivered(smtp_server)

    assert sorted(mails) == ["ada@example.org", "ben@example.org", "carl@example.org"]
    ada, ben, carl = (mails[f"{n}@example.org"][1] for n in ("ada", "ben", "carl"))
    assert "Hello Ada Author: March 16, 2027 – March 18, 2027." in ada
    assert "You receive this announcement from the organisers of" in ada
    assert "Hello Ben Author: 16 de marzo de 2027 – 18 de marzo de 2027." in ben
    assert "Recibe este anuncio de los organizadores de" in ben
    assert "You receive this announcement" not in ben and "Vous recevez" not in ben
    # No language of his own: the event's default (English), not the organiser's French.
    assert "You receive this announcement from the organisers of" in carl and "Vous recevez" not in carl
    html = one_mail("group_authors", "ben@example.org").body_html
    assert html.startswith('<!doctype html>\n<html lang="es" dir="ltr">')


@pytest.fixture
def expired_offer(db):
    """Three people for one place, none with an account: the first cancelled three days ago, so
    the second (who registered on a Spanish page) was offered the place until yesterday; the
    third (on a French page) waits."""
    now = utcnow()
    form = make_form()
    form.event.timezone = "America/Mexico_City"
    form.opens_at, form.closes_at = now - 10 * DAY, now + 10 * DAY
    members = add_category(form, in_person=1)
    first = register(form, members, now=now - 4 * DAY, language="en")
    second = register(form, members, now=now - 4 * DAY, language="es", email="segunda@example.org")
    third = register(form, members, now=now - 4 * DAY, language="fr", email="troisieme@example.org")
    registration_ops.cancel(first, actor=None, now=now - 3 * DAY)
    assert second.state == RegistrationState.OFFERED and second.offer_expires_at < now
    return second, third


def test_a_periodic_job_mails_each_registration_in_its_language(app, expired_offer):
    second, third = expired_offer

    run_periodic_jobs()  # no request: the worker's round

    assert third.state == RegistrationState.OFFERED
    expired = one_mail("registration_offer_expired", "segunda@example.org")
    assert expired.subject.startswith("Oferta caducada: ")
    offer = one_mail("registration_offer", "troisieme@example.org")
    assert offer.subject.startswith("Action requise : une place vous est proposée à ")
    # The time the place is held until, in French and in the recipient's zone (the event's).
    zone = zoneinfo.ZoneInfo("America/Mexico_City")
    local = third.offer_expires_at.astimezone(zone)
    # The site's one format, in French: the medium date, a comma, the short time (no seconds).
    until = f"{babel.dates.format_date(local, 'medium', locale='fr')}, {babel.dates.format_time(local, 'HH:mm', locale='fr')}"
    assert f"{until} (America/Mexico_City)" in offer.body_text


def test_an_edited_template_goes_to_the_people_of_its_language_only(app, db):
    form = make_form()
    event = db.session.get(Event, form.event_id)
    members = add_category(form)
    organiser = db.session.get(User, event.created_by_id)
    template_admin.save_template(event, "registration_confirmed", language="fr", actor=organiser,
                                 subject="Bienvenue à {event_title}", body="Bonjour {recipient_name}, à bientôt.")

    register(form, members, name="Fanny", email="fanny@example.org", language="fr")
    register(form, members, name="Emma", email="emma@example.org", language="en")
    register(form, members, name="Sofía", email="sofia@example.org", language="es")

    french = one_mail("registration_confirmed", "fanny@example.org")
    assert french.subject == f"Bienvenue à {event.title}" and french.body_text == "Bonjour Fanny, à bientôt.\n"
    assert one_mail("registration_confirmed", "emma@example.org").subject == \
        f"Confirmed: your registration for {event.title}"
    assert one_mail("registration_confirmed", "sofia@example.org").subject == \
        f"Confirmada: su inscripción en {event.title}"
    # The editor shows each language's own text.
    assert template_admin.current_text(event, "registration_confirmed", language="fr").customised
    spanish = template_admin.current_text(event, "registration_confirmed", language="es")
    assert not spanish.customised and spanish.subject == "Confirmada: su inscripción en {event_title}"


def test_a_held_message_keeps_its_language_when_a_french_organiser_edits_it(app, db):
    organiser = factories.make_user(may_create_events=True)
    event = factories.make_event(organiser=organiser)
    person = factories.make_user(language="es")
    message = queue_mail("group_team", to=person.email, to_name=person.name, user=person, event=event, context={},
                         written=("Hola {recipient_name}", "Un texto."), hold=True)
    db.session.flush()
    assert message.language == "es"

    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert str(get_locale()) == "fr"
        outbox_review.edit_held(event, message, actor=organiser, subject="Hola", body_text="Otro texto.")
        page = login(app.test_client(), organiser).get(f"/events/{event.slug}/mail/outbox/{message.id}")

    db.session.refresh(message)
    assert message.body_html.startswith('<!doctype html>\n<html lang="es" dir="ltr">')
    assert re.search(r'<dt class="col-sm-3">Language</dt><dd class="col-sm-9"><span lang="es">Español</span></dd>', page.get_data(as_text=True))


def test_the_editor_keeps_one_version_per_language(app, db):
    organiser = factories.make_user(may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="per-language")
    client = login(app.test_client(), organiser)
    edit = "/events/per-language/mail/templates/registration_confirmed"

    spanish = client.get(f"{edit}?language=es").get_data(as_text=True)
    assert 'value="Confirmada: su inscripción en {event_title}"' in spanish  # the default, translated
    assert f'<a href="{edit}?language=fr" lang="fr">Français</a>' in spanish
    saved = client.post(f"{edit}?language=es", data={"subject": "Inscripción: {event_title}", "body": "Hola.",
                                                     "save": "1"})
    assert saved.status_code == 302

    assert template_admin.current_text(event, "registration_confirmed", language="es").subject == \
        "Inscripción: {event_title}"
    english = template_admin.current_text(event, "registration_confirmed")  # the event's language: English
    assert not english.customised and english.subject == "Confirmed: your registration for {event_title}"
    listed = client.get("/events/per-language/mail/templates").get_data(as_text=True)
    assert re.search(r'Your version</span> <span lang="es">Español</span>', listed)
    client.post(f"{edit}/reset?language=es", data={"confirmed": "1"})
    assert not template_admin.current_text(event, "registration_confirmed", language="es").customised


def test_a_registration_without_an_account_keeps_the_language_of_its_page(app, db):
    form = open_form(slug="inscripciones")
    category = add_category(form, in_person=10)
    client = app.test_client()
    client.set_cookie("language", "es")  # chosen with the switcher
    response = client.post("/events/inscripciones/register", data={
        "category_id": str(category.id), "name": "Rita Registrant", "email": "rita@example.org",
        "mode": "in_person", "privacy_consent": "y"})
    assert response.status_code == 302

    registration = db.session.scalars(sa.select(Registration).filter_by(email="rita@example.org")).one()
    assert registration.language == "es"
    assert one_mail("registration_confirmed", "rita@example.org").subject == \
        f"Confirmada: su inscripción en {form.event.title}"
    # Later mail, queued by an organiser reading English, still comes in Spanish.
    with app.test_request_context(headers={"Accept-Language": "en"}):
        registration_ops.cancel(registration, actor=None)
    assert one_mail("registration_cancelled", "rita@example.org").language == "es"
