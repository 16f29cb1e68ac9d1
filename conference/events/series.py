"""Series of events: starting and editing one, and what its page lists."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import lazyload

from conference.core.audit import record
from conference.core.translations import clean_translations
from conference.errors import AlreadyExists, DomainError, NotAllowed
from conference.events.enums import EventStatus, SeriesFrequency
from conference.events.models import Event, Series
from conference.events.setup import RESERVED_SLUGS, SLUG_RE
from conference.extensions import db
from conference.i18n import default_language, languages

SERIES_FIELDS = ("name", "slug", "frequency", "description", "name_translations", "description_translations")


def series_languages() -> list[str]:
    """The languages a series' texts may be translated into: the site's, but its default one."""
    return [code for code in languages() if code != default_language()]


def _clean(values: dict, *, exclude_id: int | None) -> dict:
    """The values as stored; every rule checked before anything changes (a taken slug would
    otherwise fail only at flush, as an error page)."""
    values = {name: values.get(name) for name in SERIES_FIELDS}
    values["name"] = " ".join((values["name"] or "").split())
    values["description"] = (values["description"] or "").strip()
    values["slug"] = (values["slug"] or "").strip().lower()
    if not values["name"]:
        raise DomainError(_("Give the series a name."), field="name")
    if len(values["name"]) > 200:
        raise DomainError(_("A name can have at most %(max)d characters.", max=200), field="name")
    if not SLUG_RE.match(values["slug"]) or values["slug"] in RESERVED_SLUGS:
        raise DomainError(_("Use lower-case letters, digits and hyphens (e.g. symposium-2027), "
                            "not starting or ending with a hyphen."), field="slug")
    taken = sa.select(Series.id).where(Series.slug == values["slug"])
    if exclude_id is not None:
        taken = taken.where(Series.id != exclude_id)
    if db.session.scalar(taken) is not None:
        raise AlreadyExists(_("Another series already uses this address. Choose a different one."), field="slug")
    try:
        values["frequency"] = SeriesFrequency(values["frequency"])
    except ValueError as exc:
        raise DomainError(_("Choose one of the options."), field="frequency") from exc
    others = series_languages()
    values["name_translations"] = clean_translations(values["name_translations"], field="name_translations",
                                                     languages=others, max_length=200, one_line=True)
    values["description_translations"] = clean_translations(
        values["description_translations"], field="description_translations", languages=others, max_length=50000)
    return values


def create_series(*, actor, **fields) -> Series:
    """Start a series: whoever may create events may."""
    if actor is None or not Series.can_create(actor):
        raise NotAllowed(_("You do not have the right to create events. Ask a site administrator."))
    series = Series(created_by_id=actor.id, **_clean(fields, exclude_id=None))
    db.session.add(series)
    db.session.flush()
    record("series.created", actor=actor, obj=series, name=series.name)
    return series


def update_series(series: Series, *, actor, **fields) -> Series:
    if actor is None or not series.can_edit(actor):
        raise NotAllowed(_("You do not have the right to create events. Ask a site administrator."))
    values = _clean({name: fields.get(name, getattr(series, name)) for name in SERIES_FIELDS}, exclude_id=series.id)
    changed = sorted(name for name in SERIES_FIELDS if getattr(series, name) != values[name])
    for name in changed:
        setattr(series, name, values[name])
    db.session.flush()
    if changed:
        record("series.updated", actor=actor, obj=series, fields=changed)
    return series


def all_series() -> list[Series]:
    """Every series, by name (for the list on the events page and the event's settings)."""
    return list(db.session.scalars(sa.select(Series).order_by(Series.name, Series.id)))


def editions(series: Series, *, today: dt.date) -> tuple[list[Event], list[Event]]:
    """The series' published editions as (coming or running, soonest first) and (past, latest
    first), ``today`` being the viewer's date: one query however many there are."""
    listed = db.session.scalars(
        sa.select(Event)
        .where(Event.series_id == series.id, Event.status == EventStatus.PUBLISHED)
        .options(lazyload(Event.roles))
        .order_by(Event.start_date, Event.id)
    ).all()
    coming = [event for event in listed if event.end_date >= today]
    past = [event for event in reversed(listed) if event.end_date < today]
    return coming, past
