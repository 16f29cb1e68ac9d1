"""The demo data behind ``flask demo``: two events of an inter-agency task force, a user for
each role, and the conference's call for papers with a few dozen submissions (see
:mod:`.demo_cfp`; the mail those submissions queue is deleted again, so none is delivered).
Running it again changes nothing that is already there."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from conference.accounts import users as accounts
from conference.accounts.models import User
from conference.core.audit import record
from conference.demo.agenda import load_agenda
from conference.demo.archive import load_archive
from conference.demo.cfp import load_call
from conference.demo.papers import DEMO_AUTHORS
from conference.demo.registration import load_registrations
from conference.demo.review import load_review
from conference.demo.series import load_series
from conference.demo.symposium_agenda import load_symposium_agenda
from conference.errors import NotAllowed
from conference.events import setup as event_ops
from conference.events.enums import EventFormat, EventKind, TeamRole
from conference.events.models import Event, EventRole
from conference.extensions import db

DEMO_PASSWORD = "demo-password"

# email, name, affiliation, country, time zone, site admin, may create events
DEMO_USERS = [
    ("admin@example.org", "Amina Diallo", "Task Force Secretariat", "CH", "Europe/Zurich", True, True),
    ("organiser@example.org", "Oskar Lindqvist", "Task Force Secretariat", "SE", "Europe/Stockholm", False, True),
    ("chair@example.org", "Chen Wei", "Member Agency for Statistics", "CN", "Asia/Shanghai", False, False),
    ("reviewer@example.org", "Rosa Martínez", "Observer Institute for Data", "MX", "America/Mexico_City", False, False),
    ("author@example.org", "Kwame Mensah", "University of Ghana", "GH", "Africa/Accra", False, False),
    ("participant@example.org", "Priya Natarajan", "Member Agency for Health", "IN", "Asia/Kolkata", False, False),
    ("desk@example.org", "Dieter Huber", "Vienna International Centre", "AT", "Europe/Vienna", False, False),
]

SYMPOSIUM_DESCRIPTION = """\
The yearly **technical symposium** of the Inter-Agency Task Force on Data Interoperability.

Member agencies and observer organisations share what they learnt this year about
exchanging statistical and operational data across organisations.

* Three half-days, scheduled to suit participants from Asia to the Americas
* Sessions in English, French and Spanish, with live captions
* Open to staff of member agencies and observer organisations
"""

SYMPOSIUM_TITLE = {
    "en": "Inter-Agency Task Force Technical Symposium {year}",
    "fr": "Symposium technique {year} de l'Équipe spéciale interinstitutions",
    "es": "Simposio técnico {year} del Equipo de Tareas Interinstitucional",
}
SYMPOSIUM_DESCRIPTION_FR = """\
Le **symposium technique** annuel de l'Équipe spéciale interinstitutions sur l'interopérabilité des données.

Les institutions membres et les organisations observatrices partagent ce qu'elles ont appris cette
année sur l'échange de données statistiques et opérationnelles entre organisations.

* Trois demi-journées, à des heures qui conviennent de l'Asie aux Amériques
* Séances en anglais, français et espagnol, avec sous-titrage en direct
* Ouvert au personnel des institutions membres et des organisations observatrices
"""
SYMPOSIUM_DESCRIPTION_ES = """\
El **simposio técnico** anual del Equipo de Tareas Interinstitucional sobre Interoperabilidad de Datos.

Los organismos miembros y las organizaciones observadoras comparten lo que aprendieron este año
sobre el intercambio de datos estadísticos y operativos entre organizaciones.

* Tres medias jornadas, en horarios adecuados de Asia a las Américas
* Sesiones en inglés, francés y español, con subtítulos en directo
* Abierto al personal de los organismos miembros y de las organizaciones observadoras
"""

CONFERENCE_DESCRIPTION = """\
The **International Conference on Data for Development**, held every two to three years.

Researchers and practitioners present peer-reviewed papers on data standards, privacy,
statistical methods and their use in humanitarian and development work.

