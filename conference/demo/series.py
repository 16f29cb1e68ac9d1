"""The demo's series: the task force's yearly technical symposium, with last year's edition made
from this year's (as organisers make the next one from the last), published and over."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from conference.accounts.models import User
from conference.events import series as series_ops
from conference.events import setup as event_ops
from conference.events.cloning import clone_event
from conference.events.models import Event, Series
from conference.extensions import db

SERIES_NAME = {
    "en": "Technical symposium of the task force",
    "fr": "Symposium technique de l'Équipe spéciale",
    "es": "Simposio técnico del Equipo de Tareas",
}
SERIES_DESCRIPTION = {
    "en": "Each year, member agencies and observers share what they learnt about exchanging data.",
    "fr": "Chaque année, les institutions membres et les observateurs partagent ce qu'ils ont appris sur "
          "l'échange de données.",
    "es": "Cada año, los organismos miembros y los observadores comparten lo que aprendieron sobre el "
          "intercambio de datos.",
}


def _last_edition_start(symposium: Event, today: dt.date) -> dt.date:
    """The latest day in the past with the symposium's month and day, a year or more before it."""
    start = symposium.start_date.replace(year=today.year)
    length = symposium.end_date - symposium.start_date
    if start + length >= today:
        start = start.replace(year=today.year - 1)
    return start


def load_series(symposium: Event, *, organiser: User, titles: dict[str, str]) -> str:
    """``titles``: the symposium's title in each language, with ``{year}``."""
    series = db.session.scalar(sa.select(Series).where(Series.slug == "iatf-technical-symposium"))
    if series is None:
        series = series_ops.create_series(
            actor=organiser, slug="iatf-technical-symposium", name=SERIES_NAME["en"], frequency="yearly",
            description=SERIES_DESCRIPTION["en"],
            name_translations={code: SERIES_NAME[code] for code in ("fr", "es")},
            description_translations={code: SERIES_DESCRIPTION[code] for code in ("fr", "es")})
    if symposium.series_id is None:
        event_ops.update_event(symposium, actor=organiser, series_id=series.id)
    start = _last_edition_start(symposium, dt.date.today())
    slug = f"iatf-symposium-{start.year}"
    if db.session.scalar(sa.select(Event.id).where(Event.slug == slug)) is None:
        past = clone_event(symposium, title=titles["en"].format(year=start.year), slug=slug, starts_on=start,
                           actor=organiser)
        event_ops.update_event(past, actor=organiser, title_translations={
            code: titles[code].format(year=start.year) for code in ("fr", "es")})
        event_ops.publish_event(past, actor=organiser)
    return f"Series: {SERIES_NAME['en']} at /series/{series.slug}/, with the {start.year} edition at /events/{slug}/."
