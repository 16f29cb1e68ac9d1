"""The demo's registrations: the virtual symposium with member, observer (approval) and
invitation-only categories (resource persons, exempt from reconfirmation) and a small public
form that is full with a waiting list; the hybrid conference with separate in-person and online
capacities, a request to switch mode, and participants who asked for the agenda-change summary.

Registrations in every state: confirmed, pending approval, on the waiting list, offered a
place, rejected, cancelled, and a few checked in. Through the domain functions, so the
waiting list moves as it would; the mail they queue is deleted again. Runs once per event:
when the event has registration forms it changes nothing.

The symposium's delegations: the task force's members and observers as organisations with
online quotas, email domains and focal points (demo accounts with the demo password, one
invited by email only, and an observer without focal points whom the organisers decide for),
with delegates approved, pending for their focal point and nominated."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from conference.accounts import users as accounts
from conference.accounts.models import User
from conference.core.audit import record
from conference.core.enums import QuestionKind
from conference.core.types import utcnow
from conference.delegations import delegations
from conference.delegations import overview as delegation_overview
from conference.delegations.enums import OrganisationKind
from conference.events.models import Event
from conference.extensions import db
from conference.mail.models import OutboxMessage
from conference.registration import checkin
from conference.registration import registrations as registration
from conference.registration import setup as registration_setup
from conference.registration.enums import (
    AttendanceMode,
    ListVisibility,
    RegistrationState,
)
from conference.registration.models import (
    ParticipantCategory,
    Registration,
    RegistrationForm,
)

FIRST = ["Ana", "Bilal", "Carmen", "Dawit", "Elif", "Farid", "Grace", "Hana", "Ivan", "Joana", "Kofi", "Lina",
         "Mateo", "Nadia", "Omar", "Paula", "Qiang", "Rania", "Samir", "Tara", "Uma", "Viktor", "Wen", "Ximena",
         "Yusuf", "Zainab"]
LAST = ["Alves", "Banda", "Costa", "Diop", "Eriksson", "Fofana", "Gupta", "Haddad", "Ito", "Jensen", "Kamau",
        "Lopez", "Mensah", "Nguyen", "Okoye", "Petrov", "Quispe", "Rossi", "Sato", "Tembo", "Umar", "Vega",
        "Wang", "Xavier", "Yilmaz", "Zulu"]
AGENCIES = ["Member Agency for Statistics", "Member Agency for Health", "Member Agency for Migration",
            "Member Agency for Food and Agriculture", "Observer Institute for Data",
            "Observer Network for Humanitarian Data"]


def _people(n: int, start: int = 0) -> list[tuple[str, str, str]]:
    people = []
    for i in range(start, start + n):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        people.append((f"{first} {last}", f"{first.lower()}.{last.lower()}{i}@example.net", AGENCIES[i % 6]))
    return people


def _register(form, category, person, *, mode=None, listed=True, user=None, answers=None, agenda_updates=False,
              now):
    name, email, affiliation = person
    return registration.register(form, category=category, name=name, email=email, affiliation=affiliation,
                                 user=user, mode=mode, privacy_consent=True, listed=listed, answers=answers or {},
                                 agenda_updates=agenda_updates, now=now)


def load_registrations(symposium: Event, conference: Event, *, organiser: User, participant: User) -> str:
    if db.session.scalar(sa.select(RegistrationForm.id).where(RegistrationForm.event_id == symposium.id).limit(1)):
        return "Registrations: already loaded."
    queued_before = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    now = utcnow()
    opened = now - dt.timedelta(days=20)
    summary = [_symposium(symposium, organiser=organiser, participant=participant, opened=opened, now=now),
               _delegations(symposium, organiser=organiser, opened=opened, now=now),
               _conference(conference, organiser=organiser, opened=opened, now=now)]
    db.session.execute(sa.delete(OutboxMessage).where(
        OutboxMessage.id > queued_before,
        sa.or_(OutboxMessage.template.like("registration%"), OutboxMessage.template.like("delegation%"),
               OutboxMessage.template == "focal_point_invitation")))
    db.session.flush()
    return "Registrations: " + "; ".join(summary) + "."


def _symposium(event: Event, *, organiser: User, participant: User, opened: dt.datetime, now: dt.datetime) -> str:
    closes = dt.datetime.combine(event.start_date - dt.timedelta(days=7), dt.time(12), tzinfo=dt.UTC)
    registration_setup.update_settings(event, actor=organiser, capacity_in_person=None, capacity_online=250,
                                       offer_hold_hours=48, participant_list=ListVisibility.PARTICIPANTS)
    main = registration_setup.save_form(
        event, actor=organiser, title="Members and observers", opens_at=opened, closes_at=closes,
        intro="For staff of member agencies and observer organisations of the task force.",
        title_translations={"fr": "Membres et observateurs", "es": "Miembros y observadores"},
        intro_translations={
            "fr": "Pour le personnel des institutions membres et des organisations observatrices de l'Équipe spéciale.",
            "es": "Para el personal de los organismos miembros y de las organizaciones observadoras del Equipo de "
                  "Tareas."})
    public = registration_setup.save_form(
        event, actor=organiser, title="Public", opens_at=opened, closes_at=closes,
        intro="A few places for everyone else interested in data interoperability.",
        title_translations={"fr": "Public", "es": "Público"},
        intro_translations={"fr": "Quelques places pour toute autre personne intéressée par l'interopérabilité des "
                                  "données.",
                            "es": "Algunas plazas para cualquier otra persona interesada en la interoperabilidad de "
                                  "los datos."})
    members = registration_setup.save_category(
        main, actor=organiser, name="Member agency", capacity_online=150,
        description="Staff of a member agency of the task force.",
        name_translations={"fr": "Institution membre", "es": "Organismo miembro"},
        description_translations={"fr": "Personnel d'une institution membre de l'Équipe spéciale.",
                                  "es": "Personal de un organismo miembro del Equipo de Tareas."})
    observers = registration_setup.save_category(
        main, actor=organiser, name="Observer organisation", capacity_online=60, requires_approval=True,
        description="Staff of an observer organisation; the secretariat confirms each registration.",
        name_translations={"fr": "Organisation observatrice", "es": "Organización observadora"},
        description_translations={
            "fr": "Personnel d'une organisation observatrice ; le secrétariat confirme chaque inscription.",
            "es": "Personal de una organización observadora; la secretaría confirma cada inscripción."})
    resource = registration_setup.save_category(
        main, actor=organiser, name="Resource person", invitation_only=True, reconfirmation_exempt=True,
        description="Invited experts and speakers.",
        name_translations={"fr": "Personne ressource", "es": "Persona de recurso"},
        description_translations={"fr": "Experts et intervenants invités.", "es": "Expertos y ponentes invitados."})
    everyone = registration_setup.save_category(public, actor=organiser, name="Public", capacity_online=12,
                                                name_translations={"fr": "Public", "es": "Público"})
    sessions = registration_setup.save_question(
        main, actor=organiser, label="Which half-days will you follow?", kind=QuestionKind.MULTIPLE_CHOICE,
        options=["Day 1: standards", "Day 2: privacy", "Day 3: operations"], required=True,
        translations={"label": {"fr": "Quelles demi-journées suivrez-vous ?", "es": "¿Qué medias jornadas seguirá?"},
                      "options": {"fr": "Jour 1 : normes\nJour 2 : vie privée\nJour 3 : opérations",
                                  "es": "Día 1: normas\nDía 2: privacidad\nDía 3: operaciones"}})
    registration_setup.save_question(main, actor=organiser, label="Country of your duty station",
                                     kind=QuestionKind.COUNTRY,
                                     translations={"label": {"fr": "Pays de votre lieu d'affectation",
                                                             "es": "País de su lugar de destino"}})
    registration_setup.invite(event, actor=organiser, category=resource, email="resource.person@example.net",
                              name="Mariam Tadesse")

    days = {"answers": {sessions.id: ["Day 1: standards", "Day 3: operations"]}}
    at = opened + dt.timedelta(hours=1)
    _register(main, members, (participant.name, participant.email, participant.affiliation), user=participant,
              now=at, **days)
    for n, person in enumerate(_people(18)):
        category = observers if n % 3 == 0 else members
        _register(main, category, person, now=at + dt.timedelta(hours=n + 1), **days)
    pending = [r for r in _registrations(event) if r.state == RegistrationState.PENDING]
    registration.approve(pending[0], actor=organiser, now=at + dt.timedelta(days=1))
    registration.reject(pending[1], actor=organiser, message="Please register through your member agency.",
                        now=at + dt.timedelta(days=1))
    # The public form fills up; two cancel, so the first waiting get offers, one of which is taken.
    public_people = _people(16, start=40)
    for n, person in enumerate(public_people):
        _register(public, everyone, person, now=at + dt.timedelta(days=2, hours=n))
    by_email = {r.email: r for r in _registrations(event)}
    registration.cancel(by_email[public_people[0][1]], actor=None, now=now - dt.timedelta(days=3))
    registration.cancel(by_email[public_people[1][1]], actor=None, now=now - dt.timedelta(hours=2))
    offered = sorted((r for r in _registrations(event) if r.state == RegistrationState.OFFERED),
                     key=lambda r: r.offer_expires_at)
    registration.accept_offer(offered[0], actor=None, now=now - dt.timedelta(days=2))
    counts = _count(event)
    return (f"{event.slug}: " + ", ".join(f"{n} {state.value}" for state, n in counts.items() if n))


# name, acronym, kind, country or region, domain, online quota, focal point (name, account?) or None
ORGANISATIONS = [
    ("World Meteorological Organization", "WMO", OrganisationKind.MEMBER, "CH", "wmo.example.org", 6,
     ("Hiroshi Tanaka", True)),
    ("United Nations Environment Programme", "UNEP", OrganisationKind.MEMBER, "KE", "unep.example.org", 5,
     ("Wanjiru Kamau", True)),
    ("United Nations Office for Disaster Risk Reduction", "UNDRR", OrganisationKind.MEMBER, "CH",
     "undrr.example.org", 4, ("Lucía Romero", True)),
    ("World Health Organization", "WHO", OrganisationKind.MEMBER, "CH", "who.example.org", 6,
     ("Amara Okafor", True)),
    ("Food and Agriculture Organization", "FAO", OrganisationKind.MEMBER, "IT", "fao.example.org", 5,
     ("Giulia Bianchi", False)),
    ("International Federation of Red Cross and Red Crescent Societies", "IFRC", OrganisationKind.OBSERVER, "CH",
     "ifrc.example.org", 3, ("Sven Olsen", True)),
    ("University Consortium for Humanitarian Data", "UCHD", OrganisationKind.OBSERVER, "Europe",
     "uchd.example.org", 2, None),
]


def _address(name: str, domain: str) -> str:
    return ".".join(name.lower().replace("í", "i").split()) + "@" + domain


# The focal points' demo accounts (one more focal point is invited by email only).
FOCAL_POINT_ACCOUNTS = [_address(row[6][0], row[4]) for row in ORGANISATIONS if row[6] and row[6][1]]
# per acronym: people who registered naming it (approved by the focal point, left pending) and nominees
# (registered from the mailed link, still open)
DELEGATES = {
    "WMO": ([("Kenji Mori", True), ("Sara Lind", False)], [("Ola Berg", True), ("Ines Duarte", False)]),
    "UNEP": ([("Otieno Njoroge", True), ("Maya Singh", True), ("Tom Weber", False)], [("Lea Fischer", False)]),
    "UNDRR": ([("Pablo Ruiz", True)], []),
    "WHO": ([("Nour Haddad", True), ("Ravi Menon", False), ("Anna Kowalska", False)], [("Jin Park", True)]),
    "FAO": ([("Marco Conti", False)], []),
    "IFRC": ([("Aisha Bello", True), ("Erik Holm", False)], []),
    "UCHD": ([("Daniel Cohen", False)], []),
}


def _focal_account(name: str, email: str, affiliation: str, country: str, *, organiser: User) -> User:
    user = accounts.find_user_by_email(email)
    if user is None:
        user = accounts.create_user(email=email, name=name, password=None, verified=True, affiliation=affiliation,
                                    country=country if len(country) == 2 else "", timezone="Europe/Zurich")
        # Every demo account shares the demo password: the organiser's.
        user.password_hash = organiser.password_hash
        record("account.created_by_demo", actor=None, obj=user)
    return user


def _delegations(event: Event, *, organiser: User, opened: dt.datetime, now: dt.datetime) -> str:
    categories = {c.name: c for c in db.session.scalars(
        sa.select(ParticipantCategory).where(ParticipantCategory.event_id == event.id))}
    main = db.session.scalar(sa.select(RegistrationForm).where(RegistrationForm.event_id == event.id,
                                                               RegistrationForm.title == "Members and observers"))
    if main is None:  # _symposium made it
        raise RuntimeError("the symposium's registration form is missing")
    days = {q.id: q.options[:2] for q in main.questions if q.kind == QuestionKind.MULTIPLE_CHOICE}
    focal_logins = []
    counts = {"approved": 0, "pending": 0, "nominated": 0}
    at = opened + dt.timedelta(days=3)
    for name, acronym, kind, country, domain, quota, focal in ORGANISATIONS:
        category = categories["Member agency" if kind == OrganisationKind.MEMBER else "Observer organisation"]
        organisation = delegations.save_organisation(
            event, actor=organiser, name=name, acronym=acronym, kind=kind, country=country, email_domains=domain,
            quota_online=quota, category=category)
        focal_user = None
        if focal is not None:
            focal_name, with_account = focal
            email = _address(focal_name, domain)
            if with_account:
                focal_user = _focal_account(focal_name, email, acronym, country, organiser=organiser)
                focal_logins.append(email)
            delegations.add_focal_point(organisation, actor=organiser, email=email, name=focal_name)
        claimed, nominees = DELEGATES[acronym]
        for person, approve in claimed:
            at += dt.timedelta(hours=3)
            delegate = registration.register(main, category=category, name=person, email=_address(person, domain),
                                             affiliation=acronym, privacy_consent=True, listed=True,
                                             organisation=organisation, now=at, answers=days)
            if approve and delegate.state == RegistrationState.PENDING:
                delegations.approve(delegate, actor=focal_user or organiser, now=at + dt.timedelta(hours=5))
            counts["approved" if delegate.state == RegistrationState.CONFIRMED else "pending"] += 1
        for person, registers in nominees:
            at += dt.timedelta(hours=3)
            invitation = delegations.nominate(organisation, actor=focal_user, email=_address(person, domain),
                                              name=person, message="Please join our delegation.", now=at)
            if registers:
                registration.register(main, category=category, name=person, email=invitation.email,
                                      affiliation=acronym, privacy_consent=True, listed=True, invitation=invitation,
                                      now=at + dt.timedelta(hours=2), answers=days)
                counts["approved"] += 1
            else:
                counts["nominated"] += 1
    deadline = dt.datetime.combine(event.start_date - dt.timedelta(days=14), dt.time(17), tzinfo=dt.UTC)
    delegation_overview.set_focal_point_deadline(event, actor=organiser, deadline=max(deadline, now + dt.timedelta(
        days=2)), now=now)
    return (f"{len(ORGANISATIONS)} delegations with {counts['approved']} delegates approved, {counts['pending']} "
            f"pending and {counts['nominated']} nominations open; focal points log in as "
            + ", ".join(focal_logins) + " (same password)")


def _conference(event: Event, *, organiser: User, opened: dt.datetime, now: dt.datetime) -> str:
    closes = dt.datetime.combine(event.start_date - dt.timedelta(days=14), dt.time(12), tzinfo=dt.UTC)
    registration_setup.update_settings(event, actor=organiser, capacity_in_person=None, capacity_online=None,
                                       offer_hold_hours=72, participant_list=ListVisibility.PUBLIC)
    form = registration_setup.save_form(event, actor=organiser, title="Conference registration", opens_at=opened,
                                        closes_at=closes, intro="In Vienna or online.")
    presenters = registration_setup.save_category(form, actor=organiser, name="Presenter", capacity_in_person=60,
                                                  description="Authors of accepted papers.")
    participants = registration_setup.save_category(form, actor=organiser, name="Participant", capacity_in_person=6,
                                                    capacity_online=200)
    registration_setup.save_question(form, actor=organiser, label="Dietary requirements (in person)",
                                     kind=QuestionKind.SHORT_TEXT)
    at = opened + dt.timedelta(hours=5)
    people = _people(12, start=80)
    # Every other participant asks for the summary mail when the agenda changes.
    for n, person in enumerate(people[:8]):
        _register(form, participants, person, mode=AttendanceMode.IN_PERSON, agenda_updates=n % 2 == 0,
                  now=at + dt.timedelta(hours=n))
    for n, person in enumerate(people[8:]):
        _register(form, participants, person, mode=AttendanceMode.ONLINE, agenda_updates=n % 2 == 0,
                  now=at + dt.timedelta(days=1, hours=n))
    for n, person in enumerate(_people(4, start=120)):
        _register(form, presenters, person, mode=AttendanceMode.IN_PERSON, now=at + dt.timedelta(days=2, hours=n))
    online = [r for r in _registrations(event) if r.mode == AttendanceMode.ONLINE]
    registration.request_mode_switch(online[0], actor=None, mode=AttendanceMode.IN_PERSON,
                                     now=at + dt.timedelta(days=3))
    confirmed = [r for r in _registrations(event) if r.state == RegistrationState.CONFIRMED]
    for person in confirmed[:2]:
        checkin.check_in(person, actor=organiser, now=now - dt.timedelta(hours=1))
    counts = _count(event)
    return (f"{event.slug}: " + ", ".join(f"{n} {state.value}" for state, n in counts.items() if n)
            + ", one waiting to switch to in person, two checked in")


def _registrations(event: Event):
    db.session.flush()
    return list(db.session.scalars(sa.select(Registration).where(Registration.event_id == event.id)
                                   .order_by(Registration.id)))


def _count(event: Event) -> dict:
    states = [r.state for r in _registrations(event)]
    return {state: states.count(state) for state in RegistrationState}