The call for papers is open to everyone; submissions are reviewed double-blind by the
programme committee.
"""


def _next_year_dates(month: int, day: int, days: int) -> tuple[dt.date, dt.date]:
    year = dt.date.today().year + 1
    start = dt.date(year, month, day)
    return start, start + dt.timedelta(days=days - 1)


def _ensure_user(email, name, affiliation, country, timezone, is_admin, may_create) -> User:
    user = accounts.find_user_by_email(email)
    if user is None:
        user = accounts.create_user(email=email, name=name, password=DEMO_PASSWORD, verified=True,
                                    affiliation=affiliation, country=country, timezone=timezone)
        record("account.created_by_demo", actor=None, obj=user)
    user.is_admin = is_admin
    user.may_create_events = may_create or is_admin
    return user


def _ensure_event(slug: str, *, actor: User, **fields) -> Event:
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        event = event_ops.create_event(actor=actor, slug=slug, **fields)
        event_ops.publish_event(event, actor=actor)
    return event


def _ensure_role(event: Event, user: User, role: TeamRole) -> None:
    if role not in event.roles_of(user):
        event.roles.append(EventRole(user_id=user.id, role=role))


def refuse_in_production() -> None:
    """The demo's accounts have a published password (and one is a site administrator): they
    must never exist on a production site."""
    if current_app.config["APP_ENV"] == "production":
        raise NotAllowed(f"The demo refuses to run in production: it creates {DEMO_USERS[0][0]}, a site "
                         f"administrator, and other accounts whose password ({DEMO_PASSWORD}) is published. "
                         "Create the first administrator with flask users create-admin instead.")


def load_demo() -> str:
    refuse_in_production()
    users = {row[0].split("@")[0]: _ensure_user(*row) for row in DEMO_USERS}
    for row in DEMO_AUTHORS:
        _ensure_user(*row)
    db.session.flush()
    organiser = users["organiser"]

    start, end = _next_year_dates(3, 16, 3)
    symposium = _ensure_event(
        "iatf-symposium",
        actor=organiser,
        kind=EventKind.SYMPOSIUM,
        title=SYMPOSIUM_TITLE["en"].format(year=start.year),
        start_date=start,
        end_date=end,
        timezone="Europe/Zurich",
        format=EventFormat.VIRTUAL,
        venue="",
        online_details="Video conference; join links are sent to confirmed participants.",
        contact_email="symposium@example.org",
        description=SYMPOSIUM_DESCRIPTION,
        # Its pages, categories and agenda in the task force's three working languages.
        languages=["en", "fr", "es"],
        title_translations={code: SYMPOSIUM_TITLE[code].format(year=start.year) for code in ("fr", "es")},
        description_translations={"fr": SYMPOSIUM_DESCRIPTION_FR, "es": SYMPOSIUM_DESCRIPTION_ES},
    )
    start, end = _next_year_dates(10, 5, 4)
    conference = _ensure_event(
        "icdd",
        actor=organiser,
        kind=EventKind.CONFERENCE,
        title=f"International Conference on Data for Development {start.year}",
        start_date=start,
        end_date=end,
        timezone="Europe/Vienna",
        format=EventFormat.HYBRID,
        venue="Vienna International Centre, Wagramer Strasse 5, 1220 Vienna, Austria",
        online_details="Plenary sessions are streamed; remote presenters join by video.",
        contact_email="conference@example.org",
        description=CONFERENCE_DESCRIPTION,
    )
    _ensure_role(conference, users["chair"], TeamRole.TRACK_CHAIR)
    _ensure_role(conference, users["reviewer"], TeamRole.REVIEWER)
    _ensure_role(conference, users["desk"], TeamRole.DESK)  # the hybrid conference is where people check in
    _ensure_role(symposium, users["chair"], TeamRole.ORGANISER)
    db.session.flush()
    call_summary = load_call(conference, organiser=organiser)
    review_summary = load_review(conference, organiser=organiser, chair=users["chair"], reviewer=users["reviewer"],
                                 password=DEMO_PASSWORD)
    lines = [f"Demo loaded. Log in with any of these (password: {DEMO_PASSWORD}):"]
    lines += [f"  {email:26} {name}" for email, name, *_ in DEMO_USERS]
    lines.append(f"The submissions' other authors ({DEMO_AUTHORS[0][0]} and {len(DEMO_AUTHORS) - 1} more"
                 " at example.net) have the same password.")
    lines.append(call_summary)
    lines.append(review_summary)
    lines.append(load_registrations(symposium, conference, organiser=organiser, participant=users["participant"]))
    lines.append(load_agenda(conference, organiser=organiser))
    lines.append(load_symposium_agenda(symposium, organiser=organiser))
    lines.append(load_series(symposium, organiser=organiser, titles=SYMPOSIUM_TITLE))
    lines.append(load_archive(conference, admin=users["admin"], organiser=organiser))
    return "\n".join(lines)
