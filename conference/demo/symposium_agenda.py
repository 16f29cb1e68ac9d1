"""The demo symposium's agenda, in the task force's three working languages: two online rooms,
three half-day afternoons in Geneva (morning in the Americas, evening in Asia) of plenaries,
parallel sessions, talks and a panel, each text given in English, French and Spanish, and a
talk or two given in French or Spanish (the item's language, which frab exports carry).
Released as a first version; runs once per event (when it has rooms it changes nothing)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import sqlalchemy as sa

from conference.accounts.models import User
from conference.agenda import programme, releases
from conference.agenda.enums import ItemKind, SessionKind
from conference.agenda.models import Room
from conference.events.models import Event
from conference.extensions import db
from conference.mail.models import OutboxMessage

# (English, French, Spanish)
ROOMS = [("Main stage", "Scène principale", "Escenario principal"),
         ("Breakout room", "Salle de groupe", "Sala de grupos")]

# day, start, end, room (0 main, 1 breakout), kind, title (en, fr, es), description (en, fr, es),
# items: (kind, minutes, spoken language, title (en, fr, es), abstract (en, fr, es))
SESSIONS = [
    (0, (13, 0), (14, 0), 0, SessionKind.PLENARY,
     ("Opening", "Ouverture", "Apertura"),
     ("Welcome by the secretariat and the year's keynote.", "Accueil par le secrétariat et conférence principale "
      "de l'année.", "Bienvenida de la secretaría y conferencia principal del año."),
     [(ItemKind.TALK, 10, "en", ("Welcome", "Bienvenue", "Bienvenida"), ("", "", "")),
      (ItemKind.KEYNOTE, 45, "fr",
       ("Keynote: one vocabulary for many agencies", "Conférence principale : un vocabulaire pour de nombreuses "
        "institutions", "Conferencia principal: un vocabulario para muchos organismos"),
       ("How shared code lists cut the cost of exchanging data.", "Comment des listes de codes communes réduisent "
        "le coût des échanges de données.", "Cómo las listas de códigos comunes reducen el costo de intercambiar "
        "datos."))]),
    (0, (14, 0), (14, 15), 0, SessionKind.BREAK, ("Break", "Pause", "Pausa"), ("", "", ""), []),
    (0, (14, 15), (15, 45), 0, SessionKind.PARALLEL,
     ("Data exchange between agencies", "Échange de données entre institutions",
      "Intercambio de datos entre organismos"),
     ("Lessons from this year's joint projects.", "Les leçons des projets communs de cette année.",
      "Lecciones de los proyectos conjuntos de este año."),
     [(ItemKind.TALK, 30, "en", ("A common API for humanitarian data", "Une API commune pour les données "
       "humanitaires", "Una API común para los datos humanitarios"),
       ("One interface, four agencies, eighteen months.", "Une interface, quatre institutions, dix-huit mois.",
        "Una interfaz, cuatro organismos, dieciocho meses.")),
      (ItemKind.TALK, 30, "es", ("Registers of civil status across borders", "Les registres d'état civil "
       "par-delà les frontières", "Registros civiles más allá de las fronteras"),
       ("Matching records without sharing names.", "Relier des registres sans partager les noms.",
        "Vincular registros sin compartir nombres."))]),
    (0, (14, 15), (15, 45), 1, SessionKind.PARALLEL,
     ("Statistical quality", "Qualité statistique", "Calidad estadística"),
     ("Measuring what the data are worth.", "Mesurer ce que valent les données.", "Medir lo que valen los datos."),
     [(ItemKind.TALK, 30, "fr", ("Quality indicators for administrative data", "Indicateurs de qualité des "
       "données administratives", "Indicadores de calidad de los datos administrativos"),
       ("", "", ""))]),
    (1, (13, 0), (14, 30), 0, SessionKind.PLENARY,
     ("Panel: privacy and open data", "Table ronde : vie privée et données ouvertes",
      "Mesa redonda: privacidad y datos abiertos"),
     ("Members and observers debate where to draw the line.", "Membres et observateurs débattent de la limite "
      "à tracer.", "Miembros y observadores debaten dónde trazar la línea."),
     [(ItemKind.PANEL, 90, "en", ("Where to draw the line", "Où tracer la limite", "Dónde trazar la línea"),
       ("", "", ""))]),
    (2, (13, 0), (14, 0), 0, SessionKind.PLENARY,
     ("Closing", "Clôture", "Clausura"),
     ("Conclusions and next year's work plan.", "Conclusions et programme de travail de l'année prochaine.",
      "Conclusiones y plan de trabajo del próximo año."),
     [(ItemKind.TALK, 30, "en", ("Work plan for next year", "Programme de travail pour l'année prochaine",
                                 "Plan de trabajo para el próximo año"), ("", "", ""))]),
]


LANGUAGES = ("en", "fr", "es")


def _other(texts: tuple[str, str, str], language: str = "en") -> dict[str, str]:
    """The texts in the languages but ``language``, the one the text is written in."""
    return {code: text for code, text in zip(LANGUAGES, texts, strict=True) if code != language}


def _own(texts: tuple[str, str, str], language: str) -> str:
    return texts[LANGUAGES.index(language)]


def load_symposium_agenda(event: Event, *, organiser: User) -> str:
    if db.session.scalar(sa.select(Room.id).where(Room.event_id == event.id).limit(1)):
        return f"Agenda of {event.slug}: already loaded."
    queued_before = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    zone = zoneinfo.ZoneInfo(event.timezone)
    o = organiser
    rooms = [programme.save_room(event, actor=o, name=names[0], name_translations=_other(names), is_virtual=True,
                                 join_link=f"https://meet.example.org/iatf-{n + 1}")
             for n, names in enumerate(ROOMS)]
    items = 0
    for day, start, end, room, kind, title, description, talks in SESSIONS:
        def at(hour_minute: tuple[int, int], day=day) -> dt.datetime:
            return dt.datetime.combine(event.start_date + dt.timedelta(days=day), dt.time(*hour_minute), tzinfo=zone)

        session = programme.save_session(event, actor=o, title=title[0], title_translations=_other(title),
                                         description=description[0], description_translations=_other(description),
                                         kind=kind, room_id=rooms[room].id, starts_at=at(start), ends_at=at(end))
        for item_kind, minutes, spoken, item_title, abstract in talks:
            # An item's texts are written in the language it is given in, and translated into the others.
            item = programme.save_item(event, actor=o, title=_own(item_title, spoken),
                                       title_translations=_other(item_title, spoken),
                                       abstract=_own(abstract, spoken), abstract_translations=_other(abstract, spoken),
                                       kind=item_kind, duration=minutes, language=spoken)
            programme.place_item(item, actor=o, session=session)
            items += 1
    release = releases.release(event, actor=o, name="Symposium programme", comment="The first version.")
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id > queued_before))
    db.session.flush()
    return (f"Agenda of {event.slug}: {len(SESSIONS)} sessions and {items} items in English, French and Spanish, "
            f"released as version {release.number}.")
